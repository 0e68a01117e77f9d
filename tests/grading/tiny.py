"""A tiny assignment (two notebooks, a two-function mytensor) for grading tests.

It has the workbook's shape: notebooks at the top, ``mytensor/`` beside them,
graded test cells named ``task-N-M`` with visible and hidden tests that call
``workbook.checks.expect_same`` (torch's side is the plain number the
function should give). Hostile submissions replace parts of the reference.
"""

import zipfile
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ASSIGNMENT = "tiny"
HIDDEN_MARKER = "hidden_marker_5f1e"

REFERENCE = {
    "__init__.py": "from .ops import double, triple\n",
    "ops.py": "def double(x):\n    return 2 * x\n\n\ndef triple(x):\n    return 3 * x\n",
}
STUB = {
    "__init__.py": REFERENCE["__init__.py"],
    "ops.py": (
        "def double(x):\n    raise NotImplementedError('Task 1.1')\n\n\n"
        "def triple(x):\n    raise NotImplementedError('Task 2.1')\n"
    ),
}
TASKS = {"x1_double": [("task-1-1", 2, "double"), ("task-1-2", 1, "double")], "x2_triple": [("task-2-1", 3, "triple")]}


def _test_cell(grade_id, points, function):
    factor = 2 if function == "double" else 3
    task = "Task " + grade_id[len("task-"):].replace("-", ".")
    source = (
        "from workbook.checks import expect_same\n"
        "import mytensor\n\n"
        "def check(value):\n"
        f"    expect_same(lambda m: m.{function}(value) if m.__name__ == 'mytensor' else {factor} * value,\n"
        f"                task='{task}', file='mytensor/ops.py')\n\n"
        "check(2)\n"
        "### BEGIN HIDDEN TESTS\n"
        f"{HIDDEN_MARKER} = [1, 5, 7]\n"
        f"for value in {HIDDEN_MARKER}:\n"
        "    check(value)\n"
        "### END HIDDEN TESTS"
    )
    meta = {"grade": True, "solution": False, "locked": True, "points": points,
            "grade_id": grade_id, "schema_version": 3}
    return new_code_cell(source, metadata={"nbgrader": meta})


REPORT = (
    "import sys, workbook\n"
    "from workbook.checks import run_both\n"
    "print('MYTENSOR', run_both(lambda m: m.__file__)[1])\n"
    "print('WORKBOOK', workbook.__file__)"
)


def notebook(name):
    """A source notebook: a cell that reports where the code runs, then the graded test cells."""
    cells = [new_markdown_cell(f"# {name}"), new_code_cell(REPORT)]
    cells += [_test_cell(*task) for task in TASKS[name]]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def write_source(folder):
    """Write the source notebooks and the STUB package; return (notebooks, package)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in TASKS:
        nbformat.write(notebook(name), folder / f"{name}.ipynb")
        paths.append(folder / f"{name}.ipynb")
    package = write_package(folder / "stub" / "mytensor", STUB)
    return paths, package


def write_package(folder, files):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def points(upto_section=2):
    """Points of the tasks of sections 1..upto_section, from the notebooks' metadata."""
    return sum(p for name, tasks in TASKS.items() if int(name[1]) <= upto_section for _, p, _ in tasks)


def make_zip(path, release_dir, package_files, student=None, notebook_edit=None):
    """Zip a submission: the released notebooks plus a mytensor with ``package_files``."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        for nb_path in sorted(Path(release_dir).glob("*.ipynb")):
            nb = nbformat.read(nb_path, as_version=4)
            if notebook_edit:
                notebook_edit(nb_path.stem, nb)
            zf.writestr(nb_path.name, nbformat.writes(nb))
        for name, text in package_files.items():
            zf.writestr(f"mytensor/{name}", text)
        if student:
            zf.writestr("submission.json", '{"student_id": "%s", "created": "2025-01-01T00:00:00+00:00"}' % student)
    return path
