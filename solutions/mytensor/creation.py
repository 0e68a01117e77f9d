"""Creating tensors: from Python data, from ranges, filled, and random.

Every function here returns a new tensor that owns its storage.
"""

import math
import numbers

import numpy as np

from . import _dtypes, _layout
from . import _tensor as tensor_module

# torch's promotion among the dtypes found in nested data: each dtype here can
# hold every earlier one, so the promoted dtype is the latest one seen.
_ORDER = _dtypes.ALL

_generator = np.random.default_rng()


def _leaf_dtype(kind):
    """The dtype torch infers for a leaf of Python type ``kind``."""
    if issubclass(kind, (bool, np.bool_)):
        return _dtypes.bool_
    if issubclass(kind, np.generic):
        return _dtypes.from_numpy_type(np.dtype(kind))
    if issubclass(kind, numbers.Integral):
        return _dtypes.int64
    if issubclass(kind, numbers.Real):
        return _dtypes.DEFAULT_FLOAT
    if kind is type(None):
        raise RuntimeError("Could not infer dtype of NoneType")
    raise TypeError(f"new(): invalid data type '{kind.__name__}'")


def _infer_dtype(data):
    """Promote the dtypes of all leaves of ``data``, as torch does.

    An empty sequence counts as the default float dtype. The innermost lists
    are read by type only (``set(map(type, ...))``), never element by element.
    """
    if isinstance(data, (tensor_module.Tensor, np.ndarray)):
        return data.dtype if isinstance(data, tensor_module.Tensor) else _dtypes.from_numpy_type(data.dtype)
    if not isinstance(data, (list, tuple)):
        return _leaf_dtype(type(data))
    if not data:
        return _dtypes.DEFAULT_FLOAT
    kinds = set(map(type, data))
    if any(issubclass(k, (list, tuple, tensor_module.Tensor, np.ndarray)) for k in kinds):
        return max(map(_infer_dtype, data), key=_ORDER.index)
    return max(map(_leaf_dtype, kinds), key=_ORDER.index)


def nested_shape(data):
    """Return the shape of nested lists, checking that they are not ragged.

    The shape is read along the first elements; then every sequence is checked
    against it, depth first, as torch does. Data with no elements is not
    checked further (torch accepts ``[[], [1]]`` as shape ``(2, 0)``).

    Parameters
    ----------
    data : list, tuple or scalar

    Returns
    -------
    tuple of int

    Raises
    ------
    ValueError
        For a sequence of the wrong length, in torch's words.
    TypeError
        For a scalar where a sequence belongs ("not a sequence").

    Examples
    --------
    >>> nested_shape([[1, 2, 3], [4, 5, 6]])
    (2, 3)
    >>> nested_shape(7)
    ()
    >>> nested_shape([[1, 2], [3]])
    Traceback (most recent call last):
    ...
    ValueError: expected sequence of length 2 at dim 1 (got 1)
    """
    # Task 1.2: shape of nested lists; ragged data raises like torch
    ### BEGIN SOLUTION
    shape = []
    probe = data
    while isinstance(probe, (list, tuple)):
        shape.append(len(probe))
        if not probe:
            break
        probe = probe[0]
    if shape and _layout.numel(shape) > 0:
        _check_lengths(data, shape, 0)
    return tuple(shape)
    ### END SOLUTION


def _check_lengths(seq, shape, dim):
    """Check, depth first, that ``seq`` at ``dim`` has the lengths of ``shape``."""
    # Task 1.2: shape of nested lists; ragged data raises like torch
    ### BEGIN SOLUTION
    if not isinstance(seq, (list, tuple)):
        raise TypeError("not a sequence")
    if len(seq) != shape[dim]:
        raise ValueError(f"expected sequence of length {shape[dim]} at dim {dim} (got {len(seq)})")
    if dim + 1 < len(shape):
        for item in seq:
            _check_lengths(item, shape, dim + 1)
    ### END SOLUTION


def _nested_values(data, shape, dtype):
    """Convert checked nested data to an ndarray of ``dtype``."""
    if _layout.numel(shape) == 0:
        return np.empty(shape, dtype.numpy_type)
    try:
        return np.array(data, dtype=dtype.numpy_type).reshape(shape)
    except ValueError:
        # The lengths matched, so a leaf itself was a sequence.
        if dtype.is_floating_point:
            raise TypeError("must be real number, not list") from None
        raise TypeError("'list' object cannot be interpreted as an integer") from None


def _finish(array, requires_grad):
    """Wrap ``array`` as a new tensor and set ``requires_grad`` if asked."""
    return _with_grad(tensor_module.Tensor._wrap(array), requires_grad)


