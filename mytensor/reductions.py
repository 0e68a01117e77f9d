"""Reductions: sum, mean, max, min, argmax, argmin, all and any, over all dimensions or some."""

import types

import numpy as np

from . import _dtypes, _layout, _tensor, autograd, pointwise


def _reduced_axes(dim, ndim):
    """The numpy axes for torch's ``dim`` argument of a reduction.

    Parameters
    ----------
    dim : None, int or tuple of int
        Negative dims count from the end (``_layout.normalize_dim`` turns one
        into an axis and raises torch's IndexError when it is out of range).
    ndim : int
        The number of dimensions of the tensor reduced.

    Returns
    -------
    None or tuple of int
        None to reduce every dimension (``dim`` None or an empty tuple);
        else the axes, in the order given. A 0-d tensor accepts dim 0 or -1
        and gets ``()``: no axis to reduce.

    Raises
    ------
    IndexError
        For any dim out of range, before the check for repeats (torch's order).
    RuntimeError
        ``dim 1 appears multiple times in the list of dims`` for a dim given twice.
    """
    # Task 3.4: sum (dims to numpy axes, then one numpy sum)
    raise NotImplementedError("Task 3.4: sum (dims to numpy axes, then one numpy sum) (replace this raise in mytensor/reductions.py: _reduced_axes; see x3_operations.ipynb)")


def _count(shape, axes):
    """How many elements each reduced result gathers."""
    if axes is None:
        return _layout.numel(shape)
    return _layout.numel(tuple(shape[a] for a in axes))


def sum(t, dim=None, keepdim=False):
    """Sum the elements, over every dimension or over ``dim``.

    Parameters
    ----------
    t : Tensor
    dim : int or tuple of int, optional
        The dimensions to reduce (negative counts from the end); all by default.
    keepdim : bool
        Keep each reduced dimension with size 1.

    Returns
    -------
    Tensor
        Of ``t``'s dtype for floats; integer and bool tensors sum to ``int64``.

    Raises
    ------
    IndexError
        For a dim out of range.
    RuntimeError
        For a dim given twice.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.arange(6).reshape(2, 3)
    >>> x.sum(), x.sum(1), x.sum(0, keepdim=True)
    (tensor(15), tensor([ 3, 12]), tensor([[3, 5, 7]]))
    """
    axes = _reduced_axes(dim, len(t._shape))
    out = _sum_values(t, axes, keepdim)
    name = "SumBackward0" if dim is None else "SumBackward1"
    shape = t._shape
    return autograd.record(out, name, (t,), lambda g: (_sum_grads(g, shape, axes, keepdim),), saves=False)


def _sum_values(t, axes, keepdim):
    """Return a new tensor with the sums of ``t``'s elements over ``axes``.

    Parameters
    ----------
    t : Tensor
    axes : None or tuple of int
        What ``_reduced_axes`` returned: None sums everything.
    keepdim : bool
        Keep each summed axis with size 1.

    Returns
    -------
    Tensor
        Of ``t``'s dtype for floats; integer and bool tensors sum to ``int64``.
    """
    # Task 3.4: sum (dims to numpy axes, then one numpy sum)
    raise NotImplementedError("Task 3.4: sum (dims to numpy axes, then one numpy sum) (replace this raise in mytensor/reductions.py: _sum_values; see x3_operations.ipynb)")


def _sum_grads(g, shape, axes, keepdim):
    """Gradient of a sum: every summed element gets the gradient of its sum.

    ``axes`` are the reduced axes (None for all); without ``keepdim`` they are
    put back as size-1 axes before ``g`` is broadcast to the input's ``shape``.
    """
    # Task 7.1: local derivative of sum
    raise NotImplementedError("Task 7.1: local derivative of sum (replace this raise in mytensor/reductions.py: _sum_grads; see x7_autograd.ipynb)")


def mean(t, dim=None, keepdim=False):
    """Average the elements, over every dimension or over ``dim``.

    Parameters
    ----------
    t : Tensor
        Of a floating dtype.
    dim : int or tuple of int, optional
    keepdim : bool

    Returns
    -------
    Tensor
        The mean of no elements is ``nan``.

    Raises
    ------
    RuntimeError
        For an integer or bool tensor, in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.tensor([[1.0, 2.0], [3.0, 5.0]]).mean(0)
    tensor([2.0000, 3.5000])
    """
    if not t.dtype.is_floating_point:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {t.dtype.torch_name}"
        )
    axes = _reduced_axes(dim, len(t._shape))
    count = _count(t._shape, axes)
    total = t._array().sum(axis=axes, keepdims=keepdim)
    with np.errstate(invalid="ignore", divide="ignore"):  # 0 / 0 is nan, quietly
        out = _tensor.Tensor._wrap(np.divide(total, count, dtype=total.dtype))
    name = "MeanBackward0" if dim is None else "MeanBackward1"
    shape = t._shape
    return autograd.record(out, name, (t,), lambda g: (_sum_grads(g / count, shape, axes, keepdim),), saves=False)


