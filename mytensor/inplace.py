"""In-place updates: ``x += y``, ``add_``, ``zero_``, ``fill_``, ``copy_``.

An in-place op writes its result into the storage of ``self`` and returns
``self`` itself: the same Python object, and every view of the storage sees
the new values. The result must fit ``self``: its shape cannot grow by
broadcasting and its dtype must be castable to ``self.dtype``.
"""

import numpy as np

from . import autograd, broadcasting, ops, promotion
from . import _tensor as tensor_module

# The attributes that carry a tensor's autograd history (see autograd.record).
_HISTORY = ("_requires_grad", "grad_fn")


def check_leaf(t, view=False):
    """Raise torch's error for an in-place op on a leaf that requires grad.

    ``view=True`` gives torch's wording for a write through a view of the
    leaf, as ``t[index] = value`` is.

    Examples
    --------
    >>> import mytensor
    >>> check_leaf(mytensor.zeros(2, requires_grad=True))
    Traceback (most recent call last):
    ...
    RuntimeError: a leaf Variable that requires grad is being used in an in-place operation.
    """
    if not autograd.is_grad_enabled():
        return
    base = _view_base(t)
    if t.requires_grad and t.is_leaf:
        what = "a leaf Variable" if not view else "a view of a leaf Variable"
    elif base is not None and base.is_leaf:
        what = "a view of a leaf Variable"
    elif base is not None and base.requires_grad:
        raise RuntimeError(
            "mytensor does not support in-place operations on a view of a tensor that requires grad "
            "(torch rewrites the base's history here). Write into the base with base[index] = value, "
            "or use an out-of-place operation."
        )
    else:
        return
    raise RuntimeError(f"{what} that requires grad is being used in an in-place operation.")


def _view_base(t):
    """The tensor ``t`` views through view operations only (None if ``t`` is no such view).

    Writing into a view of a leaf that requires grad would change the leaf
    behind autograd's back, so torch refuses it.
    """
    node, base = t.grad_fn, None
    while node is not None and node._view_of is not None:
        base = node._view_of
        node = base.grad_fn
    return base


def _check_target(t):
    """Raise torch's errors when ``t`` cannot be written in place."""
    check_leaf(t)
    check_overlap(t._shape, t._strides)


def check_overlap(shape, strides):
    """Raise torch's error when a layout to be written shows one element in two places."""
    if 0 not in strides:  # only a stride of 0 makes two elements share one place
        return
    overlapping = any(stride == 0 and size > 1 for size, stride in zip(shape, strides))
    if overlapping and 0 not in shape:
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a single "
            "memory location. Please clone() the tensor before performing the operation."
        )


def _check_fits(t, other):
    """Raise torch's error when ``other`` would broadcast ``t`` to a bigger shape."""
    if not isinstance(other, tensor_module.Tensor) or other._shape == t._shape:
        return
    shape = broadcasting.broadcast_pair(t._shape, other._shape)
    if shape != t._shape:
        raise RuntimeError(f"output with shape {list(t._shape)} doesn't match the broadcast shape {list(shape)}")


def history_input(t):
    """A stand-in for ``t`` in the graph: its old values and its old history."""
    old = tensor_module.Tensor._wrap(t._array().copy())
    for name in _HISTORY:
        setattr(old, name, getattr(t, name))
    return old


def adopt_history(t, result):
    """Make ``t`` carry the autograd history of ``result``."""
    for name in _HISTORY:
        setattr(t, name, getattr(result, name))


def _update(self, other, op, check_operands=None):
    """``self = op(self, other)`` in place, with torch's checks and autograd history; returns self.

    ``check_operands(self, other)`` raises the op's own errors, which torch
    raises before it looks at the layouts.
    """
    check_leaf(self)
    if check_operands is not None:
        check_operands(self, other)
    check_overlap(self._shape, self._strides)
    _check_fits(self, other)
    tracked = autograd.is_grad_enabled() and (self.requires_grad or getattr(other, "requires_grad", False))
    # The op promotes as torch does (true division always gives a float).
    result = op(history_input(self) if tracked else self, other)
    _write_result(self, result)
    autograd.bump_version(self)
    if tracked:
        adopt_history(self, result)
    return self


