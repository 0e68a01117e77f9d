"""The sandbox and the wire: what student code can see and do while grading, and what comes back.

These run one sandboxed worker on the reference library (fast); the graded
hostile submissions are in tests/test_integrity.py.
"""

import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from workbook import checks, compare
from workbook.grading import grade
from workbook.sandbox import host as sandbox, wire
from workbook.sandbox import inside as sandbox_inside
from workbook.names import REPO

pytestmark = pytest.mark.skipif(sandbox.problem() is not None, reason=f"no sandbox here: {sandbox.problem()}")


@pytest.fixture(scope="module")
def worker():
    found = sandbox.Worker(REPO / "solutions" / "mytensor", memory_mb=1024, timeout=20)
    yield found
    found.stop()


def inside(worker, fn):
    """Run ``fn(mytensor)`` in the sandbox and return its plain result."""
    return worker.run(fn)


def test_reference_results_cross_as_plain_data(worker):
    with sandbox.using(worker):
        for fn in [lambda m: m.arange(12, dtype=m.float32).reshape(3, 4)[1:, ::2],
                   lambda m: (m.zeros(2, 3).shape, m.float64, m.ones(1).item()),
                   lambda m: m.arange(6, dtype=m.int16).reshape(2, 3)[:, 1:].numpy(),
                   lambda m: m.ones(2).item(),
                   lambda m: m.tensor([[1, 2], [3]])]:
            checks.expect_same(fn)


def test_a_wrong_answer_still_fails(worker):
    with sandbox.using(worker), pytest.raises(checks.CheckFailed, match="values differ"):
        checks.expect_same(lambda m: m.ones(3) if m.__name__ == "mytensor" else m.zeros(3))


def test_torch_is_not_in_the_sandbox(worker):
    found = inside(worker, lambda m: __import__("importlib.util").util.find_spec("torch"))
    assert found is None
    listing = inside(worker, lambda m: sorted(n for r, d, f in __import__("os").walk("/") for n in d + f if "torch" in n))
    assert listing == []


def test_only_the_submission_the_trusted_runtime_and_system_folders_are_visible(worker):
    top = inside(worker, lambda m: sorted(__import__("os").listdir("/sandbox")))
    assert top == ["lib", "submission", "trusted"]
    repo = str(REPO)
    assert inside(worker, lambda m: __import__("os").path.exists(repo)) is False
    assert inside(worker, lambda m: __import__("os").listdir("/tmp")) == []


def test_limits_are_hard_and_hold(worker):
    import resource

    kinds = [resource.RLIMIT_AS, resource.RLIMIT_CPU, resource.RLIMIT_FSIZE, resource.RLIMIT_NPROC]
    limits = inside(worker, lambda m: [__import__("resource").getrlimit(k) for k in kinds])
    assert all(soft == hard != resource.RLIM_INFINITY for soft, hard in limits)

    def raise_then_allocate(m):
        import resource

        try:
            resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        except (ValueError, OSError) as error:
            refused = type(error).__name__
        else:
            refused = None
        try:
            bytearray(3 * 2**30)
            return refused, "allocated"
        except MemoryError:
            return refused, "MemoryError"

    assert inside(worker, raise_then_allocate) == ("ValueError", "MemoryError")


def test_runs_as_another_user_when_the_grader_is_root(worker):
    uid = inside(worker, lambda m: __import__("os").getuid())
    assert uid != 0 or os.geteuid() != 0


def test_no_network(worker):
    def connect(m):
        import socket

        try:
            socket.create_connection(("127.0.0.1", 22), timeout=2)
        except OSError as error:
            return type(error).__name__
        return "connected"

    assert inside(worker, connect) in ("ConnectionRefusedError", "OSError", "TimeoutError")
    assert inside(worker, lambda m: sorted(__import__("socket").if_nameindex())) in ([], [(1, "lo")])


