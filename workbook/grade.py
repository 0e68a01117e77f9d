"""``python -m workbook grade``: from submissions to grades, feedback and a class report.

Each submission is graded on its own, in a private course folder
(``grading/work/<student>``) with a copy of the assignment-only gradebook: a
separate ``nbgrader autograde`` process per student, so a crash or a hang
touches no one else, and ``--jobs N`` runs N of them at once (nbgrader #174).
The results are merged into the course gradebook one at a time, by this
process only (no SQLite lock contention), so a parallel run gives the same
grades as a serial one.

The notebooks run in the grading process; the submitted ``mytensor`` runs
only in a sandbox (:mod:`workbook.sandbox`). Without one, grading stops and
says how to get one; ``--no-sandbox`` grades anyway and marks every row
``UNSANDBOXED``.
"""

import argparse
import contextlib
import datetime
import json
import os
import queue
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import warnings
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from workbook import cluster, course, integrity, intake, report, sandbox, timings
from workbook import inbound as inbound_
from workbook.course import ASSIGNMENT, COURSE_ID
from workbook.names import ASSIGNMENT_ZH, STUDENT_ID
from workbook.plaintext import printable

STUDENT_TIMEOUT = 1200
UNSANDBOXED = "UNSANDBOXED: student code ran without the sandbox (--no-sandbox)"


@dataclass
class Result:
    """What grading one student produced."""

    student: str
    flags: list = field(default_factory=list)
    work: Path = None
    graded: bool = False
    times: dict = field(default_factory=dict)
    edition: str = "en"
    tasks: list = field(default_factory=list)


class Grader:
    """A ``workbook.gradeworker --serve`` process: it grades one submission after another.

    nbgrader and torch are imported once per grader instead of once per
    submission. A grader that overruns a submission's time or dies is killed
    with its process group and replaced.
    """

    def __init__(self, log, env=None):
        self.log = log
        self.env = env or {}
        self.process = None
        self.times = {}
        self.records = {}

    def _start(self):
        command = [sys.executable, "-P", "-m", "workbook.gradeworker", "--serve"]
        # Hypothesis keeps a cache in the folder it was first used in: the first job's, removed after that job.
        hypothesis = str(Path(self.log).parent / "hypothesis")
        env = course.tool_env(None, {"WORKBOOK_DB_URL": "", "HYPOTHESIS_STORAGE_DIRECTORY": hypothesis})
        env.update(self.env)  # a None setting is one that must not be set
        env = {name: value for name, value in env.items() if value is not None}
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(
                command, cwd=course.REPO, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=log, text=True, start_new_session=True,
            )

    def grade(self, job, timeout):
        """Send one job; return its exit code, or None when it overran ``timeout`` or the grader died."""
        self.times, self.records = {}, {}
        if self.process is None:
            self._start()
        try:
            self.process.stdin.write(json.dumps(job) + "\n")
            self.process.stdin.flush()
            ready = select.select([self.process.stdout], [], [], timeout)[0]
            reply = json.loads(self.process.stdout.readline() if ready else "")
            code = reply["code"]
            self.times = timings.checked(reply.get("times"))
            self.records = checked_records(reply.get("records"))
            return code
        except (OSError, ValueError, KeyError, TypeError):
            self.stop()
            return None

    def stopped_reason(self, timeout):
        """Why the last job has no exit code."""
        return f"grading stopped after {timeout} s"

    def stop(self, grace=0):
        """End the grader: after ``grace`` seconds to finish on its own, kill it and all it started."""
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


def prepare(root, base, student, submitted, assignment):
    """Make the private course for one student under ``base``; return it and the files left out.

    ``base`` lies outside the course folder, so the graded code finds no
    gradebook or other submission by walking up from its working folder.
    """
    work = Path(base) / student
    (work / "source").mkdir(parents=True)
    shutil.copyfile(Path(root) / "grading" / "template.db", work / "gradebook.db")
    shutil.copytree(Path(root) / "source" / assignment, work / "source" / assignment)
    graded = work / "submitted" / student / assignment
    left_out = integrity.copy_submission(submitted, graded)
    integrity.use_released_notebooks(Path(root) / "release" / assignment, graded)
    return work, left_out


