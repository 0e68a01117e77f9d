"""A real Dask cluster on 127.0.0.1 for the cluster tests and the cluster benchmark."""

import contextlib
import json
import subprocess
import sys
import time
from pathlib import Path

from workbook import course

DASK = Path(sys.executable).parent / "dask"


DASK_SETTINGS = course.REPO / "workbook" / "dask-grading.yaml"


def cluster_env():
    """The environment of a ``dask`` process: the venv first on PATH, the repository importable, the README's settings."""
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

    ``scheduler_env``: the scheduler's environment, when not the README's. The
    workers' temporary files go to ``tmp/tmp``.
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
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
            process.kill()
            process.wait()