def _write_result(t, result):
    """Write the values of ``result`` into ``t``'s own storage, if its dtype allows.

    Parameters
    ----------
    t : Tensor
        The tensor updated in place (any layout, views included).
    result : Tensor
        The op's result: of ``t``'s shape, of the promoted dtype.

    Returns
    -------
    Tensor
        ``t`` itself, the same object, now holding the values of ``result``
        cast to ``t``'s dtype; every tensor that shares ``t``'s storage sees them.

    Raises
    ------
    RuntimeError
        ``result type Float can't be cast to the desired output type Long`` when
        ``promotion.can_cast`` forbids the cast.
    """
    # Task 5.1: the in-place update (cast check, write through the storage, same object)
    raise NotImplementedError("Task 5.1: the in-place update (cast check, write through the storage, same object) (replace this raise in mytensor/inplace.py: _write_result; see x5_memory.ipynb)")

def add_(self, other):
    """Add ``other`` to ``self`` in place and return ``self``.

    Parameters
    ----------
    other : Tensor or Python scalar
        Broadcast to ``self.shape`` (``self`` itself never grows).

    Returns
    -------
    Tensor
        ``self``.

    Raises
    ------
    RuntimeError
        When the result type cannot be cast to ``self.dtype``, when ``other``
        would broadcast ``self``, or for a leaf that requires grad.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.zeros(2, 3)
    >>> row = x[0]
    >>> x.add_(mytensor.arange(3)) is x
    True
    >>> row.tolist()
    [0.0, 1.0, 2.0]
    >>> mytensor.arange(3).add_(1.5)
    Traceback (most recent call last):
    ...
    RuntimeError: result type Float can't be cast to the desired output type Long
    """
    return _update(self, other, ops.add)


def sub_(self, other):
    """Subtract ``other`` from ``self`` in place and return ``self`` (see ``add_``).

    Examples
    --------
    >>> import mytensor
    >>> mytensor.ones(2).sub_(3).tolist()
    [-2.0, -2.0]
    """
    return _update(self, other, ops.sub, ops.check_bool_subtraction)


def mul_(self, other):
    """Multiply ``self`` by ``other`` in place and return ``self`` (see ``add_``).

    Examples
    --------
    >>> import mytensor
    >>> mytensor.arange(3).mul_(2).tolist()
    [0, 2, 4]
    """
    return _update(self, other, ops.mul)


def div_(self, other):
    """Divide ``self`` by ``other`` in place and return ``self`` (see ``add_``).

    True division gives a float, so an integer ``self`` cannot take it.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.ones(2).div_(4).tolist()
    [0.25, 0.25]
    >>> mytensor.arange(3).div_(2)
    Traceback (most recent call last):
    ...
    RuntimeError: result type Float can't be cast to the desired output type Long
    """
    return _update(self, other, ops.div)


def iadd(self, other):
    """``self += other``: the same as ``add_``, so ``id(self)`` is kept.

    Examples
    --------
    >>> import mytensor
    >>> X = mytensor.zeros(2)
    >>> before = id(X)
    >>> X += mytensor.ones(2)
    >>> id(X) == before
    True
    """
    return add_(self, other)


def isub(self, other):
    """``self -= other``: the same as ``sub_``."""
    return sub_(self, other)


def imul(self, other):
    """``self *= other``: the same as ``mul_``."""
    return mul_(self, other)


def itruediv(self, other):
    """``self /= other``: the same as ``div_``."""
    return div_(self, other)


