"""Evenly spaced values: ``linspace``.

This module is the exercise of x.8: the student writes both the docstring and
the body, so ``help(mytensor.linspace)`` shows their own words and example.
``fused_multiply_add`` is provided: torch computes each value as
``start + step * i`` (or ``end - step * (steps - 1 - i)``) rounded once, and
that helper gives the same bits with numpy.
"""

import numpy as np

from . import _dtypes, _tensor


def _two_sum(a, b):
    """``a + b`` rounded, and the exact error of that rounding (Knuth's TwoSum)."""
    total = a + b
    part = total - a
    return total, (a - (total - part)) + (b - part)


def _two_product(a, b):
    """``a * b`` rounded, and its exact error, for float64 arrays (Dekker's product with Veltkamp's split)."""
    product = a * b
    a_high = a * 134217729.0 - (a * 134217729.0 - a)  # 2**27 + 1 splits 53 bits into two halves
    b_high = b * 134217729.0 - (b * 134217729.0 - b)
    a_low, b_low = a - a_high, b - b_high
    return product, ((a_high * b_high - product) + a_high * b_low + a_low * b_high) + a_low * b_low


def _sum_to_odd(a, b):
    """``a + b`` rounded to odd: when inexact, the neighbour whose last bit is 1.

    Rounding to odd first and to nearest afterwards rounds only once
    (Boldo and Melquiond), which is what makes a fused multiply-add exact here.
    """
    total, error = _two_sum(a, b)
    even = (total.view(np.int64) & 1) == 0
    toward = np.where(error > 0, np.inf, -np.inf)
    return np.where((error != 0) & even, np.nextafter(total, toward), total)


def fused_multiply_add(a, b, c, numpy_type):
    """Return ``a * b + c`` rounded once to ``numpy_type`` (``np.float32`` or ``np.float64``).

    torch's compiled kernels contract ``start + step * i`` into one fused
    multiply-add, so their values differ from numpy's ``start + step * i``,
    which rounds twice.

    Examples
    --------
    >>> 6.0 - 26 / 6 * 3, float(fused_multiply_add(-26 / 6, 3, 6.0, np.float64))
    (-7.0, -6.999999999999999)
    """
    a, b, c = (np.asarray(v, np.float64) for v in (a, b, c))
    if numpy_type == np.float32:
        return _sum_to_odd(c, a * b).astype(np.float32)  # float32 times a small integer is exact in float64
    high, low = _two_product(a, b)
    total, error = _two_sum(c, high)
    correction = _sum_to_odd(error, low)
    return np.where(correction == 0, total, total + correction)  # adding +0.0 would turn -0.0 into +0.0


def linspace(start, end, steps, dtype=None):
    # Task 8.1: a documented linspace, with a runnable example
    raise NotImplementedError("Task 8.1: a documented linspace, with a runnable example (replace this raise in mytensor/spacing.py: linspace; see x8_help.ipynb)")
