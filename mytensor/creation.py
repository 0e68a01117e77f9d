"""Creating tensors: from Python data, from ranges, filled, the identity, and random.

Every function here returns a new tensor that owns its storage.
"""

import math
import numbers

import numpy as np

from . import _dtypes, _layout, autograd, broadcasting, linalg, pointwise
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
    raise NotImplementedError("Task 1.2: shape of nested lists; ragged data raises like torch (replace this raise in mytensor/creation.py: nested_shape; see x1_creating.ipynb)")


def _check_lengths(seq, shape, dim):
    """Check, depth first, that ``seq`` at ``dim`` has the lengths of ``shape``."""
    # Task 1.2: shape of nested lists; ragged data raises like torch
    raise NotImplementedError("Task 1.2: shape of nested lists; ragged data raises like torch (replace this raise in mytensor/creation.py: _check_lengths; see x1_creating.ipynb)")


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


def _like(t, value, dtype, requires_grad, name):
    """A new tensor shaped like ``t``, laid out in ``t``'s dimension order.

    ``value`` is one fill value, or a flat array of ``t.numel()`` values in
    memory order.
    """
    pointwise.require_tensor(name, t)
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
    return _like(input, 0, dtype, requires_grad, "zeros_like")


def ones_like(input, dtype=None, requires_grad=False):
    """Return ones with the shape of ``input`` (and its dtype unless given).

    Examples
    --------
    >>> import mytensor
    >>> mytensor.ones_like(mytensor.zeros(2), dtype=mytensor.int64).tolist()
    [1, 1]
    """
    return _like(input, 1, dtype, requires_grad, "ones_like")


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
    dtype = _random_float(dtype, "normal_kernel_cpu", shape)
    return _finish(_generator.standard_normal(shape).astype(dtype.numpy_type), requires_grad)


def _random_float(dtype, kernel, shape=(1,)):
    """The dtype of a random float tensor (float32 by default); torch's error for any other.

    torch's normal kernel never runs for an empty ``shape``, so it raises nothing then.
    """
    dtype = dtype or _dtypes.DEFAULT_FLOAT
    if not dtype.is_floating_point and (kernel != "normal_kernel_cpu" or _layout.numel(shape)):
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{dtype.torch_name}'")
    return dtype


def rand(*size, dtype=None, requires_grad=False):
    """Return samples uniform in ``[0, 1)`` of the given shape.

    Values come from the generator ``manual_seed`` seeds: torch's shape and
    dtype, not torch's numbers.

    Raises
    ------
    NotImplementedError
        For an integer or bool dtype, in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.rand(2, 3, dtype=mytensor.float64)
    >>> x.shape, x.dtype, x.min() >= 0, x.max() < 1
    (mytensor.Size([2, 3]), mytensor.float64, tensor(True), tensor(True))
    """
    shape = _size_arg(size, "rand")
    dtype = _random_float(dtype, "check_uniform_bounds")
    return _finish(_generator.random(shape).astype(dtype.numpy_type), requires_grad)


_RANDINT_SIGNATURES = "".join(
    f" * ({form}, *,{generator} Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, "
    "torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n"
    for form in ("int high, tuple of ints size", "int low, int high, tuple of ints size")
    for generator in (" torch.Generator generator,", "")
)


def _randint_args(low, high, size):
    """``(low, high, size)`` from torch's two forms, ``randint(high, size)`` and ``randint(low, high, size)``."""
    given = [value for value in (low, high, size) if value is not None]
    if size is None and isinstance(high, (tuple, list)):
        low, high, size = 0, low, high
    if high is None:  # one bound only, first or by keyword: the upper one
        low, high = 0, low
    low = 0 if low is None else low
    if size is None and len(given) == 2 and isinstance(high, int) or isinstance(size, int):
        wrong = high if size is None else size
        raise TypeError(f"randint(): argument 'size' (position 2) must be tuple of ints, not {type(wrong).__name__}")
    if size is None or not all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high)):
        got = ", ".join(type(value).__name__ for value in given)
        raise TypeError("randint() received an invalid combination of arguments - "
                        f"got ({got}), but expected one of:\n" + _RANDINT_SIGNATURES.replace("torch.", "mytensor."))
    return low, high, size


def _check_int_range(low, high, dtype):
    """torch's errors when ``[low, high)`` is empty or does not fit ``dtype``."""
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    if dtype.is_floating_point:
        return
    info = (0, 1) if dtype is _dtypes.bool_ else np.iinfo(dtype.numpy_type)
    low_end, high_end = info if dtype is _dtypes.bool_ else (info.min, info.max)
    if not low_end <= low <= high_end:
        raise RuntimeError(f"from is out of bounds for {linalg._CPP_NAMES[dtype]}")
    if not low_end <= high - 1 <= high_end:
        raise RuntimeError(f"to - 1 is out of bounds for {linalg._CPP_NAMES[dtype]}")


def randint(low=None, high=None, size=None, *, dtype=None, requires_grad=False):
    """Return integers drawn uniformly from ``[low, high)``: ``randint(high, size)`` or ``randint(low, high, size)``.

    Parameters
    ----------
    low : int, optional
        0 by default.
    high : int
        One past the largest value.
    size : tuple or list of int
    dtype : mytensor.dtype, optional
        int64 by default; a float dtype holds integer values.
    requires_grad : bool, optional

    Raises
    ------
    RuntimeError
        When ``low >= high`` or the range does not fit ``dtype``, in torch's words.
    TypeError
        For a size that is not a tuple, or bounds that are not ints.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.randint(3, 7, (2, 2))
    >>> x.dtype, x.min() >= 3, x.max() < 7
    (mytensor.int64, tensor(True), tensor(True))
    >>> mytensor.randint(5, (3,), dtype=mytensor.float32).dtype
    mytensor.float32
    """
    low, high, size = _randint_args(low, high, size)
    shape = _size_arg((tuple(size),), None)
    dtype = dtype or _dtypes.int64
    _check_int_range(low, high, dtype)
    return _finish(_generator.integers(low, high, shape).astype(dtype.numpy_type), requires_grad)