def grade_one(grader, root, base, student, submitted, assignment=ASSIGNMENT, timeout=STUDENT_TIMEOUT):
    """Autograde one student in a private course with ``grader`` and make their feedback.

    Returns
    -------
    Result
        ``graded`` is False when autograde did not finish; ``flags`` says why
        and lists every integrity finding.
    """
    times = {}
    with timings.phase(times, "prepare"):
        work, left_out = prepare(root, base, student, submitted, assignment)
    result = Result(student, integrity.left_out_notes(left_out), work)
    result.edition = edition_of(submitted)
    package = work / "submitted" / student / assignment
    torch = integrity.torch_uses(package / integrity.PACKAGE)
    log = work / "grading.log"
    job = {"work": str(work), "student": student, "assignment": assignment, "reasons": torch,
           "language": result.edition}
    with timings.phase(times, "job"):
        code = grader.grade(job, timeout)
    result.times = {**times, **grader.times}
    if code is None:
        result.flags.append(grader.stopped_reason(timeout))
    elif code != 0 or not log.exists() or course.CONFIG_ERROR in log.read_text():
        result.flags.append("nbgrader reported errors")
    result.flags += [f"ZEROED: {finding}" for finding in torch + _findings(work)]
    if os.environ.get("WORKBOOK_NO_SANDBOX"):
        result.flags.insert(0, UNSANDBOXED)
    result.flags += [f"REVIEW: {finding}" for finding in integrity.grader_reaches(package / integrity.PACKAGE)]
    result.graded = code == 0 and (work / "autograded" / student / assignment).is_dir()
    if result.graded:
        result.tasks = task_results(work, student, assignment, getattr(grader, "records", {}))
    return result


RECORDS_PER_CELL = 5
RECORD_FIELD = 2_000
RECORD_FIELDS = ("task", "kind", "call", "torch", "mytensor", "why", "error_type", "message", "hint", "file",
                 "function", "text")
MAX_GRADED_CELLS = 200


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


def edition_of(submitted):
    """``"zh"`` when the submitted notebooks are the Chinese edition's (their setup cells say so), else ``"en"``."""
    for path in sorted(Path(submitted).glob("*.ipynb")):
        try:
            cells = json.loads(path.read_text("utf-8")).get("cells", [])
        except (OSError, ValueError, AttributeError):
            continue
        sources = ["".join(c.get("source", "")) for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"]
        if any(re.search(r"\bstart\(\s*[\"']zh[\"']\s*\)", source) for source in sources if isinstance(source, str)):
            return "zh"
    return "en"


def task_results(work, student, assignment, records):
    """One entry per graded cell, in notebook order, from the private gradebook's scores and the cells' records."""
    from nbgrader.api import Gradebook

    order = _cell_order(Path(work) / "source" / assignment)
    tasks = []
    with warnings.catch_warnings(), Gradebook(course.db_url(work), COURSE_ID) as gb:
        warnings.simplefilter("ignore")
        for notebook in gb.find_submission(assignment, student).notebooks:
            for grade in notebook.grades:
                tasks.append(_task(notebook.name, grade.name, grade.score, grade.max_score, records.get(grade.name)))
    return sorted(tasks, key=lambda task: (task["notebook"], order.get((task["notebook"], task["cell"]), 0)))


def _task(notebook, grade_id, points, most, found):
    from workbook.preprocessors import task_name

    failures = found["failures"] if found else []
    more = found["more"] if found else 0
    if points >= most:
        status = "passed"
    elif failures and all(record["kind"] == "not_started" for record in failures):
        status = "not_started"
    else:
        status = "failed"
    return {"cell": grade_id, "task": task_name(grade_id), "notebook": notebook, "points": float(points),
            "max": float(most), "status": status, "failures": failures, "more": more}


def _cell_order(source):
    """``{(notebook, grade id): position}`` of the graded cells of the source notebooks."""
    order = {}
    for path in sorted(Path(source).glob("*.ipynb")):
        cells = json.loads(path.read_text("utf-8"))["cells"]
        for position, cell in enumerate(cells):
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if grade_id:
                order[(path.stem, grade_id)] = position
    return order


def _findings(work):
    """The torch imports the sandboxed worker reported (written by ``gradeworker``)."""
    try:
        found = json.loads((Path(work) / "findings.json").read_text())
    except (OSError, ValueError):
        return []
    return [f for f in found if isinstance(f, str)] if isinstance(found, list) else []


def zero_submission(work, student, assignment, reasons):
    """Give every graded cell of a submission a manual score of 0, with the reason."""
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url(work), COURSE_ID) as gb:
        for notebook in gb.find_submission(assignment, student).notebooks:
            for grade in notebook.grades:
                grade.manual_score = 0
            for comment in notebook.comments:
                comment.manual_comment = "Zeroed: mytensor must not use torch. " + "; ".join(reasons)
        gb.db.commit()


