"""Write the student kit: what students get instead of this repository (``make kit``).

Usage::

    python -m workbook kit OUT          # a folder
    python -m workbook kit OUT --git    # the same folder as a git repository with one
                                        # commit, ready to push as a GitHub Classroom template
    python -m workbook kit OUT --tools-only   # only the student part of workbook/: on a
                                        # JupyterHub, the folder students' kernels import it from

The kit holds the student notebooks and the stub ``mytensor/`` exactly as the
last release wrote them (``.release-manifest.json`` lists them; a file that
differs from its recorded hash stops the kit), the pins, the student
``Makefile`` and ``README.md`` (from ``kit/``), the Jupyter settings and the
part of ``workbook/`` that the kit's own commands and notebooks import. That
part is derived, not listed: the commands are read from the kit's Makefile,
each command's module and every module it imports, and every ``workbook``
module a notebook cell imports. So ``solutions/``, the hidden tests, the
reference library, grading and the instructor's tools never reach it.
"""

import argparse
import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from workbook import release, reset, writing

REPO = Path(__file__).resolve().parent.parent
PACKAGE = "workbook"
KIT_SOURCES = REPO / "kit"
# (file in the repository, name in the kit)
SHARED_FILES = (("requirements.txt", "requirements.txt"), ("environment.yml", "environment.yml"),
                ("venv.mk", "venv.mk"), ("kit/Makefile", "Makefile"), ("kit/README.md", "README.md"),
                ("kit/gitignore", ".gitignore"))
SHARED_FOLDERS = ("jupyter",)
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "migrated")
# Modules that student commands import only where solutions/ exists (in the
# repository, ``reset`` rebuilds a stub from the reference): never followed.
INSTRUCTOR_ONLY = {"stubbing"}
MAKE_RUNS = re.compile(r"-m\s+workbook(?:\s+([a-z_]+)|\.([a-z_]+))")


class KitError(Exception):
    """The kit cannot be written; the message names the file and the fix."""


def released_files(root=REPO):
    """The student files of the last release (relative paths), checked against their recorded hashes.

    Raises
    ------
    KitError
        When there is no manifest, or a listed file is missing or was edited since.
    """
    # The release also writes the Chinese source notebooks (solutions/zh/): never for students.
    recorded = {path: sha for path, sha in writing.recorded(root).items() if not path.startswith("solutions/")}
    if not recorded:
        raise KitError(f"{Path(root) / release.MANIFEST} is missing or empty: run `make release` first")
    missing = [path for path in recorded if not (Path(root) / path).is_file()]
    changed = [path for path in release.edited_files(root, {}) if path in recorded]
    if missing or changed:
        raise KitError("the student tree differs from the last release ("
                       + ", ".join(missing + changed) + "): run `make release` and commit its output first")
    return sorted(recorded)


def make_commands(makefile_text):
    """``(commands, modules)`` that a Makefile runs: ``-m workbook lab`` and ``-m workbook.pins``."""
    commands, modules = set(), set()
    for command, module in MAKE_RUNS.findall(makefile_text):
        (commands.add(command) if command else modules.add(module))
    return sorted(commands), sorted(modules)


