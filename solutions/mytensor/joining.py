"""Joining tensors: ``cat`` along an existing dimension, ``stack`` along a new one."""

import numpy as np

from . import _layout, _tensor, autograd, promotion


def _check_inputs(tensors, name="cat"):
    """torch's type checks on the argument of ``cat`` or ``stack``; returns the tensors as a tuple."""
    if isinstance(tensors, _tensor.Tensor):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor")
    tensors = tuple(tensors)
    for i, t in enumerate(tensors):
        if not isinstance(t, _tensor.Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    if not tensors and name == "cat":
        raise ValueError("mytensor.cat(): expected a non-empty list of Tensors")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    return tensors


def _check_shapes(tensors, dim):
    """Every tensor must have the shape of the first, except along ``dim``.

    Pass every input of ``cat``: 1-D empty tensors are skipped here, and an
    error names a tensor by its position in the whole list, as torch does.
    """
    kept = [(i, t) for i, t in enumerate(tensors) if t._shape != (0,)] or list(enumerate(tensors[:1]))
    first = kept[0][1]._shape
    for i, t in kept:
        if len(t._shape) != len(first):
            raise RuntimeError(f"Tensors must have same number of dimensions: got {len(first)} and {len(t._shape)}")
        for d, (want, got) in enumerate(zip(first, t._shape)):
            if d != dim and want != got:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {dim}. "
                    f"Expected size {want} but got size {got} for tensor number {i} in the list."
                )


def cat(tensors, dim=0):
    """Concatenate tensors along dimension ``dim``.

    The result has the promoted dtype of all inputs. As in torch, 1-D empty
    tensors (shape ``(0,)``) are skipped whatever the other shapes are.

    Parameters
    ----------
    tensors : sequence of Tensor
    dim : int
        May be negative.

    Returns
    -------
    Tensor

    Raises
    ------
    TypeError, ValueError, IndexError, RuntimeError
        For a non-sequence, a non-tensor element, an empty list, a dim out of
        range, 0-d tensors, or shapes that do not fit, in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.cat([mytensor.zeros(1, 2), mytensor.ones(2, 2)]).shape
    mytensor.Size([3, 2])
    >>> mytensor.cat([mytensor.tensor([1, 2]), mytensor.tensor([0.5])])
    tensor([1.0000, 2.0000, 0.5000])
    """
    tensors = _check_inputs(tensors)
    out, dim = _concatenate(tensors, dim)
    return autograd.record(out, "CatBackward0", tensors, lambda g: _cat_grads(g, tensors, dim), saves=False)


def _concatenate(tensors, dim):
    """Join ``tensors`` along ``dim``; return the new tensor and ``dim`` as a non-negative int.

    Parameters
    ----------
    tensors : tuple of Tensor
        At least one (``_check_inputs`` checked that).
    dim : int
        May be negative.

    Returns
    -------
    tuple
        ``(Tensor, int)``: the joined tensor, of the promoted dtype of all
        inputs, and the dimension it was joined along. As in torch, 1-D empty
        tensors (shape ``(0,)``) are left out whatever the other shapes are;
        when every input is one, the result is empty and ``dim`` is not checked.

    Raises
    ------
    RuntimeError
        ``zero-dimensional tensor (at position 0) cannot be concatenated``;
        the size errors of ``_check_shapes``.
    IndexError
        For a dim out of range (``_layout.normalize_dim`` raises it).
    """
    # Task 3.3: cat (0-d check, promotion, one numpy concatenate)
    ### BEGIN SOLUTION
    for position, t in enumerate(tensors):
        if not t._shape:
            raise RuntimeError(f"zero-dimensional tensor (at position {position}) cannot be concatenated")
    dtype = promotion.result_type(*tensors)
    used = [t for t in tensors if t._shape != (0,)]
    if not used:
        return _tensor.Tensor._wrap(np.empty(0, dtype.numpy_type)), 0
    dim = _layout.normalize_dim(dim, len(used[0]._shape))
    _check_shapes(tensors, dim)
    arrays = [t._array() for t in used]
    out = _tensor.Tensor._wrap(np.concatenate(arrays, axis=dim, dtype=dtype.numpy_type, casting="unsafe"))
    return out, dim
    ### END SOLUTION


def _cat_grads(g, tensors, dim):
    """Each input gets the slice of the gradient where its elements went."""
    grads, start = [], 0
    for t in tensors:
        if t._shape == (0,) and g.ndim != 1:
            grads.append(np.zeros((0,), g.dtype))
            continue
        stop = start + t._shape[dim]
        grads.append(g[(slice(None),) * dim + (slice(start, stop),)])
        start = stop
    return tuple(grads)


def stack(tensors, dim=0):
    """Join tensors of one shape along a new dimension ``dim``.

    Parameters
    ----------
    tensors : sequence of Tensor
        All of the same shape; the result has their promoted dtype.
    dim : int
        Where the new dimension goes, from ``-ndim - 1`` to ``ndim``.

    Returns
    -------
    Tensor
        A new contiguous tensor.

    Raises
    ------
    TypeError, RuntimeError, IndexError
        For a non-sequence or a non-tensor element, an empty list, shapes
        that differ, or a dim out of range, in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> a, b = mytensor.tensor([1, 2]), mytensor.tensor([3, 4])
    >>> mytensor.stack([a, b]), mytensor.stack((a, b), dim=1)
    (tensor([[1, 2],
            [3, 4]]), tensor([[1, 3],
            [2, 4]]))
    """
    tensors = _check_inputs(tensors, "stack")
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError(f"stack(): argument 'dim' must be int, not {type(dim).__name__}")
    first = tensors[0]._shape
    for i, t in enumerate(tensors):
        if t._shape != first:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(first)} at entry 0 "
                               f"and {list(t._shape)} at entry {i}")
    axis = _layout.normalize_dim(dim, len(first) + 1)
    common = promotion.result_type(*tensors).numpy_type
    values = np.stack([t._array() for t in tensors], axis=axis, dtype=common, casting="unsafe")
    out = _tensor.Tensor._wrap(values)
    return autograd.record(out, "StackBackward0", tensors, lambda g: tuple(np.moveaxis(g, axis, 0)), saves=False)
