"""Grading on a Dask cluster: ``workbook grade SUBMISSIONS --scheduler tcp://HOST:PORT``.

A job is self-contained. The instructor's process makes each student's
private course as for a local job (:func:`workbook.grading.submission.stage`: the
template gradebook, the source assignment, the released notebooks and the
kept files of the submission) and sends those files, as bytes, to a Dask
worker. There :func:`run_job` grades them with a :class:`workbook.grading.grader.Grader`,
the same trusted process and sandbox as a local job, and sends back its
reply (exit code, score rows, findings, timings), the autograded notebooks,
the feedback, the private gradebook and the log. They are checked (size, paths, no links) and written into the
private course, so the rest of grading (flags, serial merge, report) is the
local code. Workers need no shared file system.

A worker that dies mid-job leaves its submission to Dask, which runs it
again elsewhere; a job that fails or sends an invalid result is sent once
more, to another worker when there is one. Each start is logged as a Dask
event, so a submission runs at most twice; then it is reported as not graded
with the reason. When the scheduler has had no worker for :data:`WORKER_WAIT`
seconds, or the connection to it is lost, the run stops waiting and every
submission not graded by then is reported so, with the address and the fix.

Each job reports the seconds of its phases on the worker, and the instructor
adds the rest of the round trip ("transit"): see :mod:`workbook.grading.timings`.
"""

import asyncio
import dataclasses
import atexit
import contextlib
import functools
import hashlib
import json
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from importlib.metadata import version
from pathlib import Path, PurePosixPath

from workbook import settings
from workbook.grading import course, timings
from workbook.grading.grader import Grader, read_reply
from workbook.settings import VARIABLES
from workbook.sandbox import host as sandbox

CONNECT_TIMEOUT = 10
# How long a job waits while the scheduler has no worker at all before the run gives up on the cluster.
WORKER_WAIT = 300
MAX_RESULT_BYTES = 256 * 2**20
MAX_RESULT_FILES = 2000
TOPIC = "workbook-grading-start"
# The instructor's settings that change a grade travel with each job.
SETTINGS = tuple(VARIABLES[name] for name in ("cell_timeout", "sandbox_memory_mb", "sandboxed"))
RESULT_FILES = ("gradebook.db", "grading.log")
SQLITE = b"SQLite format 3\x00"
FROM_REPOSITORY = ("start `dask {role}` from a clone of the instructor's commit, with its venv's bin/ first on PATH "
                   "and PYTHONPATH set to the clone (see docs/cluster.md)")
START_WORKERS = "start workers with `dask worker {address}` (see docs/cluster.md)"


class Rejected(ValueError):
    """What a worker sent back is not a valid grading result."""


class WorkerUnfit(RuntimeError):
    """This worker cannot grade as the instructor's machine would (no sandbox, other code)."""


@functools.lru_cache(maxsize=1)
def fingerprint():
    """A digest of what decides a grade in this process: ``workbook/``, the nbgrader config, library versions.

    Taken once per process, so it describes the code this process runs even
    if the files change afterwards.
    """
    digest = hashlib.sha256()
    for path in sorted((course.REPO / "workbook").rglob("*.py")) + [course.REPO / "nbgrader_config.py"]:
        digest.update(path.relative_to(course.REPO).as_posix().encode() + b"\0" + path.read_bytes())
    for package in ("torch", "numpy", "nbgrader"):
        digest.update(f"{package}=={version(package)}".encode())
    return digest.hexdigest()[:16]


def worker_settings(config):
    """The settings of the run (:mod:`workbook.settings`) that apply on the workers, as their variables."""
    return {name: value for name, value in config.environ().items() if name in SETTINGS}


# ---------------------------------------------------------------- instructor side


