"""Monotone progress and the student's `workbook check`.

A student who finished the tasks of sections 1..k passes every test of
sections 1..k (hidden ones included) while every later test still fails.
"""

import shutil
import sys

import pytest

from workbook import progress, release
from workbook_fixtures import released_repo_fixture, source_notebooks


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A temp repository with the real source notebooks when they exist, released once (read only)."""
    return released_repo_fixture(tmp_path_factory)[0]


def _finished_up_to(root, k, where):
    """Write a package with reference bodies for sections 1..k and stubs after; return its parent."""
    release.write_files(release.build_package(root / "solutions", keep_sections=k), where)
    return where


@pytest.mark.parametrize("k", range(9))
def test_progress_is_monotone(repo, tmp_path, k):
    parent = _finished_up_to(repo, k, tmp_path / f"done-{k}")
    results = progress.run_graded_cells(source_notebooks(repo), parent)
    assert results, "no graded test cells found"
    wrong = [f"{r.notebook} {r.grade_id} (section {r.section}): {r.status}\n{r.message[:600]}"
             for r in results if (r.status == "passed") != (r.section <= k)]
    assert not wrong, f"finished up to section {k}:\n" + "\n\n".join(wrong)


def test_engine_restores_the_reference_module(repo):
    before = sys.modules.get("mytensor")
    progress.run_graded_cells(source_notebooks(repo), repo)
    assert sys.modules.get("mytensor") is before


def test_check_on_the_stub_package(repo, capsys):
    status = progress.main(["--notebooks", str(repo / "notebooks"), "--package", str(repo)])
    out = capsys.readouterr().out
    assert status == 1
    assert "not started" in out and "Task 1.1" in out and " 0 passed" in out
    assert "First task not started: Task 1.1" in out and "NotImplementedError: Task 1.1" in out


def test_check_on_the_reference(repo, capsys):
    status = progress.main(["--notebooks", str(repo / "notebooks"), "--package", str(repo / "solutions")])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "failed" not in out.replace(" 0 failed", "") and " 0 not started" in out


def test_check_shows_the_first_failure_in_full(tmp_path, repo, capsys):
    parent = tmp_path / "student"
    shutil.copytree(repo / "solutions" / "mytensor", parent / "mytensor")
    layout = parent / "mytensor" / "_layout.py"
    layout.write_text(layout.read_text().replace("step *= max(size, 1)", "step *= size + 1"))
    status = progress.main(["--notebooks", str(repo / "notebooks"), "--package", str(parent), "--section", "1"])
    out = capsys.readouterr().out
    assert status == 1
    assert "First failure: Task 1.1" in out
    assert "Traceback" in out or "mytensor does not match torch" in out


def test_a_package_that_does_not_import_fails_every_test(tmp_path, repo):
    shutil.copytree(repo / "mytensor", tmp_path / "mytensor")
    (tmp_path / "mytensor" / "_layout.py").write_text("def broken(:\n")
    results = progress.run_graded_cells(source_notebooks(repo), tmp_path)
    assert results and all(r.status == "failed" and "import mytensor" in r.message for r in results)


def test_a_cell_writing_to_stderr_fails_like_in_nbgrader():
    error, stderr = progress.run_source("import sys\nsys.stderr.write('oops')", {}, "<cell>")
    assert progress.describe(error, stderr)[0] == "failed"


def test_an_endless_cell_times_out():
    error, _ = progress.run_source("while True:\n    pass", {}, "<cell>", timeout=0.2)
    assert isinstance(error, progress.CellTimeout)
