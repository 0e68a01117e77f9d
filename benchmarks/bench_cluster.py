"""Throughput of ``workbook grade --scheduler`` on a 2-worker Dask cluster against ``--jobs 2``, in one run.

Both grade the same batch of reference submissions (8 by default) of the
full workbook (``--tiny``: the test assignment) on this machine: once with the
local pool of two graders and once through a Dask scheduler with two
one-thread workers on 127.0.0.1 (with ``workbook/grading/dask-grading.yaml``, as
docs/cluster.md says), started afresh for each run, so both start
their graders cold (the start of the Dask processes and the course build are
not timed). ``--rounds 2`` alternates them twice, so a change in the machine's
load hits both. Prints seconds per submission for each, the cluster's
overhead and whether the grades are the same, then where the time of a
submission goes: the mean and the largest seconds of each phase (see
:mod:`workbook.grading.timings`; "worker: ..." phases ran on a Dask worker, "transit"
is the round trip less the worker's own time: queueing, serialisation and the
network), and the CPU seconds that the instructor's process and the Dask
processes themselves (not the graders below the workers) spent, per
submission. Phases overlap across the two jobs that run at once, so they add
up to more than the wall time.

    python benchmarks/bench_cluster.py [--count 8] [--rounds 1] [--tiny]
"""

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_grading import course_and_zips  # noqa: E402
from tests.grading.cluster import dask_cluster  # noqa: E402
from tests.workbook.grading.test_grading import read_grades  # noqa: E402
from workbook.grading import course, grade  # noqa: E402


def timed(root, zips, out, assignment, extra, phases):
    """Seconds to grade ``zips`` with the options ``extra``, and the grades; add each submission's phases to ``phases``."""
    log = out.with_name(out.name + "-timings.jsonl")
    os.environ["WORKBOOK_TIMINGS"] = str(log)
    start, cpu = time.perf_counter(), own_cpu()
    try:
        grade.main([str(zips), "--course", str(root), "--out", str(out), "--assignment", assignment, *extra])
    finally:
        del os.environ["WORKBOOK_TIMINGS"]
    elapsed, cpu = time.perf_counter() - start, {name: seconds - cpu.get(name, 0) for name, seconds in own_cpu().items()}
    rows = [json.loads(line)["phases"] for line in log.read_text().splitlines()]
    phases += [{**row, **{f"CPU of {name} (whole run / count)": seconds / len(rows) for name, seconds in cpu.items()}}
               for row in rows]
    return elapsed, read_grades(out / "grades.csv")


def own_cpu():
    """CPU seconds so far of this process (the instructor's) and of each Dask process it started.

    Only the processes themselves: the graders below a Dask worker are not counted.
    """
    me = psutil.Process()
    found = {"the instructor's process": sum(me.cpu_times()[:2])}
    for child in me.children():
        with contextlib.suppress(psutil.Error):
            command = child.cmdline()
            if len(command) > 2 and command[1].endswith("dask"):
                name = f"the dask {command[2]} processes"
                found[name] = found.get(name, 0.0) + sum(child.cpu_times()[:2])
    return found


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
    seconds, grades, phases = {"--jobs 2": [], "cluster": []}, {}, {"--jobs 2": [], "cluster": []}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        root, assignment = course_and_zips(tmp, args.count, args.tiny)
        for n in range(args.rounds):
            elapsed, grades["--jobs 2"] = timed(root, tmp / "zips", tmp / f"local{n}", assignment, ["--jobs", "2"],
                                                phases["--jobs 2"])
            seconds["--jobs 2"].append(elapsed)
            (tmp / f"dask{n}").mkdir()
            with dask_cluster(tmp / f"dask{n}", workers=2, threads=1) as (address, _):
                ready(address, 2)
                elapsed, grades["cluster"] = timed(root, tmp / "zips", tmp / f"remote{n}", assignment,
                                                   ["--scheduler", address], phases["cluster"])
            seconds["cluster"].append(elapsed)
    report(seconds, grades, args.count, "full workbook" if assignment == course.ASSIGNMENT else "tiny assignment")
    breakdown(phases)


def report(seconds, grades, count, what):
    for label, runs in seconds.items():
        per = [elapsed / count for elapsed in runs]
        print(f"{what}, {count} submissions, {label}: {min(per):.2f} s per submission "
              f"(runs: {', '.join(f'{p:.2f}' for p in per)}); 500 students: {500 * min(per) / 60:.0f} min")
    overhead = min(seconds["cluster"]) / min(seconds["--jobs 2"]) - 1
    print(f"cluster overhead against --jobs 2 (best runs): {100 * overhead:+.1f}% (target: under 10%)")
    print("same grades on the cluster and with --jobs 2:", grades["cluster"] == grades["--jobs 2"])



def breakdown(phases):
    """Print the mean and the largest seconds of each phase, per submission, for both ways of grading."""
    for label, rows in phases.items():
        print(f"\nphases of one submission, {label} ({len(rows)} submissions; mean / largest seconds):")
        names = sorted({name for row in rows for name in row}, key=lambda name: _order(rows, name))
        for name in names:
            values = [row.get(name, 0.0) for row in rows]
            print(f"  {name:<32} {statistics.fmean(values):7.2f} / {max(values):7.2f}")


def _order(rows, name):
    """Instructor-side phases first in the order they happen, then the worker's."""
    firsts = [list(row).index(name) for row in rows if name in row]
    return (name.startswith("worker: "), min(firsts))


if __name__ == "__main__":
    main()
