"""Checks on a submission before its notebooks run.

* :func:`copy_submission` copies only what a submission may hold: the
  notebooks at the top and the ``.py`` files of ``mytensor/``. Anything else
  (a ``workbook/`` or ``torch/`` folder, links, huge files) is left out and
  listed.
* :func:`torch_uses` reads the student package (AST) for the plain ways to
  reach torch: ``import torch``, ``from torch ...``, ``import_module`` /
  ``__import__`` / ``find_spec`` with a torch name, ``sys.modules["torch"]``.
* :func:`torch_probe` imports the package (and every module in it) in a
  separate limited process and reports whether torch got imported.
A submission with a finding is zeroed by ``workbook grade`` and reported.
"""

import ast
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

MAX_FILE_BYTES = 2 * 2**20
TORCH_NAME = re.compile(r"^torch(\.|$)")
PACKAGE = "mytensor"
EXCHANGE_FILES = ("timestamp.txt", "submission_secret.txt")


def allowed(relative):
    """True for a path a submission may hold: ``x.ipynb`` at the top or ``mytensor/**.py``."""
    parts = Path(relative).parts
    if len(parts) == 1:
        return parts[0].endswith(".ipynb")
    return parts[0] == PACKAGE and parts[-1].endswith(".py") and "__pycache__" not in parts


def copy_submission(source, dest):
    """Copy the allowed files of ``source`` into ``dest``; return the paths left out.

    ``timestamp.txt`` and ``submission_secret.txt`` (written by nbgrader's
    exchange) are kept as well: release_feedback needs the secret.
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    left_out = []
    for path in sorted(Path(source).rglob("*")):
        relative = path.relative_to(source)
        if path.is_dir() and not path.is_symlink():
            continue
        keep = str(relative) in EXCHANGE_FILES or allowed(relative)
        if not keep or path.is_symlink() or path.stat().st_size > MAX_FILE_BYTES:
            left_out.append(str(relative))
            continue
        (dest / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest / relative)
    return left_out


def torch_uses(package_dir):
    """Return ``"file:line: what"`` for every way the package reaches torch."""
    found = []
    for path in sorted(Path(package_dir).rglob("*.py")):
        try:
            tree = ast.parse(path.read_text(errors="replace"))
        except SyntaxError:
            continue
        name = path.relative_to(Path(package_dir).parent)
        found += [f"{name}:{node.lineno}: {what}" for node, what in _torch_nodes(tree)]
    return found


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


_PROBE = """
import importlib, json, pkgutil, sys
attempts = []
class Spy:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            attempts.append(name)
        return None
sys.meta_path.insert(0, Spy)
sys.path.append(sys.argv[1])
errors = []
try:
    package = importlib.import_module("mytensor")
    for info in pkgutil.walk_packages(package.__path__, "mytensor."):
        try:
            importlib.import_module(info.name)
        except Exception as error:
            errors.append(f"{info.name}: {type(error).__name__}")
except BaseException as error:
    errors.append(f"mytensor: {type(error).__name__}: {error}")
loaded = sorted(k for k in sys.modules if k == "torch" or k.startswith("torch."))[:3]
print(json.dumps({"attempts": sorted(set(attempts))[:3], "loaded": loaded, "errors": errors[:5]}))
"""


def torch_probe(submission_dir, timeout=60):
    """Import the submitted package in a limited process; report torch imports.

    Returns
    -------
    list of str
        Empty when importing ``mytensor`` (and each of its modules) imports no
        torch; otherwise what was imported.
    """
    from workbook.gradekernel import apply_limits

    def limits():
        apply_limits(1024)

    try:
        with tempfile.TemporaryDirectory() as scratch:
            done = subprocess.run(
                [sys.executable, "-I", "-c", _PROBE, str(Path(submission_dir).resolve())],
                cwd=scratch, capture_output=True, text=True, timeout=timeout, preexec_fn=limits,
            )
        report = json.loads(done.stdout.strip().splitlines()[-1])
    except (subprocess.TimeoutExpired, ValueError, IndexError):
        return []
    found = report["attempts"] + report["loaded"]
    return [f"importing mytensor imports {name}" for name in dict.fromkeys(found)]