def _with_grad(out, requires_grad):
    """Set ``requires_grad`` with the error torch's factory functions give."""
    if requires_grad and not out.dtype.is_floating_point:
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    if requires_grad:
        out.requires_grad_(True)
    return out


def tensor(data, dtype=None, requires_grad=False):
    """Build a tensor that copies ``data``.

    Parameters
    ----------
    data : scalar, nested list/tuple, numpy.ndarray or Tensor
        The values. The result never shares memory with ``data``.
    dtype : mytensor.dtype, optional
        By default inferred like torch: bool, then int64, then float32 for
        Python data; an ndarray or a Tensor keeps its own dtype.
    requires_grad : bool, optional
        Whether autograd records operations on the result.

    Returns
    -------
    Tensor

    Raises
    ------
    ValueError
        For ragged nested data, in torch's words.
    TypeError
        For leaves that are not numbers, in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.tensor([[2, 1, 4, 3], [1, 2, 3, 4]])
    >>> x.shape, x.dtype
    (mytensor.Size([2, 4]), mytensor.int64)
    >>> mytensor.tensor([1, 2.5]).dtype
    mytensor.float32
    >>> mytensor.tensor([[1, 2], [3]])
    Traceback (most recent call last):
    ...
    ValueError: expected sequence of length 2 at dim 1 (got 1)
    """
    dtype = dtype or _infer_dtype(data)
    if isinstance(data, tensor_module.Tensor):
        values = data._array().astype(dtype.numpy_type)
    elif isinstance(data, np.ndarray) and data.size == 0:
        # torch keeps numpy's layout of an empty array: every stride is 0.
        empty = np.empty(0, dtype.numpy_type)
        return _with_grad(tensor_module.Tensor(empty, data.shape, (0,) * data.ndim, 0), requires_grad)
    elif isinstance(data, np.ndarray):
        values = data.astype(dtype.numpy_type)
    else:
        values = _nested_values(data, nested_shape(data), dtype)
    return _finish(values, requires_grad)


def _arange_length(start, end, step):
    """torch's length of a range: ceil((end - start) / step), checked."""
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start:g} -> {end:g}")
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    return math.ceil((end - start) / step)


def arange(start, end=None, step=1, dtype=None, requires_grad=False):
    """Return the values ``start, start + step, ...`` up to but not including ``end``.

    Parameters
    ----------
    start : int or float
        The first value; with no ``end``, the end (and the start is 0).
    end : int or float, optional
    step : int or float, optional
        Not zero; its sign must lead from ``start`` towards ``end``.
    dtype : mytensor.dtype, optional
        By default int64 when every argument is an int, otherwise float32.
    requires_grad : bool, optional

    Returns
    -------
    Tensor
        One-dimensional, of length ``ceil((end - start) / step)``.

    Raises
    ------
    RuntimeError
        For a zero step or a step of the wrong sign, in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.arange(5).tolist()
    [0, 1, 2, 3, 4]
    >>> mytensor.arange(1, 2.5, 0.5).tolist()
    [1.0, 1.5, 2.0]
    >>> mytensor.arange(0, 5, -1)
    Traceback (most recent call last):
    ...
    RuntimeError: upper bound and lower bound inconsistent with step sign
    """
    if end is None:
        start, end = 0, start
    args = (start, end, step)
    if dtype is None:
        integral = all(isinstance(a, numbers.Integral) for a in args)
        dtype = _dtypes.int64 if integral else _dtypes.DEFAULT_FLOAT
    if dtype is _dtypes.bool_:
        raise NotImplementedError("\"arange_cpu\" not implemented for 'Bool'")
    count = _arange_length(*(float(a) for a in args))
    # Each value is start + i * step, computed in double and then cast.
    values = start + np.arange(count, dtype=np.float64) * step
    return _finish(values.astype(dtype.numpy_type), requires_grad)


def _size_arg(size, name):
    """Accept a shape given as one tuple/list or as separate ints."""
    if not size and name:
        raise TypeError(f'{name}() missing 1 required positional arguments: "size"')
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    negative = [n for n in size if n < 0]
    if negative and name == "zeros":
        raise RuntimeError("zeros: Dimension size must be non-negative.")
    if negative:
        raise RuntimeError(f"Trying to create tensor with negative dimension {negative[0]}: {list(size)}")
    return tuple(int(n) for n in size)


def _filled(shape, value, dtype, requires_grad):
    return _finish(np.full(shape, value, dtype=dtype.numpy_type), requires_grad)


def zeros(*size, dtype=None, requires_grad=False):
    """Return a tensor of zeros of the given shape.

    Parameters
    ----------
    *size : int, or one tuple/list of ints
        ``zeros(2, 3)`` and ``zeros((2, 3))`` are the same.
    dtype : mytensor.dtype, optional
        float32 by default.
    requires_grad : bool, optional

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import mytensor
    >>> mytensor.zeros(2, 3).tolist()
    [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    >>> mytensor.zeros(()).shape
    mytensor.Size([])
    """
    shape = _size_arg(size, "zeros")
    return _filled(shape, 0, dtype or _dtypes.DEFAULT_FLOAT, requires_grad)


