"""Shared set-up for the speed benchmarks: one thread everywhere, best-of timing.

Every library runs on one thread so that the ratios compare kernels, not thread
pools: on a shared 2-core machine a multi-threaded BLAS that competes with
other jobs spins and its timings swing by 100x between runs. The environment
variables must be set before numpy is first imported, so import this module
before numpy.
"""

import os
import sys
import timeit
from pathlib import Path

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

import torch  # noqa: E402

torch.set_num_threads(1)
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "solutions"))

import mytensor  # noqa: E402,F401  (the reference, not the student copy)


def best(fn, number=30, repeat=7):
    """The fastest of ``repeat`` runs of ``number`` calls, per call, in seconds."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number
