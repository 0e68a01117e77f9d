"""``python -m workbook grade``: from submissions to grades, feedback and a class report.

Each submission is graded on its own, in a private course folder
(``grading/work/<student>``) with a copy of the assignment-only gradebook: a
separate ``nbgrader autograde`` process per student, so a crash or a hang
touches no one else, and ``--jobs N`` runs N of them at once (nbgrader #174).
The results are merged into the course gradebook one at a time, by this
process only (no SQLite lock contention), so a parallel run gives the same
grades as a serial one.

The notebooks run in the grading process; the submitted ``mytensor`` runs
only in a sandbox (:mod:`workbook.sandbox.host`). Without one, grading stops and
says how to get one; ``--no-sandbox`` grades anyway and marks every row
``UNSANDBOXED``.
"""

import argparse
import copy
import dataclasses
import datetime
import queue
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from tqdm import tqdm

from workbook import settings
from workbook.grading import (
    classbook, cluster, clusters, course, feedback, gradebook, intake, report, roster, submission, timings,
)
from workbook.grading import inbound as inbound_
from workbook.grading.grader import Grader
from workbook.grading.plaintext import printable
from workbook.names import ASSIGNMENT, ASSIGNMENT_ZH, COURSE_ID, STUDENT_ID
from workbook.sandbox import host as sandbox

STUDENT_TIMEOUT = 1200


def grade_all(root, submissions, config, jobs=1, assignment=ASSIGNMENT, timeout=STUDENT_TIMEOUT, remote=None,
              notes=None):
    """Grade ``{student: submitted folder}`` with ``jobs`` graders; merge serially.

    ``config`` holds the run's :mod:`workbook.settings`; ``notes`` what intake
    noted per student. With ``remote`` (a :class:`workbook.grading.cluster.Cluster`),
    the jobs run on its Dask workers and ``jobs`` is how many are sent at once.

    Returns
    -------
    dict
        ``{student: Result}``.
    """
    results, notes = {}, notes or {}
    base = tempfile.mkdtemp(prefix="mytensor-grading-")
    graders = queue.Queue()
    for n in range(max(1, jobs)):
        graders.put(remote.grader() if remote else Grader(Path(base) / f"grader-{n}.log", env=config.environ()))

    def one(student, folder):
        grader = graders.get()
        try:
            # students get a folder of their own: an id such as "grader-0.log" must not take a grader's log
            return submission.grade_one(grader, root, Path(base) / "students", student, folder, assignment, timeout,
                                        config.sandboxed)
        finally:
            graders.put(grader)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(one, student, folder): student for student, folder in sorted(submissions.items())}
        bar = tqdm(total=len(futures), desc="grading", unit="submission", file=sys.stderr)
        for future in as_completed(futures):
            result = _result_of(future, futures[future], config.sandboxed)
            result.notes = list(notes.get(result.student, []))
            with timings.phase(result.times, "merge"):
                submission.merge(root, result, assignment)
            timings.record(result.student, result.times, config.timings)
            results[result.student] = result
            bar.update(1)
        bar.close()
    while not graders.empty():
        graders.get().stop(grace=10)
    shutil.rmtree(base, ignore_errors=True)
    return results


def _result_of(future, student, sandboxed):
    try:
        return future.result()
    except Exception as error:  # one student's failure must not stop the class
        return submission.Result(student, sandboxed=sandboxed, problem=f"grading failed: {type(error).__name__}: {error}")


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
    for item in latest:
        intake.record_source(item, folder, root, assignment)
    notes = {item.student: item.notes for item in latest}
    return folders, problems + dropped, notes


