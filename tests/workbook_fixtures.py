"""Shared helpers for the release and progress tests: a small repository in a temp folder.

Until the real notebooks exist in ``solutions/``, the tests build a tiny x.1
notebook of their own that tests Tasks 1.1, 1.3 and 2.3 (``_layout``), with one
hidden test, and a stand-in notebook for every other section.
"""

import json
import shutil
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

REPO = Path(__file__).resolve().parent.parent
TOPICS = ["creating", "slicing", "operations", "broadcasting", "memory", "conversion", "autograd", "help", "training"]


def graded(source, grade_id, points=1):
    """A locked nbgrader test cell."""
    cell = new_code_cell(source)
    cell.metadata.nbgrader = {"grade": True, "grade_id": grade_id, "locked": True, "points": points,
                              "schema_version": 3, "solution": False, "task": False}
    return cell


def role(source, name):
    """A code cell carrying the workbook role metadata."""
    cell = new_code_cell(source)
    cell.metadata.workbook = {"role": name}
    return cell


SETUP = "import mytensor\nfrom mytensor import _layout\nfrom workbook.checks import expect_same"
LAYOUT_TESTS = [
    graded("assert _layout.contiguous_strides((3, 4)) == (4, 1)\n"
           "### BEGIN HIDDEN TESTS\nassert _layout.contiguous_strides((2, 0, 3)) == (3, 3, 1)\n### END HIDDEN TESTS",
           "task-1-1", 2),
    graded("assert _layout.infer_size((3, -1), 12) == (3, 4)", "task-1-3"),
    graded("assert _layout.view_strides((3, 4), (4, 1), (2, 6)) == (6, 1)", "task-2-3"),
]


def small_notebook(section):
    """A source notebook for ``section``: setup, a torch demo cell and (for x.1) graded tests."""
    nb = new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [new_markdown_cell(f"# x.{section}"), role(SETUP, "setup"), role("import torch\ntorch.arange(3)", "torch")]
    if section == 1:
        nb.cells += LAYOUT_TESTS
    return nb


def make_repo(tmp_path, real_notebooks=False, library=None):
    """Copy what a release needs (solutions/mytensor, workbook) into ``tmp_path``; return it.

    ``library`` replaces ``solutions/mytensor`` as the reference to copy.
    """
    root = Path(tmp_path) / "repo"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(library or REPO / "solutions" / "mytensor", root / "solutions" / "mytensor", ignore=ignore)
    shutil.copytree(REPO / "workbook", root / "workbook", ignore=ignore)
    sources = sorted((REPO / "solutions").glob("x*_*.ipynb"))
    if real_notebooks and sources:
        for path in sources:
            shutil.copy2(path, root / "solutions" / path.name)
    else:
        for section, topic in enumerate(TOPICS, 1):
            nbformat.write(small_notebook(section), root / "solutions" / f"x{section}_{topic}.ipynb")
    return root


def source_notebooks(root):
    """The source notebooks of ``root``'s ``solutions/``."""
    return sorted((Path(root) / "solutions").glob("x*_*.ipynb"))


def release_into(root):
    """Run the release on ``root`` (a temp repository); return the files it made."""
    from workbook.release import command as release
    from workbook.release import writing

    files = release.build_release(root, quiet=True)
    writing.write_release(root, files, quiet=True)
    return files


_RELEASED = {}


def released_repo_fixture(tmp_path_factory):
    """A temp repository with the real notebooks when they exist, released once per session.

    Shared by the test modules that use it; tests must copy it before editing.
    """
    if "repo" not in _RELEASED:
        root = make_repo(tmp_path_factory.mktemp("released"), real_notebooks=True)
        _RELEASED["repo"] = (root, release_into(root))
    return _RELEASED["repo"]


def side_by_side_cells(path):
    """The sources of the cells a student runs with mytensor alone: setup and side-by-side ("twin") cells."""
    from workbook import check

    cells = json.loads(Path(path).read_text("utf-8")).get("cells", [])
    return [check.cell_source(c) for c in cells if c.get("cell_type") == "code" and check._role(c) in ("setup", "twin")]


def orphan_cgroups():
    """The sandboxes' control groups whose grading process is gone: none may outlive it.

    A group is named ``workbook-<grader pid>-...``; a group of a grader that
    still runs (another grading run on this machine) is not an orphan.
    """
    found = list(Path("/sys/fs/cgroup").glob("*/workbook-*")) + list(Path("/sys/fs/cgroup").glob("workbook-*"))
    return [path for path in found if not Path(f"/proc/{path.name.split('-')[1]}").exists()]
