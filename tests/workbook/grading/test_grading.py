"""Grading round trips: the zip path and the nbgrader exchange path.

The tiny assignment (tests/grading/tiny.py) runs every path quickly; the full
eight-notebook workbook is graded for stub, reference and partial submissions
once its source notebooks exist. Expected scores come from the notebooks'
points, never typed by hand.
"""

import csv
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from tests.grading import tiny
from workbook.grading import course, grade, intake
from workbook import submit

pytestmark = pytest.mark.slow
REPO = course.REPO


def nbgrader(root, *args, cwd=None):
    command = [str(Path(sys.executable).parent / "nbgrader"), *args]
    done = subprocess.run(command, cwd=cwd or REPO, env=course.tool_env(root), capture_output=True, text=True)
    assert done.returncode == 0 and course.CONFIG_ERROR not in done.stderr, done.stderr[-2000:]
    return done


@pytest.fixture(scope="module")
def tiny_course(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tiny")
    notebooks, package = tiny.write_source(tmp / "src")
    return course.build(tmp / "course", notebooks, package, assignment=tiny.ASSIGNMENT)


PARTIAL = {"__init__.py": tiny.REFERENCE["__init__.py"],
           "ops.py": "def double(x):\n    return 2 * x\n\n\ndef triple(x):\n    raise NotImplementedError\n"}
EXPECTED = {"ref": tiny.points(2), "stub": 0, "partial": tiny.points(1)}


@pytest.fixture(scope="module")
def zip_run(tiny_course, tmp_path_factory):
    """Grade ref, stub and partial zips with ``workbook grade`` (two jobs)."""
    tmp = tmp_path_factory.mktemp("zips")
    release = tiny_course / "release" / tiny.ASSIGNMENT
    packages = {"ref": tiny.REFERENCE, "stub": tiny.STUB, "partial": PARTIAL}
    for student, files in packages.items():
        tiny.make_zip(tmp / "in" / f"{student}__mytensor-workbook.zip", release, files, student)
    out = tmp / "out"
    code = grade.main([str(tmp / "in"), "--course", str(tiny_course), "--out", str(out), "--jobs", "2",
                       "--assignment", tiny.ASSIGNMENT])
    return tiny_course, out, code


def read_grades(path):
    with open(path) as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


def test_zip_path_scores_from_points(zip_run):
    _, out, code = zip_run
    rows = read_grades(out / "grades.csv")
    assert code == 0
    assert {s: float(rows[s]["total"]) for s in EXPECTED} == EXPECTED
    assert float(rows["partial"]["x1"]) == tiny.points(1) and float(rows["partial"]["x2"]) == 0
    assert (out / "nbgrader_grades.csv").is_file()
    assert "data:image/png;base64," in (out / "report.html").read_text()


def test_student_side_runs_in_the_sandbox_and_checks_here(zip_run):
    """The submitted package is imported in the sandbox only; the checks come from the repository."""
    root, _, _ = zip_run
    nb = nbformat.read(root / "autograded" / "ref" / tiny.ASSIGNMENT / "x1_double.ipynb", as_version=4)
    lines = "".join(nb.cells[1].outputs[0].text).splitlines()
    paths = dict(line.split(" ", 1) for line in lines)
    assert paths["MYTENSOR"] == "/sandbox/submission/mytensor/__init__.py"
    assert paths["WORKBOOK"] == str(REPO / "workbook" / "__init__.py")


def test_feedback_shows_messages_but_no_hidden_test_code(zip_run):
    root, _, _ = zip_run
    for student in EXPECTED:
        for page in (root / "feedback" / student / tiny.ASSIGNMENT).glob("*.html"):
            assert tiny.HIDDEN_MARKER not in page.read_text(), page
    stub_page = (root / "feedback" / "stub" / tiny.ASSIGNMENT / "x1_double.html").read_text()
    assert "NotImplementedError" in stub_page and "Task 1.1" in stub_page
    source = (root / "source" / tiny.ASSIGNMENT / "x1_double.ipynb").read_text()
    assert tiny.HIDDEN_MARKER in source


def test_no_sandbox_grades_and_marks_every_row(tiny_course, tmp_path):
    """--no-sandbox still grades, through the same worker as a plain process, and says so."""
    release = tiny_course / "release" / tiny.ASSIGNMENT
    for student, files in {"free-ref": tiny.REFERENCE, "free-stub": tiny.STUB}.items():
        tiny.make_zip(tmp_path / "in" / f"{student}__mytensor-workbook.zip", release, files, student)
    out = tmp_path / "out"
    try:
        code = grade.main([str(tmp_path / "in"), "--course", str(tiny_course), "--out", str(out),
                           "--assignment", tiny.ASSIGNMENT, "--no-sandbox"])
    finally:
        os.environ.pop("WORKBOOK_NO_SANDBOX", None)
    rows = read_grades(out / "grades.csv")
    assert code == 0
    assert float(rows["free-ref"]["total"]) == tiny.points() and float(rows["free-stub"]["total"]) == 0
    assert all(row["flags"].startswith("UNSANDBOXED") for row in rows.values())
    assert "UNSANDBOXED" in (out / "report.html").read_text()


def test_exclude_overwriting_is_generated_from_the_package(tiny_course):
    listed = course.exclude_overwriting(tiny_course)[tiny.ASSIGNMENT]
    assert listed == sorted(f"mytensor/{name}" for name in tiny.STUB)


def test_nbgrader_zip_collect_files_a_submission_zip(tiny_course, tmp_path):
    """The stock `nbgrader zip_collect` understands `workbook submit`'s zips too."""
    root = Path(shutil.copytree(tiny_course, tmp_path / "course"))
    release = root / "release" / tiny.ASSIGNMENT
    archive = root / "downloaded" / tiny.ASSIGNMENT / "archive"
    tiny.make_zip(archive / "ada__mytensor-workbook.zip", release, tiny.REFERENCE, "ada")
    nbgrader(root, "zip_collect", tiny.ASSIGNMENT)
    filed = root / "submitted" / "ada" / tiny.ASSIGNMENT
    wanted = sorted([p.name for p in release.glob("*.ipynb")] + [f"mytensor/{name}" for name in tiny.REFERENCE])
    assert sorted(str(p.relative_to(filed)) for p in filed.rglob("*") if p.is_file()) == wanted


def test_exchange_round_trip(tmp_path, monkeypatch):
    """release, fetch, submit, collect, autograde, feedback, release/fetch feedback, export."""
    notebooks, package = tiny.write_source(tmp_path / "src")
    tiny_course = course.build(tmp_path / "course", notebooks, package, assignment=tiny.ASSIGNMENT)
    monkeypatch.setenv("WORKBOOK_COURSE", str(tiny_course))
    monkeypatch.setenv("WORKBOOK_EXCHANGE", str(tmp_path / "exchange"))
    (tmp_path / "exchange").mkdir()
    os.chmod(tmp_path / "exchange", 0o777)
    nbgrader(tiny_course, "release_assignment", tiny.ASSIGNMENT, "--force")
    for student, files in {"ex-ref": tiny.REFERENCE, "ex-stub": tiny.STUB}.items():
        home = tmp_path / student
        home.mkdir()
        cache = f"--Exchange.cache={tmp_path / ('cache-' + student)}"
        student_side = [f"--Exchange.root={tmp_path / 'exchange'}", f"--CourseDirectory.course_id={course.COURSE_ID}"]
        nbgrader(tiny_course, "fetch_assignment", tiny.ASSIGNMENT, cache, *student_side, cwd=home)
        tiny.write_package(home / tiny.ASSIGNMENT / "mytensor", files)
        nbgrader(tiny_course, "submit", tiny.ASSIGNMENT, f"--student={student}", cache, *student_side, cwd=home)
    out = tmp_path / "out"
    argv = ["--exchange", "--any-owner", "--course", str(tiny_course), "--out", str(out), "--assignment", tiny.ASSIGNMENT]
    assert grade.main(argv) == 0  # every entry is root's: no account is named ex-ref
    rows = read_grades(out / "grades.csv")
    assert float(rows["ex-ref"]["total"]) == tiny.points() and float(rows["ex-stub"]["total"]) == 0
    nbgrader(tiny_course, "release_feedback", tiny.ASSIGNMENT)
    home = tmp_path / "ex-ref"
    nbgrader(tiny_course, "fetch_feedback", tiny.ASSIGNMENT, "--student=ex-ref",
             f"--Exchange.cache={tmp_path / 'cache-ex-ref'}", *student_side, cwd=home)
    pages = list((home / tiny.ASSIGNMENT / "feedback").rglob("x1_double.html"))
    assert pages and tiny.HIDDEN_MARKER not in pages[0].read_text()
    assert not (out / "report.html").read_text().count("left out")
    nbgrader(tiny_course, "export", f"--to={out / 'export.csv'}")
    assert "ex-ref" in (out / "export.csv").read_text()


def test_bad_input_names_the_file_and_the_fix(tmp_path):
    with pytest.raises(SystemExit, match="is not a folder"):
        intake.find_zips(tmp_path / "missing")
    bad = tmp_path / "a__mytensor-workbook.zip"
    bad.write_text("not a zip")
    with pytest.raises(intake.BadSubmission, match="not a readable zip.*make submit"):
        intake.read_zip(bad)
    empty = tmp_path / "b__mytensor-workbook.zip"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("deep/er/x1.ipynb", "{}")
    with pytest.raises(intake.BadSubmission, match=f"{empty}: no notebook at the top"):
        intake.read_zip(empty)


def test_submit_packs_notebooks_package_and_id(tmp_path, tiny_course):
    release = tiny_course / "release" / tiny.ASSIGNMENT
    assert submit.main(["--student", "s123", "--notebooks", str(release), "--package",
                        str(release / "mytensor"), "--out", str(tmp_path)]) == 0
    archive = tmp_path / "s123__mytensor-workbook.zip"
    with zipfile.ZipFile(archive) as zf:
        names = sorted(zf.namelist())
        manifest = json.loads(zf.read("submission.json"))
    assert names == sorted(["x1_double.ipynb", "x2_triple.ipynb", "mytensor/__init__.py", "mytensor/ops.py", "submission.json"])
    assert manifest["student_id"] == "s123" and intake.read_zip(archive).student == "s123"
    with pytest.raises(SystemExit, match="may hold only"):
        submit.student_id("bad id!")


SOLUTIONS = REPO / "solutions"


def _points(notebooks, upto):
    total = 0
    for path in notebooks:
        if int(path.name[1]) <= upto:
            for cell in nbformat.read(path, as_version=4).cells:
                meta = cell.metadata.get("nbgrader", {})
                total += meta.get("points", 0) if meta.get("grade") else 0
    return total


@pytest.fixture(scope="module")
def full_workbook(tmp_path_factory):
    """Every notebook graded with two jobs: stubs, a checker-patching stub, sections 1-3 done, the reference,
    and the reference with strides listed backwards.

    Returns ``(tmp, course root, {jobs: grades.csv rows}, notebooks)``; the run with one job follows in the test.
    """
    from tests.workbook.grading.test_integrity import PATCH_CHECKER
    from workbook.release import stubbing

    tmp = tmp_path_factory.mktemp("full")
    notebooks = sorted(SOLUTIONS.glob("x[0-9]_*.ipynb"))
    stubbing.write_files(stubbing.build_package(SOLUTIONS), tmp / "student")
    root = course.build(tmp / "course", notebooks, tmp / "student" / "mytensor")
    for student, keep in FULL_WORKBOOK.items():
        files = {k[len("mytensor/"):]: v.decode() for k, v in stubbing.build_package(SOLUTIONS, keep).items()}
        if student == "patcher":
            files["__init__.py"] = PATCH_CHECKER + files["__init__.py"]
        if student == "reversed":  # a plausible bug of Task 1.1 that later tasks meet too
            assert files["_layout.py"].count(REVERSED[0]) == 1
            files["_layout.py"] = files["_layout.py"].replace(*REVERSED)
        tiny.make_zip(tmp / "in" / f"{student}__mytensor-workbook.zip", root / "release" / course.ASSIGNMENT, files, student)
    grade.main([str(tmp / "in"), "--course", str(root), "--out", str(tmp / "out2"), "--jobs", "2"])
    return tmp, root, {2: read_grades(tmp / "out2" / "grades.csv")}, notebooks


FULL_WORKBOOK = {"stub": 0, "partial": 3, "reference": 99, "patcher": 0, "reversed": 99}
REVERSED = ("    return tuple(reversed(strides))\n", "    return tuple(strides)\n")


def test_full_workbook_stub_reference_partial(full_workbook):
    """Stubs and a checker-patching stub score 0, the reference full marks, sections 1-3 done their points;
    the same grades with two jobs and with one."""
    tmp, root, runs, notebooks = full_workbook
    grade.main([str(tmp / "in"), "--course", str(root), "--out", str(tmp / "out1"), "--jobs", "1"])
    runs[1] = read_grades(tmp / "out1" / "grades.csv")
    totals = {s: float(row["total"]) for s, row in runs[2].items()}
    everything = _points(notebooks, len(notebooks))
    expected = {"stub": 0, "partial": _points(notebooks, 3), "reference": everything, "patcher": 0}
    assert 0 < totals.pop("reversed") < everything
    assert totals == expected
    assert {float(row["max_score"]) for row in runs[2].values()} == {everything}
    assert {int(path.name[1]) for path in notebooks} >= {9}, "x.9 is graded too"
    assert runs[1] == runs[2]
    for student in FULL_WORKBOOK:
        for page in (root / "feedback" / student / course.ASSIGNMENT).glob("*.html"):
            html = page.read_text("utf-8")
            assert "Traceback (most recent call last)" not in html, page
            assert str(REPO) not in html and str(tmp) not in html, page


@pytest.mark.browser
def test_the_class_report_and_feedback_pages_read_in_a_browser(full_workbook, tmp_path):
    """report.html and the pages of a full-marks, a partial and an empty submission, as Chromium shows them."""
    import browser_support as bs
    from playwright.sync_api import sync_playwright

    bs.chromium_or_skip("browser tests")
    tmp, root, _, _ = full_workbook
    pages = {student: root / "feedback" / student / course.ASSIGNMENT / "index.html"
             for student in ("reference", "partial", "stub", "reversed")}
    with sync_playwright() as playwright:
        context = bs.launch_browser(playwright, tmp_path / "chromium-profile")
        page = context.new_page()
        watch = bs.ConsoleWatch(page)
        try:
            page.goto((tmp / "out2" / "report.html").as_uri())
            _readable(page, "report.html", tmp)
            assert page.locator("h1").inner_text() == "Class report"
            assert page.get_by_text("What failed, by task").is_visible()
            bs.screenshot(page, "class-report")
            statuses = {}
            for student, path in pages.items():
                page.goto(path.as_uri())
                _readable(page, student, tmp)
                assert page.locator("#summary").is_visible()
                statuses[student] = set(page.locator("#summary [data-status]").evaluate_all(
                    "rows => rows.map(row => row.dataset.status)"))
                bs.screenshot(page, f"feedback-{student}")
            misconceptions = page.locator(".misconception").all_inner_texts()  # the last page: reversed strides
        finally:
            context.close()
    assert statuses["reference"] == {"passed"}
    assert statuses["stub"] == {"not_started"}
    assert {"passed", "not_started"} <= statuses["partial"]
    assert "failed" in statuses["reversed"] and any("strides" in text.lower() for text in misconceptions), misconceptions
    assert not watch.errors, watch.errors


def _readable(page, name, tmp):
    """The page shows no traceback and no path of the grading machine."""
    shown = page.inner_text("body")
    assert shown.strip(), name
    assert "Traceback" not in shown, name
    for path in (str(REPO), str(tmp), "/tmp/", "/root"):
        assert path not in shown, (name, path)


def test_feedback_shows_a_demo_cells_error_as_one_neutral_line():
    """A cell that is not graded fails in the grader against stand-ins; feedback shows no traceback of it."""
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from workbook.language import text
    from workbook.grading.preprocessors import QuietDemoCells

    error = new_output("error", ename="AttributeError", evalue="'Snapshot' object has no attribute 'grad'",
                       traceback=[f"File {REPO}/workbook/gradekernel.py, line 1", "AttributeError: ..."])
    printed = new_output("stream", name="stdout", text="tensor([1., 2.])\n")
    demo = new_code_cell("y.backward()", outputs=[printed, error])
    test = new_code_cell("check(...)", outputs=[error], metadata={"nbgrader": {"grade": True, "points": 1}})
    quiet = new_code_cell("print(1)", outputs=[printed])
    nb, _ = QuietDemoCells().preprocess(new_notebook(cells=[demo, test, quiet]), {})
    assert [o.output_type for o in nb.cells[0].outputs] == ["stream", "stream"]
    assert nb.cells[0].outputs[1].text == text("feedback.demo_error") + "\n"
    assert nb.cells[1].outputs == [error], "a graded cell keeps its error: it says why points were lost"
    assert nb.cells[2].outputs == [printed]


def test_command_tables_list_only_user_commands():
    import importlib

    from workbook import __main__ as cli

    tables = {**cli.STUDENT_COMMANDS, **cli.COURSE_COMMANDS}
    assert not {"grader", "inside", "cells", "sandbox"} & set(tables)
    for module, _ in tables.values():
        assert callable(importlib.import_module(module).main), module
    assert all(module.count(".") == 1 for module, _ in cli.STUDENT_COMMANDS.values()), "student commands: top level"
    assert all(module.count(".") == 2 for module, _ in cli.COURSE_COMMANDS.values()), "course commands: in a room"
    assert set(cli.commands()) == set(tables), "in the repository every command runs"