def connect(address, config, timeout=CONNECT_TIMEOUT):
    """Return a :class:`Cluster` on the scheduler at ``address`` for a run with the settings ``config``.

    Stops with a clear message if it is unusable.
    """
    _probe(address, timeout)
    from distributed import Client

    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except Exception as error:  # any failure to connect is reported the same way, with its words
        raise SystemExit(f"error: cannot reach the Dask scheduler at {address}: {error}") from None
    try:
        _check_scheduler(client, address)
        _check_workers(client, address, timeout, config.sandboxed)
    except SystemExit:
        client.close()
        raise
    return Cluster(client, address, worker_settings(config))


def _probe(address, timeout):
    """Ask ``address`` who it is, within ``timeout`` seconds, before any Client exists."""
    from distributed.comm import connect as open_comm

    async def identity():
        comm = await open_comm(address, timeout=timeout)
        try:
            await comm.write({"op": "identity"})
            return await asyncio.wait_for(comm.read(), timeout)
        finally:
            comm.abort()

    fix = "start one with `dask scheduler` and give its address as tcp://HOST:PORT"
    try:
        answer = asyncio.run(asyncio.wait_for(identity(), timeout))  # dask's handshake has no timeout of its own
    except Exception as error:  # a refused, silent or foreign endpoint: all mean "no scheduler here"
        reason = str(error) or f"no answer within {timeout} s"
        raise SystemExit(f"error: cannot reach a Dask scheduler at {address} ({reason}): {fix}") from None
    if not isinstance(answer, dict) or answer.get("type") != "Scheduler":
        raise SystemExit(f"error: {address} answers but is not a Dask scheduler: {fix}")


def _check_scheduler(client, address):
    """Stop unless the scheduler can read a job: Dask unpickles each task there, so it imports this module."""
    try:
        client.run_on_scheduler(scheduler_ready)
    except Exception as error:  # dask reports the scheduler's failure to unpickle as one of several types
        reason = f"{type(error).__name__}: {str(error)[:300]}"
        raise SystemExit(f"error: the Dask scheduler at {address} cannot load the workbook's code ({reason}): "
                         + FROM_REPOSITORY.format(role="scheduler")) from None


def scheduler_ready():
    """Runs on the scheduler: that it runs at all shows the scheduler can import the jobs' code."""
    return True


def _check_workers(client, address, timeout, sandboxed):
    """Stop unless the cluster has workers, and each can grade as this machine does."""
    try:
        client.wait_for_workers(1, timeout=timeout)
    except Exception:  # dask raises its own TimeoutError type here
        raise SystemExit(f"error: the Dask scheduler at {address} has no workers: "
                         + START_WORKERS.format(address=address)) from None
    reports = client.run(worker_problem, fingerprint(), sandboxed, on_error="return")
    problems = [f"  {worker}: {_worded(problem)}" for worker, problem in sorted(reports.items()) if problem]
    if problems:
        raise SystemExit("error: some Dask workers cannot grade as this machine would:\n" + "\n".join(problems))


def _worded(problem):
    """A worker's problem as a sentence; an exception means it could not run the workbook's code at all."""
    if not isinstance(problem, BaseException):
        return str(problem)
    reason = f"{type(problem).__name__}: {problem}"
    return f"cannot run the workbook's code ({reason}): " + FROM_REPOSITORY.format(role="worker")


