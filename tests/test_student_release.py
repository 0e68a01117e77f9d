"""The student notebooks run in a real kernel, and nbgrader's Validator grades them.

With the stub package, errors appear only in task and test cells (a stub's
NotImplementedError or a CheckFailed), never in a torch demo, setup or text
cell, and every graded cell fails. With the reference library, nothing fails.
Each notebook executes once per library; the results are shared.
"""

import json
import shutil
from pathlib import Path

import pytest

from workbook import progress
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


def _validate(root):
    """``{notebook name: (Validator results, cells)}`` for every notebook under ``root``."""
    from nbgrader.validator import Validator

    validator = Validator(validate_all=True)
    found = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", str(root))
        for path in sorted((root / "notebooks").glob("*.ipynb")):
            cells = json.loads(path.read_text())["cells"]
            found[path.name] = (validator.validate(str(path)), cells)
    return found


@pytest.fixture(scope="module")
def validated(tmp_path_factory):
    """Validator results with the stub package and with the reference library."""
    source = _student_notebooks(tmp_path_factory)
    stub = _layout(tmp_path_factory.mktemp("stub"), source / "notebooks", source / "mytensor")
    reference = _layout(tmp_path_factory.mktemp("reference"), source / "notebooks", REPO / "solutions" / "mytensor")
    return {"stub": _validate(stub), "reference": _validate(reference)}


def _cell_for(source, cells):
    return next(c for c in cells if progress.cell_source(c).strip() == source)


def test_notebooks_are_unchanged_since_release(validated):
    for name, (results, _) in validated["stub"].items():
        assert not results.get("changed") and not results.get("type_changed"), name


def test_stub_errors_only_in_task_and_test_cells(validated):
    for name, (results, cells) in validated["stub"].items():
        for failure in results.get("failed", []):
            cell = _cell_for(failure["source"], cells)
            role = cell.get("metadata", {}).get("workbook", {}).get("role")
            assert role not in ("torch", "setup", "text"), f"{name}: a {role} cell failed:\n{failure['raw_error'][-1500:]}"
            assert "NotImplementedError" in failure["raw_error"] or "CheckFailed" in failure["raw_error"], failure["raw_error"][-1500:]


def test_stub_package_scores_zero(validated):
    for name, (results, cells) in validated["stub"].items():
        failed = {f["source"] for f in results.get("failed", [])}
        graded = [progress.cell_source(c).strip() for c in cells if progress._is_graded(c)]
        assert all(source in failed for source in graded), f"{name}: a graded cell passed on the stubs"


def test_reference_passes_everything(validated):
    for name, (results, _) in validated["reference"].items():
        failures = [f["raw_error"][-1500:] for f in results.get("failed", [])]
        assert results == {} or not failures, f"{name}:\n" + "\n\n".join(failures)
        assert not results.get("changed"), name
