"""The kernel that runs a submission's notebooks while grading.

Started by the kernel spec ``mytensor-grader`` as ``python -P -m
workbook.gradekernel -f CONNECTION_FILE`` with PYTHONPATH holding only the
trusted copy of ``workbook``. Before any student code runs it:

* sets resource limits: memory (``WORKBOOK_KERNEL_MEMORY_MB``), file size,
  CPU time, no core dumps;
* imports ``workbook.checks`` and numpy from trusted places;
* puts the submission folder (the kernel's working folder) LAST on
  ``sys.path``, so ``import mytensor`` finds the submission's package while a
  submitted ``workbook/``, ``numpy/`` or ``torch/`` shadows nothing;
* caps the output of one cell, so a print flood ends in an error.
"""

import os
import resource
import sys

OUTPUT_LIMIT = 200_000
FILE_SIZE_LIMIT = 64 * 2**20
CPU_SECONDS = 900


class OutputLimitExceeded(RuntimeError):
    """A cell printed more than the grader keeps."""


def apply_limits(memory_mb):
    """Limit this process: data memory, file size, CPU seconds, core dumps."""
    limits = [
        (resource.RLIMIT_DATA, memory_mb * 2**20),
        (resource.RLIMIT_FSIZE, FILE_SIZE_LIMIT),
        (resource.RLIMIT_CPU, CPU_SECONDS),
        (resource.RLIMIT_CORE, 0),
    ]
    for kind, value in limits:
        soft, hard = resource.getrlimit(kind)
        cap = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(kind, (cap, hard))


def submission_last():
    """Drop every path holding a ``mytensor`` and append the working folder."""
    here = os.getcwd()

    def holds_package(path):
        base = path or "."
        return os.path.exists(os.path.join(base, "mytensor")) or os.path.exists(os.path.join(base, "mytensor.py"))

    sys.path[:] = [p for p in sys.path if p and not holds_package(p)]
    sys.path.append(here)


class CappedStream:
    """A text stream that raises once a cell has written ``limit`` characters."""

    def __init__(self, stream, limit=OUTPUT_LIMIT):
        self._stream = stream
        self._limit = limit
        self.written = 0

    def write(self, text):
        self.written += len(text)
        if self.written > self._limit:
            if self.written - len(text) <= self._limit:
                self._stream.write(f"\n... output cut: more than {self._limit} characters in one cell\n")
            raise OutputLimitExceeded(f"more than {self._limit} characters of output in one cell")
        return self._stream.write(text)

    def reset(self, *args):
        self.written = 0

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _cap_output(shell):
    streams = [CappedStream(sys.stdout), CappedStream(sys.stderr)]
    sys.stdout, sys.stderr = streams
    for stream in streams:
        shell.events.register("pre_run_cell", stream.reset)


def main():
    """Limit the process, import the trusted modules, then start the kernel."""
    apply_limits(int(os.environ.get("WORKBOOK_KERNEL_MEMORY_MB") or 2048))
    import numpy  # noqa: F401  (trusted copies first)
    import workbook.checks  # noqa: F401
    from ipykernel.kernelapp import IPKernelApp

    submission_last()
    app = IPKernelApp.instance()
    app.initialize(sys.argv[1:])
    _cap_output(app.shell)
    app.start()


if __name__ == "__main__":
    main()