def test_timeout_and_crash_fail_one_check_then_the_worker_restarts(worker):
    worker.timeout = 2
    try:
        assert repr(inside(worker, lambda m: __import__("time").sleep(60))).startswith("TimeoutError")
        assert repr(inside(worker, lambda m: __import__("os")._exit(3))).startswith("WorkerDied")
        assert inside(worker, lambda m: m.ones(2).shape) == (2,)
    finally:
        worker.timeout = 20


def test_reads_of_the_parent_find_nothing(worker):
    def parents(m):
        import os

        return sorted(p for p in os.listdir("/proc") if p.isdigit())

    pids = inside(worker, parents)
    assert len(pids) <= 3


def test_torch_attempts_are_reported(worker):
    assert inside(worker, sandbox_inside.torch_attempts) == []


SNAPSHOT = (checks.Snapshot, checks.Raised)


def _reply(tree, blobs=()):
    header = __import__("json").dumps({"tree": tree, "blobs": [len(b) for b in blobs]}).encode()
    return struct.pack(">I", len(header)) + header + b"".join(blobs)


@pytest.mark.parametrize("reply", [
    b"", b"\x00\x00\x00\x05{bad", _reply({"t": "tensor", "dtype": "object", "shape": [1], "blob": 0}, [b"x" * 8]),
    _reply({"t": "ndarray", "dtype": "float32", "shape": [4], "blob": 0}, [b"x" * 8]),
    _reply({"t": "ndarray", "dtype": "float32", "shape": [-1], "blob": 0}, [b""]),
    _reply({"t": "object", "type": "not a name", "str": "", "text": ""}),
    _reply({"t": "int", "v": "1e9999"}), _reply({"t": "code", "v": "print(1)"}),
    _reply({"t": "tuple", "type": "tuple", "items": "abc", "text": ""}),
    _reply({"t": "ndarray", "dtype": "float32", "shape": [1], "blob": 5}, [b"x" * 4]),
])
def test_invalid_replies_are_rejected(reply):
    with pytest.raises(wire.Rejected):
        wire.decode_result(reply, *SNAPSHOT)


def test_a_lying_student_type_keeps_only_its_name_and_text():
    reply = wire.encode_result(_Liar(0), *SNAPSHOT)
    back = wire.decode_result(reply, *SNAPSHOT)
    assert type(back).__name__ == "_Liar" and repr(back) == "4" and back != 0
    assert checks.difference(0, back) == "type int vs _Liar"


class _Liar(int):
    def __eq__(self, other):
        return True

    __hash__ = int.__hash__

    def __repr__(self):
        return "4"


def test_calls_carry_notebook_functions_closures_and_arrays():
    data = np.arange(6).reshape(2, 3)

    def helper(m, k):
        return m, k * 2

    call = wire.encode_call(lambda m: (helper(m, 3), data.T.copy(), np.float32))
    rebuilt = wire.decode_call(call, np)
    (module, six), array, kind = rebuilt(np)
    assert module is np and six == 6 and np.array_equal(array, data.T) and kind is np.float32


def test_grading_without_a_sandbox_stops_with_the_fix(monkeypatch, tmp_path):
    monkeypatch.setattr(sandbox, "bwrap", lambda: None)
    with pytest.raises(SystemExit, match="bubblewrap.*--no-sandbox"):
        grade.main([str(tmp_path), "--course", str(tmp_path / "course")])


root_only = pytest.mark.skipif(os.geteuid() != 0, reason="only a root grader runs the sandbox as another user")
PRIVATE_TEMP = """
import os, sys, tempfile
from pathlib import Path
from workbook import checks
from workbook.sandbox import host as sandbox
sandbox.prepare()
package = Path(tempfile.mkdtemp()) / "mytensor"
package.mkdir()
(package / "__init__.py").write_text("def double(x):\\n    return 2 * x\\n")
worker = sandbox.Worker(package)
print(tempfile.gettempdir(), worker.run(lambda m: m.double(2)))
worker.stop()
"""


