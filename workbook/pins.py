"""Check that the running Python environment holds the pinned packages (``VENV=...`` in make).

Usage: ``python -m workbook.pins requirements.txt``. Exit status 0 when every
``name==version`` line is installed at that version (a local build such as
``2.13.0+cpu`` counts as ``2.13.0``), else 1 with the list of differences and
the fix. It only reads the environment, never installs into it.
"""

import re
import sys
from importlib import metadata
from pathlib import Path

PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;#]+)")


def pins(text):
    """``{name: version}`` of every ``name==version`` line of a requirements file."""
    return dict(match.groups() for match in map(PIN.match, text.splitlines()) if match)


def differences(wanted):
    """One line for each pinned package that is missing or at another version."""
    problems = []
    for name, version in wanted.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            problems.append(f"  {name}=={version}: not installed")
            continue
        if installed.split("+")[0] != version:
            problems.append(f"  {name}=={version}: {installed} is installed")
    return problems


def main(argv=None):
    """Compare the environment with the pins; return the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0] if argv else "requirements.txt")
    try:
        wanted = pins(path.read_text("utf-8"))
    except OSError as error:
        print(f"error: cannot read the pins in {path}: {error.strerror}", file=sys.stderr)
        return 2
    problems = differences(wanted)
    if problems:
        print(f"error: the environment {sys.prefix} does not match {path}:\n" + "\n".join(problems) +
              f"\nFix: install the pins into it (`{sys.executable} -m pip install -r {path}`, as its owner), "
              "or leave VENV out to build .venv here.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
