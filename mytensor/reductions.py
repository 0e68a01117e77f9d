"""Reductions: sum and mean over all dimensions or over some of them."""

import numpy as np

from . import _dtypes, _layout, _tensor, autograd


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
    RuntimeError
        ``dim 1 appears multiple times in the list of dims`` for a dim given twice.
    """
    # Task 3.4: sum (dims to numpy axes, then one numpy sum)
    raise NotImplementedError("Task 3.4: sum (dims to numpy axes, then one numpy sum) (replace this raise in mytensor/reductions.py: _reduced_axes; see notebooks/x3_operations.ipynb)")


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
    raise NotImplementedError("Task 3.4: sum (dims to numpy axes, then one numpy sum) (replace this raise in mytensor/reductions.py: _sum_values; see notebooks/x3_operations.ipynb)")


def _sum_grads(g, shape, axes, keepdim):
    """Gradient of a sum: every summed element gets the gradient of its sum.

    ``axes`` are the reduced axes (None for all); without ``keepdim`` they are
    put back as size-1 axes before ``g`` is broadcast to the input's ``shape``.
    """
    # Task 7.1: local derivative of sum
    raise NotImplementedError("Task 7.1: local derivative of sum (replace this raise in mytensor/reductions.py: _sum_grads; see notebooks/x7_autograd.ipynb)")


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