class Cluster:
    """The instructor's connection to the scheduler: submits jobs and counts their starts."""

    def __init__(self, client, address, settings=None):
        self.client = client
        self.address = address
        self.settings = settings or {}
        self.fingerprint = fingerprint()
        self.starts = defaultdict(list)
        self.lost = None
        self._empty_since = None
        client.subscribe_topic(TOPIC, self._started)

    def check(self):
        """Why the cluster cannot grade any more, or None; once lost, it stays lost for this run.

        It is lost when the connection to the scheduler is closed, or when the
        scheduler has had no worker for :data:`WORKER_WAIT` seconds.
        """
        if self.lost is None and self.client.status in ("closing", "closed"):
            self.lost = (f"the connection to the Dask scheduler at {self.address} was lost: check that "
                         "`dask scheduler` still runs there, then grade again")
        elif self.lost is None and self._no_workers_for() >= WORKER_WAIT:
            self.lost = (f"the Dask scheduler at {self.address} has had no worker for {WORKER_WAIT} s: "
                         + START_WORKERS.format(address=self.address) + ", then grade again")
        return self.lost

    def _no_workers_for(self):
        """Seconds since the scheduler was last seen with a worker (0 while it has one)."""
        try:
            workers = self.client.nthreads()
        except Exception:  # the scheduler does not answer: as good as no workers
            workers = {}
        now = time.monotonic()
        self._empty_since = None if workers else (self._empty_since or now)
        return 0 if workers else now - self._empty_since

    def _started(self, event):
        message = event[1] if isinstance(event, (tuple, list)) and len(event) == 2 else None
        if isinstance(message, dict) and isinstance(message.get("key"), str):
            self.starts[message["key"]].append(str(message.get("worker"))[:200])

    def threads(self):
        """The number of jobs the workers run at once."""
        return sum(self.client.nthreads().values())

    def grader(self):
        """A grader for :func:`workbook.grading.grade.grade_all` that grades on this cluster."""
        return RemoteGrader(self)

    def submit(self, files, job, timeout, avoid=()):
        """Send one job, to a worker not in ``avoid`` when there is one; return its future."""
        others = [worker for worker in self.client.nthreads() if worker not in avoid]
        key = f"grade-{job['student']}-{uuid.uuid4().hex[:12]}"
        where = {"workers": others, "allow_other_workers": True} if avoid and others else {}
        return self.client.submit(run_job, files, job, self.settings, timeout, self.fingerprint, key=key, pure=False,
                                  **where)

    def settle(self, future, seconds):
        """Wait at most ``seconds`` for ``future`` to finish, well or not.

        ``distributed.wait`` would need a default client, and without one it
        fails at once, which turned the caller's polling into a busy loop.
        """
        with contextlib.suppress(Exception):  # the end of the wait, or the job's own error: both end it
            future.exception(timeout=seconds)

    def close(self):
        """Disconnect from the scheduler; the cluster keeps running."""
        with contextlib.suppress(Exception):
            self.client.close(timeout=CONNECT_TIMEOUT)


class RemoteGrader:
    """Same interface as :class:`workbook.grading.grader.Grader`, but the job runs on a Dask worker."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.failure = None
        self.times = {}

    def grade(self, job, timeout):
        """Grade ``job`` remotely and unpack its results into ``job["work"]``; return the exit code or None."""
        self.failure, self.times = None, {}
        with timings.phase(self.times, "pack"):
            files, tried, problems = read_files(job["work"]), [], []
        while len(tried) < 2 and not self.cluster.check():
            with timings.phase(self.times, "round trip"):
                reply, problem, workers = self._run(files, job, timeout, tried)
            tried += workers or ["a worker that never started it"]
            if problem is None:
                try:
                    answer, results, worker = check_reply(reply, job["student"], job["assignment"])
                except Rejected as error:
                    problem = f"{tried[-1]} sent an invalid result ({error})"
                else:
                    self._note_times(reply.get("times"))
                    with timings.phase(self.times, "unpack results"):
                        return self._keep(job, answer, results, worker, tried, problems, timeout)
            problems.append(problem)
        if self.cluster.lost and self.cluster.lost not in problems:
            problems.append(self.cluster.lost)
        self.failure = "not graded on the cluster: " + "; then ".join(problems)
        return None

    def _run(self, files, job, timeout, tried):
        """Run one attempt; return (reply, problem, workers that started it).

        A third start is cancelled, and so is a job on a cluster that is lost
        (see :meth:`Cluster.check`).
        """
        future = self.cluster.submit(files, job, timeout, avoid=tried)
        while True:
            self.cluster.settle(future, 2)
            workers = list(self.cluster.starts.get(future.key, []))
            if future.done():
                break
            if len(workers) > 2:
                future.cancel()
                return None, f"the workers {workers[0]} and {workers[1]} died while grading it", workers[:2]
            if self.cluster.check():
                future.cancel()
                return None, self.cluster.lost, workers
        try:
            return future.result(), None, workers
        except Exception as error:  # the job's own error, or dask's KilledWorker: both are reported
            return None, self.cluster.check() or f"{type(error).__name__}: {str(error)[:500]}", workers

    def _note_times(self, reported):
        """Add the worker's phases, and the rest of the round trip as "transit"."""
        remote = timings.checked(reported)
        self.times.update({f"worker: {name}": seconds for name, seconds in remote.items()})
        if "total" in remote:
            self.times["transit"] = max(0.0, self.times["round trip"] - remote["total"])

    def _keep(self, job, answer, results, worker, tried, problems, timeout):
        """Write a checked result into the private course, note in its log where it ran; return the grader's reply."""
        write_files(job["work"], results)
        notes = [f"attempt failed: {problem}" for problem in problems]
        if len(tried) > 1:
            notes.append(f"started on {', '.join(tried)}: a worker that dies mid-job has its job run again")
        with open(Path(job["work"]) / "grading.log", "a") as log:
            log.write("\n".join(notes + [f"graded on the Dask worker {worker}"]) + "\n")
        if answer is None:
            self.failure = f"grading stopped after {timeout} s on the Dask worker {worker}"
        return answer

    def stopped_reason(self, timeout):
        """Why the last job has no exit code."""
        return self.failure or f"grading stopped after {timeout} s"

    def stop(self, grace=0):
        """Nothing to end here: the workers keep their graders for the next job."""


