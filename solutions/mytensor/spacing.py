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
    ### BEGIN SOLUTION
    """Return ``steps`` evenly spaced values from ``start`` to ``end``, both included.

    Parameters
    ----------
    start : int or float
        The first value.
    end : int or float
        The last value (when ``steps`` is at least 2).
    steps : int
        How many values; 0 gives an empty tensor, 1 gives ``[start]``.
    dtype : mytensor.dtype, optional
        The result's dtype; by default the default float dtype
        (``mytensor.float32``), even for integer ``start`` and ``end``.

    Returns
    -------
    Tensor
        A one-dimensional tensor of ``steps`` values.

    Raises
    ------
    RuntimeError
        If ``steps`` is negative.
    NotImplementedError
        For ``dtype=mytensor.bool``, as in torch.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.linspace(0, 1, 5)
    tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    >>> mytensor.linspace(0, 10, 5, dtype=mytensor.int64)
    tensor([ 0,  2,  5,  7, 10])
    """
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dtype = _dtypes.get_default_dtype() if dtype is None else dtype
    if dtype is _dtypes.bool_:
        raise NotImplementedError("\"linspace_cpu\" not implemented for 'Bool'")
    # torch casts the ends to the result dtype first; integer results are
    # computed in float64 and truncated towards zero.
    work = dtype.numpy_type.type if dtype.is_floating_point else np.float64
    first = work(np.array(start).astype(dtype.numpy_type))
    last = work(np.array(end).astype(dtype.numpy_type))
    step = (last - first) / work(max(steps - 1, 1))
    index = np.arange(steps)
    # The first half counts up from start and the second half down from end,
    # so both ends come out exact (torch's own scheme).
    up = fused_multiply_add(step, index, first, work)
    down = fused_multiply_add(-step, steps - 1 - index, last, work)
    values = np.where(index < max(steps // 2, 1), up, down)
    return _tensor.Tensor._wrap(values.astype(dtype.numpy_type))
    ### END SOLUTION
