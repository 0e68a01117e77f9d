"""Layout arithmetic as pure functions on tuples: sizes, strides, dims.

Nothing here touches a Tensor, so each function can be tried on plain tuples
(``strided`` also takes the numpy storage a layout reads). Strides are counted
in elements, not bytes.
"""

import numpy as np


class Size(tuple):
    """The shape of a tensor: a tuple that prints like ``torch.Size``.

    Examples
    --------
    >>> Size((3, 4))
    mytensor.Size([3, 4])
    >>> Size((3, 4))[0]
    3
    """

    __slots__ = ()

    def __repr__(self):
        return f"mytensor.Size({list(self)})"

    __str__ = __repr__

    def numel(self):
        """Return the number of elements a tensor of this shape holds."""
        return numel(self)


def numel(shape):
    """Return the number of elements in a tensor of ``shape``.

    Examples
    --------
    >>> numel((3, 4))
    12
    >>> numel(())
    1
    """
    count = 1
    for size in shape:
        count *= size
    return count


def normalize_dim(dim, ndim):
    """Turn a possibly negative ``dim`` into an index in ``range(ndim)``.

    A 0-d tensor accepts dims -1 and 0, as in torch.

    Raises
    ------
    IndexError
        When ``dim`` is out of range, in torch's words.

    Examples
    --------
    >>> normalize_dim(-1, 3)
    2
    """
    low, high = (-1, 0) if ndim == 0 else (-ndim, ndim - 1)
    if not low <= dim <= high:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{low}, {high}], but got {dim})"
        )
    return dim + max(ndim, 1) if dim < 0 else dim


def strided(storage, shape, strides, offset):
    """The numpy view (no copy) of the layout ``shape``/``strides``/``offset`` over a 1-D ``storage``.

    numpy counts strides in bytes, so each element stride is scaled by the
    item size. Writes into the view land in ``storage``.
    """
    step = storage.itemsize
    byte_strides = [s * step for s in strides]
    if storage.ndim == 1:
        try:
            # The same view as as_strided below, made about four times faster: every op reads one.
            return np.ndarray(shape, storage.dtype, storage, offset * step, byte_strides)  # buffer, offset, strides
        except (TypeError, ValueError):
            pass  # numpy refuses a layout past the storage's end or a storage it cannot lend
    return np.lib.stride_tricks.as_strided(storage[offset:], shape, byte_strides)


def contiguous_strides(shape):
    """Return the strides of a contiguous (row-major) tensor of ``shape``.

    The last dimension has stride 1; each earlier stride is the product of the
    sizes after it. A size of 0 counts as 1 here, so that strides stay
    positive, as torch does.

    Parameters
    ----------
    shape : tuple of int

    Returns
    -------
    tuple of int

    Examples
    --------
    >>> contiguous_strides((3, 4))
    (4, 1)
    >>> contiguous_strides((2, 0, 3))
    (3, 3, 1)
    >>> contiguous_strides(())
    ()
    """
    # Task 1.1: strides of a contiguous layout
    raise NotImplementedError("Task 1.1: strides of a contiguous layout (replace this raise in mytensor/_layout.py: contiguous_strides; see x1_creating.ipynb)")


def is_contiguous(shape, strides):
    """Return True when ``strides`` are the contiguous strides of ``shape``.

    Dimensions of size 1 may have any stride, and a tensor with no elements
    is always contiguous, as in torch.

    Examples
    --------
    >>> is_contiguous((3, 4), (4, 1))
    True
    >>> is_contiguous((4, 3), (1, 4))
    False
    """
    if numel(shape) == 0:
        return True
    expected = 1
    for size, stride in zip(reversed(shape), reversed(strides)):
        if size != 1 and stride != expected:
            return False
        expected *= size
    return True


def infer_size(shape, count):
    """Resolve a requested shape for ``count`` elements, filling in one ``-1``.

    Parameters
    ----------
    shape : tuple of int
        The requested sizes; at most one may be -1.
    count : int
        The number of elements of the tensor being reshaped.

    Returns
    -------
    tuple of int

    Raises
    ------
    RuntimeError
        For two -1s, a size below -1, a shape that does not hold ``count``
        elements, or a -1 beside a 0 when ``count`` is 0 (ambiguous), with
        torch's messages.

    Examples
    --------
    >>> infer_size((3, -1), 12)
    (3, 4)
    >>> infer_size((5,), 12)
    Traceback (most recent call last):
    ...
    RuntimeError: shape '[5]' is invalid for input of size 12
    """
    # Task 1.3: fill in the -1 of a requested shape
    raise NotImplementedError("Task 1.3: fill in the -1 of a requested shape (replace this raise in mytensor/_layout.py: infer_size; see x1_creating.ipynb)")


def view_strides(old_shape, old_strides, new_shape):
    """Return strides that show the same elements in ``new_shape``, or None.

    A view is possible when every group of old dimensions that is merged or
    split was itself laid out contiguously. ``new_shape`` must already hold the
    same number of elements (see ``infer_size``).

    Examples
    --------
    >>> view_strides((3, 4), (4, 1), (2, 6))
    (6, 1)
    >>> view_strides((4, 3), (1, 4), (12,)) is None
    True
    >>> view_strides((4, 3), (1, 4), (2, 2, 3))
    (2, 1, 4)
    """
    # Task 2.3: strides of a reshape that needs no copy
    raise NotImplementedError("Task 2.3: strides of a reshape that needs no copy (replace this raise in mytensor/_layout.py: view_strides; see x2_slicing.ipynb)")


