"""Monotone progress and the student's `workbook check`.

A student who finished tasks 1..t, in notebook order, passes every test of
tasks 1..t (hidden ones included) while every later test still fails; and
the side-by-side cells of a notebook run once its tasks and the earlier ones
are done.
"""

import pathlib
import shutil
import sys

import pytest

from workbook import checks, check as task_check
from workbook.release import stubbing
from workbook import tasks
from workbook_fixtures import REPO, released_repo_fixture, side_by_side_cells, source_notebooks


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A temp repository with the real source notebooks when they exist, released once (read only)."""
    return released_repo_fixture(tmp_path_factory)[0]


def _finished_through(root, task, where):
    """Write a package with reference bodies for tasks up to ``task`` and stubs after; return its parent."""
    stubbing.write_files(stubbing.build_package(root / "solutions", done_through=task), where)
    return where


# Helpers of these tests only: the side-by-side cells of a notebook, run against one copy of mytensor.


def run_side_by_side(notebook_path, package_parent_dir, timeout=30):
    """Run a notebook's setup and side-by-side cells in order against one copy of mytensor.

    Returns
    -------
    str or None
        The first failing cell and its error, or None when every cell ran.
    """
    path = pathlib.Path(notebook_path).resolve()
    with task_check.use_package(package_parent_dir) as module:
        if isinstance(module, Exception):
            return f"`import mytensor` failed: {module}"
        return task_check._in_folder(path.parent, _run_twins, path, timeout)


def _run_twins(path, timeout):
    namespace = {"__name__": "__main__"}
    for number, source in enumerate(side_by_side_cells(path), 1):
        error, _ = task_check.run_source(source, namespace, f"<{path.name} cell {number}>", timeout)
        if error is not None:
            return f"{path.name}, side-by-side cell {number}:\n{source}\n-> {task_check.describe(error)[1]}"
    return None


def task_ids(solutions):
    """Every task id of the reference library, in notebook order (``["1.1", "1.2", ...]``)."""
    found = set()
    for path in sorted((pathlib.Path(solutions) / "mytensor").rglob("*.py")):
        found.update(region.task for region in stubbing.find_regions(path.read_text("utf-8"), path))
    return sorted(found, key=tasks.task_key)


TASKS = task_ids(REPO / "solutions")


def test_every_task_is_listed():
    assert TASKS[0] == "1.1" and len(TASKS) >= 20, TASKS


@pytest.mark.parametrize("task", ["0.0"] + TASKS)
def test_progress_is_monotone_task_by_task(repo, tmp_path, task):
    parent = _finished_through(repo, task, tmp_path / "done")
    results = task_check.run_graded_cells(source_notebooks(repo), parent)
    assert results, "no graded test cells found"
    done = tasks.task_key(task)
    wrong = [f"{r.notebook} {r.grade_id} (task {r.task}): {r.status}\n{r.message[:600]}"
             for r in results if (r.status == "passed") != (tasks.task_key(r.task) <= done)]
    assert not wrong, f"finished through task {task}:\n" + "\n\n".join(wrong)
    finished = {r.section for r in results} - {r.section for r in results if tasks.task_key(r.task) > done}
    for path in source_notebooks(repo):
        if int(path.name[1:path.name.index("_")]) in finished:
            assert run_side_by_side(path, parent) is None, f"finished through task {task}"


def test_side_by_side_cells_fail_on_stubs(repo):
    first = source_notebooks(repo)[0]
    assert "NotImplementedError" in run_side_by_side(first, repo)


def test_engine_restores_the_reference_module(repo):
    before = sys.modules.get("mytensor")
    task_check.run_graded_cells(source_notebooks(repo), repo)
    assert sys.modules.get("mytensor") is before


def test_check_on_the_stub_package(repo, capsys):
    status = task_check.main(["--notebooks", str(repo / "notebooks"), "--package", str(repo)])
    out = capsys.readouterr().out
    assert status == 1
    assert "not started" in out and "Task 1.1" in out and " 0 passed" in out
    assert "First task not started: Task 1.1" in out
    assert "Task 1.1 is not started yet: replace the `raise NotImplementedError` in mytensor/_layout.py: contiguous_strides" in out


def test_check_on_the_reference(repo, capsys):
    status = task_check.main(["--notebooks", str(repo / "notebooks"), "--package", str(repo / "solutions")])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "failed" not in out.replace(" 0 failed", "") and " 0 not started" in out


def test_check_shows_the_first_failure_in_full(tmp_path, repo, capsys):
    parent = tmp_path / "student"
    shutil.copytree(repo / "solutions" / "mytensor", parent / "mytensor")
    layout = parent / "mytensor" / "_layout.py"
    layout.write_text(layout.read_text().replace("step *= max(size, 1)", "step *= size + 1"))
    status = task_check.main(["--notebooks", str(repo / "notebooks"), "--package", str(parent), "--section", "1"])
    out = capsys.readouterr().out
    assert status == 1
    assert "First failure: Task 1.1" in out
    assert "Traceback" in out or "mytensor does not match torch" in out


def test_a_package_that_does_not_import_fails_every_test(tmp_path, repo):
    shutil.copytree(repo / "mytensor", tmp_path / "mytensor")
    (tmp_path / "mytensor" / "_layout.py").write_text("def broken(:\n")
    results = task_check.run_graded_cells(source_notebooks(repo), tmp_path)
    assert results and all(r.status == "failed" and "import mytensor" in r.message for r in results)


def test_a_cell_writing_to_stderr_fails_like_in_nbgrader():
    error, stderr = task_check.run_source("import sys\nsys.stderr.write('oops')", {}, "<cell>")
    assert task_check.describe(error, stderr)[0] == "failed"


def test_an_endless_cell_times_out():
    error, _ = task_check.run_source("while True:\n    pass", {}, "<cell>", timeout=0.2)
    assert isinstance(error, task_check.CellTimeout)


def test_not_started_reads_in_plain_words():
    stub = ("Task 6.1: an ndarray over the same memory (replace this raise in mytensor/interop.py: numpy; "
            "see notebooks/x6_conversion.ipynb)")
    status, message = task_check.describe(NotImplementedError(stub))
    assert status == "not started"
    assert message == "Task 6.1 is not started yet: replace the `raise NotImplementedError` in mytensor/interop.py: numpy"


def test_show_section_prints_the_check_table(repo, capsys):
    task_check.show_section(1, repo / "notebooks", repo / "solutions")
    out = capsys.readouterr().out
    assert "Task 1.1" in out and "Task 1.3" in out and "Task 2.1" not in out and " 0 not started" in out


def test_show_section_is_skipped_while_grading(repo, capsys):
    # While grading, a submission's sandboxed worker is active; the table
    # must not run the checks again (a bare object would fail if it were used).
    with checks.student_side_in(object()):
        task_check.show_section(1, repo / "notebooks", repo / "solutions")
    out = capsys.readouterr().out
    assert "Task 1.1" not in out and "While grading" in out
