"""Autograde and feedback for submissions, in a long-lived trusted process (started by ``workbook grade``).

``python -m workbook.gradeworker --serve`` reads one job a line on stdin,
``{"work": WORK, "student": ..., "assignment": ..., "reasons": [...]}``, grades
it and answers ``{"code": N, "times": {phase: seconds}, "records": {grade id: ...}}`` on stdout
(the failure records of each graded cell, see :func:`workbook.grade.checked_records`). ``python -m workbook.gradeworker
WORK STUDENT ASSIGNMENT [REASON ...]`` grades one submission and exits.

A job runs nbgrader's autograde then generate_feedback on the private course
``WORK`` with the repository's ``nbgrader_config.py``. The notebooks run in
this process (:class:`workbook.preprocessors.TrustedExecute`), so nbgrader and
torch are imported once per process, not once per notebook or submission; the
submission's code runs in its own sandboxed worker, stopped when the job ends.
Each REASON, and each torch import the worker saw, zeroes the submission (a
manual score of 0 on every graded cell) before the feedback is made; the
findings go to ``WORK/findings.json`` and the log to ``WORK/grading.log``.
Exit code of a job: 0 when both steps succeeded, 3 when autograde failed,
4 when the feedback failed.
"""

import contextlib
import json
import os
import re
import sys
import threading
import time
from pathlib import Path

from workbook.timings import phase


def load_config(work):
    """The repository's nbgrader config, for the course folder ``work``."""
    from traitlets.config.loader import PyFileConfigLoader

    from workbook import course

    os.environ["WORKBOOK_COURSE"] = str(work)
    os.environ["WORKBOOK_DB_URL"] = ""
    return PyFileConfigLoader("nbgrader_config.py", path=str(course.REPO)).load_config()


def torch_findings(package):
    """What the submission's worker saw it try to import from torch."""
    from workbook import sandbox, sandboxworker

    attempts = sandbox.worker_for(package).run(sandboxworker.torch_attempts)
    names = attempts if type(attempts) is list else []
    # The sandbox may answer anything: only module names of torch reach the flags (and so grades.csv).
    return [f"importing mytensor imports {name}" for name in names[:3] if _torch_module(name)]


def _torch_module(name):
    return type(name) is str and len(name) <= 100 and re.fullmatch(r"torch(\.[A-Za-z_][A-Za-z0-9_]*)*", name) is not None


def grade(work, student, assignment, reasons, times=None, lang="en"):
    """Autograde, zero when told or when torch was imported, generate feedback; return the code.

    Messages are in ``lang``, the language of the edition submitted. The
    seconds of each phase are added to ``times`` (see :mod:`workbook.timings`).
    """
    from workbook import language

    with language.speaking(lang):
        return _grade(work, student, assignment, reasons, {} if times is None else times)


def _grade(work, student, assignment, reasons, times):
    with phase(times, "grader imports"):  # once per grader process; nothing on later jobs
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory

        from workbook import grade as grading
        from workbook import gradekernel, sandbox

    sandbox.reuse_workers = True
    gradekernel.RECORDS.clear()
    config = load_config(work)
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    try:
        with phase(times, "autograde"):
            graded = api.autograde(assignment, student, force=True, create=True)
        print(graded.get("log", ""), graded.get("error", ""), sep="\n")
        with phase(times, "torch import check"):
            found = torch_findings(Path(work) / "autograded" / student / assignment / "mytensor")
    finally:
        with phase(times, "sandbox stop"):
            sandbox.stop_all()
    Path(work, "findings.json").write_text(json.dumps(found))
    if not graded["success"]:
        return 3
    if reasons or found:
        grading.zero_submission(work, student, assignment, list(reasons) + found)
    with phase(times, "feedback"):
        feedback = api.generate_feedback(assignment, student, force=True)
    print(feedback.get("log", ""), feedback.get("error", ""), sep="\n")
    return 0 if feedback["success"] else 4


def serve(requests=sys.stdin, replies=sys.stdout):
    """Grade one job per line of ``requests`` until it closes; answer each on ``replies``."""
    for line in requests:
        job, times = json.loads(line), {}
        with open(Path(job["work"]) / "grading.log", "a") as log, contextlib.redirect_stdout(log):
            try:
                code = grade(job["work"], job["student"], job["assignment"], job["reasons"], times,
                             job.get("language", "en"))
            except Exception as error:  # reported for this student; the next job still runs
                print(f"grading failed: {type(error).__name__}: {error}")
                code = 5
        records = graded_records() if code != 5 else {}
        replies.write(json.dumps({"code": code, "times": times, "records": records}) + "\n")
        replies.flush()
    return 0


def graded_records():
    """The failure records of the job just graded, by grade id, capped by :func:`workbook.grade.checked_records`."""
    from workbook import gradekernel
    from workbook.grade import checked_records

    return checked_records(gradekernel.RECORDS)


def end_with_parent(every=0.5):
    """End this process as soon as the one that started it is gone.

    A Dask worker killed mid-job cannot stop its grader, which would
    otherwise finish that job for nobody. Its sandbox goes with it
    (``--die-with-parent``).
    """
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()


def main(argv=None):
    """Serve jobs (``--serve``) or grade the one submission named on the command line."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv == ["--serve"]:
        end_with_parent()
        replies = os.fdopen(os.dup(1), "w")
        os.dup2(2, 1)  # stray prints go to the log, never into the replies
        return serve(sys.stdin, replies)
    work, student, assignment, *reasons = argv
    return grade(work, student, assignment, reasons)


if __name__ == "__main__":
    sys.exit(main())