def is_dense(shape, strides):
    """Return True when the elements fill a block of memory with no gaps or overlaps.

    Dimensions of size 0 or 1 are ignored, as in torch's
    ``is_non_overlapping_and_dense``.

    Examples
    --------
    >>> is_dense((3, 4), (1, 3)), is_dense((3, 2), (4, 2))
    (True, False)
    """
    required = 1
    for size, stride in sorted([(n, s) for n, s in zip(shape, strides) if n >= 2], key=lambda p: p[1]):
        if stride != required:
            return False
        required *= size
    return True


def _should_swap(shape, operands, a, b):
    """torch's comparison for ordering dims a (inner) and b (outer) by the operands' strides; 0 is undecided.

    The first operand whose strides decide wins; a zero stride (a broadcast)
    decides nothing.
    """
    for strides in operands:
        if strides[a] == 0 or strides[b] == 0:
            continue
        if strides[a] != strides[b]:
            return 1 if strides[a] > strides[b] else -1
        if shape[a] > shape[b]:
            return 1
    return 0


def _broadcast_strides(shape, layout):
    """The strides an operand of ``layout = (shape, strides)`` has once broadcast to ``shape``: 0 where it repeats."""
    own_shape, own_strides = layout
    lead = len(shape) - len(own_shape)
    return (0,) * lead + tuple(
        0 if size == 1 and out != 1 else stride
        for size, stride, out in zip(own_shape, own_strides, shape[lead:])
    )


def iterator_strides(shape, layouts):
    """Return the strides torch's TensorIterator gives the result of an elementwise op, or None for contiguous.

    ``layouts`` holds ``(shape, strides)`` for each operand; a Python number
    counts as a 0-d operand. When every operand has the result's shape and
    all are contiguous, or all share one dense layout, the result takes that
    layout (torch's fast set-up). Otherwise the dims are ordered by the
    operands' strides, a broadcast dim deciding nothing (``iteration_order``).

    Examples
    --------
    >>> iterator_strides((4, 3), [((4, 3), (1, 4)), ((), ())])
    (1, 4)
    >>> iterator_strides((2, 3), [((2, 3), (3, 1)), ((3,), (1,))]) is None
    True
    """
    if all(own == shape for own, _ in layouts):
        if all(is_contiguous(*layout) for layout in layouts):
            return None
        first = layouts[0][1]
        if all(strides == first for _, strides in layouts) and is_dense(shape, first):
            return None if first == contiguous_strides(shape) else first
    perm = iteration_order(shape, [_broadcast_strides(shape, layout) for layout in layouts])
    if perm == list(reversed(range(len(shape)))):
        return None
    # Past a size of 0 torch's strides become 0 here, unlike clone's.
    strides = _strides_in_order(shape, perm, lambda size: size)
    return None if strides == contiguous_strides(shape) else strides


def iteration_order(shape, operands):
    """Return the dims of ``shape`` innermost first, as torch's TensorIterator orders them.

    ``operands`` holds one tuple of strides per input, each of length
    ``len(shape)``; dimensions with smaller strides go inner. Without a
    decision the last dim stays innermost.

    Examples
    --------
    >>> iteration_order((4, 3), [(1, 4)])
    [0, 1]
    """
    perm = list(reversed(range(len(shape))))
    # torch's insertion sort, which tolerates undecided comparisons.
    for i in range(1, len(perm)):
        inner = i
        for outer in range(i - 1, -1, -1):
            order = _should_swap(shape, operands, perm[outer], perm[inner])
            if order < 0:
                break
            if order > 0:
                perm[outer], perm[inner] = perm[inner], perm[outer]
                inner = outer
    return perm


def _strides_in_order(shape, perm, grow):
    """Dense strides that put the dims of ``perm`` innermost first; ``grow(size)`` is each dim's factor."""
    dense, step = [0] * len(shape), 1
    for d in perm:
        dense[d] = step
        step *= grow(shape[d])
    return tuple(dense)


def ordered_strides(shape, operands):
    """Return the strides of a new tensor of ``shape`` that keeps the memory order of ``operands``.

    ``operands`` holds one tuple of strides per input (see ``iteration_order``);
    the result has no gaps, and a size of 0 counts as 1, as in ``clone``.

    Examples
    --------
    >>> ordered_strides((2, 3, 2), [(0, 4, 12), (1, 0, 0)])
    (6, 1, 3)
    >>> ordered_strides((2, 3), [(0, 1)])
    (3, 1)
    """
    return _strides_in_order(shape, iteration_order(shape, operands), lambda size: max(size, 1))


def dense_strides(shape, strides):
    """Return the strides torch gives a copy that keeps the memory order of ``strides``.

    This is the layout of ``clone()`` and ``zeros_like()``: a dense (or empty)
    layout is kept as it is; otherwise dimensions with smaller strides stay
    inner and the copy has no gaps. Zero strides leave the order undecided.

    Examples
    --------
    >>> dense_strides((4, 3), (1, 4))
    (1, 4)
    >>> dense_strides((3, 2), (4, 2))
    (2, 1)
    >>> dense_strides((2, 3), (0, 1))
    (3, 1)
    """
    if numel(shape) == 0 or is_dense(shape, strides):
        return tuple(strides)
    return ordered_strides(shape, [strides])