class _ValuesIndices(tuple):
    """A ``(values, indices)`` pair with names, printed like torch's ``torch.return_types.max``."""

    __slots__ = ()
    n_fields = n_sequence_fields = 2

    values = property(lambda self: self[0], doc="The reduced values.")
    indices = property(lambda self: self[1], doc="Where each value was found along the dimension (int64).")

    def __repr__(self):
        return f"mytensor.return_types.{type(self).__name__}(\nvalues={self[0]!r},\nindices={self[1]!r})"

    __str__ = __repr__


def _return_type(name):
    cls = type(name, (_ValuesIndices,), {"__slots__": (), "__module__": "mytensor.return_types"})
    cls.__qualname__ = name
    return cls


return_types = types.SimpleNamespace(max=_return_type("max"), min=_return_type("min"))

_MAX_SIGNATURES = (
    " * (Tensor input, *, Tensor out = None)\n"
    " * (Tensor input, Tensor other, *, Tensor out = None)\n"
    " * (Tensor input, int dim, bool keepdim = False, *, tuple of Tensors out = None)\n"
)


def _check_extreme_dim(name, t, dim):
    """torch's errors for the ``dim`` of max/min/argmax/argmin; returns the numpy axis."""
    if not isinstance(dim, int) or isinstance(dim, bool):
        if name.startswith("arg"):
            raise TypeError(f"{name}(): argument 'dim' (position 2) must be int, not {type(dim).__name__}")
        raise TypeError(f"{name}() received an invalid combination of arguments - got (Tensor, "
                        f"{type(dim).__name__}), but expected one of:\n" + _MAX_SIGNATURES.replace("max", name))
    axis = _layout.normalize_dim(dim, t.ndim)
    if t._shape and t._shape[axis] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {axis} to have non-zero size.")
    return axis


def _check_not_empty(name, t):
    if t.numel() == 0 and name.startswith("arg"):
        raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
    if t.numel() == 0:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                           "Specify the reduction dim with the 'dim' argument.")


def _kept_shape(shape, axis, keepdim):
    """The shape after reducing ``axis``: size 1 there with ``keepdim``, else without it."""
    if not shape:
        return ()
    return shape[:axis] + (1,) * bool(keepdim) + shape[axis + 1:]


def _at_least_1d(t):
    """The elements of ``t`` as a numpy array; a 0-d tensor reduces like one element."""
    return t._array().reshape(t._shape or (1,))


def _extreme(name, t, dim, keepdim, pick):
    """``max``/``min`` of ``t`` over everything, against a tensor, or over ``dim`` with the indices."""
    pointwise.require_tensor(name, t)
    if isinstance(dim, _tensor.Tensor):
        return getattr(pointwise, name + "imum")(t, dim)
    if dim is None:
        _check_not_empty(name, t)
        return _extreme_all(name, t)
    axis = _check_extreme_dim(name, t, dim)
    x = _at_least_1d(t)
    indices = pick(x, axis=axis, keepdims=True)
    values = np.take_along_axis(x, indices, axis)
    shape = _kept_shape(t._shape, axis, keepdim)
    out = _tensor.Tensor._wrap(values.reshape(shape))
    # torch keeps the indices, not the input: writing the input afterwards is allowed
    autograd.record(
        out, name.capitalize() + "Backward0", (t,), lambda g: (_scatter_grad(g, indices, x, axis),), saved=()
    )
    return getattr(return_types, name)((out, _tensor.Tensor._wrap(indices.reshape(shape))))


def _scatter_grad(g, indices, x, axis):
    """Gradient of a max over ``axis``: each value's gradient goes back to where it was found."""
    grad = np.zeros(x.shape, g.dtype)
    np.put_along_axis(grad, indices, g.reshape(indices.shape), axis)
    return grad


def _extreme_all(name, t):
    """The largest (or smallest) element as a 0-d tensor; ties share the gradient evenly."""
    x = t._array()
    value = x.max() if name == "max" else x.min()
    out = _tensor.Tensor._wrap(value)
    return autograd.record(
        out, name.capitalize() + "Backward1", (t,), lambda g: (_shared_grad(g, x, value),), saved=(out, t)
    )


def _shared_grad(g, x, value):
    """Every element equal to ``value`` (nan counts as equal to nan) gets an equal share of ``g``."""
    hits = (x == value) | (np.isnan(x) & np.isnan(value))
    return np.where(hits, g / np.count_nonzero(hits), 0).astype(g.dtype)