def from_exchange(root, assignment=ASSIGNMENT, check_owner=True):
    """Collect from the exchange's inbound folder (the Chinese edition too); return folders, problems, notes.

    :mod:`workbook.grading.inbound` collects, not ``nbgrader collect``: it follows no
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
    parser.add_argument("--roster", type=Path, metavar="FILE",
                        help="the class list: one student id a line, or an LMS's CSV export (Canvas, Moodle); "
                        "who did not submit gets a row. Kept for later batches into the same --out")
    parser.add_argument("--roster-column", metavar="NAME",
                        help="the roster's column that holds the student ids (default: found from the header)")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="grade without the sandbox (rows are marked UNSANDBOXED); only for trusted code")
    args = parser.parse_args(argv)
    if (args.submissions is None) == (not args.exchange):
        parser.error("give either a SUBMISSIONS folder or --exchange (not both)")
    return args


def check_sandbox(config, here=True):
    """Stop with the fix when the run is to be sandboxed and no sandbox can start.

    ``here`` is False when the jobs run on a cluster: its workers are checked instead.
    """
    if not config.sandboxed or not here:
        return
    try:
        sandbox.prepare()
    except sandbox.SandboxUnavailable as error:
        raise SystemExit(f"error: student code cannot be sandboxed here: {error}") from None


def _roster(args, folders):
    """The roster's ids (None without ``--roster``); read before grading, so a bad roster costs no time."""
    if args.roster is None:
        if args.roster_column:
            raise SystemExit("error: --roster-column names a column of --roster FILE: give the roster too")
        return None
    known = set(folders) | classbook.stored_ids(args.out)
    return roster.read(args.roster, args.roster_column, known)


def _origin(args, root):
    """Where this batch's rows come from: the course, the assignment, and the batch (folder and time)."""
    graded_at = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    source = "exchange" if args.exchange else printable(args.submissions.name)
    return {"course": str(root), "assignment": args.assignment, "batch": {"source": source, "graded_at": graded_at}}


def write_class(batch, args, root, class_list, problems):
    """Merge this batch into the class kept in ``--out``; write grades.csv, tasks.csv, clusters.csv, report.html."""
    table = classbook.merge(copy.copy(batch), args.out, _origin(args, root), class_list)
    report.feedback_links(table, root, args.assignment, args.out)
    report.write_csv(table, args.out / "grades.csv")
    report.write_tasks_csv(table, args.out / "tasks.csv")
    report.write_clusters_csv(clusters.by_task(table), args.out / "clusters.csv")
    report.write_html(table, problems, args.out / "report.html")
    return table


def class_line(table):
    """What ``grades.csv`` holds now, over every batch."""
    graded = len([row for row in table.rows if row["status"] != classbook.NOT_SUBMITTED])
    return (f"class so far: {graded} students graded, {len(table.rows) - graded} on the roster did not submit "
            f"(grades.csv, tasks.csv, clusters.csv, report.html)")


def main(argv=None):
    """Grade every submission; write grades.csv, nbgrader_grades.csv and report.html."""
    args = parse(argv)
    root = args.course.resolve()
    config = settings.read()
    config = dataclasses.replace(config, sandboxed=config.sandboxed and not args.no_sandbox)
    check_sandbox(config, here=not args.scheduler)
    remote = cluster.connect(args.scheduler, config) if args.scheduler else None
    try:
        ensure_course(root, args.assignment)
        if args.exchange:
            folders, problems, notes = from_exchange(root, args.assignment, not args.any_owner)
        else:
            folders, problems, notes = from_zips(root, args.submissions.resolve(), args.assignment)
        class_list = _roster(args, folders)
        classbook.load(args.out, _origin(args, root))  # rows of another class stop the run before grading
        jobs = args.jobs or (remote.threads() if remote else 1)
        results = grade_all(root, folders, config, jobs, args.assignment, args.timeout, remote, notes)
    finally:
        if remote:
            remote.close()
    feedback.write_all(root, args.assignment, results)
    args.out.mkdir(parents=True, exist_ok=True)
    gradebook.export_csv(root, args.out / "nbgrader_grades.csv")
    batch = report.collect(root, args.assignment, results)
    table = write_class(batch, args, root, class_list, problems)
    print(report.summary(batch, problems, args.out, root))
    print(class_line(table))
    if remote and remote.lost:
        print(f"error: {remote.lost}", file=sys.stderr)
    return 1 if problems or any(not r.graded for r in results.values()) else 0
