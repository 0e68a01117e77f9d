"""A real Dask cluster on 127.0.0.1 for the cluster tests and the cluster benchmark."""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from workbook.grading import course

DASK = Path(sys.executable).parent / "dask"


DASK_SETTINGS = course.REPO / "workbook" / "grading" / "dask-grading.yaml"


def cluster_env():
    """The environment of a ``dask`` process: the venv first on PATH, the repository importable, the settings of docs/cluster.md."""
    return course.tool_env(None, {"PYTHONPATH": str(course.REPO), "DASK_CONFIG": str(DASK_SETTINGS)})


def _start(command, log, env=None):
    with open(log, "w") as err:
        return subprocess.Popen(command, cwd=log.parent, env=env or cluster_env(), stdout=subprocess.DEVNULL, stderr=err)


def wait_for(condition, seconds, what):
    """Poll ``condition`` every 0.2 s for at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {seconds} s")


@contextlib.contextmanager
def dask_cluster(tmp, workers=2, threads=1, scheduler_env=None):
    """A ``dask scheduler`` and ``workers`` ``dask worker`` processes (no nanny) on 127.0.0.1; yields (address, workers).

    ``scheduler_env``: the scheduler's environment, when not those of docs/cluster.md. The
    workers' temporary files go to ``tmp/tmp``, their own folders are
    ``tmp/w<n>``. At the end every process of the cluster, the workers'
    graders included, is known to have ended, and then the workers' folders
    are removed: what Dask leaves there depends on how fast it closed.
    """
    info, temporary = tmp / "scheduler.json", tmp / "tmp"
    temporary.mkdir()
    local = ["--host", "127.0.0.1", "--dashboard-address", "127.0.0.1:0"]
    command = [str(DASK), "scheduler", "--port", "0", "--scheduler-file", str(info), *local]
    processes = [_start(command, tmp / "scheduler.log", scheduler_env)]
    try:
        wait_for(lambda: info.exists() and info.stat().st_size, 60, "the scheduler's start")
        for n in range(workers):
            command = [str(DASK), "worker", "--scheduler-file", str(info), "--nthreads", str(threads), "--no-nanny",
                       "--name", f"w{n}", "--local-directory", str(tmp / f"w{n}"), *local]
            processes.append(_start(command, tmp / f"worker{n}.log", {**cluster_env(), "TMPDIR": str(temporary)}))
        address = json.loads(info.read_text())["address"]
        yield address, processes[1:]
    finally:
        # workers first, while the scheduler can still answer their goodbyes
        family = descendants({process.pid for process in processes[1:]})
        for process in processes[1:]:
            _stop(process)
        wait_until_gone(family)
        _stop(processes[0])
        for n in range(workers):
            shutil.rmtree(tmp / f"w{n}", ignore_errors=True)


def _stop(process, seconds=120):
    process.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=seconds)
    process.kill()
    process.wait()


def _parents():
    """``{pid: parent pid}`` of every live process (zombies count as gone)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if fields[0] != "Z":
                found[int(stat.parent.name)] = int(fields[1])
    return found


def descendants(pids):
    """``pids`` and every process they started, and those started, down the tree."""
    parents, family = _parents(), set(pids)
    grown = True
    while grown:
        more = {pid for pid, parent in parents.items() if parent in family} - family
        family |= more
        grown = bool(more)
    return family


def wait_until_gone(pids, seconds=60):
    """Wait until none of ``pids`` lives; those still alive after ``seconds`` are killed, and waited for."""
    deadline = time.monotonic() + seconds
    while (alive := set(pids) & set(_parents())) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in alive:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    while set(pids) & set(_parents()):
        time.sleep(0.05)
