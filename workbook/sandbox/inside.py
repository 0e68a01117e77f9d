"""The student side of the checks, inside the sandbox (started by :mod:`workbook.sandbox.host`).

Before it imports any student code it sets its resource limits, hard equal to
soft so that they cannot be raised again, and moves the request pipe off the
standard streams (student prints go nowhere). Then it imports the submitted
``mytensor`` once and answers requests until the pipe closes: each request is
a check function (:func:`workbook.sandbox.wire.encode_call`), each answer the student
result as plain data (:func:`workbook.sandbox.wire.encode_result`).
"""

import os
import resource
import struct
import sys

CPU_SECONDS = 600
FILE_SIZE = 64 * 2**20
PROCESSES = 64
OPEN_FILES = 256
_torch_attempts = []


def apply_limits(memory_mb):
    """Set memory, CPU, file size, process, open-file and core limits with hard = soft."""
    limits = [
        (resource.RLIMIT_AS, memory_mb * 2**20),
        (resource.RLIMIT_CPU, CPU_SECONDS),
        (resource.RLIMIT_FSIZE, FILE_SIZE),
        (resource.RLIMIT_NPROC, PROCESSES),
        (resource.RLIMIT_NOFILE, OPEN_FILES),
        (resource.RLIMIT_CORE, 0),
    ]
    for kind, value in limits:
        hard = resource.getrlimit(kind)[1]
        cap = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(kind, (cap, cap))


class _TorchSpy:
    """Notes every attempt to import torch (there is none to find in the sandbox)."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            _torch_attempts.append(name)
        return None


def torch_attempts():
    """The torch modules the submission tried to import so far (sent to the grader on request)."""
    return sorted(set(_torch_attempts))[:3]


def _channel():
    """Keep the request pipe on new descriptors; point 0 and 1 at /dev/null."""
    requests, replies = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    return os.fdopen(requests, "rb", buffering=0), os.fdopen(replies, "wb", buffering=0)


def _read(stream, count):
    data = b""
    while len(data) < count:
        chunk = stream.read(count - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _import_student(checks, folder):
    import importlib

    sys.path.append(folder)
    sys.meta_path.insert(0, _TorchSpy)
    try:
        return importlib.import_module("mytensor")
    except BaseException as error:  # the import error is every check's result
        return checks.Raised(error)


def _answer(data, student, checks, wire):
    broken = isinstance(student, checks.Raised)
    try:
        fn = wire.decode_call(data, None if broken else student)
        if fn is torch_attempts:
            return torch_attempts()
        return student if broken else checks.snapshot(fn(student))
    except BaseException as error:  # SystemExit and friends are results too
        return checks.Raised(error)


def main():
    """Limit this process, import the submission, then answer requests until EOF.

    ``argv``: the memory limit in MiB and the folder that holds ``mytensor/``.
    """
    apply_limits(int(sys.argv[1]))
    requests, replies = _channel()
    from workbook import checks
    from workbook.sandbox import wire

    student = _import_student(checks, sys.argv[2])
    while True:
        header = _read(requests, 4)
        data = header and _read(requests, struct.unpack(">I", header)[0])
        if data is None:
            return
        result = _answer(data, student, checks, wire)
        try:
            reply = wire.encode_result(result, checks.Snapshot, checks.Raised)
        except BaseException as error:  # a result that cannot be sent is an error result
            reply = wire.encode_result(checks.Raised(error), checks.Snapshot, checks.Raised)
        replies.write(struct.pack(">I", len(reply)) + reply)
