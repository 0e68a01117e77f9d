"""Build the student notebooks with nbgrader, and prove that the stubbed package imports."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from workbook.release import translation
from workbook.names import ASSIGNMENT, ASSIGNMENT_ZH
from workbook.release.stubbing import ReleaseError, write_files


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


def _source_editions(solutions):
    """``{edition: {file name: notebook}}`` of the source notebooks, English and Chinese."""
    english, chinese = {}, {}
    for path in sorted(Path(solutions).glob("*.ipynb")):
        english[path.name], chinese[path.name] = translation.editions(nbformat.read(path, as_version=4))
    return {ASSIGNMENT: english, ASSIGNMENT_ZH: chinese}


def _generate(course, assignments):
    """Run ``nbgrader generate_assignment`` for each assignment at once; raise on failure."""
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    # each run gets its own gradebook: two runs creating the tables of one database race
    runs = [subprocess.Popen([sys.executable, "-m", "nbgrader", "generate_assignment", name, "--force",
                              f"--CourseDirectory.db_url=sqlite:///{Path(course) / name}.db"],
                             cwd=course, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for name in assignments]
    for run in runs:
        output = run.communicate()[0]
        if run.returncode != 0:
            raise ReleaseError(f"nbgrader generate_assignment failed:\n{_nbgrader_error(output)}")


def build_notebooks(solutions):
    """Return ``{relative path: bytes}`` of the generated notebooks of both editions.

    ``notebooks/`` and ``notebooks/zh/`` hold the student notebooks made by
    nbgrader; ``solutions/zh/`` the Chinese source notebooks (the nbgrader
    source of the Chinese assignment, with stored outputs).
    """
    sources = _source_editions(solutions)
    if not sources[ASSIGNMENT]:
        return {}
    files = {f"{translation.SOURCE_DIR}/{name}": nbformat.writes(nb).encode("utf-8") + b"\n"
             for name, nb in sources[ASSIGNMENT_ZH].items()}
    with tempfile.TemporaryDirectory() as course:
        for assignment, notebooks in sources.items():
            folder = Path(course) / "source" / assignment
            folder.mkdir(parents=True)
            for name, notebook in notebooks.items():
                nbformat.write(notebook, folder / name)
        (Path(course) / "nbgrader_config.py").write_text(f"c = get_config()\nc.CourseDirectory.root = {course!r}\n")
        _generate(course, sources)
        for assignment, target in ((ASSIGNMENT, "notebooks"), (ASSIGNMENT_ZH, translation.STUDENT_DIR)):
            released = Path(course) / "release" / assignment
            files.update({f"{target}/{path.name}": path.read_bytes() for path in sorted(released.glob("*.ipynb"))})
    return files