def max(input, dim=None, keepdim=False):
    """The largest element; over ``dim``, the largest values and where they are; or ``maximum``.

    Parameters
    ----------
    input : Tensor
    dim : int or Tensor, optional
        Without it, the largest element as a 0-d tensor (nan if any is
        nan). With an int, a named pair ``(values, indices)``: the first
        index of each largest value along ``dim``. With a tensor,
        ``maximum(input, dim)``.
    keepdim : bool
        Keep the reduced dimension with size 1.

    Returns
    -------
    Tensor or mytensor.return_types.max

    Raises
    ------
    RuntimeError
        For an empty tensor without ``dim``.
    IndexError
        For a dim out of range, or a dim of size 0.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.tensor([[1, 5, 3], [4, 2, 6]])
    >>> x.max()
    tensor(6)
    >>> mytensor.max(x, 1)
    mytensor.return_types.max(
    values=tensor([5, 6]),
    indices=tensor([1, 2]))
    >>> x.max(dim=0, keepdim=True).indices
    tensor([[1, 0, 1]])
    """
    return _extreme("max", input, dim, keepdim, np.argmax)


def min(input, dim=None, keepdim=False):
    """The smallest element; over ``dim``, the smallest values and where they are; or ``minimum``.

    The same as ``max`` with the order reversed.

    Examples
    --------
    >>> import mytensor
    >>> values, indices = mytensor.tensor([[1.0, 5.0], [4.0, 2.0]]).min(-1)
    >>> values, indices
    (tensor([1., 2.]), tensor([0, 1]))
    """
    return _extreme("min", input, dim, keepdim, np.argmin)


def _arg_extreme(name, t, dim, keepdim, pick):
    """The index of the largest (or smallest) element, flat or along ``dim``, as int64."""
    pointwise.require_tensor(name, t)
    if t.dtype is _dtypes.bool_:
        raise RuntimeError(f"{name}(): does not support bool input")
    if dim is None:
        _check_not_empty(name, t)
        index = np.array(pick(t._array().reshape(-1)), np.int64)
        return _tensor.Tensor._wrap(index.reshape((1,) * t.ndim if keepdim else ()))
    axis = _check_extreme_dim(name, t, dim)
    indices = pick(_at_least_1d(t), axis=axis, keepdims=True)
    return _tensor.Tensor._wrap(indices.astype(np.int64).reshape(_kept_shape(t._shape, axis, keepdim)))


def argmax(input, dim=None, keepdim=False):
    """The index of the largest element: in the flattened tensor, or along ``dim``.

    Ties give the first index; a nan counts as the largest.

    Raises
    ------
    RuntimeError
        For a bool tensor, or an empty one without ``dim``, in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.tensor([[1, 5, 3], [4, 2, 6]])
    >>> x.argmax(), mytensor.argmax(x, 1), x.argmax(0, keepdim=True)
    (tensor(5), tensor([1, 2]), tensor([[1, 0, 1]]))
    """
    return _arg_extreme("argmax", input, dim, keepdim, np.argmax)


def argmin(input, dim=None, keepdim=False):
    """The index of the smallest element: in the flattened tensor, or along ``dim``.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.tensor([[1, 5, 3], [4, 2, 6]]).argmin(1)
    tensor([0, 1])
    """
    return _arg_extreme("argmin", input, dim, keepdim, np.argmin)


_LOGICAL_SIGNATURES = (
    " * (Tensor input, *, Tensor out = None)\n"
    " * (Tensor input, tuple of ints dim = None, bool keepdim = False, *, Tensor out = None)\n"
    " * (Tensor input, int dim, bool keepdim = False, *, Tensor out = None)\n"
)


def _logical(name, t, dim, keepdim, kernel):
    """``all``/``any`` as a bool tensor; unlike ``sum``, an empty tuple of dims reduces nothing."""
    if not isinstance(t, _tensor.Tensor):
        got = ", ".join(type(value).__name__ for value in ((t,) if dim is None else (t, dim)))
        raise TypeError(f"{name}() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                        + _LOGICAL_SIGNATURES)
    axes = () if isinstance(dim, (tuple, list)) and not dim else _reduced_axes(dim, t.ndim)
    return _tensor.Tensor._wrap(kernel(t._array(), axis=axes, keepdims=keepdim))


def all(input, dim=None, keepdim=False):
    """True where every element (over ``dim``, or over all) is nonzero; a bool tensor.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.tensor([[1, 0], [2, 3]])
    >>> x.all(), mytensor.all(x, 1), x.all(dim=(0, 1), keepdim=True)
    (tensor(False), tensor([False,  True]), tensor([[False]]))
    """
    return _logical("all", input, dim, keepdim, np.all)


def any(input, dim=None, keepdim=False):
    """True where some element (over ``dim``, or over all) is nonzero; a bool tensor.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.tensor([[0.0, 0.0], [0.5, 0.0]])
    >>> x.any(), x.any(-1)
    (tensor(True), tensor([False,  True]))
    """
    return _logical("any", input, dim, keepdim, np.any)