def merge(root, result, assignment=ASSIGNMENT):
    """Copy one graded student into the course: gradebook rows, autograded and feedback folders."""
    logs = Path(root) / "grading" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    if result.work is not None and (result.work / "grading.log").exists():
        shutil.copyfile(result.work / "grading.log", logs / f"{result.student}.log")
    if not result.graded:
        result.flags.append(f"not graded: see {logs / (result.student + '.log')}")
        return
    copy_grades(course.db_url(result.work), course.db_url(root), assignment, result.student)
    for kind in ("autograded", "feedback"):
        source = result.work / kind / result.student / assignment
        dest = Path(root) / kind / result.student / assignment
        if dest.exists():
            shutil.rmtree(dest)
        if source.exists():
            shutil.copytree(source, dest)


def copy_grades(source_url, dest_url, assignment, student):
    """Copy a student's scores and comments from one gradebook to another."""
    from nbgrader.api import Gradebook

    with warnings.catch_warnings(), Gradebook(source_url, COURSE_ID) as src, Gradebook(dest_url, COURSE_ID) as dst:
        warnings.simplefilter("ignore")  # SQLAlchemy's autoflush notes from nbgrader's own API
        submitted = src.find_submission(assignment, student)
        dst.update_or_create_student(student)
        extra = {"timestamp": submitted.timestamp} if submitted.timestamp else {}
        dst.update_or_create_submission(assignment, student, **extra)
        for notebook in submitted.notebooks:
            for grade in notebook.grades:
                target = dst.find_grade(grade.name, notebook.name, assignment, student)
                for name in ("auto_score", "manual_score", "extra_credit", "needs_manual_grade"):
                    setattr(target, name, getattr(grade, name))
            for comment in notebook.comments:
                target = dst.find_comment(comment.name, notebook.name, assignment, student)
                target.auto_comment, target.manual_comment = comment.auto_comment, comment.manual_comment
        dst.db.commit()


def grade_all(root, submissions, jobs=1, assignment=ASSIGNMENT, timeout=STUDENT_TIMEOUT, remote=None):
    """Grade ``{student: submitted folder}`` with ``jobs`` workers; merge serially.

    With ``remote`` (a :class:`workbook.cluster.Cluster`), the jobs run on its
    Dask workers and ``jobs`` is how many are sent at once.

    Returns
    -------
    dict
        ``{student: Result}``.
    """
    results = {}
    base = tempfile.mkdtemp(prefix="mytensor-grading-")
    graders = queue.Queue()
    for n in range(max(1, jobs)):
        graders.put(remote.grader(n) if remote else Grader(Path(base) / f"grader-{n}.log"))

    def one(student, folder):
        grader = graders.get()
        try:
            # students get a folder of their own: an id such as "grader-0.log" must not take a grader's log
            return grade_one(grader, root, Path(base) / "students", student, folder, assignment, timeout)
        finally:
            graders.put(grader)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(one, student, folder): student for student, folder in sorted(submissions.items())}
        bar = tqdm(total=len(futures), desc="grading", unit="submission", file=sys.stderr)
        for future in as_completed(futures):
            result = _result_of(future, futures[future])
            with timings.phase(result.times, "merge"):
                merge(root, result, assignment)
            timings.record(result.student, result.times)
            results[result.student] = result
            bar.update(1)
        bar.close()
    while not graders.empty():
        graders.get().stop(grace=10)
    shutil.rmtree(base, ignore_errors=True)
    return results


