"""Build the student notebooks with nbgrader, and prove that the stubbed package imports."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .stubbing import ReleaseError, write_files

ASSIGNMENT = "mytensor-workbook"


def _import_error(directory):
    """The last lines of the error raised by ``import mytensor`` in ``directory``, or None."""
    code = "import sys, mytensor; sys.exit('mytensor imported torch' if 'torch' in sys.modules else 0)"
    done = subprocess.run([sys.executable, "-c", code], cwd=directory, capture_output=True, text=True)
    return None if done.returncode == 0 else "\n".join(done.stderr.strip().splitlines()[-6:])


def verify_imports(package_files, solutions):
    """Import the stubbed package in a fresh interpreter; raise ReleaseError if it fails."""
    with tempfile.TemporaryDirectory() as tmp:
        write_files(package_files, tmp)
        error = _import_error(tmp)
    if error is None:
        return
    reference_error = _import_error(solutions)
    if reference_error:
        raise ReleaseError(f"solutions/mytensor itself does not import:\n{reference_error}\nFix the reference library first.")
    raise ReleaseError(
        f"the stubbed package does not import, although the reference does:\n{error}\n"
        "A stub probably replaced code needed at import time: keep solution regions inside function bodies."
    )


def _nbgrader_error(output):
    lines = [line for line in output.splitlines() if "ERROR" in line or "Error" in line]
    return "\n".join(lines[-8:]) or "\n".join(output.splitlines()[-8:])


def build_notebooks(solutions):
    """Return ``{relative path: bytes}`` of the student notebooks made by nbgrader."""
    sources = sorted(Path(solutions).glob("*.ipynb"))
    if not sources:
        return {}
    with tempfile.TemporaryDirectory() as course:
        assignment = Path(course) / "source" / ASSIGNMENT
        assignment.mkdir(parents=True)
        for path in sources:
            shutil.copy2(path, assignment / path.name)
        (Path(course) / "nbgrader_config.py").write_text(f"c = get_config()\nc.CourseDirectory.root = {course!r}\n")
        bin_dir = str(Path(sys.executable).parent)
        env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
        command = [sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT, "--force"]
        done = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise ReleaseError(f"nbgrader generate_assignment failed:\n{_nbgrader_error(done.stdout + done.stderr)}")
        released = Path(course) / "release" / ASSIGNMENT
        return {f"notebooks/{path.name}": path.read_bytes() for path in sorted(released.glob("*.ipynb"))}
