"""Grading on a Dask cluster: a real scheduler and two worker processes on 127.0.0.1.

The tiny assignment of tests/grading is graded through ``--scheduler`` and
locally with ``--jobs 1``: the grades must be the same. A worker killed in the
middle of a job has that job run again on the other worker. An address with
no scheduler behind it is refused before any work, with the address, a
non-zero exit and no traceback. What a worker sends back is checked before
anything is written.
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import dask
import pytest

from tests.grading import tiny
from tests.grading.cluster import cluster_env, dask_cluster, wait_for
from tests.workbook.grading.test_grading import PARTIAL, read_grades
from workbook import settings
from workbook.grading import cluster, course, grade, submission, timings
from workbook.grading.grader import Grader

pytestmark = pytest.mark.slow
REPO = course.REPO
STUDENTS = {"ref": tiny.REFERENCE, "stub": tiny.STUB, "partial": PARTIAL, "ref2": tiny.REFERENCE}


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """The tiny course and a folder of zips from four students (two with the same package)."""
    tmp = tmp_path_factory.mktemp("cluster")
    notebooks, package = tiny.write_source(tmp / "src")
    root = course.build(tmp / "course", notebooks, package, assignment=tiny.ASSIGNMENT)
    for student, files in STUDENTS.items():
        tiny.make_zip(tmp / "in" / f"{student}__mytensor-workbook.zip", root / "release" / tiny.ASSIGNMENT, files, student)
    return tmp, root


def _grade(tmp, root, out, *extra):
    argv = [str(tmp / "in"), "--course", str(root), "--out", str(tmp / out), "--assignment", tiny.ASSIGNMENT, *extra]
    return grade.main(argv), read_grades(tmp / out / "grades.csv")


def test_grades_on_the_cluster_equal_a_local_serial_run(tiny_run, tmp_path, monkeypatch):
    tmp, root = tiny_run
    monkeypatch.setenv("WORKBOOK_TIMINGS", str(tmp_path / "local.jsonl"))
    code, local = _grade(tmp, root, "local", "--jobs", "1")
    monkeypatch.setenv("WORKBOOK_TIMINGS", str(tmp_path / "remote.jsonl"))
    with dask_cluster(tmp_path) as (address, _):
        remote_code, remote = _grade(tmp, root, "remote", "--scheduler", address)
        jobs_left = list(tmp_path.glob("w*/**/mytensor-remote-*"))
    assert not jobs_left, "a job's folder outlived its job"
    left = list(tmp_path.glob("tmp/*"))
    assert not left, f"the workers and their graders left temporary files behind: {left}"
    assert code == remote_code == 0
    assert remote == local
    assert float(remote["ref"]["total"]) == tiny.points() and float(remote["stub"]["total"]) == 0
    assert float(remote["partial"]["total"]) == tiny.points(1)
    workers = {_graded_on(root, student) for student in STUDENTS}
    assert len(workers) == 2, f"both workers should have graded: {workers}"
    for student in STUDENTS:
        page = root / "feedback" / student / tiny.ASSIGNMENT / "x1_double.html"
        assert page.is_file() and tiny.HIDDEN_MARKER not in page.read_text()
    _assert_phases(tmp_path / "local.jsonl", {"prepare", "job", "autograde", "feedback", "merge"})
    _assert_phases(tmp_path / "remote.jsonl", {"prepare", "pack", "round trip", "transit", "worker: unpack",
                                               "worker: autograde", "worker: feedback", "worker: total", "merge"})


def _assert_phases(log, names):
    """Each student has one line of timings in ``log`` with at least the phases ``names``."""
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert sorted(line["student"] for line in lines) == sorted(STUDENTS)
    for line in lines:
        assert names <= set(line["phases"]) and all(seconds >= 0 for seconds in line["phases"].values())


def _graded_on(root, student):
    log = (root / "grading" / "logs" / f"{student}.log").read_text()
    return log.rsplit("graded on the Dask worker ", 1)[1].split()[0]


def _processes():
    """``{pid: (parent pid, command line)}`` of every process."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            found[int(stat.parent.name)] = (parent, (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode())
    return found