def _overwrite(self, values, name, overlap_ok=False):
    """Write ``values`` over all of ``self``; the gradient through it is zero.

    ``overlap_ok``: torch's ``zero_`` and ``fill_`` with a number write one value
    everywhere, so they accept an expanded ``self``; other writes refuse it.
    """
    if overlap_ok:
        check_leaf(self)
    else:
        _check_target(self)
    tracked = autograd.is_grad_enabled() and self.requires_grad
    old = history_input(self) if tracked else None
    self._array()[...] = values
    autograd.bump_version(self)
    if tracked:
        record_in_place(self, name, (old,), lambda g: (np.zeros_like(g),))
    return self


def zero_(self):
    """Fill ``self`` with zeros in place and return ``self``.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.arange(3).zero_().tolist()
    [0, 0, 0]
    """
    return _overwrite(self, 0, "ZeroBackward0", overlap_ok=True)


def fill_(self, value):
    """Fill ``self`` with ``value`` in place and return ``self``.

    Parameters
    ----------
    value : Python scalar or 0-d Tensor
        Cast to ``self.dtype`` (a float is truncated into an integer tensor).

    Raises
    ------
    RuntimeError
        For a value tensor with dimensions, or a value tensor written into an
        expanded ``self`` (a number may fill one), in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.zeros(2, dtype=mytensor.int64).fill_(2.7).tolist()
    [2, 2]
    """
    if isinstance(value, tensor_module.Tensor):
        if value.ndim:
            raise RuntimeError(
                f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} dimensions."
            )
        return _overwrite(self, value._array().astype(self._storage.dtype), "FillBackward2")
    return _overwrite(self, np.array(value).astype(self._storage.dtype), "FillBackward2", overlap_ok=True)


def copy_(self, src):
    """Copy the values of ``src`` into ``self`` in place and return ``self``.

    ``src`` is broadcast to ``self.shape`` and cast to ``self.dtype`` with
    any cast (float to int truncates, as in torch).

    Parameters
    ----------
    src : Tensor or Python scalar

    Raises
    ------
    RuntimeError
        When ``src`` does not broadcast to ``self.shape``, in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.zeros(2, 3, dtype=mytensor.int64)
    >>> x.copy_(mytensor.tensor([2.7, 1.0, 3.3])).tolist()
    [[2, 1, 3], [2, 1, 3]]
    """
    # Task 5.2: broadcast and cast the source into self
    raise NotImplementedError("Task 5.2: broadcast and cast the source into self (replace this raise in mytensor/inplace.py: copy_; see x5_memory.ipynb)")


def copy_with_history(self, src):
    """``copy_`` (Task 5.2), then the storage's new version and torch's ``CopyBackwards`` history.

    The gradient reaches ``src`` (summed back to its shape) and not the old
    values of ``self``, which the copy overwrote.

    Examples
    --------
    >>> import mytensor
    >>> w = mytensor.ones(3, requires_grad=True)
    >>> y = mytensor.zeros(3).copy_(w * 2)
    >>> type(y.grad_fn).__name__, y._version
    ('CopyBackwards', 1)
    """
    tracked = autograd.is_grad_enabled() and (self.requires_grad or getattr(src, "requires_grad", False))
    old = history_input(self) if tracked else None
    before = autograd.version(self)
    copy_(self, src)
    if autograd.version(self) == before:  # a scalar source went through _overwrite, which counts
        autograd.bump_version(self)
    if tracked and isinstance(src, tensor_module.Tensor):
        record_in_place(self, "CopyBackwards", (old, src), lambda g: (np.zeros_like(g), g))
    return self


def record_in_place(t, name, inputs, backward):
    """Give ``t`` the history of an in-place op that wrote it: a node ``name`` over ``inputs``.

    The node reads no saved values (``backward`` needs only the gradient), so
    later writes into the inputs do not make backward fail.
    """
    out = tensor_module.Tensor._wrap(t._array())
    autograd.record(out, name, inputs, backward, saved=())
    adopt_history(t, out)
