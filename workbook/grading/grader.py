"""The grader process and its client: one protocol, one file.

:class:`Grader` (the client, used by ``workbook grade`` and by a Dask worker)
starts ``python -m workbook.grading.grader --serve`` and keeps it for one
submission after another, so nbgrader and torch are imported once per
process, not once per notebook or submission. It sends one job a line on the
process's stdin,
``{"work": WORK, "student": ..., "assignment": ..., "reasons": [...]}``, and
reads one reply a line on its stdout:
``{"code": N, "times": {...}, "findings": [...], "scores": [...], "records": {...}}``:
the exit code, the seconds of each phase, the torch imports the sandbox saw,
the score rows and, per graded cell, its failing calls (:func:`checked_records`).

A job runs nbgrader's autograde then generate_feedback on the private course
``WORK`` with the repository's ``nbgrader_config.py``. The notebooks run in
the grader process (:class:`workbook.grading.preprocessors.TrustedExecute`);
the submission's code runs in its own sandboxed worker, stopped when the job
ends. Each REASON, and each torch import the worker saw (the reply's
``findings``), zeroes the submission (a manual score of 0 on every graded
cell) before the feedback is made; the log goes to ``WORK/grading.log``.
Exit code of a job: 0 when both steps succeeded, 3 when autograde failed,
4 when the feedback failed, 5 when grading itself failed.
"""

import contextlib
import json
import os
import re
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from workbook import language, settings
from workbook.grading import course, gradebook, timings
from workbook.grading.timings import phase

MAX_FINDINGS = 3
RECORDS_PER_CELL = 5
RECORD_FIELD = 2_000
RECORD_FIELDS = ("task", "kind", "call", "torch", "mytensor", "why", "error_type", "message", "hint", "file",
                 "function", "text")
MAX_GRADED_CELLS = 200


@dataclass
class Reply:
    """What the grader process answers for one job: plain data, checked on arrival."""

    code: int
    times: dict
    findings: list  # the torch imports the sandbox saw
    scores: list  # [[notebook, grade id, score, max score], ...] once autograded
    records: dict  # {grade id: {"notebook", "task", "failures", "more"}}: each graded cell's failing calls


def read_reply(data):
    """A :class:`Reply` from the decoded JSON ``data``; ValueError when it has another shape."""
    if type(data) is not dict or type(data.get("code")) is not int:
        raise ValueError("a reply without an exit code")
    findings = [f for f in data.get("findings") or [] if type(f) is str][:MAX_FINDINGS]
    scores = [row for row in data.get("scores") or [] if _score_row(row)]
    return Reply(data["code"], timings.checked(data.get("times")), findings, scores, checked_records(data.get("records")))


def checked_records(records):
    """``{grade id: {"notebook", "task", "failures", "more"}}`` kept to its form and size.

    At most :data:`RECORDS_PER_CELL` failures per cell, each field a string
    of at most :data:`RECORD_FIELD` characters or None; anything else is
    dropped, so a reply cannot grow a result without bound.
    """
    if not isinstance(records, dict):
        return {}
    kept = {}
    for grade_id, cell in list(records.items())[:MAX_GRADED_CELLS]:
        if isinstance(grade_id, str) and isinstance(cell, dict) and isinstance(cell.get("failures"), list):
            failures = [_checked_record(r) for r in cell["failures"][:RECORDS_PER_CELL] if isinstance(r, dict)]
            more = cell.get("more") if type(cell.get("more")) is int and cell.get("more") > 0 else 0
            more += len(cell["failures"]) - len(failures)
            kept[grade_id[:200]] = {"notebook": _field(cell.get("notebook")), "task": _field(cell.get("task")),
                                    "failures": failures, "more": more}
    return kept


def _field(value):
    return value[:RECORD_FIELD] if isinstance(value, str) else None


def _checked_record(record):
    kept = {name: _field(record.get(name)) for name in RECORD_FIELDS}
    found = record.get("misconception")
    kept["misconception"] = ({name: _field(found.get(name)) for name in ("id", "name", "about")}
                             if isinstance(found, dict) else None)
    return kept


def _score_row(row):
    return (type(row) is list and len(row) == 4 and all(type(x) is str and len(x) < 200 for x in row[:2])
            and all(type(x) in (int, float) and 0 <= x < 10**6 for x in row[2:]))