def _result_of(future, student):
    try:
        return future.result()
    except Exception as error:  # one student's failure must not stop the class
        return Result(student, [f"grading failed: {type(error).__name__}: {error}"])


def from_zips(root, folder, assignment=ASSIGNMENT):
    """Unpack the zips in ``folder`` into ``submitted/``; return folders and problems."""
    unpacked, problems = [], []
    for archive in intake.find_zips(folder):
        try:
            unpacked.append(intake.read_zip(archive))
        except intake.BadSubmission as error:
            problems.append(str(error))
    latest, dropped = intake.latest_per_student(unpacked)
    folders = {item.student: intake.write_submitted(item, root, assignment) for item in latest}
    notes = {item.student: item.notes for item in latest}
    return folders, problems + dropped, notes


def from_exchange(root, assignment=ASSIGNMENT, check_owner=True):
    """Collect from the exchange's inbound folder (the Chinese edition too); return folders, problems, notes.

    :mod:`workbook.inbound` collects, not ``nbgrader collect``: it follows no
    link and checks that each entry belongs to the account it names.
    """
    inbound = course.exchange_root() / COURSE_ID / "inbound"
    if not inbound.is_dir():
        raise SystemExit(f"error: no inbound folder {inbound}: set WORKBOOK_EXCHANGE to the exchange's root")
    editions = [assignment] + ([ASSIGNMENT_ZH] if assignment == ASSIGNMENT else [])
    problems, notes = [], {}
    for edition in editions:
        _, found, noted = inbound_.collect(inbound, root, edition, check_owner)
        problems += found
        for student, extra in noted.items():
            notes.setdefault(student, []).extend(extra)
    if assignment == ASSIGNMENT:
        file_chinese_submissions(root)
    folders, refused = _collected(root, assignment)
    if not folders:
        raise SystemExit(f"error: the exchange holds no submissions of {assignment} (nothing collected); "
                         f"{len(problems)} problems: " + "; ".join(map(printable, problems[:5])))
    return folders, problems + refused, {s: n for s, n in notes.items() if s in folders}


def _collected(root, assignment):
    """The folders of ``root/submitted`` for ``assignment`` whose names are student ids; and the others."""
    submitted = Path(root) / "submitted"
    folders = sorted(submitted.glob(f"*/{assignment}")) if submitted.is_dir() else []
    refused = [f"{f.parent}: not graded: {f.parent.name!r} is not a student id" for f in folders
               if not STUDENT_ID.fullmatch(f.parent.name)]
    return {f.parent.name: f for f in folders if STUDENT_ID.fullmatch(f.parent.name)}, refused


def _submitted_at(folder):
    """nbgrader's ``timestamp.txt`` of a collected submission, in UTC; the earliest time when unreadable.

    The student's own ``nbgrader submit`` writes that file, so it is read as a claim: bytes that are
    no time never win, and times in different zones compare as times.
    """
    from nbgrader.utils import parse_utc

    try:
        return parse_utc((Path(folder) / "timestamp.txt").read_text().strip())
    except (OSError, ValueError, OverflowError):
        return datetime.datetime.min


def file_chinese_submissions(root):
    """File each collected Chinese-edition submission under the English assignment.

    Both editions share every grade id, so a Chinese submission is graded as
    the English assignment and lands in the same grades.csv. When a student
    submitted both, the later one is graded (nbgrader's timestamps); the other
    stays in nbgrader's exchange.
    """
    for chinese in sorted((Path(root) / "submitted").glob(f"*/{ASSIGNMENT_ZH}")):
        english = chinese.parent / ASSIGNMENT
        if english.is_dir() and _submitted_at(english) >= _submitted_at(chinese):
            continue
        if english.is_dir():
            shutil.rmtree(english)
        shutil.copytree(chinese, english, symlinks=True)  # a link is copied as a link, and grading leaves it out


