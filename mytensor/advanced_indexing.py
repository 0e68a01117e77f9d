"""Advanced indexing: integer tensors, lists and boolean masks pick elements into a copy.

torch reads an index in two steps. Its basic items (ints, slices, ``None``,
``...``) make a view; its tensor items (integer tensors and lists, boolean
masks, a bool) then pick elements of that view the way numpy's advanced
indexing does: the index tensors broadcast together, a mask stands for the
positions of its True elements, and the picked dimensions go where the first
index tensor stood when the index tensors are next to each other, else to the
front. The result is a new tensor, never a view.

Here both steps act on the *positions* of the elements in the row-major
order of ``t``, so a read, a write and both gradients are one gather or one
scatter of those positions.
"""

import warnings

import numpy as np

from . import _layout, autograd, indexing
from . import _tensor as tensor_module

_INDEX_DTYPES = ("int64", "int32")


def is_advanced(index):
    """Whether ``t[index]`` needs advanced indexing (a tensor, list, mask or bool in it).

    Examples
    --------
    >>> import mytensor
    >>> is_advanced((slice(1, None), [0, 2])), is_advanced((0, slice(None)))
    (True, False)
    >>> is_advanced(mytensor.tensor(1)), is_advanced(mytensor.tensor([1]))
    (False, True)
    """
    return any(_kind(item) not in ("basic", "ellipsis") for item in _items(index))


def as_index(index):
    """``index``, except that torch reads a short list holding sequences, slices or ``None`` as a tuple.

    Examples
    --------
    >>> as_index([0, 2])
    [0, 2]
    """
    sequences = (tensor_module.Tensor, list, tuple, slice, type(None), type(...))
    if isinstance(index, list) and len(index) < 32 and any(isinstance(i, sequences) for i in index):
        warnings.warn(
            "Using a non-tuple sequence for multidimensional indexing is deprecated (torch plans to read it "
            "as one index tensor); use x[tuple(seq)] instead of x[seq].",
            UserWarning,
            stacklevel=3,
        )
        return tuple(index)
    return index


def _items(index):
    """The index as a tuple of items."""
    index = as_index(index)
    return index if isinstance(index, tuple) else (index,)


def _kind(item):
    """``"basic"``, ``"ellipsis"``, ``"bool"`` (a True or False), ``"mask"`` or ``"index"``."""
    if item is Ellipsis:
        return "ellipsis"
    if isinstance(item, (bool, np.bool_)):
        return "bool"
    if isinstance(item, tensor_module.Tensor):
        if item.ndim == 0 and item.dtype.name != "bool":
            return "basic"  # a 0-d integer tensor selects like an int
        return "bool" if item.ndim == 0 else "mask" if item.dtype.name == "bool" else "index"
    if isinstance(item, (list, tuple, np.ndarray)):
        return "mask" if np.asarray(item).dtype == np.bool_ else "index"
    return "basic"


def _index_array(item):
    """An index item as a numpy int64 array, with torch's error for a tensor of another dtype."""
    if isinstance(item, tensor_module.Tensor):
        if item.dtype.name not in _INDEX_DTYPES:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return item._array().astype(np.int64)
    # torch turns a list of Python numbers into a tensor first: floats truncate.
    return np.asarray(item).astype(np.int64)


def _named(items, kinds):
    """How many dimensions of the tensor the items name (``...`` takes the others)."""
    return sum(1 if kind in ("basic", "index") and item is not None else
               np.ndim(item) if kind == "mask" else 0 for item, kind in zip(items, kinds))


def _split(items, ndim):
    """The basic items that make the view, and per dimension of the view what picks from it.

    Returns
    -------
    tuple
        ``(basic, picks, named)``: the basic items, with a full slice in
        place of each index tensor (one per dimension of a mask); ``picks``,
        ``(kind, array)`` pairs in the order of the view's dimensions (a mask
        of k dimensions is one pair, for k); and how many dimensions the
        items name.
    """
    kinds = [_kind(item) for item in items]
    named = _named(items, kinds)
    basic, picks = [], []
    for item, kind in zip(items, kinds):
        if kind == "ellipsis":
            basic.append(item)
            picks.extend([("all", None)] * max(ndim - named, 0))
        elif kind == "bool":
            basic.append(None)  # torch adds a dimension of size 1 and picks it all or none of it
            picks.append(("index", np.zeros(1 if bool(item) else 0, np.int64)))
        elif kind == "mask":
            mask = item._array() if isinstance(item, tensor_module.Tensor) else np.asarray(item)
            basic.extend([slice(None)] * mask.ndim)
            picks.append(("mask", mask))
        elif kind == "index":
            basic.append(slice(None))
            picks.append(("index", _index_array(item)))
        else:
            basic.append(item)
            if not isinstance(item, (int, np.integer, tensor_module.Tensor)):
                picks.append(("all", None))
    return tuple(basic), picks, named


