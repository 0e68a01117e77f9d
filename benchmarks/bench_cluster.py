"""Throughput of ``workbook grade --scheduler`` on a 2-worker Dask cluster against ``--jobs 2``, in one run.

Both grade the same batch of reference submissions (8 by default) of the
full workbook (``--tiny``: the test assignment) on this machine: once with the
local pool of two graders and once through a Dask scheduler with two
one-thread workers on 127.0.0.1, started afresh for each run, so both start
their graders cold (the start of the Dask processes and the course build are
not timed). ``--rounds 2`` alternates them twice, so a change in the machine's
load hits both. Prints seconds per submission for each, the cluster's
overhead and whether the grades are the same.

    python benchmarks/bench_cluster.py [--count 8] [--rounds 1] [--tiny]
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_grading import course_and_zips  # noqa: E402
from tests.grading.cluster import dask_cluster  # noqa: E402
from tests.test_grading import read_grades  # noqa: E402
from workbook import course, grade  # noqa: E402


def timed(root, zips, out, assignment, extra):
    """Seconds to grade ``zips`` with the options ``extra``, and the grades."""
    start = time.perf_counter()
    grade.main([str(zips), "--course", str(root), "--out", str(out), "--assignment", assignment, *extra])
    return time.perf_counter() - start, read_grades(out / "grades.csv")


def ready(address, workers):
    """Wait until ``workers`` workers are connected, so that their start is not timed."""
    from distributed import Client

    with Client(address, timeout=60) as client:
        client.wait_for_workers(workers, timeout=120)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--tiny", action="store_true", help="grade the tiny test assignment")
    args = parser.parse_args()
    seconds, grades = {"--jobs 2": [], "cluster": []}, {}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        root, assignment = course_and_zips(tmp, args.count, args.tiny)
        for n in range(args.rounds):
            elapsed, grades["--jobs 2"] = timed(root, tmp / "zips", tmp / f"local{n}", assignment, ["--jobs", "2"])
            seconds["--jobs 2"].append(elapsed)
            (tmp / f"dask{n}").mkdir()
            with dask_cluster(tmp / f"dask{n}", workers=2, threads=1) as (address, _):
                ready(address, 2)
                elapsed, grades["cluster"] = timed(root, tmp / "zips", tmp / f"remote{n}", assignment, ["--scheduler", address])
            seconds["cluster"].append(elapsed)
    report(seconds, grades, args.count, "full workbook" if assignment == course.ASSIGNMENT else "tiny assignment")


def report(seconds, grades, count, what):
    for label, runs in seconds.items():
        per = [elapsed / count for elapsed in runs]
        print(f"{what}, {count} submissions, {label}: {min(per):.2f} s per submission "
              f"(runs: {', '.join(f'{p:.2f}' for p in per)}); 500 students: {500 * min(per) / 60:.0f} min")
    overhead = min(seconds["cluster"]) / min(seconds["--jobs 2"]) - 1
    print(f"cluster overhead against --jobs 2 (best runs): {100 * overhead:+.1f}% (target: under 10%)")
    print("same grades on the cluster and with --jobs 2:", grades["cluster"] == grades["--jobs 2"])


if __name__ == "__main__":
    main()
