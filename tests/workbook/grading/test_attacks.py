"""Submissions that attack the grader through what it gets back, graded beside honest ones.

The examples of ``linspace`` (Task 8.1) are text a submission writes. Here they
try to change the grader: patch its comparison, so that later submissions fail,
poison its environment for later sandboxes, leave a process and a file behind,
and read its secrets. One grader process grades the attackers first and an
honest submission after them (``--jobs 1``): the attackers get what their work
is worth (the grade of the same work without the attack), the honest student
full marks, and nothing of the attack is left on disk or in the process table.
"""

import csv
import os
import uuid
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from tests.grading import tiny
from workbook_fixtures import orphan_cgroups
from workbook.grading import course, grade
from workbook.release import stubbing
from workbook.sandbox import host as sandbox

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(sandbox.problem() is not None, reason=f"no sandbox here: {sandbox.problem()}")]
REPO = course.REPO
SOLUTIONS = REPO / "solutions"
NOTEBOOKS = [SOLUTIONS / "x1_creating.ipynb", SOLUTIONS / "x8_help.ipynb"]
SECRET = f"grader-secret-{uuid.uuid4().hex}"
MARKER = f"/tmp/workbook-attack-{uuid.uuid4().hex}"
SLEEP = "987.625"

# Each step is wrapped so that the examples print nothing wherever they run:
# they pass doctest, and only what they change in the process that runs them counts.
ATTACK = f'''
    >>> def _attack():
    ...     import os, subprocess, sys
    ...     steps = [
    ...         lambda: setattr(sys.modules["workbook.checks"], "difference", _sabotage()),
    ...         lambda: os.environ.__setitem__("WORKBOOK_SANDBOX_MEMORY_MB", "1"),
    ...         lambda: open({MARKER!r}, "w").write(os.environ.get("WORKBOOK_TEST_SECRET", "")),
    ...         lambda: subprocess.Popen([sys.executable, "-c", "import time; time.sleep({SLEEP})"],
    ...                                  start_new_session=True),
    ...     ]
    ...     for step in steps:
    ...         try:
    ...             step()
    ...         except BaseException:
    ...             pass
    >>> def _sabotage():
    ...     import sys
    ...     mine = id(sys.modules.get("mytensor"))
    ...     return lambda expected, actual: None if id(sys.modules.get("mytensor")) == mine else "sabotaged"
    >>> _attack()
'''
# The same examples, added only inside the sandbox: the source holds none of them.
HIDDEN = f'''

import os as _os

if _os.path.isdir("/sandbox"):
    linspace.__doc__ += {ATTACK!r}
'''
# Examples that fail and print the secrets they can find into doctest's report.
LEAK = '''
    >>> import os; print(open("/proc/1/environ").read(), open("/proc/self/environ").read(), dict(os.environ))
'''


def _spacing(extra_examples="", tail=""):
    source = (SOLUTIONS / "mytensor" / "spacing.py").read_text()
    for marker in ("    ### BEGIN SOLUTION\n", "    ### END SOLUTION\n"):
        source = source.replace(marker, "")
    end = source.index('    """\n    if steps < 0')
    return source[:end] + extra_examples.lstrip("\n") + source[end:] + tail


def _package(keep, spacing=None):
    files = {k[len("mytensor/"):]: v.decode() for k, v in stubbing.build_package(SOLUTIONS, keep).items()}
    return {**files, "spacing.py": spacing} if spacing else files