def ones(*size, dtype=None, requires_grad=False):
    """Return a tensor of ones of the given shape.

    Parameters
    ----------
    *size : int, or one tuple/list of ints
    dtype : mytensor.dtype, optional
        float32 by default.
    requires_grad : bool, optional

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import mytensor
    >>> mytensor.ones((2, 3, 4)).shape
    mytensor.Size([2, 3, 4])
    >>> mytensor.ones(2, dtype=mytensor.int16).tolist()
    [1, 1]
    """
    shape = _size_arg(size, "ones")
    return _filled(shape, 1, dtype or _dtypes.DEFAULT_FLOAT, requires_grad)


def full(size, fill_value, dtype=None, requires_grad=False):
    """Return a tensor of the given shape filled with ``fill_value``.

    Parameters
    ----------
    size : tuple or list of int
    fill_value : bool, int or float
    dtype : mytensor.dtype, optional
        Inferred from ``fill_value``: bool, int64 or float32.
    requires_grad : bool, optional

    Returns
    -------
    Tensor

    Raises
    ------
    TypeError
        When ``size`` is not a tuple or list, in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.full((2,), 3).tolist()
    [3, 3]
    >>> mytensor.full((2,), 2.7, dtype=mytensor.int64).tolist()
    [2, 2]
    """
    if not isinstance(size, (tuple, list)):
        raise TypeError(
            f"full(): argument 'size' (position 1) must be tuple of ints, not {type(size).__name__}"
        )
    dtype = dtype or _leaf_dtype(type(fill_value))
    return _filled(_size_arg((tuple(size),), None), fill_value, dtype, requires_grad)


def _like(t, value, dtype, requires_grad):
    """A new tensor shaped like ``t``, laid out in ``t``'s dimension order."""
    dtype = dtype or t.dtype
    strides = _layout.dense_strides(t._shape, t._strides)
    storage = np.full(_layout.numel(t._shape), value, dtype=dtype.numpy_type)
    return _with_grad(tensor_module.Tensor(storage, t._shape, strides, 0), requires_grad)


def zeros_like(input, dtype=None, requires_grad=False):
    """Return zeros with the shape of ``input`` (and its dtype unless given).

    Like torch, the result keeps the order of ``input``'s dimensions in memory,
    so ``zeros_like(x.t())`` has the strides of ``x.t()``.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.arange(6).reshape(2, 3)
    >>> z = mytensor.zeros_like(x)
    >>> z.dtype, z.tolist()
    (mytensor.int64, [[0, 0, 0], [0, 0, 0]])
    >>> mytensor.zeros_like(x.t()).stride()
    (1, 3)
    """
    return _like(input, 0, dtype, requires_grad)


def ones_like(input, dtype=None, requires_grad=False):
    """Return ones with the shape of ``input`` (and its dtype unless given).

    Examples
    --------
    >>> import mytensor
    >>> mytensor.ones_like(mytensor.zeros(2), dtype=mytensor.int64).tolist()
    [1, 1]
    """
    return _like(input, 1, dtype, requires_grad)


def manual_seed(seed):
    """Seed the generator behind ``randn``, so its numbers repeat.

    The numbers are standard normal but are not torch's numbers.

    Examples
    --------
    >>> import mytensor
    >>> _ = mytensor.manual_seed(0)
    >>> a = mytensor.randn(3).tolist()
    >>> _ = mytensor.manual_seed(0)
    >>> a == mytensor.randn(3).tolist()
    True
    """
    global _generator
    _generator = np.random.default_rng(seed)
    return _generator


def randn(*size, dtype=None, requires_grad=False):
    """Return standard normal samples of the given shape.

    Parameters
    ----------
    *size : int, or one tuple/list of ints
    dtype : mytensor.dtype, optional
        A floating dtype; float32 by default.
    requires_grad : bool, optional

    Returns
    -------
    Tensor

    Raises
    ------
    NotImplementedError
        For an integer or bool dtype, in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.randn(3, 4)
    >>> x.shape, x.dtype
    (mytensor.Size([3, 4]), mytensor.float32)
    """
    shape = _size_arg(size, "randn")
    dtype = dtype or _dtypes.DEFAULT_FLOAT
    if not dtype.is_floating_point:
        raise NotImplementedError(f"\"normal_kernel_cpu\" not implemented for '{dtype.torch_name}'")
    values = _generator.standard_normal(shape).astype(dtype.numpy_type)
    return _finish(values, requires_grad)
