"""Broadcasting: the common shape of operands, and ``expand`` as a stride-0 view.

Shapes are aligned at their last dimension. Two sizes agree when they are
equal or one of them is 1; a missing leading dimension counts as 1.
"""

from . import _layout, autograd


def broadcast_pair(a, b):
    """Return the broadcast shape of two shapes, with torch's binary-op error.

    This is the check behind ``x + y`` when the shapes differ.

    Parameters
    ----------
    a, b : tuple of int

    Returns
    -------
    tuple of int

    Raises
    ------
    RuntimeError
        "The size of tensor a (3) must match the size of tensor b (2) at
        non-singleton dimension 1", counting dimensions of the result.

    Examples
    --------
    >>> broadcast_pair((3, 1), (1, 2))
    (3, 2)
    >>> broadcast_pair((2, 3), (3, 2))
    Traceback (most recent call last):
    ...
    RuntimeError: The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1
    """
    # Task 4.1: the broadcast shape of two shapes
    raise NotImplementedError("Task 4.1: the broadcast shape of two shapes (replace this raise in mytensor/broadcasting.py: broadcast_pair; see x4_broadcasting.ipynb)")


def broadcast_shapes(*shapes):
    """Return the shape that all ``shapes`` broadcast to, as ``torch.broadcast_shapes``.

    Parameters
    ----------
    *shapes : tuple/list of int, or int
        An int ``n`` stands for the shape ``(n,)``.

    Returns
    -------
    mytensor.Size

    Raises
    ------
    RuntimeError
        When two sizes disagree, with torch.broadcast_shapes's message (which
        differs from the one of binary operations).

    Examples
    --------
    >>> import mytensor
    >>> mytensor.broadcast_shapes((5, 3), (1,), (2, 5, 1))
    mytensor.Size([2, 5, 3])
    >>> mytensor.broadcast_shapes((2, 3), (3, 2))
    Traceback (most recent call last):
    ...
    RuntimeError: Attempting to broadcast a dimension of length 2 at -1! Mismatching argument at \
index 1 had (3, 2); but expected shape should be broadcastable to [2, 3]
    """
    shapes = [(s,) if isinstance(s, int) else s for s in shapes if s is not None]
    for shape in shapes:
        if not isinstance(shape, (tuple, list)):
            raise RuntimeError(
                f"Input shapes should be of type ints, a tuple of ints, or a list of ints, got {shape}"
            )
    return _broadcast_all(shapes)


def _broadcast_all(shapes):
    """Return the shape that every shape of ``shapes`` broadcasts to.

    Parameters
    ----------
    shapes : list of tuple of int
        At least zero shapes; sizes are not negative.

    Returns
    -------
    mytensor.Size
        The common shape: as long as the longest shape; along each axis
        (counted from the right) the size that is not 1, or 1.

    Raises
    ------
    RuntimeError
        For two sizes that are neither equal nor 1, with torch.broadcast_shapes's
        message (see ``broadcast_shapes``).
    """
    # Task 4.1: the broadcast shape of several shapes
    raise NotImplementedError("Task 4.1: the broadcast shape of several shapes (replace this raise in mytensor/broadcasting.py: _broadcast_all; see x4_broadcasting.ipynb)")


def check_expand(shape, sizes, dtype):
    """Raise torch's error if a tensor of ``shape`` cannot expand to ``sizes``.

    Returns the sizes with each -1 replaced by the existing size.

    Examples
    --------
    >>> import mytensor
    >>> check_expand((3, 1), (2, -1, 4), mytensor.float32)
    (2, 3, 4)
    >>> check_expand((3, 1), (4, 4), mytensor.float32)
    Traceback (most recent call last):
    ...
    RuntimeError: The expanded size of the tensor (4) must match the existing size (3) at \
non-singleton dimension 0.  Target sizes: [4, 4].  Tensor sizes: [3, 1]
    """
    sizes, lead = tuple(sizes), len(sizes) - len(shape)
    if lead < 0:
        raise RuntimeError(
            f"expand(mytensor.{dtype.torch_name}Tensor{{{list(shape)}}}, size={list(sizes)}): the number "
            f"of sizes provided ({len(sizes)}) must be greater or equal to the number of dimensions in "
            f"the tensor ({len(shape)})"
        )
    resolved = list(sizes)
    # torch checks from the last dimension; a 0-d tensor takes its sizes as they are.
    for dim in reversed(range(len(sizes)) if shape else ()):
        old = shape[dim - lead] if dim >= lead else None
        if sizes[dim] == -1 and old is None:
            raise RuntimeError(
                f"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension {dim}"
            )
        resolved[dim] = old if sizes[dim] == -1 else sizes[dim]
        if old is not None and resolved[dim] != old and old != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({sizes[dim]}) must match the existing size ({old}) at "
                f"non-singleton dimension {dim}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(shape)}"
            )
    # torch multiplies the sizes as unsigned numbers: a negative one overflows unless a 0 comes in.
    if any(n < 0 for n in resolved) and 0 not in resolved:
        raise RuntimeError("numel: integer multiplication overflow")
    return tuple(resolved)


def expand_strides(shape, strides, sizes):
    """Return the strides that show a tensor of ``shape`` in the bigger ``sizes``.

    A new leading dimension, or a dimension of size 1 that grows, gets stride 0:
    every position along it reads the same elements. ``sizes`` must be valid
    (see ``check_expand``).

    Examples
    --------
    >>> expand_strides((3, 1), (1, 1), (2, 3, 4))
    (0, 1, 0)
    """
    # Task 4.2: strides of an expanded view
    raise NotImplementedError("Task 4.2: strides of an expanded view (replace this raise in mytensor/broadcasting.py: expand_strides; see x4_broadcasting.ipynb)")


def _shape_arg(sizes):
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        return tuple(sizes[0])
    return tuple(sizes)


def expand(self, *sizes):
    """Return a view of ``self`` broadcast to ``sizes``, without copying.

    Parameters
    ----------
    *sizes : int, or one tuple/list of ints
        -1 keeps the existing size of that dimension.

    Returns
    -------
    Tensor
        A view whose expanded dimensions have stride 0.

    Raises
    ------
    RuntimeError
        For sizes that do not fit ``self.shape``, in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> a = mytensor.arange(3).reshape(3, 1)
    >>> e = a.expand(2, -1, 4)
    >>> e.shape, e.stride()
    (mytensor.Size([2, 3, 4]), (0, 1, 0))
    """
    if not sizes:
        raise TypeError('expand() missing 1 required positional arguments: "size"')
    sizes = check_expand(self._shape, _shape_arg(sizes), self.dtype)
    out = self._view(sizes, expand_strides(self._shape, self._strides, sizes), self._offset)
    # The engine sums the gradient back over the expanded dimensions.
    autograd.record(out, "ExpandBackward0", (self,), lambda g: (g,), saves=False, view_of=self)
    return out


def expand_as(self, other):
    """Return ``self.expand(other.shape)``.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.arange(3).expand_as(mytensor.zeros(2, 3)).stride()
    (0, 1)
    """
    return expand(self, other.shape)