_NORMAL_SIGNATURES = (
    " * (Tensor mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)\n"
    " * (Tensor mean, float std = 1, *, torch.Generator generator = None, Tensor out = None)\n"
    " * (float mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)\n"
    " * (float mean, float std, tuple of ints size, *, torch.Generator generator = None, Tensor out = None, "
    "torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, "
    "bool requires_grad = False)\n"
).replace("torch.", "mytensor.")


def _normal_dtype(mean, std, size, dtype):
    """The dtype of ``normal``'s result: a tensor mean's, else a tensor std's, else ``dtype``."""
    tensors = [value for value in (mean, std) if isinstance(value, tensor_module.Tensor)]
    if not tensors and size is not None:
        return _random_float(dtype, "normal_kernel_cpu", _size_arg((tuple(size),), None))
    if tensors and size is None and dtype is None:
        shape = broadcasting.broadcast_pair(*(getattr(v, "_shape", ()) for v in (mean, std)))
        return _random_float(tensors[0].dtype, "normal_kernel_cpu", shape)
    given = [mean, std] if size is None else [mean, std, size]
    got = ", ".join("Tensor" if isinstance(v, tensor_module.Tensor) else type(v).__name__ for v in given)
    raise TypeError(f"normal() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                    + _NORMAL_SIGNATURES)


def _check_std(std):
    if isinstance(std, tensor_module.Tensor) and (std._array() < 0).any():
        raise RuntimeError("normal expects all elements of std >= 0.0")
    if not isinstance(std, tensor_module.Tensor) and std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")


def normal(mean, std, size=None, *, dtype=None, requires_grad=False):
    """Return normal samples with the given ``mean`` and ``std``.

    Either both are numbers and ``size`` gives the shape, or one or both are
    tensors (broadcast together) and give the shape. As in torch, no gradient
    flows back to a tensor ``mean`` or ``std``: theirs is zero.

    Raises
    ------
    RuntimeError
        For a negative std, or shapes that do not broadcast, in torch's words.
    TypeError
        For two numbers without a size, or a size beside a tensor.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.normal(2.0, 0.5, (2, 3)).shape
    mytensor.Size([2, 3])
    >>> mytensor.normal(mytensor.zeros(4, dtype=mytensor.float64), 1.0).dtype
    mytensor.float64
    """
    dtype = _normal_dtype(mean, std, size, dtype)
    _check_std(std)
    if size is not None:
        values = _generator.normal(mean, std, _size_arg((tuple(size),), None))
        return _finish(values.astype(dtype.numpy_type), requires_grad)
    shape = broadcasting.broadcast_pair(getattr(mean, "_shape", ()), getattr(std, "_shape", ()))
    arrays = [v._array() if isinstance(v, tensor_module.Tensor) else v for v in (mean, std)]
    out = tensor_module.Tensor._wrap(_generator.normal(*arrays, shape).astype(dtype.numpy_type))
    inputs = tuple(v for v in (mean, std) if isinstance(v, tensor_module.Tensor))
    name = "NormalBackward3" if len(inputs) == 2 else ("NormalBackward1" if inputs[0] is mean else "NormalBackward2")
    return autograd.record(out, name, inputs, lambda g: tuple(np.zeros_like(g) for _ in inputs), saves=False)


def eye(n, m=None, *, dtype=None, requires_grad=False):
    """Return an ``n`` by ``m`` matrix (``m = n`` by default) with ones on the diagonal.

    Raises
    ------
    RuntimeError
        For a negative size, in torch's words.
    TypeError
        For a size that is not an int.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.eye(2, 3, dtype=mytensor.int64)
    tensor([[1, 0, 0],
            [0, 1, 0]])
    """
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"eye(): argument 'n' (position 1) must be int, not {type(n).__name__}")
    m = n if m is None else m
    for name, size in (("n", n), ("m", m)):
        if size < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {size}")
    return _finish(np.eye(n, m, dtype=(dtype or _dtypes.DEFAULT_FLOAT).numpy_type), requires_grad)


def rand_like(input, dtype=None, requires_grad=False):
    """Return uniform samples in ``[0, 1)`` shaped and laid out like ``input``.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.rand_like(mytensor.zeros(2, 3).t()).stride()
    (1, 3)
    """
    pointwise.require_tensor("rand_like", input)
    found = _random_float(dtype or input.dtype, "check_uniform_bounds")
    return _like(input, _generator.random(input.numel()), found, requires_grad, "rand_like")


def randn_like(input, dtype=None, requires_grad=False):
    """Return standard normal samples shaped and laid out like ``input``.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.randn_like(mytensor.zeros(2, dtype=mytensor.float64)).dtype
    mytensor.float64
    """
    pointwise.require_tensor("randn_like", input)
    found = _random_float(dtype or input.dtype, "normal_kernel_cpu", input._shape)
    return _like(input, _generator.standard_normal(input.numel()), found, requires_grad, "randn_like")


def full_like(input, fill_value, dtype=None, requires_grad=False):
    """Return ``fill_value`` everywhere, shaped and laid out like ``input`` (of its dtype unless given).

    Examples
    --------
    >>> import mytensor
    >>> mytensor.full_like(mytensor.arange(3), 2.5)
    tensor([2, 2, 2])
    """
    return _like(input, fill_value, dtype, requires_grad, "full_like")
