"""Build the student copies, ``notebooks/`` and ``mytensor/``, from ``solutions/``.

Usage::

    python -m workbook release            # or: make release
    python -m workbook release --force    # overwrite files a student edited (backed up first)
    python -m workbook release --check    # CI: fail on drift or on a solution leak

The release runs four jobs, one module each: ``stubbing`` turns the reference
library into stubs, ``building`` makes the notebooks with nbgrader and proves
the stubbed package imports, ``writing`` writes the files under a manifest
that guards edits, and ``audit`` compares the tree with a fresh build and
looks for leaks. This module puts them in order and is the command line.

What it writes:

* ``mytensor/``: every file of ``solutions/mytensor``. In ``.py`` files each
  region between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` becomes
  ``raise NotImplementedError("Task N.M: <what> (replace this raise in mytensor/<file>.py: <function>;
  see xN_<topic>.ipynb)")``,
  indented like the marker; the ``# Task N.M: <what>`` comment line directly
  above the region, the signature and the docstring stay.
* ``notebooks/``: the student notebooks made by ``nbgrader generate_assignment``
  (assignment ``mytensor-workbook``) in a temporary course directory: solution
  regions, hidden tests and outputs removed.
* ``notebooks/zh/`` and ``solutions/zh/``: the Chinese edition, student and
  nbgrader source notebooks (assignment ``mytensor-workbook-zh``), made from
  the same source with every prose cell swapped for its Chinese text
  (:mod:`workbook.release.translation`). A missing or stale translation is a warning
  here (the English text stands in) and a failure of ``--check``.
* ``.release-manifest.json``: the SHA-256 of every generated file.

A generated file whose content no longer matches its recorded hash was edited
by someone; the release refuses to overwrite it, names it and exits 1. Pass
``--force`` to overwrite anyway (the edited copies are saved first under
``build/release-backup/``). Deleted files are simply regenerated.

``--check`` rebuilds in memory and compares with the tree on disk: any missing,
different or extra file, any nbgrader marker, and any line of a solution region
or hidden test found in the student tree make it exit 1. A non-trivial line of
a library solution region counts even when provided code repeats it (see
``answer_lines``): then the answer would be on the student's page.
"""

import argparse
import sys
import time
from pathlib import Path

from workbook.release import translation
from workbook.release.audit import drift, leaks, on_disk
from workbook.release.building import build_notebooks, verify_imports
from workbook.release.stubbing import ReleaseError, build_package
from workbook.release.writing import MANIFEST, manifest_bytes, say, write_release
from workbook.names import REPO



def build_release(root, quiet=False):
    """Build the whole student tree in memory: ``{path relative to root: bytes}``, manifest included."""
    solutions = Path(root) / "solutions"
    started = time.perf_counter()
    package = build_package(solutions)
    say(f"stubbed {sum(p.endswith('.py') for p in package)} modules of solutions/mytensor", quiet)
    verify_imports(package, solutions)
    say("the stubbed package imports without torch", quiet)
    untranslated = translation.all_problems(root)
    if untranslated:
        say(f"warning: {len(untranslated)} prose cell(s) have no fresh Chinese text, so the Chinese edition shows "
            f"their English (`python -m workbook translations` lists them); the first: {untranslated[0]}", quiet)
    notebooks = build_notebooks(solutions)
    students = sum(path.startswith("notebooks/") for path in notebooks)
    say(f"nbgrader generated {students} student notebooks in two editions "
        f"({time.perf_counter() - started:.1f} s so far)", quiet)
    files = {**package, **notebooks}
    files[MANIFEST] = manifest_bytes(files)
    return files


def check_release(root, quiet=False):
    """Return the list of drift and leak problems of the student tree under ``root``."""
    files = build_release(root, quiet)
    student = {p: (Path(root) / p).read_bytes() for p in on_disk(root)}
    stale = [f"translation: {problem}" for problem in translation.all_problems(root)]
    return drift(root, files) + leaks(root, student) + stale


def main(argv=None):
    """Entry point of ``python -m workbook release``; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m workbook release", description=__doc__.split("\n")[0])
    parser.add_argument("--force", action="store_true", help="overwrite edited generated files (a backup is kept)")
    parser.add_argument("--check", action="store_true", help="only compare the tree with a fresh release (CI)")
    parser.add_argument("--root", default=str(REPO), help="the repository root (default: %(default)s)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    try:
        if args.check:
            return _report_check(check_release(args.root, args.quiet))
        write_release(args.root, build_release(args.root, args.quiet), args.force, args.quiet)
    except ReleaseError as error:
        print(f"release: error: {error}", file=sys.stderr)
        return 1
    return 0


def _report_check(problems):
    if not problems:
        print("release --check: notebooks/, mytensor/ and solutions/zh/ match a fresh release; "
              "no solution leaks; every translation is fresh.")
        return 0
    print("release --check: the student tree is not what `python -m workbook release` makes:", file=sys.stderr)
    print("\n".join(problems), file=sys.stderr)
    print("Fix: run `make release` (or fix the leak or translation in solutions/) and commit notebooks/, "
          f"mytensor/, solutions/zh/ and {MANIFEST} together.", file=sys.stderr)
    return 1
