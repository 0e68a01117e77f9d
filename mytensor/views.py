"""Views and copies that change the layout: view, reshape, transpose, permute, squeeze, flatten.

A view is a new Tensor over the same storage with other shape/strides; no
element moves. Only ``contiguous`` (of a non-contiguous tensor), ``clone`` and
a ``reshape`` that cannot be a view copy the elements.
"""

import numpy as np

from . import _layout, autograd, reductions
from . import _tensor as tensor_module


def _shape_arg(shape):
    """Accept a shape given as one tuple/list/Size or as separate ints."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def _record_reshape(out, t, name, view_of=None, saves=False):
    old_shape = t._shape
    autograd.record(out, name, (t,), lambda g: (g.reshape(old_shape),), saves=saves, view_of=view_of)
    return out


def _new_strides(t, new_shape):
    """Strides for ``t``'s elements in ``new_shape``, or None when only a copy can show them.

    A tensor with exactly the row-major strides of its shape
    can be read in any shape of the same size with that shape's row-major
    strides, as torch does; every other layout needs ``view_strides`` (Task 2.3).
    """
    if t._strides == _layout.contiguous_strides(t._shape):
        return _layout.contiguous_strides(new_shape)
    return _layout.view_strides(t._shape, t._strides, new_shape)


def view(self, *shape):
    """Return a view of ``self`` with another shape, sharing its storage.

    Parameters
    ----------
    *shape : int, or one tuple/list of ints
        The new sizes; one of them may be -1.

    Returns
    -------
    Tensor
        A view; writes through it are seen by ``self``.

    Raises
    ------
    RuntimeError
        When the sizes do not hold ``self.numel()`` elements, or when the
        strides of ``self`` allow no such view, in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.arange(12)
    >>> x.view(3, -1).stride()
    (4, 1)
    >>> x.view(3, 4).t().view(12)
    Traceback (most recent call last):
    ...
    RuntimeError: view size is not compatible with input tensor's size and stride (at least one \
dimension spans across two contiguous subspaces). Use .reshape(...) instead.
    """
    new_shape = _layout.infer_size(_shape_arg(shape), self.numel())
    strides = _new_strides(self, new_shape)
    if strides is None:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one dimension "
            "spans across two contiguous subspaces). Use .reshape(...) instead."
        )
    return _record_reshape(self._view(new_shape, strides, self._offset), self, "ViewBackward0", view_of=self)


def reshape(self, *shape):
    """Return ``self`` with another shape: a view when strides allow, else a copy.

    Parameters
    ----------
    *shape : int, or one tuple/list of ints
        The new sizes; one of them may be -1.

    Returns
    -------
    Tensor

    Raises
    ------
    RuntimeError
        When the sizes do not hold ``self.numel()`` elements, in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.arange(12).reshape(3, 4)
    >>> x.shape
    mytensor.Size([3, 4])
    >>> x.t().reshape(12).tolist()
    [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]
    """
    new_shape = _layout.infer_size(_shape_arg(shape), self.numel())
    strides = _new_strides(self, new_shape)
    if strides is None:
        out = tensor_module.Tensor._wrap(self._array().reshape(new_shape))
        return _record_reshape(out, self, "UnsafeViewBackward0")
    out = self._view(new_shape, strides, self._offset)
    if self.is_contiguous():
        return _record_reshape(out, self, "ViewBackward0", view_of=self)
    return _record_reshape(out, self, "ReshapeAliasBackward0", view_of=self, saves=True)


def _permuted(t, dims, name):
    """The view of ``t`` with its dimensions in the order ``dims``."""
    shape = tuple(t._shape[d] for d in dims)
    strides = tuple(t._strides[d] for d in dims)
    out = t._view(shape, strides, t._offset)
    inverse = tuple(np.argsort(dims))
    autograd.record(out, name, (t,), lambda g: (g.transpose(inverse),), saves=False, view_of=t)
    return out


def transpose(self, dim0, dim1):
    """Return a view of ``self`` with dimensions ``dim0`` and ``dim1`` swapped.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.arange(24).reshape(2, 3, 4)
    >>> x.transpose(0, -1).shape, x.transpose(0, -1).stride()
    (mytensor.Size([4, 3, 2]), (1, 4, 12))
    """
    dims = list(range(max(self.ndim, 1)))  # a 0-d tensor accepts dims 0 and -1
    a = _layout.normalize_dim(dim0, self.ndim)
    b = _layout.normalize_dim(dim1, self.ndim)
    dims[a], dims[b] = dims[b], dims[a]
    return _permuted(self, tuple(dims[: self.ndim]), "TransposeBackward0")


def permute(self, *dims):
    """Return a view of ``self`` with its dimensions reordered as ``dims``.

    Raises
    ------
    RuntimeError
        When ``dims`` has the wrong length or repeats a dimension, in torch's words.
    TypeError
        When no ``dims`` are given (``permute(())`` is the order of a 0-d tensor).

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.arange(24).reshape(2, 3, 4)
    >>> x.permute(2, 0, 1).shape
    mytensor.Size([4, 2, 3])
    >>> x.permute((2, 0, 1)).stride()
    (1, 12, 4)
    """
    if not dims:
        raise TypeError('permute() missing 1 required positional arguments: "dims"')
    dims = _shape_arg(dims)
    if len(dims) != self.ndim:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the length "
            f"of the desired ordering of dimensions i.e. input.dim() = {self.ndim} is not equal to "
            f"len(dims) = {len(dims)}"
        )
    dims = tuple(_layout.normalize_dim(d, self.ndim) for d in dims)
    if len(set(dims)) != len(dims):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return _permuted(self, dims, "PermuteBackward0")


def t(self):
    """Return the transpose of a tensor of at most 2 dimensions, as a view.

    Raises
    ------
    RuntimeError
        For 3 or more dimensions, in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.arange(6).reshape(2, 3).t().stride()
    (1, 3)
    """
    if self.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
    return _permuted(self, tuple(reversed(range(self.ndim))), "TBackward0")


def T(self):
    """Return ``self`` with all dimensions reversed (the ``.T`` property).

    Examples
    --------
    >>> import mytensor
    >>> mytensor.arange(6).reshape(2, 3).T.shape
    mytensor.Size([3, 2])
    """
    return _permuted(self, tuple(reversed(range(self.ndim))), "PermuteBackward0")


def _copy(t, strides, name):
    """A copy of ``t`` in new storage laid out with ``strides``."""
    storage = np.empty(t.numel(), dtype=t._storage.dtype)
    out = tensor_module.Tensor(storage, t._shape, strides, 0)
    out._array()[...] = t._array()
    autograd.record(out, name, (t,), lambda g: (g,), saves=False)
    return out


def contiguous(self):
    """Return ``self`` if it is contiguous, otherwise a contiguous copy.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.arange(6).reshape(2, 3)
    >>> x.contiguous() is x
    True
    >>> x.t().contiguous().stride()
    (2, 1)
    """
    if self.is_contiguous():
        return self
    return _copy(self, _layout.contiguous_strides(self._shape), "CloneBackward0")


def clone(self):
    """Return a copy of ``self`` in new storage, keeping its memory order.

    As in torch, the clone of a transposed tensor is laid out transposed too.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.arange(6).reshape(2, 3)
    >>> y = x.clone()
    >>> y[0, 0] = 7
    >>> x[0, 0].item(), y[0, 0].item()
    (0, 7)
    >>> x.t().clone().stride()
    (1, 3)
    """
    return _copy(self, _layout.dense_strides(self._shape, self._strides), "CloneBackward0")


_SQUEEZE_SIGNATURES = ("()", "(int dim)", "(tuple of ints dim)")


def _squeezed_dims(self, dim):
    """The dims ``squeeze`` drops: size-1 dims among all, one, or a tuple of dims."""
    if dim is None:
        return [d for d, size in enumerate(self._shape) if size == 1], "SqueezeBackward0"
    if isinstance(dim, int) and not isinstance(dim, bool):
        asked, name = (_layout.normalize_dim(dim, self.ndim),), "SqueezeBackward1"
    elif isinstance(dim, (tuple, list)):
        asked, name = (reductions._reduced_axes(dim, self.ndim) if dim else ()), "SqueezeBackward2"
    else:
        got = type(dim).__name__
        lines = "".join(f" * {s}\n      didn't match because some of the arguments have invalid types: (!{got}!)\n"
                        for s in _SQUEEZE_SIGNATURES)
        raise TypeError(f"squeeze() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                        + lines)
    return [d for d in asked if self._shape and self._shape[d] == 1], name


def squeeze(self, dim=None):
    """Return a view of ``self`` without dimensions of size 1 (all, ``dim``, or a tuple of dims).

    A dim given whose size is not 1 stays, as in torch.

    Raises
    ------
    IndexError
        For a dim out of range.
    RuntimeError
        For a dim given twice in a tuple.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.zeros(2, 1, 3, 1)
    >>> x.squeeze().shape, x.squeeze(1).shape, x.squeeze((0, 3)).shape
    (mytensor.Size([2, 3]), mytensor.Size([2, 3, 1]), mytensor.Size([2, 1, 3]))
    >>> x.squeeze().stride()
    (3, 1)
    """
    dropped, name = _squeezed_dims(self, dim)
    kept = [d for d in range(self.ndim) if d not in dropped]
    shape = tuple(self._shape[d] for d in kept)
    strides = tuple(self._strides[d] for d in kept)
    return _record_reshape(self._view(shape, strides, self._offset), self, name, view_of=self)


def unsqueeze(self, dim):
    """Return a view of ``self`` with a new dimension of size 1 at position ``dim``.

    ``dim`` may be from ``-self.dim() - 1`` to ``self.dim()``. The new
    dimension's stride is the one that steps over the dimension after it.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.zeros(2, 3)
    >>> x.unsqueeze(0).shape, x.unsqueeze(-1).shape, x.unsqueeze(0).stride()
    (mytensor.Size([1, 2, 3]), mytensor.Size([2, 3, 1]), (6, 3, 1))
    """
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError(f"unsqueeze(): argument 'dim' (position 2) must be int, not {type(dim).__name__}")
    axis = _layout.normalize_dim(dim, self.ndim + 1)
    stride = self._strides[axis] * self._shape[axis] if axis < self.ndim else 1
    shape = self._shape[:axis] + (1,) + self._shape[axis:]
    strides = self._strides[:axis] + (stride,) + self._strides[axis:]
    return _record_reshape(self._view(shape, strides, self._offset), self, "UnsqueezeBackward0", view_of=self)


def flatten(self, start_dim=0, end_dim=-1):
    """Join dimensions ``start_dim`` to ``end_dim`` into one, as ``reshape`` would.

    A view when strides allow, else a copy. A 0-d tensor becomes 1-d; a range
    of one dimension returns ``self`` itself, as in torch.

    Raises
    ------
    RuntimeError
        When ``start_dim`` comes after ``end_dim``, in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.zeros(2, 3, 4)
    >>> x.flatten().shape, x.flatten(1).shape, mytensor.flatten(x, 0, 1).shape
    (mytensor.Size([24]), mytensor.Size([2, 12]), mytensor.Size([6, 4]))
    """
    start = _layout.normalize_dim(start_dim, self.ndim)
    end = _layout.normalize_dim(end_dim, self.ndim)
    if not self._shape:
        return reshape(self, 1)
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if start == end:
        return self
    joined = _layout.numel(self._shape[start:end + 1])
    return reshape(self, self._shape[:start] + (joined,) + self._shape[end + 1:])