def _kill_mid_job(workers, killed, stop, every=False):
    """Kill the first worker whose grader has a sandbox running (a job in progress), with that grader.

    With ``every``, then kill all the other workers and their graders too.
    With ``every=None``, kill only the first worker and note its grader's pid.
    """
    pids = {worker.pid for worker in workers}
    while not stop.is_set():
        table = _processes()
        for pid, (parent, command) in table.items():
            busy = any(p == pid for p, _ in table.values())
            if parent in pids and "workbook.grading.grader" in command and busy:
                doomed = pids if every else {parent}
                if every is None:
                    os.kill(parent, signal.SIGKILL)
                    killed.extend([parent, pid])
                    return
                for grader in [p for p, (up, line) in table.items() if up in doomed and "workbook.grading.grader" in line]:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(grader, signal.SIGKILL)  # the grader is in a session of its own
                for worker in doomed:
                    os.kill(worker, signal.SIGKILL)
                killed.extend(sorted(doomed))
                return
        time.sleep(0.1)


def test_a_worker_killed_mid_job_has_its_submission_graded_elsewhere(tiny_run, tmp_path):
    tmp, root = tiny_run
    killed, stop = [], threading.Event()
    with dask_cluster(tmp_path) as (address, workers):
        watcher = threading.Thread(target=_kill_mid_job, args=(workers, killed, stop), daemon=True)
        watcher.start()
        try:
            code, rows = _grade(tmp, root, "killed", "--scheduler", address)
        finally:
            stop.set()
            watcher.join(timeout=10)
    assert killed, "no job was seen running"
    assert code == 0
    assert {s: float(r["total"]) for s, r in rows.items()} == _expected_totals()
    retried = [s for s in STUDENTS if "a worker that dies mid-job" in (root / "grading" / "logs" / f"{s}.log").read_text()]
    assert len(retried) == 1
    log = (root / "grading" / "logs" / f"{retried[0]}.log").read_text()
    started = log.split("started on ", 1)[1].split(": a worker")[0].split(", ")
    assert len(started) == 2 and started[0] != started[1] and _graded_on(root, retried[0]) == started[1]


def test_the_grader_of_a_killed_worker_ends_with_it(tiny_run, tmp_path):
    tmp, root = tiny_run
    killed, stop = [], threading.Event()
    with dask_cluster(tmp_path) as (address, workers):
        watcher = threading.Thread(target=_kill_mid_job, args=(workers, killed, stop, None), daemon=True)
        watcher.start()
        try:
            code, rows = _grade(tmp, root, "orphan", "--scheduler", address)
        finally:
            stop.set()
            watcher.join(timeout=10)
        assert len(killed) == 2, "no job was seen running"
        wait_for(lambda: not _alive(killed[1]), 10, "the end of the killed worker's grader")
    assert code == 0 and {s: float(r["total"]) for s, r in rows.items()} == _expected_totals()


def test_an_idle_grader_whose_parent_dies_ends_though_its_input_stays_open():
    read, write = os.pipe()
    boot = ("import subprocess, sys; grader = subprocess.Popen([sys.executable, '-m', 'workbook.grading.grader', '--serve'], "
            "stdin=int(sys.argv[1]), stdout=subprocess.DEVNULL); print(grader.pid, flush=True); grader.wait()")
    parent = subprocess.Popen([sys.executable, "-c", boot, str(read)], cwd=REPO, env=cluster_env(),
                              pass_fds=[read], stdout=subprocess.PIPE, text=True)
    try:
        grader = int(parent.stdout.readline())
        time.sleep(1)  # the grader is up and waiting for a job on the pipe this test keeps open
        assert _alive(grader)
        parent.kill()
        parent.wait()
        wait_for(lambda: not _alive(grader), 10, "the end of the orphaned grader")
    finally:
        os.close(read)
        os.close(write)
        parent.stdout.close()