def read_files(folder):
    """``{relative posix path: bytes}`` of the regular files under ``folder``."""
    folder = Path(folder)
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def check_reply(reply, student, assignment):
    """Validate a worker's reply before anything is written; return (the grader's reply or None, files, worker)."""
    if not isinstance(reply, dict) or set(reply) - {"times"} != {"answer", "files", "worker"}:
        raise Rejected("not a grading result")
    files, worker = reply["files"], reply["worker"]
    try:
        answer = None if reply["answer"] is None else read_reply(reply["answer"])
    except ValueError as error:
        raise Rejected(f"the grader's answer: {error}") from None
    if not isinstance(worker, str):
        raise Rejected("the worker's name has the wrong type")
    if not isinstance(files, dict) or len(files) > MAX_RESULT_FILES:
        raise Rejected(f"the files are not a mapping of at most {MAX_RESULT_FILES} entries")
    total = _answer_size(reply["answer"])
    for name, data in files.items():
        if not isinstance(name, str) or type(data) is not bytes:
            raise Rejected("a file name or content has the wrong type")
        total += len(data)
        if total > MAX_RESULT_BYTES:
            raise Rejected(f"larger than {MAX_RESULT_BYTES // 2**20} MiB")
        if not expected_path(name, student, assignment):
            raise Rejected(f"unexpected path {name[:200]!r}")
    if "gradebook.db" in files and not files["gradebook.db"].startswith(SQLITE):
        raise Rejected("gradebook.db is not an SQLite database")
    return answer, files, worker[:200]


def _answer_size(answer):
    """Bytes of the grader's answer (its failure records above all) as JSON: they count with the files."""
    try:
        return len(json.dumps(answer).encode())
    except (TypeError, ValueError, RecursionError):
        raise Rejected("the grader's answer is not plain data") from None


def expected_path(name, student, assignment):
    """True for a file a grading job may return: its gradebook, log, autograded and feedback files."""
    if not safe_relative(name):
        return False
    parts = PurePosixPath(name).parts
    inside = parts[:3] in (("autograded", student, assignment), ("feedback", student, assignment))
    return name in RESULT_FILES or (inside and len(parts) > 3)


def safe_relative(name):
    """True for a normalised relative path with no ``..``, no empty part and no NUL."""
    path = PurePosixPath(name)
    return (
        bool(name) and "\0" not in name and "\\" not in name and not path.is_absolute()
        and path.as_posix() == name and not {"..", "."} & set(path.parts)
        and all(len(part.encode()) <= 255 for part in path.parts)
    )