def ensure_course(root, assignment=ASSIGNMENT):
    """Build the course when it is missing; refuse a course without the assignment."""
    if (Path(root) / "grading" / "template.db").is_file():
        return
    if assignment != ASSIGNMENT:
        raise SystemExit(f"error: {root} has no assignment {assignment}: build the course first")
    notebooks, package = course.default_inputs()
    course.build(root, notebooks, package)


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m workbook grade", description=__doc__.split("\n")[0])
    parser.add_argument("submissions", nargs="?", type=Path, help="folder of submission zips (an LMS download)")
    parser.add_argument("--exchange", action="store_true", help="collect from the nbgrader exchange instead")
    parser.add_argument("--any-owner", action="store_true",
                        help="with --exchange, when the accounts that write the exchange are not the students' "
                        "(a container hub): take an entry whatever account wrote it, and say so on its row")
    parser.add_argument("--jobs", type=int, help="submissions graded at once (default 1; with --scheduler, "
                        "submissions sent at once, default the cluster's threads)")
    parser.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                        help="grade on the workers of this Dask scheduler instead of this machine")
    parser.add_argument("--course", type=Path, default=course.course_root(), help="course folder (default %(default)s)")
    parser.add_argument("--out", type=Path, default=course.REPO / "build" / "grades", help="where grades.csv and report.html go")
    parser.add_argument("--assignment", default=ASSIGNMENT, help="assignment name (default %(default)s)")
    parser.add_argument("--timeout", type=int, default=STUDENT_TIMEOUT, help="seconds allowed per submission")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="grade without the sandbox (rows are marked UNSANDBOXED); only for trusted code")
    args = parser.parse_args(argv)
    if (args.submissions is None) == (not args.exchange):
        parser.error("give either a SUBMISSIONS folder or --exchange (not both)")
    return args


def use_sandbox(wanted, here=True):
    """Stop with the fix when no sandbox can start; with ``--no-sandbox``, say so in every row.

    ``here`` is False when the jobs run on a cluster: its workers are checked instead.
    """
    if not wanted:
        os.environ["WORKBOOK_NO_SANDBOX"] = "1"
        return
    os.environ.pop("WORKBOOK_NO_SANDBOX", None)
    if not here:
        return
    try:
        sandbox.prepare()
    except sandbox.SandboxUnavailable as error:
        raise SystemExit(f"error: student code cannot be sandboxed here: {error}") from None


def main(argv=None):
    """Grade every submission; write grades.csv, nbgrader_grades.csv and report.html."""
    args = parse(argv)
    root = args.course.resolve()
    use_sandbox(not args.no_sandbox, here=not args.scheduler)
    remote = cluster.connect(args.scheduler) if args.scheduler else None
    try:
        ensure_course(root, args.assignment)
        if args.exchange:
            folders, problems, notes = from_exchange(root, args.assignment, not args.any_owner)
        else:
            folders, problems, notes = from_zips(root, args.submissions.resolve(), args.assignment)
        jobs = args.jobs or (remote.threads() if remote else 1)
        results = grade_all(root, folders, jobs, args.assignment, args.timeout, remote)
    finally:
        if remote:
            remote.close()
    for student, extra in notes.items():
        results[student].flags[:0] = extra
    args.out.mkdir(parents=True, exist_ok=True)
    report.export_nbgrader_csv(root, args.out / "nbgrader_grades.csv")
    table = report.collect(root, args.assignment, results)
    report.write_csv(table, args.out / "grades.csv")
    report.write_html(table, problems, args.out / "report.html")
    print(report.summary(table, problems, args.out, root))
    if remote and remote.lost:
        print(f"error: {remote.lost}", file=sys.stderr)
    return 1 if problems or any(not r.graded for r in results.values()) else 0