def _points(notebook, *grade_ids):
    cells = nbformat.read(notebook, as_version=4).cells
    meta = [cell.metadata.get("nbgrader", {}) for cell in cells]
    return sum(m["points"] for m in meta if m.get("grade") and (not grade_ids or m["grade_id"] in grade_ids))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Attackers, a control without the attack and an honest reference, graded by one grader in that order."""
    tmp = tmp_path_factory.mktemp("attacks")
    saved = os.environ.get("WORKBOOK_TEST_SECRET")
    os.environ["WORKBOOK_TEST_SECRET"] = SECRET
    try:
        stubbing.write_files(stubbing.build_package(SOLUTIONS), tmp / "student")
        root = course.build(tmp / "course", NOTEBOOKS, tmp / "student" / "mytensor")
        submissions = {
            "a-examples": _package(1, _spacing(ATTACK)),
            "b-hidden": _package(1, _spacing("", HIDDEN)),
            "c-leak": _package(1, _spacing(LEAK)),
            "d-control": _package(1, _spacing()),
            "e-honest": _package(99),
        }
        for student, files in submissions.items():
            tiny.make_zip(tmp / "in" / f"{student}__mytensor-workbook.zip", root / "release" / course.ASSIGNMENT,
                          files, student)
        out = tmp / "out"
        code = grade.main([str(tmp / "in"), "--course", str(root), "--out", str(out), "--jobs", "1"])
        with open(out / "grades.csv") as handle:
            rows = {row["student_id"]: row for row in csv.DictReader(handle)}
        yield root, out, rows, code
    finally:
        os.environ.pop("WORKBOOK_TEST_SECRET") if saved is None else os.environ.__setitem__("WORKBOOK_TEST_SECRET", saved)


def test_attackers_get_what_their_work_is_worth(graded):
    _, _, rows, code = graded
    section_1, task = _points(NOTEBOOKS[0]), _points(NOTEBOOKS[1], "task-8-1")
    assert code == 0
    assert float(rows["d-control"]["total"]) == section_1 + task
    assert float(rows["a-examples"]["total"]) == section_1 + task
    assert float(rows["b-hidden"]["total"]) == section_1 + task
    assert float(rows["c-leak"]["total"]) == section_1, "failing examples fail the task"


def test_the_honest_student_graded_after_them_gets_full_marks(graded):
    _, _, rows, _ = graded
    full = sum(_points(path) for path in NOTEBOOKS)
    assert float(rows["e-honest"]["total"]) == float(rows["e-honest"]["max_score"]) == full
    assert all(not rows[s]["flags"] for s in ("d-control", "e-honest")), rows
    root = graded[0]
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as book:
        scores = {s: book.find_submission(course.ASSIGNMENT, s).score for s in rows}
    assert scores == {s: float(row["total"]) for s, row in rows.items()}


def test_no_secret_reaches_a_notebook_or_the_feedback(graded):
    root, out, _, _ = graded
    found = [str(p) for folder in (root, out) for p in folder.rglob("*")
             if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert found == []
    leaked = (root / "feedback" / "c-leak").rglob("x8_help.html")
    assert any("Failed example" in path.read_text() for path in leaked), "the failing examples' report is shown"


def test_nothing_of_the_attack_is_left_on_disk_or_running(graded):
    assert not Path(MARKER).exists()
    left = []
    for entry in Path("/proc").iterdir():
        try:
            left += [entry.name] if SLEEP.encode() in (entry / "cmdline").read_bytes() else []
        except OSError:
            continue
    assert left == []


# At import: 60 children, each in a session of its own, computing forever; then
# every answer comes slowly. Beside it, an honest submission is graded by the other job.
BUSY = '''
import os as _os, sys as _sys, time as _time
for _ in range(60):
    try:
        if _os.fork() == 0:
            _os.setsid()
            _os.execv(_sys.executable, [_sys.executable, "-c", "while True: pass", "busy-{marker}"])
    except OSError:
        break
'''


def _processes_with(text):
    left = []
    for entry in Path("/proc").iterdir():
        try:
            left += [entry.name] if text.encode() in (entry / "cmdline").read_bytes() else []
        except OSError:
            continue
    return left


def test_sixty_busy_children_beside_an_honest_submission_cost_it_nothing(tmp_path, monkeypatch):
    marker = uuid.uuid4().hex
    monkeypatch.setenv("WORKBOOK_CELL_TIMEOUT", "4")
    notebooks, package = tiny.write_source(tmp_path / "src")
    root = course.build(tmp_path / "course", notebooks, package, assignment=tiny.ASSIGNMENT)
    slow = tiny.REFERENCE["ops.py"].replace("    return 2 * x", "    __import__('time').sleep(0.5)\n    return 2 * x")
    # The honest answers cost CPU time too (about 0.1 s each), so that a starved cell would run out of time.
    honest = tiny.REFERENCE["ops.py"].replace("    return 2 * x", "    sum(range(3 * 10**6))\n    return 2 * x")
    submissions = {"busy": {**tiny.REFERENCE, "ops.py": BUSY.format(marker=marker) + slow},
                   "honest": {**tiny.REFERENCE, "ops.py": honest}}
    for student, files in submissions.items():
        tiny.make_zip(tmp_path / "in" / f"{student}__mytensor-workbook.zip", root / "release" / tiny.ASSIGNMENT,
                      files, student)
    out = tmp_path / "out"
    grade.main([str(tmp_path / "in"), "--course", str(root), "--out", str(out), "--jobs", "2",
                "--assignment", tiny.ASSIGNMENT])
    with open(out / "grades.csv") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert float(rows["honest"]["total"]) == tiny.points(), rows["honest"]
    assert rows["honest"]["flags"] == ""
    assert _processes_with(f"busy-{marker}") == []
    assert orphan_cgroups() == []


def test_a_grader_that_serves_one_submission_leaves_nothing_for_the_next(tmp_path, monkeypatch):
    """The attacker alone in one run (its grader serves only it), then the honest student in the next."""
    monkeypatch.setenv("WORKBOOK_TEST_SECRET", SECRET)
    stubbing.write_files(stubbing.build_package(SOLUTIONS), tmp_path / "student")
    root = course.build(tmp_path / "course", NOTEBOOKS, tmp_path / "student" / "mytensor")
    totals = {}
    for student, files in {"b-hidden": _package(1, _spacing("", HIDDEN)), "e-honest": _package(99)}.items():
        tiny.make_zip(tmp_path / student / f"{student}__mytensor-workbook.zip", root / "release" / course.ASSIGNMENT,
                      files, student)
        out = tmp_path / f"out-{student}"
        grade.main([str(tmp_path / student), "--course", str(root), "--out", str(out), "--jobs", "1"])
        with open(out / "grades.csv") as handle:
            totals.update({row["student_id"]: float(row["total"]) for row in csv.DictReader(handle)})
    assert totals == {"b-hidden": _points(NOTEBOOKS[0]) + _points(NOTEBOOKS[1], "task-8-1"),
                      "e-honest": sum(_points(path) for path in NOTEBOOKS)}
    assert not Path(MARKER).exists() and _processes_with(SLEEP) == []