def write_files(folder, files):
    """Write ``{relative path: bytes}`` under ``folder`` (paths already checked), replacing older copies."""
    folder = Path(folder)
    for name, data in files.items():
        if not safe_relative(name):
            raise Rejected(f"unsafe path {name[:200]!r}")
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        with open(target, "xb") as out:
            out.write(data)


# ---------------------------------------------------------------- worker side


def worker_problem(expected_fingerprint, sandboxed):
    """None when this worker grades as the instructor's machine would, else what differs and the fix."""
    if fingerprint() != expected_fingerprint:
        return ("its workbook code or its torch/numpy/nbgrader versions differ from the instructor's: "
                "install the same commit of the repository and `pip install -r requirements.txt`")
    if sandboxed:
        return _sandbox_problem()
    return None


_sandbox_checked = []


def _sandbox_problem():
    """The sandbox check of :mod:`workbook.sandbox.host`, once per worker process."""
    if not _sandbox_checked:
        try:
            sandbox.prepare()
            _sandbox_checked.append(None)
        except sandbox.SandboxUnavailable as error:
            _sandbox_checked.append(f"no sandbox: {error}")
    return _sandbox_checked[0]


def run_job(files, job, env, timeout, expected_fingerprint):
    """Grade one job on this Dask worker; return ``{"answer", "files", "worker", "times"}``.

    ``files`` is the private course made by :func:`workbook.grading.submission.stage`;
    ``env`` the instructor's grading settings (:func:`worker_settings`); ``answer``
    the grader's reply (None when it did not answer in time).
    """
    from distributed import get_worker

    times, worker = {}, get_worker()
    worker.log_event(TOPIC, {"key": str(worker.get_current_task()), "worker": worker.address})
    with timings.phase(times, "total"):
        problem = worker_problem(expected_fingerprint, settings.read(env).sandboxed)
        if problem:
            raise WorkerUnfit(problem)
        # Dask removes its worker's folder when the worker ends, and a later worker removes that of one that was killed.
        scratch_space = Path(worker.local_directory)
        with tempfile.TemporaryDirectory(prefix="mytensor-remote-", dir=scratch_space) as scratch:
            work = Path(scratch) / job["student"]
            with timings.phase(times, "unpack"):
                write_files(work, files)
            with _grader(env, scratch_space / "graders") as grader, timings.phase(times, "job"):
                answer = grader.grade({**job, "work": str(work)}, timeout)
            times.update(grader.times)
            with timings.phase(times, "pack results"):
                found = _results(work, job["student"], job["assignment"])
    answer = None if answer is None else dataclasses.asdict(answer)
    return {"answer": answer, "files": found, "worker": worker.address, "times": times}


def _results(work, student, assignment):
    found = {name: (work / name).read_bytes() for name in RESULT_FILES if (work / name).is_file()}
    for kind in ("autograded", "feedback"):
        folder = work / kind / student / assignment
        if folder.is_dir():
            found.update({f"{kind}/{student}/{assignment}/{name}": data for name, data in read_files(folder).items()})
    return found


_idle = defaultdict(list)
_lock = threading.Lock()


@contextlib.contextmanager
def _grader(env, folder):
    """A grader of this worker process for the settings ``env``, kept for the next job; its log goes in ``folder``."""
    key = tuple(sorted(env.items(), key=lambda item: item[0]))
    with _lock:
        grader = _idle[key].pop() if _idle[key] else None
    if grader is None:
        folder.mkdir(parents=True, exist_ok=True)
        grader = Grader(folder / f"grader-{uuid.uuid4().hex[:8]}.log", env=env)
    try:
        yield grader
    finally:
        with _lock:
            _idle[key].append(grader)


def _stop_graders():
    """At the worker's exit, give its graders time to end on their own (a killed worker's end with it)."""
    with _lock:
        graders = [grader for pool in _idle.values() for grader in pool]
        _idle.clear()
    for grader in graders:
        grader.stop(grace=10)


atexit.register(_stop_graders)
