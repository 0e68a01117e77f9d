"""Basic indexing: ints, slices, ``...`` and ``None`` give views; setitem writes.

``index_layout`` is the heart: a pure function from a layout and an index to
the layout of the view. ``getitem`` wraps it into a Tensor over the same
storage; ``setitem`` writes a value through that view.
"""

import operator

import numpy as np

from . import _layout, advanced_indexing, autograd, broadcasting, inplace
from . import _tensor as tensor_module

_C_TYPES = {"int16": "int16_t", "int32": "int32_t", "int64": "int64_t"}


def _items(index):
    """The index as a tuple of items, checked to be basic indices."""
    items = index if isinstance(index, tuple) else (index,)
    for item in items:
        if isinstance(item, (float, bool)):
            raise IndexError(
                "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables "
                f"are valid indices (got {type(item).__name__})"
            )
    return items


def _slice_bounds(size, item):
    """torch's (start, length, step) of ``item`` on a dimension of ``size``."""
    # Task 2.1: the layout of a basic-indexing view
    raise NotImplementedError("Task 2.1: the layout of a basic-indexing view (replace this raise in mytensor/indexing.py: _slice_bounds; see x2_slicing.ipynb)")


def index_layout(shape, strides, offset, index):
    """Return the (shape, strides, offset) of the view ``t[index]``.

    The items apply left to right on the running result, as in torch: an int
    removes a dimension, a slice narrows one and multiplies its stride, ``None``
    inserts a dimension of size 1 and ``...`` skips the dimensions no other
    item names.

    Parameters
    ----------
    shape, strides : tuple of int
    offset : int
    index : int, slice, None, Ellipsis or a tuple of these

    Returns
    -------
    tuple
        ``(shape, strides, offset)`` of the view, shape and strides as tuples.

    Raises
    ------
    IndexError
        For an int out of range or too many indices, in torch's words.
    ValueError
        For a slice step that is not positive.

    Examples
    --------
    >>> index_layout((3, 4), (4, 1), 0, (slice(1, None), slice(None, None, 2)))
    ((2, 2), (4, 2), 4)
    >>> index_layout((3, 4), (4, 1), 0, -1)
    ((4,), (1,), 8)
    >>> index_layout((3, 4), (4, 1), 0, (None, 1))
    ((1, 4), (12, 1), 4)
    >>> index_layout((3, 4), (4, 1), 0, 5)
    Traceback (most recent call last):
    ...
    IndexError: index 5 is out of bounds for dimension 0 with size 3
    """
    # Task 2.1: the layout of a basic-indexing view
    raise NotImplementedError("Task 2.1: the layout of a basic-indexing view (replace this raise in mytensor/indexing.py: index_layout; see x2_slicing.ipynb)")


def _position(i, size, dim):
    """The non-negative position of index ``i`` in a dimension of ``size``."""
    # Task 2.1: the layout of a basic-indexing view
    raise NotImplementedError("Task 2.1: the layout of a basic-indexing view (replace this raise in mytensor/indexing.py: _position; see x2_slicing.ipynb)")


def _is_full(item, size):
    """Whether torch skips slice ``item`` inside a tuple index (it selects all)."""
    return (
        isinstance(item, slice)
        and item.start in (None, 0)
        and item.step in (None, 1)
        and (item.stop is None or item.stop >= size)
    )


def _grad_fn_name(shape, index):
    """torch's grad_fn name for ``t[index]``: the last view op it applied."""
    if not isinstance(index, tuple):
        names = {slice: "SliceBackward0", type(None): "UnsqueezeBackward0", type(...): "AliasBackward0"}
        return names.get(type(index), "SelectBackward0")
    specified = sum(1 for item in index if item is not None and item is not Ellipsis)
    name, dim = "AliasBackward0", 0
    for item in index:
        if item is Ellipsis:
            dim += len(shape) - specified
        elif item is None:
            name = "UnsqueezeBackward0"
        else:
            if not _is_full(item, shape[dim]):
                name = "SliceBackward0" if isinstance(item, slice) else "SelectBackward0"
            dim += 1
    return name


def _view_layout(t, index):
    """``index_layout`` for tensor ``t``, with torch's errors for a 0-d tensor."""
    if t.ndim == 0 and isinstance(index, slice):
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    if t.ndim == 0 and not isinstance(index, (tuple, type(None), type(...), float, bool)):
        raise IndexError(
            "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` "
            "in C++ to convert a 0-dim tensor to a number"
        )
    return index_layout(t._shape, t._strides, t._offset, index)