def _check_mask(mask, shape, dim):
    """torch's error when ``mask`` does not fit the dimensions of ``shape`` from ``dim`` on."""
    for j, size in enumerate(mask.shape):
        if size != shape[dim + j]:
            raise IndexError(
                f"The shape of the mask {list(mask.shape)} at index {j} does not match the shape of the "
                f"indexed tensor {list(shape)} at index {dim + j}"
            )


def _check_range(array, size, ordinal):
    """torch's error for an index outside ``-size .. size - 1``; torch counts only the index tensors."""
    outside = (array >= size) | (array < -size)
    if outside.any() and size == 0:
        raise IndexError("index is out of bounds for dimension with size 0")  # torch's words for an empty dim
    if outside.any():
        raise IndexError(
            f"index {array[outside].flat[0]} is out of bounds for dimension {ordinal} with size {size}"
        )


def _numpy_index(shape, picks):
    """The numpy advanced index for a view of ``shape``, checked with torch's errors."""
    index, arrays, sizes = [], [], []
    for kind, array in picks:
        if kind == "mask":
            _check_mask(array, shape, len(index))
            found = np.nonzero(array)
            index.extend(found)
            arrays.extend(found)
            sizes.extend(shape[len(index) - len(found):len(index)])
        elif kind == "index":
            arrays.append(array)
            sizes.append(shape[len(index)])
            index.append(array)
        else:
            index.append(slice(None))
    try:
        np.broadcast_shapes(*(array.shape for array in arrays))
    except ValueError:
        shapes = ", ".join(str(list(array.shape)) for array in arrays)
        raise IndexError(f"shape mismatch: indexing tensors could not be broadcast together with shapes {shapes}") from None
    for ordinal, (array, size) in enumerate(zip(arrays, sizes)):
        _check_range(array, size, ordinal)
    return tuple(index)


def _select(t, index):
    """The basic view of ``t[index]`` and the numpy index that picks from it.

    Returns
    -------
    tuple
        ``(ordered, stored, picked, plain)``: the view's layout
        ``(shape, strides, offset)`` over the row-major positions of ``t``
        and over ``t``'s storage, the numpy index, and whether there was no
        basic item that makes a view (torch then names a write
        ``IndexPutBackward0``, else ``CopySlices``).
    """
    basic, picks, named = _split(_items(index), t.ndim)
    plain = all(item is Ellipsis or (isinstance(item, slice) and item == slice(None)) for item in basic)
    row_major = _layout.contiguous_strides(t._shape)
    if plain:
        if named > t.ndim:
            raise IndexError(f"too many indices for tensor of dimension {t.ndim}")
        ordered, stored = (t._shape, row_major, 0), (t._shape, t._strides, t._offset)
    else:
        ordered = indexing.index_layout(t._shape, row_major, 0, basic)
        stored = indexing.index_layout(t._shape, t._strides, t._offset, basic)
    return ordered, stored, _numpy_index(ordered[0], picks), plain


def _picked(shape, strides, offset, picked):
    """Where the elements that ``picked`` takes from a view sit, for the view's layout.

    Each dimension adds ``i * stride``; a broadcast of its ``arange`` costs no
    memory, so the work grows with the result, not with the view.
    """
    where = np.asarray(offset)
    for d, (size, stride) in enumerate(zip(shape, strides)):
        steps = (np.arange(size) * stride).reshape((-1,) + (1,) * (len(shape) - d - 1))
        where = where + np.broadcast_to(steps, shape)[picked]
    return where