def command_module(command, package_dir):
    """The module that ``python -m workbook <command>`` runs, read from ``__main__.py``.

    A command is a module of the same name unless a dict literal in
    ``__main__.py`` maps it to another one (a string, or a tuple or list whose
    first string is the module).
    """
    tree = ast.parse((Path(package_dir) / "__main__.py").read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value == command:
                    return _module_name(value) or command
    return command


def _module_name(node):
    strings = [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    return strings[0].rsplit(".", 1)[-1] if strings else None


def imported_modules(source, package_dir):
    """The ``workbook`` modules that Python ``source`` imports, runs with ``-m`` or names in a string.

    A string such as ``"workbook.exchange.PrivateSubmit"`` (a class that a
    config names) counts as well as ``import workbook.exchange``. Only names
    without the package prefix are returned.
    """
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = ("workbook." if node.level else "") + (node.module or "")
            found |= {base.rstrip(".")} | {f"{base.rstrip('.')}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.add(node.value)
    names = {name.split(".")[1] for name in found if name.startswith(PACKAGE + ".")}
    return {name for name in names if (Path(package_dir) / f"{name}.py").is_file()}


def notebook_sources(paths):
    """The code of every code cell of the notebooks ``paths``, IPython magics and shell lines left out."""
    for path in paths:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                lines = cell.source.split("\n")
                yield "\n".join(line for line in lines if not line.lstrip().startswith(("%", "!")))


def student_modules(package_dir, commands, modules, notebooks):
    """Every module of ``package_dir`` that the kit needs, following imports to the end.

    Parameters
    ----------
    package_dir : Path
        The ``workbook`` package.
    commands : list of str
        ``python -m workbook`` commands the kit runs.
    modules : list of str
        Modules the kit runs directly (``python -m workbook.<module>``).
    notebooks : list of Path
        The student notebooks; the modules their cells import are needed too.

    Returns
    -------
    list of str
        Module names, ``__init__`` and ``__main__`` included, sorted.
    """
    package_dir = Path(package_dir)
    todo = {"__init__", "__main__", *modules, *(command_module(c, package_dir) for c in commands)}
    for source in notebook_sources(notebooks):
        todo |= imported_modules(source, package_dir)
    needed = set()
    while todo:
        name = todo.pop()
        path = package_dir / f"{name}.py"
        if name in needed or name in INSTRUCTOR_ONLY or not path.is_file():
            continue
        needed.add(name)
        todo |= imported_modules(path.read_text("utf-8"), package_dir)
    return sorted(needed)


def _missing_modules(package_dir, names):
    return [name for name in names if not (Path(package_dir) / f"{name}.py").is_file()]


def plan(root=REPO):
    """``{path in the kit: source path}`` for every file of the kit."""
    root = Path(root)
    files = {relative: root / relative for relative in released_files(root)}
    # `make reset` takes a task's stub back from this untouched copy of the release.
    files.update({f"{reset.PRISTINE}/{p}": root / p for p in list(files) if p.startswith("mytensor/")})
    files.update({kit_name: root / name for name, kit_name in SHARED_FILES})
    for folder in SHARED_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and not IGNORE("", list(path.relative_to(root).parts)):
                files[path.relative_to(root).as_posix()] = path
    make_text = (root / "kit" / "Makefile").read_text("utf-8") + (root / "venv.mk").read_text("utf-8")
    commands, modules = make_commands(make_text)
    package_dir = root / PACKAGE
    missing = _missing_modules(package_dir, [command_module(c, package_dir) for c in commands] + modules)
    if missing:
        raise KitError(f"kit/Makefile runs workbook modules that do not exist: {', '.join(missing)}")
    notebooks = [root / p for p in files if p.startswith("notebooks/") and p.endswith(".ipynb")]
    for name in student_modules(package_dir, commands, modules, notebooks):
        files[f"{PACKAGE}/{name}.py"] = package_dir / f"{name}.py"
    return files


def write_kit(out, root=REPO, tools_only=False):
    """Write the kit into the new or empty folder ``out``; return the list of files written.

    With ``tools_only``, only the kit's ``workbook/`` package is written.
    """
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise KitError(f"{out} already exists and is not empty: remove it or choose another folder "
                       "(the kit never writes over files)")
    files = plan(root)
    if tools_only:
        files = {path: source for path, source in files.items() if path.startswith(PACKAGE + "/")}
    for relative, source in sorted(files.items()):
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return sorted(files)


def make_repository(out):
    """Turn the kit folder into a git repository with one commit (a GitHub Classroom template)."""
    if not shutil.which("git"):
        raise KitError("--git needs the git program; install it, or leave --git out and upload the folder")
    identity = ["-c", "user.name=mytensor workbook", "-c", "user.email=workbook@localhost"]
    for args in (["init", "-q", "-b", "main"], ["add", "-A"],
                 [*identity, "commit", "-q", "-m", "mytensor workbook: student kit"]):
        done = subprocess.run(["git", "-C", str(out), *args], capture_output=True, text=True)
        if done.returncode:
            raise KitError(f"`git {' '.join(args)}` failed in {out}: {done.stderr.strip()}")


def main(argv=None):
    """Entry point of ``python -m workbook kit``; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m workbook kit", description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="new (or empty) folder for the kit")
    parser.add_argument("--git", action="store_true", help="make it a git repository with one commit")
    parser.add_argument("--tools-only", action="store_true",
                        help="write only the student part of workbook/ (for a shared environment)")
    args = parser.parse_args(argv)
    try:
        written = write_kit(args.out, tools_only=args.tools_only)
        if args.git:
            make_repository(args.out)
    except KitError as error:
        print(f"kit: error: {error}", file=sys.stderr)
        return 1
    modules = [p for p in written if p.startswith(PACKAGE + "/")]
    use = ("Put this folder on the PYTHONPATH of the students' servers." if args.tools_only
           else "Give students this folder, never the repository.")
    print(f"kit: wrote {len(written)} files into {args.out} ({len(modules)} modules of workbook/"
          f"{', a git repository' if args.git else ''}). {use}")
    return 0