class Grader:
    """The client of one grader process, which grades one submission after another.

    nbgrader and torch are imported once per process instead of once per
    submission. A process that overruns a submission's time or dies is
    killed with its process group and replaced. ``env`` holds the run's
    settings (:meth:`workbook.settings.Settings.environ`).
    """

    def __init__(self, log, env=None):
        self.log = log
        self.env = env or {}
        self.process = None
        self.times = {}

    def _start(self):
        command = [sys.executable, "-P", "-m", "workbook.grading.grader", "--serve"]
        # Hypothesis keeps a cache in the folder it was first used in: the first job's, removed after that job.
        hypothesis = str(Path(self.log).parent / "hypothesis")
        env = course.tool_env(None, {"HYPOTHESIS_STORAGE_DIRECTORY": hypothesis})
        env.update(self.env)  # a None setting is one that must not be set
        env = {name: value for name, value in env.items() if value is not None}
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(
                command, cwd=course.REPO, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=log, text=True, start_new_session=True,
            )

    def grade(self, job, timeout):
        """Send one job; return its :class:`Reply`, or None when it overran ``timeout`` or the process died."""
        self.times = {}
        if self.process is None:
            self._start()
        try:
            self.process.stdin.write(json.dumps(job) + "\n")
            self.process.stdin.flush()
            ready = select.select([self.process.stdout], [], [], timeout)[0]
            reply = read_reply(json.loads(self.process.stdout.readline() if ready else ""))
        except (OSError, ValueError):
            self.stop()
            return None
        self.times = reply.times
        return reply

    def stopped_reason(self, timeout):
        """Why the last job has no reply."""
        return f"grading stopped after {timeout} s"

    def stop(self, grace=0):
        """End the process: after ``grace`` seconds to finish on its own, kill it and all it started."""
        if self.process is None:
            return
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=grace)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.process.stdout.close()
        self.process = None


# The grader process.


def load_config(work, config):
    """The nbgrader config for the private course ``work``, with the run's settings ``config``."""
    from traitlets.config import Config

    c = Config()
    course.configure(c, root=work, config=config, db=gradebook.private_url(work))
    return c


def torch_findings(package, config=None):
    """What the submission's worker saw it try to import from torch."""
    from workbook.sandbox import host as sandbox, inside

    attempts = sandbox.worker_for(package, config).run(inside.torch_attempts)
    names = attempts if type(attempts) is list else []
    # The sandbox may answer anything: only module names of torch reach the flags (and so grades.csv).
    return [f"importing mytensor imports {name}" for name in names[:MAX_FINDINGS] if _torch_module(name)]


def _torch_module(name):
    return type(name) is str and len(name) <= 100 and re.fullmatch(r"torch(\.[A-Za-z_][A-Za-z0-9_]*)*", name) is not None


def grade(work, student, assignment, reasons, config, times=None, lang="en"):
    """Autograde, zero when told or when torch was imported, generate feedback; return the reply's fields.

    Messages are in ``lang``, the language of the edition submitted. The
    seconds of each phase are added to ``times`` (see :mod:`workbook.grading.timings`).
    """
    with language.speaking(lang):
        return _grade(work, student, assignment, reasons, config, {} if times is None else times)


def _grade(work, student, assignment, reasons, config, times):
    with phase(times, "grader imports"):  # once per grader process; nothing on later jobs
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory

        from workbook.grading import cells
        from workbook.sandbox import host as sandbox

    sandbox.reuse_workers = True
    cells.RECORDS.clear()
    nbgrader_config = load_config(work, config)
    api = NbGraderAPI(coursedir=CourseDirectory(config=nbgrader_config), config=nbgrader_config)
    try:
        with phase(times, "autograde"):
            graded = api.autograde(assignment, student, force=True, create=True)
        print(graded.get("log", ""), graded.get("error", ""), sep="\n")
        with phase(times, "torch import check"):
            found = torch_findings(Path(work) / "autograded" / student / assignment / "mytensor", config)
    finally:
        with phase(times, "sandbox stop"):
            sandbox.stop_all()
    if not graded["success"]:
        return {"code": 3, "findings": found}
    if reasons or found:
        gradebook.zero(work, student, assignment, list(reasons) + found)
    with phase(times, "feedback"):
        feedback = api.generate_feedback(assignment, student, force=True)
    print(feedback.get("log", ""), feedback.get("error", ""), sep="\n")
    return {"code": 0 if feedback["success"] else 4, "findings": found,
            "scores": gradebook.scores(work, student, assignment), "records": checked_records(cells.RECORDS)}


def serve(config, requests=sys.stdin, replies=sys.stdout):
    """Grade one job per line of ``requests`` until it closes; answer each on ``replies``."""
    for line in requests:
        job, times = json.loads(line), {}
        with open(Path(job["work"]) / "grading.log", "a") as log, contextlib.redirect_stdout(log):
            try:
                reply = grade(job["work"], job["student"], job["assignment"], job["reasons"], config, times,
                              job.get("language", "en"))
            except Exception as error:  # reported for this student; the next job still runs
                print(f"grading failed: {type(error).__name__}: {error}")
                reply = {"code": 5}
        replies.write(json.dumps({**reply, "times": times}) + "\n")
        replies.flush()
    return 0


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
    """Serve jobs (``--serve``) or grade the one submission named on the command line.

    The settings are read from the environment once, here.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    config = settings.read()
    if argv == ["--serve"]:
        end_with_parent()
        replies = os.fdopen(os.dup(1), "w")
        os.dup2(2, 1)  # stray prints go to the log, never into the replies
        return serve(config, sys.stdin, replies)
    work, student, assignment, *reasons = argv
    return grade(work, student, assignment, reasons, config)["code"]


if __name__ == "__main__":
    sys.exit(main())
