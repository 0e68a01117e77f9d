"""Grading one submission: stage it, send it to a grader, keep what came back.

:func:`grade_one` makes a private course for the student (so a crash or a
hang touches no one else), sends one job to a grader (:mod:`workbook.grading.grader`,
on this machine or a Dask worker), and returns a :class:`Result`: the grader's
reply (exit code, score rows, torch findings, timings) and what this process
found itself. :func:`merge` then copies the student into the course.
Every flag a row of ``grades.csv`` shows is worded in one place,
:attr:`Result.flags`.
"""

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from workbook import tasks as task_grammar
from workbook.grading import course, gradebook, integrity, timings
from workbook.release import translation
from workbook.names import PACKAGE

UNSANDBOXED = "UNSANDBOXED: student code ran without the sandbox (--no-sandbox)"
EXCHANGE_FILES = ("timestamp.txt", "submission_secret.txt")


@dataclass
class Result:
    """What grading one student produced; :attr:`flags` words it for the instructor."""

    student: str
    work: Path = None
    graded: bool = False
    times: dict = field(default_factory=dict)
    scores: list = field(default_factory=list)  # [[notebook, grade id, score, max score], ...]
    notes: list = field(default_factory=list)  # what intake or the exchange noted
    sandboxed: bool = True
    problem: str = None  # why it was not graded, or why its grading is in doubt
    zeroed: list = field(default_factory=list)  # each way the submission reached torch
    review: list = field(default_factory=list)  # code that reaches into the grader, for a human to look at
    log: Path = None  # the student's grading log in the course, once merged
    edition: str = "en"  # the edition the student submitted: "en" or "zh"
    tasks: list = field(default_factory=list)  # per graded cell: status, points and failing calls

    @property
    def flags(self):
        """Everything the instructor should know about this row, most important first."""
        flags = list(self.notes) + ([] if self.sandboxed else [UNSANDBOXED])
        flags += [self.problem] if self.problem else []
        flags += [f"ZEROED: {finding}" for finding in self.zeroed]
        flags += [f"REVIEW: {finding}" for finding in self.review]
        if not self.graded and self.log is not None:
            flags.append(f"not graded: see {self.log}")
        return flags


def stage(root, base, student, submitted, assignment):
    """Make the private course of one student under ``base``; return its folder.

    The submission was filtered at intake (:func:`workbook.grading.integrity.allowed`):
    here its ``mytensor/`` is copied as it is, beside the released notebooks,
    which stand in for the submitted ones (a cell a student adds cannot
    redefine a check). ``base`` lies outside the course folder, so the
    graded code finds no gradebook or other submission by walking up.
    """
    work = Path(base) / student
    (work / "source").mkdir(parents=True)
    shutil.copyfile(Path(root) / "grading" / "template.db", work / "gradebook.db")
    shutil.copytree(Path(root) / "source" / assignment, work / "source" / assignment)
    graded = work / "submitted" / student / assignment
    graded.mkdir(parents=True)
    if (Path(submitted) / PACKAGE).is_dir():
        shutil.copytree(Path(submitted) / PACKAGE, graded / PACKAGE, symlinks=True)
    for name in EXCHANGE_FILES:
        if (Path(submitted) / name).is_file():
            shutil.copyfile(Path(submitted) / name, graded / name)
    integrity.use_released_notebooks(Path(root) / "release" / assignment, graded)
    return work


def grade_one(grader, root, base, student, submitted, assignment, timeout, sandboxed=True):
    """Autograde one student in a private course with ``grader`` and make their feedback; return a :class:`Result`."""
    times = {}
    with timings.phase(times, "prepare"):
        work = stage(root, base, student, submitted, assignment)
    result = Result(student, work, sandboxed=sandboxed, edition=edition_of(submitted))
    package = work / "submitted" / student / assignment / PACKAGE
    result.zeroed = integrity.torch_uses(package)
    job = {"work": str(work), "student": student, "assignment": assignment, "reasons": result.zeroed,
           "language": result.edition}
    with timings.phase(times, "job"):
        reply = grader.grade(job, timeout)
    result.times = {**times, **grader.times}
    log = work / "grading.log"
    if reply is None:
        result.problem = grader.stopped_reason(timeout)
    elif reply.code != 0 or not log.exists() or course.CONFIG_ERROR in log.read_text():
        result.problem = "nbgrader reported errors"
    if reply is not None:
        result.zeroed += reply.findings
        result.scores = reply.scores
    result.review = integrity.grader_reaches(package)
    result.graded = reply is not None and reply.code == 0 and (work / "autograded" / student / assignment).is_dir()
    if result.graded:
        result.tasks = task_results(reply, _cell_order(work / "source" / assignment))
    return result


def edition_of(submitted):
    """``"zh"`` when the submitted notebooks are the Chinese edition's (the release marks them so), else ``"en"``."""
    for path in sorted(Path(submitted).glob("*.ipynb")):
        try:
            notebook = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(notebook, dict) and isinstance(notebook.get("metadata"), dict) \
                and isinstance(notebook["metadata"].get("workbook"), dict) and translation.edition_of(notebook) == "zh":
            return "zh"
    return "en"


def task_results(reply, order):
    """One entry per graded cell, in notebook order, from the reply's score rows and failure records."""
    found = [_task(notebook, cell, points, most, reply.records.get(cell)) for notebook, cell, points, most in reply.scores]
    return sorted(found, key=lambda task: (task["notebook"], order.get((task["notebook"], task["cell"]), 0)))


def _task(notebook, grade_id, points, most, found):
    """A graded cell's status: passed at full points; not started when every failure met a stub; else failed."""
    failures = found["failures"] if found else []
    if points >= most:
        status = "passed"
    elif failures and all(record["kind"] == "not_started" for record in failures):
        status = "not_started"
    else:
        status = "failed"
    return {"cell": grade_id, "task": task_grammar.task_of_cell(grade_id), "notebook": notebook,
            "points": float(points), "max": float(most), "status": status, "failures": failures,
            "more": found["more"] if found else 0}


def _cell_order(source):
    """``{(notebook, grade id): position}`` of the graded cells of the source notebooks."""
    order = {}
    for path in sorted(Path(source).glob("*.ipynb")):
        for position, cell in enumerate(json.loads(path.read_text("utf-8"))["cells"]):
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if grade_id:
                order[(path.stem, grade_id)] = position
    return order


def merge(root, result, assignment):
    """Copy one graded student into the course: gradebook rows, autograded and feedback folders."""
    logs = Path(root) / "grading" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    result.log = logs / f"{result.student}.log"
    if result.work is not None and (result.work / "grading.log").exists():
        shutil.copyfile(result.work / "grading.log", result.log)
    if not result.graded:
        return
    gradebook.copy_student(result.work, root, assignment, result.student)
    for kind in ("autograded", "feedback"):
        source = result.work / kind / result.student / assignment
        dest = Path(root) / kind / result.student / assignment
        if dest.exists():
            shutil.rmtree(dest)
        if source.exists():
            shutil.copytree(source, dest)
