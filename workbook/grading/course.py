"""The nbgrader course: its layout, its configuration and how it is built.

A course folder (``build/course`` unless the setting ``course`` says otherwise)::

    source/<assignment>/    the SOLUTION notebooks at the top, beside the
                            STUDENT stub package ``mytensor/``: nbgrader copies
                            every non-notebook file to the students, so the
                            reference library never goes there
    release/ submitted/ autograded/ feedback/    nbgrader's own folders
    gradebook.db            the gradebook (SQLite unless the setting ``db_url`` is set)
    grading/template.db     a gradebook with the assignment only, copied for
                            each submission graded on its own

Run ``python -m workbook course`` to (re)build it; the repository's
``nbgrader_config.py`` calls :func:`configure`, so the standard ``nbgrader``
commands work from the repository root.
"""

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from workbook import settings
from workbook.release import translation
from workbook.names import ASSIGNMENT, ASSIGNMENT_ZH, COURSE_ID
from workbook.names import REPO, PACKAGE

CONFIG_ERROR = "Exception while loading config file"


def course_root(config=None):
    """Return the course folder: the setting ``course`` (``WORKBOOK_COURSE``) or ``build/course``."""
    return Path((config or settings.read()).course or REPO / "build" / "course").resolve()


def db_url(root, config=None):
    """Return the course gradebook's URL: the setting ``db_url`` (``WORKBOOK_DB_URL``) or ``root/gradebook.db``."""
    return (config or settings.read()).db_url or f"sqlite:///{Path(root) / 'gradebook.db'}"


def student_files(assignment_dir):
    """List the student's files of an assignment, for ``exclude_overwriting``.

    Parameters
    ----------
    assignment_dir : Path
        ``source/<assignment>``: notebooks and the student package.

    Returns
    -------
    list of str
        Every ``.py`` file of ``mytensor/``, relative to ``assignment_dir``,
        sorted; generated so that no file can be forgotten.
    """
    package = Path(assignment_dir) / PACKAGE
    return sorted(str(p.relative_to(assignment_dir)) for p in package.rglob("*.py"))


def exclude_overwriting(root):
    """Map each assignment in ``root/source`` to its student files."""
    source = Path(root) / "source"
    if not source.is_dir():
        return {}
    return {d.name: student_files(d) for d in sorted(source.iterdir()) if d.is_dir()}


def exchange_root(config=None):
    """The nbgrader exchange: the setting ``exchange`` (``WORKBOOK_EXCHANGE``) or ``/srv/nbgrader/exchange``."""
    return Path((config or settings.read()).exchange or "/srv/nbgrader/exchange")


def venv_path(path=None):
    """PATH with this Python's ``bin/`` first: nbgrader runs ``alembic`` from PATH."""
    path = os.environ.get("PATH", "") if path is None else path
    first = str(Path(sys.executable).parent)
    return path if path.split(os.pathsep)[0] == first else f"{first}{os.pathsep}{path}"


def tool_env(root=None, extra=None):
    """Return the one environment for nbgrader commands on the course ``root``.

    The venv's ``bin/`` comes first on PATH and PYTHONPATH holds only the
    repository (for ``workbook`` and ``nbgrader_config.py``).
    """
    env = dict(os.environ)
    env.update(PATH=venv_path(), WORKBOOK_COURSE=str(Path(root or course_root())), PYTHONPATH=str(REPO))
    env.update(extra or {})
    return env


def configure(c, root=None, config=None, db=None):
    """Fill an nbgrader config ``c`` for the course at ``root``, with the run's settings ``config``.

    Called by the repository's ``nbgrader_config.py`` (settings from the
    environment) and by the grader process (``db``: a submission's private
    gradebook).
    """
    config = config or settings.read()
    root = Path(root or course_root(config))
    os.environ["PATH"] = venv_path()  # nbgrader runs alembic from PATH, in this process and in its children
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.db_url = db or db_url(root, config)
    c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]
    c.Exchange.root = str(exchange_root(config))
    c.Autograde.exclude_overwriting = exclude_overwriting(root)
    _configure_execution(c, config)
    _configure_feedback_and_collect(c)


def _configure_execution(c, config):
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties, CheckCellMetadata, IgnorePattern, LimitOutput, SaveAutoGrades,
    )
    from workbook.grading.preprocessors import TrustedExecute

    # Autograde runs the cells in its own process and the student side of each
    # check in a sandbox; a student's Validate button keeps nbgrader's Execute
    # in the notebook's own kernel, which sees their mytensor/.
    c.Autograde.autograde_preprocessors = [
        TrustedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
        SaveAutoGrades, AssignLatePenalties, CheckCellMetadata,
    ]
    c.TrustedExecute.settings = config
    c.LimitOutput.max_lines = 1000


