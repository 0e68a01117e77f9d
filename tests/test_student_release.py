"""The student notebooks run in a real kernel, and nbgrader's Validator grades them.

With the stub package, errors appear only in task and test cells (a stub's
NotImplementedError or a CheckFailed), never in a torch demo, setup or text
cell, and every graded cell fails. With the reference library, nothing fails.
Each notebook executes once per library; the results are shared.
"""

import re
import shutil

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


def _validator():
    """nbgrader's Validator, keeping the notebook it executed so that cells can be inspected."""
    from nbgrader.validator import Validator

    class KeepingValidator(Validator):
        def _preprocess(self, nb):
            self.executed = super()._preprocess(nb)
            return self.executed

    return KeepingValidator(validate_all=True)


def _validate(root):
    """``{notebook name: (Validator results, executed cells)}`` for every notebook under ``root``."""
    validator = _validator()
    found = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", str(root))
        for path in sorted((root / "notebooks").glob("*.ipynb")):
            validator.executed = None
            results = validator.validate(str(path))
            found[path.name] = (results, validator.executed.cells if validator.executed else [])
    return found


@pytest.fixture(scope="module")
def validated(tmp_path_factory):
    """Validator results with the stub package and with the reference library."""
    source = _student_notebooks(tmp_path_factory)
    stub = _layout(tmp_path_factory.mktemp("stub"), source / "notebooks", source / "mytensor")
    reference = _layout(tmp_path_factory.mktemp("reference"), source / "notebooks", REPO / "solutions" / "mytensor")
    return {"stub": _validate(stub), "reference": _validate(reference)}


def _errors(cell):
    return [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def _plain(text):
    return re.sub(r"\x1b\[[0-9;]*m", "", text)[-1500:]


def test_notebooks_are_unchanged_since_release(validated):
    for name, (results, _) in validated["stub"].items():
        assert not results.get("changed") and not results.get("type_changed"), name


def test_stub_errors_only_in_task_and_test_cells(validated):
    wrong = []
    for name, (_, cells) in validated["stub"].items():
        for index, cell in enumerate(cells):
            role = cell.get("metadata", {}).get("workbook", {}).get("role")
            for error in _errors(cell):
                if role in ("torch", "setup", "text") or error["ename"] not in ("NotImplementedError", "CheckFailed"):
                    wrong.append(f"{name} cell {index} ({role}): {error['ename']}: {_plain(error['evalue'])[:300]}")
    assert not wrong, "errors outside task/test cells, or not a stub's:\n" + "\n".join(wrong)


def test_stub_package_scores_zero(validated):
    for name, (results, cells) in validated["stub"].items():
        failed = {f["source"] for f in results.get("failed", [])}
        graded = [progress.cell_source(c).strip() for c in cells if progress._is_graded(c)]
        assert graded and all(source in failed for source in graded), f"{name}: a graded cell passed on the stubs"


def test_reference_passes_everything(validated):
    for name, (results, _) in validated["reference"].items():
        failures = [_plain(f["raw_error"]) for f in results.get("failed", [])]
        assert not failures and not results.get("changed"), f"{name}:\n" + "\n\n".join(failures)