def getitem(self, index):
    """Return the view ``self[index]`` for ints, slices, ``...`` and ``None``.

    The view shares storage with ``self``; its ``stride()`` and
    ``storage_offset()`` are torch's. An index with an integer tensor, a
    list, a boolean mask or a bool in it gives a copy instead
    (``advanced_indexing.getitem``).

    Parameters
    ----------
    index : int, slice, None, Ellipsis or a tuple of these
        Slice steps must be positive.

    Returns
    -------
    Tensor

    Raises
    ------
    IndexError
        For an int out of range or too many indices, in torch's words.
    ValueError
        For a step that is not positive.

    Examples
    --------
    >>> import mytensor
    >>> X = mytensor.arange(12).reshape(3, 4)
    >>> X[-1].tolist()
    [8, 9, 10, 11]
    >>> v = X[1:, ::2]
    >>> v.shape, v.stride(), v.storage_offset()
    (mytensor.Size([2, 2]), (4, 2), 4)
    """
    index = advanced_indexing.as_index(index)
    if advanced_indexing.is_advanced(index):
        return advanced_indexing.getitem(self, index)
    out = self._view(*_view_layout(self, index))
    source_shape = self._shape

    def backward(grad):
        # Scatter the gradient into zeros at the positions the view read.
        full = np.zeros(_layout.numel(source_shape), grad.dtype)
        layout = index_layout(source_shape, _layout.contiguous_strides(source_shape), 0, index)
        _layout.strided(full, *layout)[...] = grad
        return (full.reshape(source_shape),)

    autograd.record(out, _grad_fn_name(source_shape, index), (self,), backward, saves=False, view_of=self)
    return out


def _scalar_values(value, dtype):
    """A Python scalar as a 0-d array of ``dtype``, with torch's overflow error."""
    if dtype.name in _C_TYPES and isinstance(value, int):
        info = np.iinfo(dtype.numpy_type)
        if not info.min <= value <= info.max:
            raise RuntimeError(f"value cannot be converted to type {_C_TYPES[dtype.name]} without overflow")
    return np.array(value).astype(dtype.numpy_type)


def drop_leading_ones(array, ndim):
    """``array`` without the leading size-1 dimensions beyond ``ndim``: torch drops them before expanding."""
    while array.ndim > ndim and array.shape[0] == 1:
        array = array[0]
    return array


def values_for(value, shape, dtype):
    """``value`` as an array broadcastable to ``shape`` with ``dtype``."""
    if isinstance(value, tensor_module.Tensor):
        array = drop_leading_ones(value._array(), len(shape))
        broadcasting.check_expand(array.shape, shape, value.dtype)
        return array.astype(dtype.numpy_type)
    if isinstance(value, (bool, int, float, np.generic)):
        return _scalar_values(value, dtype)
    raise TypeError(f"can't assign a {type(value).__name__} to a mytensor.{dtype.torch_name}Tensor")


def setitem(self, index, value):
    """Write ``value`` into the view ``self[index]``, in place.

    An index with an integer tensor, a list, a boolean mask or a bool in it
    writes the elements it picks (``advanced_indexing.put``).

    Parameters
    ----------
    index : int, slice, None, Ellipsis or a tuple of these
    value : bool, int, float or Tensor
        Broadcast to the view and cast to ``self.dtype`` (a float written
        into an integer tensor is truncated, as in torch).

    Raises
    ------
    RuntimeError
        When ``value`` cannot be broadcast to the view, in torch's words.
    TypeError
        For a value that is not a number or a Tensor.

    Examples
    --------
    >>> import mytensor
    >>> X = mytensor.arange(12, dtype=mytensor.float32).reshape(3, 4)
    >>> X[1, 2] = 17
    >>> X[:2, :] = 12
    >>> X.tolist()
    [[12.0, 12.0, 12.0, 12.0], [12.0, 12.0, 12.0, 12.0], [8.0, 9.0, 10.0, 11.0]]
    """
    inplace.check_leaf(self, view=True)
    tracked = autograd.is_grad_enabled() and (self.requires_grad or getattr(value, "requires_grad", False))
    old = inplace.history_input(self) if tracked else None
    index = advanced_indexing.as_index(index)
    if advanced_indexing.is_advanced(index):
        name = advanced_indexing.put(self, index, value)
    else:
        inplace.check_overlap(*_view_layout(self, index)[:2])  # torch writes a number into x[:] as a copy too
        _write(self, index, value)
        name = "CopySlices"
    autograd.bump_version(self)
    if tracked:
        _record_copy(self, old, value, advanced_indexing.positions(self, index), name)


def _write(t, index, value):
    """Write ``value`` into the elements of ``t`` that ``t[index]`` selects, in ``t``'s storage.

    Parameters
    ----------
    t : Tensor
    index : int, slice, None, Ellipsis or a tuple of these
    value : bool, int, float or Tensor
        ``values_for`` turns it into a numpy array of ``t``'s dtype that
        broadcasts to the selected shape (and raises torch's errors).

    Returns
    -------
    None
        ``t._storage`` holds the new values; nothing else changes.
    """
    # Task 2.2: write a scalar or a tensor through a view
    raise NotImplementedError("Task 2.2: write a scalar or a tensor through a view (replace this raise in mytensor/indexing.py: _write; see x2_slicing.ipynb)")


def _record_copy(t, old, value, positions, name):
    """Give ``t`` torch's history after ``t[index] = value`` wrote the row-major ``positions``."""
    shape = t._shape

    def backward(grad):
        grad = np.array(grad, copy=True).reshape(-1)
        written = grad[positions]
        grad[positions] = 0  # the old values there were overwritten
        lead = max(getattr(value, "ndim", 0) - written.ndim, 0)
        return grad.reshape(shape), written.reshape((1,) * lead + written.shape)

    inplace.record_in_place(t, name, (old, value), backward)
