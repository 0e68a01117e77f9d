"""One control group per sandbox: memory, process count and CPU for a submission as a whole.

Resource limits (``setrlimit``) hold per process, so four children of 1 GiB
each would use 4 GiB under a "2 GiB" limit; a control group holds for every
process of the submission together, and its CPU weight is the same as any
other submission's however many processes it starts. Where the grader may
create groups:

* cgroup v2 (one unified hierarchy whose root enables the ``memory``,
  ``pids`` and ``cpu`` controllers): ``memory.max``, ``memory.swap.max``,
  ``pids.max``, ``cpu.weight``; CPU time from ``cpu.stat``;
* cgroup v1 (a hierarchy per controller under ``/sys/fs/cgroup``):
  ``memory.limit_in_bytes`` (and ``memsw``), ``pids.max``, ``cpu.shares``;
  CPU time from ``cpuacct.usage``.

:func:`create` returns None where neither can be made (no permission, no
such controllers); the sandbox then relies on its per-process limits alone.
"""

import contextlib
import os
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
WEIGHT_V1 = 1024  # cpu.shares of every submission: the default, equal to any neighbour's
WEIGHT_V2 = 100


class Group:
    """A control group made for one sandbox; ``folders`` holds one folder per hierarchy it uses."""

    def __init__(self, folders, version):
        self.folders = folders
        self.version = version

    def descriptors(self):
        """Open ``cgroup.procs`` of every hierarchy (as the grader, before it drops its user id)."""
        return [os.open(folder / "cgroup.procs", os.O_WRONLY) for folder in dict.fromkeys(self.folders.values())]

    def cpu_seconds(self):
        """CPU seconds used so far by every process of the group, or None when it cannot be read."""
        with contextlib.suppress(OSError, ValueError, KeyError):
            if self.version == 2:
                stat = (self.folders["cpu"] / "cpu.stat").read_text().split()
                return int(stat[stat.index("usage_usec") + 1]) / 1e6
            return int((self.folders["cpuacct"] / "cpuacct.usage").read_text()) / 1e9
        return None

    def pids(self):
        found = set()
        for folder in self.folders.values():
            with contextlib.suppress(OSError, ValueError):
                found |= {int(line) for line in (folder / "cgroup.procs").read_text().split()}
        return found

    def remove(self, wait=5.0):
        """Kill every process of the group, then remove its folders (waiting up to ``wait`` s for them to go)."""
        end = time.monotonic() + wait
        while True:
            for pid in self.pids():
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            left = [f for f in dict.fromkeys(self.folders.values()) if not _removed(f)]
            if not left or time.monotonic() > end:
                return left
            time.sleep(0.02)


def _removed(folder):
    try:
        folder.rmdir()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return True


def join(descriptors):
    """In the new child before it runs bwrap: move it into the group, then close the descriptors."""
    for fd in descriptors:
        os.write(fd, b"0")
        os.close(fd)


def create(name, memory_bytes, processes):
    """A new group ``name`` (``workbook-<grader pid>-...``) with these caps, or None where none can be made here.

    Groups of graders that are gone (killed before they could remove them) are removed first.
    """
    for stale in list(ROOT.glob("workbook-*")) + list(ROOT.glob("*/workbook-*")):
        if not Path("/proc", stale.name.split("-")[1]).exists():
            _removed(stale)
    for make in (_create_v2, _create_v1):
        with contextlib.suppress(OSError, ValueError):
            group = make(name, memory_bytes, processes)
            if group is not None:
                return group
    return None


def _create_v2(name, memory_bytes, processes):
    root = next((p for p in (ROOT, ROOT / "unified") if (p / "cgroup.subtree_control").is_file()), None)
    if root is None or not {"memory", "pids", "cpu"} <= set((root / "cgroup.subtree_control").read_text().split()):
        return None
    folder = root / name
    folder.mkdir()
    group = Group({"memory": folder, "pids": folder, "cpu": folder}, 2)
    _write_all(group, {"memory.max": memory_bytes, "memory.swap.max": 0, "pids.max": processes,
                       "cpu.weight": WEIGHT_V2})
    return group


def _create_v1(name, memory_bytes, processes):
    controllers = ("memory", "pids", "cpu", "cpuacct")
    if not all((ROOT / c / "cgroup.procs").is_file() for c in controllers):
        return None
    folders = {}
    for controller in controllers:
        folders[controller] = ROOT / controller / name
        folders[controller].mkdir()
    group = Group(folders, 1)
    _write_all(group, {"memory.limit_in_bytes": memory_bytes, "pids.max": processes, "cpu.shares": WEIGHT_V1})
    with contextlib.suppress(OSError):  # only where swap accounting is on
        (folders["memory"] / "memory.memsw.limit_in_bytes").write_text(str(memory_bytes))
    return group


def _write_all(group, settings):
    try:
        for setting, value in settings.items():
            folder = group.folders[setting.split(".")[0]]
            (folder / setting).write_text(str(value))
    except OSError:
        group.remove(wait=0)
        raise
