"""Seconds spent in each phase of grading a submission, for the grading benchmarks.

Every grading job measures its phases (copying files, starting the grader,
autograde, feedback, the trip to a Dask worker and back...). When
``$WORKBOOK_TIMINGS`` names a file, ``workbook grade`` appends one JSON line
per submission to it: ``{"student": ..., "phases": {name: seconds}}``.
Measuring costs a clock read per phase, so it is always on.
"""

import contextlib
import json
import math
import time

MAX_PHASES = 32


@contextlib.contextmanager
def phase(times, name):
    """Add the seconds spent inside this block to ``times[name]``."""
    start = time.perf_counter()
    try:
        yield
    finally:
        times[name] = times.get(name, 0.0) + time.perf_counter() - start


def checked(times):
    """``times`` from another process when it is a small ``{str: seconds}``, else ``{}``.

    The phases only feed a benchmark, so a malformed report is dropped rather
    than failing a grade.
    """
    if not isinstance(times, dict) or len(times) > MAX_PHASES:
        return {}
    if not all(isinstance(k, str) and len(k) <= 64 and _seconds(v) for k, v in times.items()):
        return {}
    return {name: float(value) for name, value in times.items()}


def _seconds(value):
    return type(value) in (int, float) and math.isfinite(value) and 0 <= value < 10**7


def record(student, times, path):
    """Append ``times`` of ``student`` to the file ``path`` (the setting ``timings``), if there is one."""
    if path:
        with open(path, "a") as out:
            out.write(json.dumps({"student": student, "phases": times}) + "\n")