def _fresh_env(**settings):
    """This environment for a new grading process: none of the folders this one staged."""
    env = {name: value for name, value in os.environ.items() if name != "WORKBOOK_SANDBOX_STAGE"}
    return {**env, "PYTHONPATH": str(REPO), **settings}


def _private_folder(tmp_path):
    folder = tmp_path / "private"
    (folder / "temp").mkdir(parents=True)
    folder.chmod(0o700)
    return folder


@root_only
def test_a_temporary_folder_other_users_cannot_enter_still_grades(tmp_path):
    private = _private_folder(tmp_path)
    env = _fresh_env(TMPDIR=str(private / "temp"))
    done = subprocess.run([sys.executable, "-c", PRIVATE_TEMP], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [str(private / "temp"), "4"], "the student's answer must cross, not a WorkerDied"


@root_only
def test_a_sandbox_that_cannot_run_a_check_is_refused_before_grading(tmp_path):
    private = _private_folder(tmp_path)
    script = f"from workbook.sandbox import host as sandbox\nsandbox._shared_temp = lambda: {str(private)!r}\nsandbox.prepare()"
    done = subprocess.run([sys.executable, "-c", script], env=_fresh_env(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "SandboxUnavailable: bubblewrap starts, but a check in the sandbox gave" in done.stderr


def test_no_temporary_folder_for_the_sandbox_names_tmpdir(monkeypatch):
    monkeypatch.setattr(sandbox, "_others_can_reach", lambda path: False)
    monkeypatch.setenv("TMPDIR", "/nowhere/private")
    monkeypatch.setattr(sandbox.tempfile, "tempdir", None)
    with pytest.raises(sandbox.SandboxUnavailable, match="(TMPDIR).*set TMPDIR to a folder that every user may enter"):
        sandbox._shared_temp()


def test_a_reply_of_57_mib_of_empty_objects_is_refused_before_it_is_parsed():
    import time
    import tracemalloc

    body = b"[" + b"{}," * (19 * 2**20) + b"{}]"
    reply = struct.pack(">I", len(body)) + body
    tracemalloc.start()
    began = time.process_time()
    try:
        with pytest.raises(wire.Rejected, match="larger than"):
            wire.decode_result(reply, *SNAPSHOT)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**20 and time.process_time() - began < 1


def test_a_submission_raises_only_ordinary_errors_in_the_grader():
    from workbook.grading import cells

    assert type(cells._exception("RuntimeError", "steps")) is RuntimeError
    for name in ("StopIteration", "SystemExit", "AssertionError", "CheckFailed", "KeyboardInterrupt", "open"):
        made = cells._exception(name, "x" * 50_000)
        assert type(made) is cells.StudentError and str(made).startswith(f"{name}: ")
        assert len(str(made)) <= cells.ERROR_TEXT + 100


def test_a_wrong_result_of_a_megabyte_fails_with_a_short_message(worker):
    with sandbox.using(worker), pytest.raises(checks.CheckFailed) as failed:
        checks.expect_same(lambda m: tuple("x" * 20_000 for _ in range(45)) if m.__name__ == "mytensor" else (1,))
    assert len(str(failed.value)) < 2 * compare.REPR_TEXT + 2_000


def test_a_cell_shows_at_most_a_fixed_amount_of_error_text(worker):
    from workbook.grading import cells

    runner = cells.Runner(worker, cell_timeout=20)
    outputs, _ = runner.run_cell("raise ValueError('x' * (13 * 2**20))")
    error = [o for o in outputs if o.output_type == "error"][0]
    assert len(error.evalue) + sum(map(len, error.traceback)) < 3 * cells.ERROR_TEXT


def test_the_staged_copy_of_a_submission_is_readable_by_the_sandbox_s_user_only(worker):
    assert inside(worker, lambda m: m.ones(1).shape) == (1,)
    home = worker.copy.parent
    owner = sandbox._user().get("user", os.geteuid())
    for path in [home, *home.rglob("*")]:
        info = path.stat()
        assert info.st_mode & 0o077 == 0 and info.st_uid == owner, (path, oct(info.st_mode))


def test_the_sandbox_sees_of_the_system_only_python_its_libraries_and_numpy_s(worker):
    def visible(m):
        import os

        return [os.path.join(top, name) for top, _, files in os.walk("/usr") for name in files]

    python = sandbox._interpreter()
    stdlib = str(sandbox._stdlib(Path(python))) + "/"
    files = inside(worker, visible)
    assert python in files and any(f.startswith(stdlib) for f in files)
    others = [f for f in files if f != python and not f.startswith(stdlib) and ".so" not in Path(f).name]
    assert others == []
    assert not [f for f in files if f.startswith(stdlib) and "-packages/" in f[len(stdlib):]]


def test_the_grader_s_environment_cannot_be_read_inside(worker, monkeypatch):
    monkeypatch.setenv("WORKBOOK_TEST_SECRET", "grader-secret-5d1c")

    def environments(m):
        import os

        found = []
        for pid in ["self"] + [p for p in os.listdir("/proc") if p.isdigit()]:
            try:
                found.append(open(f"/proc/{pid}/environ", "rb").read().decode(errors="replace"))
            except OSError:
                pass
        return found + [repr(dict(os.environ))]

    worker.stop()
    texts = inside(worker, environments)
    assert len(texts) >= 2 and not any("grader-secret-5d1c" in text for text in texts)


def _four_children_of(size):
    def run(m):
        import os
        import time

        children = []
        for _ in range(4):
            pid = os.fork()
            if pid == 0:
                try:
                    block = bytearray(size)
                    for at in range(0, size, 4096):
                        block[at] = 1
                    time.sleep(2)
                finally:
                    os._exit(0)
            children.append(pid)
        return [os.waitpid(pid, 0)[1] for pid in children]

    return run


def _peak(group):
    memory = group.folders["memory"]
    name = "memory.peak" if group.version == 2 else "memory.max_usage_in_bytes"
    return int((memory / name).read_text())


def test_four_children_of_a_gibibyte_stay_under_one_sandbox_s_memory_cap(tmp_path):
    """The cap holds for the submission as a whole (a control group), not per process."""
    found = sandbox.Worker(REPO / "solutions" / "mytensor", memory_mb=1536, timeout=60)
    try:
        assert found.run(lambda m: 1) == 1
        if found.group is None:
            pytest.skip("no control group can be made here: only the per-process limits hold")
        statuses = found.run(_four_children_of(2**30 - 2**26))
        assert _peak(found.group) <= 1536 * 2**20
        assert sum(status != 0 for status in statuses) >= 1, statuses
        folders = list(found.group.folders.values())
    finally:
        found.stop()
    assert not any(folder.exists() for folder in folders)


def test_only_torch_module_names_from_the_sandbox_reach_the_flags(monkeypatch):
    from workbook.grading import grader

    forged = ["torch", "torch.nn", "\x1b]52;c;cHduZWQ=\x07", "=HYPERLINK(\"x\")", "torch" + "x" * 200, 7]
    monkeypatch.setattr(sandbox.Worker, "run", lambda self, fn: forged)
    assert grader.torch_findings(REPO / "solutions" / "mytensor") == [
        "importing mytensor imports torch", "importing mytensor imports torch.nn"]


def test_links_in_a_submission_are_not_followed_into_its_copy(tmp_path):
    package = tmp_path / "mytensor"
    package.mkdir()
    (package / "__init__.py").write_text("")
    secret = tmp_path / "grader-only.txt"
    secret.write_text("grader secret 91c2")
    (package / "stolen.py").symlink_to(secret)
    (package / "folder").symlink_to(tmp_path)
    copy = sandbox.private_copy(package)
    assert sorted(p.name for p in copy.rglob("*")) == ["__init__.py"]
