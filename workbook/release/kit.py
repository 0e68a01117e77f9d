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
top level of ``workbook/``: the student tools. The rooms below it
(``release/``, ``grading/``, ``sandbox/``) are the instructor's, and no
top-level module imports them (tests/workbook/test_layout.py), so
``solutions/``, the hidden tests, the reference library, grading and the
instructor's tools never reach a kit.
"""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from workbook.release import writing
from workbook import reset
from workbook.names import REPO

PACKAGE = "workbook"
KIT_SOURCES = REPO / "kit"
# (file in the repository, name in the kit)
SHARED_FILES = (("requirements.txt", "requirements.txt"), ("environment.yml", "environment.yml"),
                ("venv.mk", "venv.mk"), ("kit/Makefile", "Makefile"), ("kit/README.md", "README.md"),
                ("kit/gitignore", ".gitignore"))
SHARED_FOLDERS = ("jupyter",)
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "migrated")


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
        raise KitError(f"{Path(root) / writing.MANIFEST} is missing or empty: run `make release` first")
    missing = [path for path in recorded if not (Path(root) / path).is_file()]
    changed = [path for path in writing.edited_files(root, {}) if path in recorded]
    if missing or changed:
        raise KitError("the student tree differs from the last release ("
                       + ", ".join(missing + changed) + "): run `make release` and commit its output first")
    return sorted(recorded)


def student_tools(package_dir):
    """The top-level modules of ``package_dir``: what the kit's commands and notebooks use."""
    return sorted(path.name for path in Path(package_dir).glob("*.py"))


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
    package_dir = root / PACKAGE
    files.update({f"{PACKAGE}/{name}": package_dir / name for name in student_tools(package_dir)})
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