def _result_strides(shape, strides, picked):
    """torch's strides for the result: it follows the memory order of the view and the index tensors."""
    dims = [d for d, item in enumerate(picked) if not isinstance(item, slice)]
    arrays = [picked[d] for d in dims]
    block = np.broadcast_shapes(*(array.shape for array in arrays))
    # numpy's rule, which torch shares: index tensors side by side keep their place, else go first.
    first = dims[0] if dims == list(range(dims[0], dims[0] + len(dims))) else 0
    kept = [stride for d, stride in enumerate(strides) if d not in dims]
    source = kept[:first] + [0] * len(block) + kept[first:]
    indices = [[0] * first + [step // array.itemsize for step in np.broadcast_to(array, block).strides]
               + [0] * (len(kept) - first) for array in arrays]
    return _layout.ordered_strides(shape, [source, *indices])


def getitem(t, index):
    """Return the copy ``t[index]`` for an index with integer tensors, lists, masks or bools.

    Parameters
    ----------
    t : Tensor
    index : Tensor, list, bool, or a tuple mixing them with ints, slices, ``None`` and ``...``
        Integer tensors must be int64 or int32; a bool tensor is a mask of
        the dimensions it covers.

    Returns
    -------
    Tensor
        A new tensor, whose strides keep the memory order of ``t`` and of the
        index tensors, as torch's are; its ``grad_fn`` is ``IndexBackward0``.

    Raises
    ------
    IndexError
        For a mask of the wrong shape, an index out of range, index tensors
        that do not broadcast or a float index tensor, in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.arange(12.0).reshape(3, 4)
    >>> x[x > 8]
    tensor([ 9., 10., 11.])
    >>> x[1:, [0, -1]]
    tensor([[ 4.,  7.],
            [ 8., 11.]])
    >>> x[mytensor.tensor([True, False])]
    Traceback (most recent call last):
    ...
    IndexError: The shape of the mask [2] at index 0 does not match the shape of the indexed tensor [3, 4] at index 0
    """
    ordered, stored, picked, _ = _select(t, index)
    values = t._view(*stored)._array()[picked]
    out_strides = _result_strides(values.shape, stored[1], picked)
    storage = np.empty(values.size, values.dtype)
    _layout.strided(storage, values.shape, out_strides, 0)[...] = values
    out = tensor_module.Tensor(storage, values.shape, out_strides, 0)
    shape = t._shape

    def backward(grad):
        # Each picked element sends its gradient back; an element picked twice gets both.
        full = np.zeros(_layout.numel(shape), grad.dtype)
        np.add.at(full, _picked(*ordered, picked), grad)
        return (full.reshape(shape),)

    return autograd.record(out, "IndexBackward0", (t,), backward, saved=())


def _put_values(value, shape, dtype):
    """``value`` as an array that broadcasts to ``shape``, with torch's index_put errors."""
    if not isinstance(value, tensor_module.Tensor):
        return indexing.values_for(value, shape, dtype)
    if value.dtype is not dtype:
        raise RuntimeError(
            f"Index put requires the source and destination dtypes match, got {dtype.torch_name} for the "
            f"destination and {value.dtype.torch_name} for the source."
        )
    array = indexing.drop_leading_ones(value._array(), len(shape))
    try:
        fits = np.broadcast_shapes(array.shape, shape) == tuple(shape)
    except ValueError:
        fits = False
    if not fits:
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {list(value.shape)} cannot be broadcast to indexing "
            f"result of shape {list(shape)}"
        )
    return array


def put(t, index, value):
    """Write ``value`` into the elements ``t[index]`` picks (``t[index] = value``), in ``t``'s storage.

    Returns
    -------
    str
        torch's grad_fn name for the write.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.arange(6).reshape(2, 3)
    >>> x[x > 3] = 0
    >>> x[[0, 0], [1, 2]] = mytensor.tensor([7, 8])
    >>> x
    tensor([[0, 7, 8],
            [3, 0, 0]])
    """
    _, stored, picked, plain = _select(t, index)
    view = t._view(*stored)._array()
    # the result's shape, from a broadcast byte that costs no memory
    shape = np.broadcast_to(np.int8(0), view.shape)[picked].shape
    view[picked] = _put_values(value, shape, t.dtype)
    return "IndexPutBackward0" if plain else "CopySlices"


def positions(t, index):
    """The row-major positions in ``t`` of the elements ``t[index]`` reads, for any index.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.zeros(3, 4)
    >>> positions(x, (slice(1, None), [0, 3])).tolist()
    [[4, 7], [8, 11]]
    """
    ordered, _, picked, _ = _select(t, index)
    return _picked(*ordered, picked)
