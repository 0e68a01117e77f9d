"""The student notebooks run in a real kernel, and nbgrader's Validator grades them.

With the stub package, errors appear only in task, test and twin cells (in
test cells only a stub's NotImplementedError or a CheckFailed), never in a
torch demo, setup or text cell, and every graded cell fails. With the
reference library, nothing fails. The same holds for the Chinese edition
(``notebooks/zh/``). Each notebook executes once per library, two at a time;
the results are shared.
"""

import multiprocessing
import os
import re
import shutil
from concurrent.futures import ProcessPoolExecutor

import pytest

from workbook import check as task_check
from workbook_fixtures import REPO, make_repo, release_into

pytestmark = pytest.mark.slow


def _student_notebooks(tmp_path_factory):
    """The committed notebooks/ and mytensor/, or a temp release before they exist."""
    if (REPO / "notebooks").is_dir() and (REPO / "mytensor").is_dir():
        return REPO
    root = make_repo(tmp_path_factory.mktemp("student"), real_notebooks=True)
    release_into(root)
    return root


def _layout(where, notebooks, package):
    """The repository layout a student has: notebooks/, mytensor/ and workbook/ side by side."""
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
    shutil.copytree(notebooks, where / "notebooks", ignore=ignore)
    shutil.copytree(package, where / "mytensor", ignore=ignore)
    shutil.copytree(REPO / "workbook", where / "workbook", ignore=ignore)
    return where


def _validate_one(root, path):
    """Validate one notebook with nbgrader's Validator; return its results and the executed cells."""
    from nbgrader.validator import Validator

    class KeepingValidator(Validator):
        def _preprocess(self, nb):
            self.executed = super()._preprocess(nb)
            return self.executed

    os.environ["PYTHONPATH"] = str(root)
    validator = KeepingValidator(validate_all=True)
    validator.executed = None
    results = validator.validate(str(path))
    return results, validator.executed.cells if validator.executed else []


def _validate_all(roots):
    """``{label: {notebook: (results, cells)}}``, two notebooks at a time (one kernel per core)."""
    # Both editions: notebooks/ and the Chinese notebooks/zh/, which must grade the same.
    jobs = [(label, root, path) for label, root in roots.items()
            for path in sorted((root / "notebooks").glob("*.ipynb")) + sorted((root / "notebooks" / "zh").glob("*.ipynb"))]
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(_validate_one, root, path) for _, root, path in jobs]
        done = [future.result() for future in futures]
    found = {label: {} for label in roots}
    for (label, root, path), outcome in zip(jobs, done):
        found[label][path.relative_to(root / "notebooks").as_posix()] = outcome
    return found


def test_both_editions_are_validated(validated):
    names = set(validated["reference"])
    assert {n for n in names if n.startswith("zh/")} == {f"zh/{n}" for n in names if "/" not in n} != set()


@pytest.fixture(scope="module")
def validated(tmp_path_factory):
    """Validator results with the stub package and with the reference library."""
    source = _student_notebooks(tmp_path_factory)
    stub = _layout(tmp_path_factory.mktemp("stub"), source / "notebooks", source / "mytensor")
    reference = _layout(tmp_path_factory.mktemp("reference"), source / "notebooks", REPO / "solutions" / "mytensor")
    return _validate_all({"stub": stub, "reference": reference})


def _errors(cell):
    return [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def _plain(text):
    return re.sub(r"\x1b\[[0-9;]*m", "", text)[-1500:]


def test_notebooks_are_unchanged_since_release(validated):
    for name, (results, _) in validated["stub"].items():
        assert not results.get("changed") and not results.get("type_changed"), name


def _error_allowed(role, ename):
    """Demo, setup, text, picture and progress cells never fail; test cells fail only through a stub or a check.

    A picture draws a stub's side as a note, and the progress cell prints "not started".

    A twin cell (the mytensor copy of a torch demo) may fail with any error: once
    one twin hits a stub, later twins see a name that is unbound or still holds
    the torch demo's value.
    """
    if role in ("torch", "setup", "text", "picture", "progress"):
        return False
    return role == "twin" or ename in ("NotImplementedError", "CheckFailed")


def test_stub_errors_only_in_task_and_test_cells(validated):
    wrong = []
    for name, (_, cells) in validated["stub"].items():
        for index, cell in enumerate(cells):
            role = cell.get("metadata", {}).get("workbook", {}).get("role")
            for error in _errors(cell):
                if not _error_allowed(role, error["ename"]):
                    wrong.append(f"{name} cell {index} ({role}): {error['ename']}: {_plain(error['evalue'])[:300]}")
    assert not wrong, "errors outside task/test cells, or not a stub's:\n" + "\n".join(wrong)


def test_stub_package_scores_zero(validated):
    for name, (results, cells) in validated["stub"].items():
        failed = {f["source"] for f in results.get("failed", [])}
        graded = [task_check.cell_source(c).strip() for c in cells if task_check._is_graded(c)]
        assert graded and all(source in failed for source in graded), f"{name}: a graded cell passed on the stubs"


def test_reference_passes_everything(validated):
    for name, (results, _) in validated["reference"].items():
        failures = [_plain(f["raw_error"]) for f in results.get("failed", [])]
        assert not failures and not results.get("changed"), f"{name}:\n" + "\n\n".join(failures)
