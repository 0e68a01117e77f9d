"""Checks on a submission before its notebooks run.

* :func:`allowed` says what a submission may hold: the notebooks at the top
  and the ``.py`` files of ``mytensor/``. Intake (:mod:`workbook.grading.intake`
  for zips, :mod:`workbook.grading.inbound` for the exchange) keeps only those,
  and lists anything else (a ``workbook/`` or ``torch/`` folder, links, huge
  files) as left out.
* :func:`use_released_notebooks` grades the released notebooks in place of
  the submitted ones, so no cell a student adds can redefine a check.
* :func:`torch_uses` reads the student package (AST) for the plain ways to
  reach torch: ``import torch``, ``from torch ...``, ``import_module`` /
  ``__import__`` / ``find_spec`` with a torch name, ``sys.modules["torch"]``.
* :func:`grader_reaches` lists code that reaches into the grading process
  (``workbook``, ``sys.modules``, frames, ``gc``, ``ctypes``...): a numpy
  tensor library needs none of it, so the instructor is asked to look,
  and lists the modules it cannot parse.
The scan is a hint for a human, never the defence: code can always reach a
name in a way no reading of its text sees (the sandbox is the defence).
A submission that uses torch is zeroed by ``workbook grade`` and reported;
the sandbox it runs in has no torch, and its worker reports import attempts.
"""

import ast
import re
import shutil
import threading
from pathlib import Path
from workbook.names import PACKAGE

MAX_FILE_BYTES = 2 * 2**20
TORCH_NAME = re.compile(r"^torch(\.|$)")


def allowed(relative):
    """True for a path a submission may hold: ``x.ipynb`` at the top or ``mytensor/**.py``."""
    parts = Path(relative).parts
    if len(parts) == 1:
        return parts[0].endswith(".ipynb")
    return parts[0] == PACKAGE and parts[-1].endswith(".py") and "__pycache__" not in parts


LISTED = 20


def left_out_notes(names):
    """One note per file left out, the first :data:`LISTED` of them, then how many more."""
    notes = [f"left out {name}" for name in names[:LISTED]]
    return notes + ([f"left out {len(names) - LISTED} more files"] if len(names) > LISTED else [])


def use_released_notebooks(release_dir, dest):
    """Put the released notebooks in ``dest``, over the submitted ones.

    All of a student's work lives in ``mytensor/``; the notebooks only run the
    checks. nbgrader restores the cells it locked, but a submitted notebook
    could add a cell that redefines a check or patches the package before the
    tests run, so every notebook is replaced by its released copy. The
    student's own notebooks stay untouched in ``submitted/``.
    """
    released = sorted(Path(release_dir).glob("*.ipynb"))
    if not released:
        raise SystemExit(f"error: no released notebooks in {release_dir}: run `python -m workbook course`")
    for notebook in released:
        shutil.copyfile(notebook, Path(dest) / notebook.name)


def torch_uses(package_dir):
    """Return ``"file:line: what"`` for every way the package reaches torch."""
    return _scan(package_dir, _torch_nodes)


GRADER_NAMES = {
    "workbook", "expect_same", "CheckFailed", "modules", "meta_path", "_getframe", "f_back",
    "f_globals", "gc", "ctypes", "builtins", "__builtins__", "__code__", "settrace", "setprofile",
}
# ``array.ctypes`` (numpy's pointer access) and the string "builtins" (a type's
# module) are ordinary in a tensor library; only these words count everywhere.
EVERYWHERE = {"workbook", "expect_same", "CheckFailed"}


def grader_reaches(package_dir):
    """Return ``"file:line: name"`` for each name by which code could tamper with grading.

    A module that does not parse is listed too: the scan cannot see into it.
    """
    return _scan(package_dir, _grader_nodes, unparsed=True)


# CPython 3.11's ast.parse can fail with "AST constructor recursion depth
# mismatch" when threads parse at once (grade --jobs N scans in threads).
_PARSING = threading.Lock()


def _scan(package_dir, finder, unparsed=False):
    """Run ``finder`` (AST -> (node, what) pairs) over every module of a package.

    The bytes are parsed as Python imports them: a PEP 263 coding cookie (``# coding: utf-7``)
    or a BOM decides the encoding, so no text is hidden from the scan by being decoded otherwise.
    """
    found = []
    for path in sorted(Path(package_dir).rglob("*.py")):
        name = path.relative_to(Path(package_dir).parent)
        try:
            with _PARSING:
                tree = ast.parse(path.read_bytes())
        except (SyntaxError, ValueError, UnicodeError, LookupError, RecursionError, MemoryError, OSError) as error:
            found += [f"{name}: the scan cannot read it ({type(error).__name__}); look at it by hand"] if unparsed else []
            continue
        found += [f"{name}:{node.lineno}: {what}" for node, what in finder(tree)]
    return found


def _grader_nodes(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            word = node.id
        elif isinstance(node, ast.alias):
            word = node.name.split(".")[0]
        elif isinstance(node, ast.Attribute):
            word = node.attr if node.attr not in ("ctypes", "builtins") else None
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            word = node.value if node.value in EVERYWHERE else None
        else:
            continue
        if word in GRADER_NAMES:
            yield node, f"reaches into the grader ({word!r})"


IMPORTERS = {"import_module", "__import__", "find_spec", "import_fresh_module", "modules"}


def _torch_nodes(tree):
    for node in ast.walk(tree):
        for name in _imported_names(node):
            if TORCH_NAME.match(name):
                yield node, f"uses torch ({type(node).__name__.lower()} {name!r})"


def _imported_names(node):
    """Module names that ``node`` imports: import statements, importer calls, sys.modules[...]."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        return [node.module or ""]
    if isinstance(node, ast.Call) and _callee(node.func) in IMPORTERS:
        return [a.value for a in node.args[:1] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    if isinstance(node, ast.Subscript) and _callee(node.value) == "modules":
        key = node.slice
        return [key.value] if isinstance(key, ast.Constant) and isinstance(key.value, str) else []
    return []


def _callee(func):
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
