"""Seconds per submission for ``workbook grade``, serial and with two jobs.

Grades a batch of reference submissions (8 by default) of the full workbook
when its source notebooks and the student package exist, else of the tiny
test assignment, once with ``--jobs 1`` and once with ``--jobs 2``, and
prints the seconds per submission (course build excluded), the grades, a
projection for 500 students and whether both runs gave the same grades.
With ``--class`` the batch is a class as it comes in, in turn: the
reference, sections 1-4 done, the reference with one bug (strides listed
backwards, which fails checks in every section), and the stubs.

Grading includes each student's feedback page; the trace of the reference
that tells the pages which earlier task a check uses is made once per
course, and its time is printed on its own.

    python benchmarks/bench_grading.py [--count 8] [--tiny] [--class]
"""

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.grading import tiny  # noqa: E402
from workbook.grading import course, feedback, grade  # noqa: E402


REVERSED = ("    return tuple(reversed(strides))\n", "    return tuple(strides)\n")  # a bug of Task 1.1


def _files(package):
    return {k[len("mytensor/"):]: v.decode() for k, v in package.items() if k.endswith(".py")}


def workbook_inputs(tmp, mixed):
    """Source notebooks, the student package and the package files of each kind of submission."""
    from workbook.release import stubbing

    solutions = course.REPO / "solutions"
    stub, reference = stubbing.build_package(solutions), stubbing.build_package(solutions, keep_sections=99)
    stubbing.write_files(stub, tmp / "student")
    notebooks = sorted(solutions.glob("x[0-9]_*.ipynb"))
    kinds = [_files(reference)]
    if mixed:
        buggy = dict(kinds[0])
        buggy["_layout.py"] = buggy["_layout.py"].replace(*REVERSED)
        kinds += [_files(stubbing.build_package(solutions, keep_sections=4)), buggy, _files(stub)]
    return notebooks, tmp / "student" / "mytensor", kinds, course.ASSIGNMENT


def tiny_inputs(tmp, mixed):
    notebooks, package = tiny.write_source(tmp / "src")
    return notebooks, package, [tiny.REFERENCE] + ([tiny.STUB] if mixed else []), tiny.ASSIGNMENT


def course_and_zips(tmp, count, use_tiny, mixed=False):
    """Build a course under ``tmp`` and ``count`` submission zips in ``tmp/zips``, the kinds in turn.

    The full workbook when its source notebooks exist and ``use_tiny`` is
    false, else the tiny test assignment. Returns ``(course root, assignment)``.
    """
    full = not use_tiny and list((course.REPO / "solutions").glob("x[0-9]_*.ipynb"))
    notebooks, package, kinds, assignment = (workbook_inputs if full else tiny_inputs)(tmp, mixed)
    root = course.build(tmp / "course", notebooks, package, assignment=assignment)
    for i in range(count):
        tiny.make_zip(tmp / "zips" / f"s{i:03d}__mytensor-workbook.zip", root / "release" / assignment,
                      kinds[i % len(kinds)], f"s{i:03d}")
    return root, assignment


SANDBOX_CPU = Path(tempfile.gettempdir()) / f"bench-grading-sandbox-cpu-{os.getpid()}.log"


def cpu_seconds():
    """CPU time of this process, of the graders below it, and of the sandboxes they ran."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    sandboxes = sum(float(line) for line in SANDBOX_CPU.read_text().split()) if SANDBOX_CPU.exists() else 0.0
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime + sandboxes


def run(root, zips, out, jobs, assignment):
    start, cpu = time.perf_counter(), cpu_seconds()
    grade.main([str(zips), "--course", str(root), "--out", str(out), "--jobs", str(jobs), "--assignment", assignment])
    elapsed, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    with open(out / "grades.csv") as handle:
        rows = sorted((r["student_id"], r["total"], r["max_score"], r["flags"]) for r in csv.DictReader(handle))
    return elapsed, cpu, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=8)
    parser.add_argument("--tiny", action="store_true", help="grade the tiny test assignment")
    parser.add_argument("--class", dest="mixed", action="store_true",
                        help="a class: reference, sections 1-4, a bug in every section, stubs (in turn)")
    args = parser.parse_args()
    os.environ["WORKBOOK_SANDBOX_CPU_LOG"] = str(SANDBOX_CPU)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        root, assignment = course_and_zips(tmp, args.count, args.tiny, args.mixed)
        start, cpu = time.perf_counter(), cpu_seconds()
        feedback.task_uses(root, assignment)
        print(f"the reference's trace for the feedback pages, once per course: {time.perf_counter() - start:.1f} s, "
              f"{cpu_seconds() - cpu:.1f} s of CPU")
        figures = {jobs: run(root, tmp / "zips", tmp / f"out{jobs}", jobs, assignment) for jobs in (1, 2)}
    what = ("a class of the full workbook" if args.mixed else "full workbook") if assignment == course.ASSIGNMENT \
        else "tiny assignment"
    for jobs, (elapsed, cpu, rows) in figures.items():
        per = elapsed / args.count
        print(f"{what}, {args.count} submissions, --jobs {jobs}: {per:.1f} s per submission ({elapsed:.0f} s), "
              f"{cpu / args.count:.1f} s of CPU per submission; 500 students: {500 * per / 60:.0f} min")
        print("  grades (total/max):", sorted({f"{total}/{top}" for _, total, top, _ in rows}),
              "flags:", sorted({flags for *_, flags in rows if flags}) or "none")
    print("same grades serial and parallel:", figures[1][2] == figures[2][2])
    SANDBOX_CPU.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