def _configure_feedback_and_collect(c):
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades
    from workbook.grading.preprocessors import HideHiddenTests, QuietDemoCells

    c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, QuietDemoCells, CSSHTMLHeaderPreprocessor]
    c.ZipCollectApp.collector_plugin = "nbgrader.plugins.zipcollect.FileNameCollectorPlugin"
    c.FileNameCollectorPlugin.valid_ext = [".ipynb", ".py"]
    c.FileNameCollectorPlugin.named_regexp = (
        r".*?(?P<student_id>[A-Za-z0-9._-]+?)__" + ASSIGNMENT + r"[^/]*/(?P<file_id>.+)"
    )


def nbgrader(root, *args, env=None, log=None, timeout=None):
    """Run one ``nbgrader`` command on the course ``root``; raise on failure.

    Returns
    -------
    subprocess.CompletedProcess
    """
    command = [str(Path(sys.executable).parent / "nbgrader"), *args]
    done = subprocess.run(
        command, cwd=REPO, env=tool_env(root, env), capture_output=True, text=True, timeout=timeout
    )
    if log is not None:
        Path(log).parent.mkdir(parents=True, exist_ok=True)
        with open(log, "a") as out:
            out.write(f"$ nbgrader {' '.join(args)}\n{done.stdout}{done.stderr}\n")
    if done.returncode != 0 or CONFIG_ERROR in done.stderr:
        raise RuntimeError(f"`nbgrader {' '.join(args)}` failed:\n{done.stderr[-3000:]}")
    return done


def build(root, notebooks, package, assignment=ASSIGNMENT, template=True):
    """Lay out the course at ``root`` and run ``nbgrader generate_assignment``.

    Parameters
    ----------
    root : Path
        The course folder; created if missing. Submissions, grades and the
        gradebook already there are kept.
    notebooks : list of Path
        The solution (source) notebooks.
    package : Path
        The STUDENT stub package (``mytensor/`` made by the release), never
        the reference library.
    assignment : str
        The assignment name.
    template : bool
        Also write ``grading/template.db`` for this assignment (the one
        ``workbook grade`` grades against; the Chinese assignment shares its
        grade ids, so it needs none of its own).
    """
    root = Path(root).resolve()
    _check_inputs(notebooks, package)
    source = root / "source" / assignment
    if source.exists():
        shutil.rmtree(source)
    source.mkdir(parents=True)
    for notebook in notebooks:
        shutil.copy2(notebook, source / Path(notebook).name)
    shutil.copytree(package, source / PACKAGE, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    _generate(root, assignment, template)
    return root


def _check_inputs(notebooks, package):
    if not notebooks:
        raise SystemExit("error: no source notebooks: run `python -m workbook release` or pass notebooks")
    if not (Path(package) / "__init__.py").is_file():
        raise SystemExit(
            f"error: {package} is not the student package (no __init__.py): "
            "run `python -m workbook release` first"
        )


def _generate(root, assignment, template=True):
    """Generate the release, the gradebook and (with ``template``) the per-submission template gradebook."""
    if template:
        path = Path(root) / "grading" / "template.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        nbgrader(root, "generate_assignment", assignment, "--force", env={"WORKBOOK_DB_URL": f"sqlite:///{path}"})
    nbgrader(root, "generate_assignment", assignment, "--force")


def default_inputs(folder="solutions"):
    """Return the workbook's source notebooks (in ``folder``) and the student package."""
    return sorted((REPO / folder).glob("x[0-9]_*.ipynb")), REPO / PACKAGE


def main(argv=None):
    """``python -m workbook course``: build the course folder for nbgrader."""
    parser = argparse.ArgumentParser(prog="python -m workbook course", description=main.__doc__)
    parser.add_argument("--root", type=Path, default=course_root(), help="course folder (default %(default)s)")
    parser.add_argument("--student-config", type=Path, metavar="DIR",
                        help="only write the students' system-wide settings into DIR (e.g. /etc/jupyter)")
    args = parser.parse_args(argv)
    if args.student_config:
        from workbook import classroom

        return classroom.student_config_command(args.student_config, COURSE_ID)
    notebooks, package = default_inputs()
    root = build(args.root, notebooks, package)
    print(f"course ready in {root}: {len(notebooks)} notebooks, release in {root / 'release' / ASSIGNMENT}")
    chinese, _ = default_inputs(translation.SOURCE_DIR)
    if chinese:
        build(root, chinese, package, ASSIGNMENT_ZH, template=False)
        print(f"Chinese edition (中文版): release in {root / 'release' / ASSIGNMENT_ZH}; "
              f"its submissions are graded like {ASSIGNMENT}'s (same grade ids)")
    return 0
