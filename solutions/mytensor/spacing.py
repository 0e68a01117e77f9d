"""Evenly spaced values: ``linspace``.

This module is the exercise of x.8: the student writes both the docstring and
the body, so ``help(mytensor.linspace)`` shows their own words and example.
"""

import numpy as np

from . import _dtypes, _tensor


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
    index = np.arange(steps, dtype=work)
    # The first half counts up from start and the second half down from end,
    # so both ends come out exact (torch's own scheme).
    values = np.where(index < max(steps // 2, 1), first + step * index, last - step * (steps - 1 - index))
    return _tensor.Tensor._wrap(values.astype(dtype.numpy_type))
    ### END SOLUTION