def _alive(pid):
    """True while ``pid`` runs (a zombie has ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def test_a_run_whose_workers_all_die_stops_waiting_and_says_why(tiny_run, tmp_path, monkeypatch):
    tmp, root = tiny_run
    monkeypatch.setattr(cluster, "WORKER_WAIT", 4)
    killed, stop = [], threading.Event()
    with dask_cluster(tmp_path) as (address, workers):
        watcher = threading.Thread(target=_kill_mid_job, args=(workers, killed, stop, True), daemon=True)
        watcher.start()
        start = time.monotonic()
        try:
            code, rows = _grade(tmp, root, "orphaned", "--scheduler", address)
        finally:
            stop.set()
            watcher.join(timeout=10)
        elapsed = time.monotonic() - start
    assert len(killed) == 2 and code == 1
    assert elapsed < 90, f"the run waited {elapsed:.0f} s for workers that were gone"
    reason = f"the Dask scheduler at {address} has had no worker for 4 s: start workers with `dask worker {address}`"
    unfinished = [s for s, row in rows.items() if reason in row["flags"]]
    assert unfinished, rows
    expected = _expected_totals()
    assert all(float(row["total"]) == expected[student] for student, row in rows.items() if student not in unfinished)


def _expected_totals():
    return {"ref": tiny.points(), "stub": 0, "partial": tiny.points(1), "ref2": tiny.points()}


def test_waiting_sleeps_and_workers_run_with_the_readme_settings(tmp_path):
    with dask_cluster(tmp_path, workers=1) as (address, _):
        remote = cluster.connect(address, settings.read(), timeout=120)
        try:
            future = remote.client.submit(time.sleep, 3, pure=False)
            start = time.monotonic()
            remote.settle(future, 1)
            assert not future.done() and time.monotonic() - start >= 0.9
            remote.settle(future, 60)
            assert future.done() and time.monotonic() - start >= 2.9
            found = remote.client.run(dask.config.get, "distributed")
            assert [s["worker"]["profile"]["enabled"] for s in found.values()] == [False], "the settings of docs/cluster.md"
        finally:
            remote.close()


class _Client:
    """Stands in for a dask Client: its status and its workers."""

    def __init__(self, status="running", workers=None):
        self.status, self.workers = status, workers or {}

    def subscribe_topic(self, topic, handler):
        pass

    def nthreads(self):
        return self.workers


def test_a_cluster_without_workers_or_scheduler_is_given_up_with_the_fix(monkeypatch):
    address = "tcp://10.0.0.5:8786"
    assert cluster.Cluster(_Client(workers={"tcp://w": 1}), address).check() is None
    monkeypatch.setattr(cluster, "WORKER_WAIT", 0)
    empty = cluster.Cluster(_Client(), address)
    assert empty.check().startswith(f"the Dask scheduler at {address} has had no worker for 0 s: "
                                    f"start workers with `dask worker {address}`")
    empty.client.workers = {"tcp://w": 1}
    assert empty.check() == empty.lost, "a lost cluster stays lost for the run"
    gone = cluster.Cluster(_Client(status="closed", workers={"tcp://w": 1}), address)
    assert gone.check().startswith(f"the connection to the Dask scheduler at {address} was lost")


def test_a_lost_cluster_reports_each_remaining_submission_without_sending_it(tmp_path):
    fake = _Cluster([GOOD])
    fake.lost = "the Dask scheduler at tcp://x:1 has had no worker for 300 s"
    grader = cluster.RemoteGrader(fake)
    assert grader.grade(_job(tmp_path), 60) is None
    assert fake.avoided == [] and grader.stopped_reason(60) == "not graded on the cluster: " + fake.lost


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_scheduler_is_reported_before_any_work(tiny_run):
    tmp, root = tiny_run
    address = f"tcp://127.0.0.1:{_free_port()}"
    command = [sys.executable, "-m", "workbook", "grade", str(tmp / "in"), "--course", str(tmp / "no-course"),
               "--out", str(tmp / "never"), "--scheduler", address]
    done = subprocess.run(command, cwd=REPO, env=cluster_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert f"cannot reach a Dask scheduler at {address}" in done.stderr and "dask scheduler" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp / "no-course").exists() and not (tmp / "never").exists()


def test_a_listener_that_is_not_a_scheduler_is_refused(tmp_path):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        address = f"tcp://127.0.0.1:{listener.getsockname()[1]}"
        with pytest.raises(SystemExit, match=f"{address}.*dask scheduler"):
            cluster.connect(address, settings.read(), timeout=2)
    with pytest.raises(SystemExit, match="cannot reach a Dask scheduler at nonsense://x"):
        cluster.connect("nonsense://x", settings.read(), timeout=2)


def test_the_job_ships_the_private_course_and_not_the_gradebook(tiny_run, tmp_path):
    tmp, root = tiny_run
    submitted = tmp_path / "sub"
    tiny.write_package(submitted / "mytensor", tiny.REFERENCE)
    (submitted / "x1_double.ipynb").write_text("a notebook the student edited")
    work = submission.stage(root, tmp_path / "base", "ada", submitted, tiny.ASSIGNMENT)
    files = cluster.read_files(work)
    notebook = f"submitted/ada/{tiny.ASSIGNMENT}/x1_double.ipynb"
    assert files[notebook] == (root / "release" / tiny.ASSIGNMENT / "x1_double.ipynb").read_bytes()
    assert files["gradebook.db"] == (root / "grading" / "template.db").read_bytes()
    assert {name.split("/")[0] for name in files} == {"gradebook.db", "source", "submitted"}


GOOD = {"answer": {"code": 0, "times": {}, "findings": [], "scores": []}, "worker": "tcp://w", "files": {"gradebook.db": cluster.SQLITE + b"rows", "grading.log": b"ok",
                                                   "autograded/ada/tiny/x1_double.ipynb": b"{}"}}


@pytest.mark.parametrize("change, words", [
    ({"files": {"../gradebook.db": b""}}, "unexpected path"),
    ({"files": {"/etc/passwd": b""}}, "unexpected path"),
    ({"files": {"autograded/bob/tiny/x1.ipynb": b""}}, "unexpected path"),
    ({"files": {"autograded/ada/tiny/./x1.ipynb": b""}}, "unexpected path"),
    ({"files": {"source/tiny/x1.ipynb": b""}}, "unexpected path"),
    ({"files": {"autograded/ada/tiny": b""}}, "unexpected path"),
    ({"files": {"gradebook.db": b"not sqlite"}}, "not an SQLite"),
    ({"files": {"grading.log": "text"}}, "wrong type"),
    ({"files": [("grading.log", b"")]}, "not a mapping"),
    ({"answer": {"code": "0"}}, "the grader's answer"),
    ({"worker": 7}, "wrong type"),
    ({"extra": 1}, "not a grading result"),
])
def test_a_bad_reply_from_a_worker_is_rejected_before_writing(change, words, tmp_path):
    reply = {**GOOD, **change}
    with pytest.raises(cluster.Rejected, match=words):
        cluster.check_reply(reply, "ada", "tiny")
    assert cluster.check_reply(GOOD, "ada", "tiny")[0].code == 0


@pytest.mark.parametrize("times", [None, [], {"x": "1"}, {"x": -1.0}, {"x": float("nan")}, {"x": True},
                                   {1: 1.0}, {f"p{n}": 1.0 for n in range(40)}])
def test_malformed_timings_from_a_worker_are_dropped_and_the_grade_kept(times):
    assert timings.checked(times) == {}
    assert timings.checked({"autograde": 2.5, "merge": 0}) == {"autograde": 2.5, "merge": 0.0}
    assert cluster.check_reply({**GOOD, "times": times}, "ada", "tiny")[0].code == 0


def test_an_oversized_reply_is_rejected(monkeypatch):
    monkeypatch.setattr(cluster, "MAX_RESULT_BYTES", 10)
    with pytest.raises(cluster.Rejected, match="larger than"):
        cluster.check_reply({**GOOD, "files": {"grading.log": b"x" * 11}}, "ada", "tiny")


class _Future:
    """A finished attempt: its reply, or the error it raised."""

    def __init__(self, key, outcome):
        self.key, self.outcome = key, outcome

    def done(self):
        return True

    def result(self):
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome

    def cancel(self):
        pass


class _Cluster:
    """Stands in for :class:`workbook.grading.cluster.Cluster`: each attempt starts on the next worker."""

    lost = None

    def __init__(self, outcomes):
        self.outcomes, self.starts, self.avoided = list(outcomes), {}, []

    def check(self):
        return self.lost

    def submit(self, files, job, timeout, avoid=()):
        self.avoided.append(list(avoid))
        key = f"attempt-{len(self.avoided)}"
        self.starts[key] = [f"tcp://w{len(self.avoided)}"]
        return _Future(key, self.outcomes.pop(0))

    def settle(self, future, seconds):
        pass


def _job(tmp_path):
    work = tmp_path / "ada"
    (work / "submitted").mkdir(parents=True)
    (work / "gradebook.db").write_bytes(cluster.SQLITE)
    return {"work": str(work), "student": "ada", "assignment": "tiny", "reasons": []}


def test_a_failed_attempt_is_sent_once_more_to_another_worker(tmp_path):
    fake = _Cluster([cluster.WorkerUnfit("no sandbox"), GOOD])
    job = _job(tmp_path)
    assert cluster.RemoteGrader(fake).grade(job, 60).code == 0
    assert fake.avoided == [[], ["tcp://w1"]]
    log = (tmp_path / "ada" / "grading.log").read_text()
    assert "attempt failed: WorkerUnfit: no sandbox" in log and log.endswith("graded on the Dask worker tcp://w\n")
    assert (tmp_path / "ada" / "autograded" / "ada" / "tiny" / "x1_double.ipynb").read_bytes() == b"{}"


def test_a_submission_that_fails_twice_is_reported_with_both_reasons(tmp_path):
    bad = {**GOOD, "files": {"../../escape": b"x"}}
    grader = cluster.RemoteGrader(_Cluster([RuntimeError("worker lost"), bad]))
    assert grader.grade(_job(tmp_path), 60) is None
    reason = grader.stopped_reason(60)
    assert reason.startswith("not graded on the cluster: RuntimeError: worker lost; then tcp://w2 sent an invalid result")
    assert not (tmp_path / "escape").exists() and not (tmp_path / "ada" / "grading.log").exists()


def test_a_scheduler_that_cannot_load_the_workbook_is_refused_before_any_work(tmp_path):
    without = {name: value for name, value in cluster_env().items() if name != "PYTHONPATH"}
    with dask_cluster(tmp_path, workers=1, scheduler_env=without) as (address, _):
        with pytest.raises(SystemExit) as refused:
            cluster.connect(address, settings.read(), timeout=60)
    message = str(refused.value)
    assert message.startswith(f"error: the Dask scheduler at {address} cannot load the workbook's code")
    assert "No module named 'workbook'" in message and "start `dask scheduler`" in message and "PYTHONPATH" in message


def test_a_grader_keeps_hypothesis_files_beside_its_log_not_in_a_jobs_folder(tmp_path):
    """Hypothesis caches in the folder it was first used in: a job's, which is removed when the job ends."""
    grader = Grader(tmp_path / "graders" / "grader.log")
    (tmp_path / "graders").mkdir()
    grader._start()
    try:
        environ = Path(f"/proc/{grader.process.pid}/environ").read_bytes().split(b"\0")
    finally:
        grader.stop()
    assert f"HYPOTHESIS_STORAGE_DIRECTORY={tmp_path / 'graders' / 'hypothesis'}".encode() in environ
