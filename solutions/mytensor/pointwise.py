"""Elementwise math beyond arithmetic: abs, sqrt, log, sigmoid, tanh, clamp, where, maximum, minimum.

Each op computes with one numpy kernel and records its local derivative right
below it, as the arithmetic of ``ops.py`` does. Promotion and broadcasting go
through the same helpers as the arithmetic (``ops._elementwise``).
"""

import numpy as np

from . import _dtypes, _tensor, autograd, broadcasting, linalg, ops, promotion


def require_tensor(name, value, argument="input", position=1):
    """torch's TypeError when a function that takes a tensor gets something else."""
    if not isinstance(value, _tensor.Tensor):
        raise TypeError(
            f"{name}(): argument '{argument}' (position {position}) must be Tensor, not {type(value).__name__}"
        )


def _float_op(name, a, kernel, grads, reads_result=False):
    """Apply ``kernel`` to ``a`` as floats; ``grads(g, x, result)`` is the local derivative.

    ``reads_result``: the derivative is written with the result alone, and torch saves
    only the result (so writing the input in place later is allowed, writing the result is not).
    """
    require_tensor(name, a)
    x = ops.floating_values(a)
    with np.errstate(all="ignore"):  # torch gives nan and inf quietly
        result = kernel(x)
    out = ops.keep_layout(_tensor.Tensor._wrap(result), (a,))
    grad_fn = name.capitalize() + "Backward0"
    saved = (out,) if reads_result else (a,)
    return autograd.record(out, grad_fn, (a,), lambda g: (grads(g, x, result),), saved=saved)


def abs(a):
    """Absolute value elementwise; keeps the dtype (bool is refused, as in torch).

    Examples
    --------
    >>> import mytensor
    >>> mytensor.tensor([-1.5, 2.0]).abs(), mytensor.abs(mytensor.tensor([-3, 3]))
    (tensor([1.5000, 2.0000]), tensor([3, 3]))
    """
    require_tensor("abs", a)
    linalg._not_for_bool("abs_cpu", a)
    x = a._array()
    out = ops.keep_layout(_tensor.Tensor._wrap(np.abs(x)), (a,))
    return autograd.record(out, "AbsBackward0", (a,), lambda g: (g * np.sign(x),))


def sqrt(a):
    """Square root elementwise; integer and bool tensors give ``float32``; ``sqrt(-1)`` is nan.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.sqrt(mytensor.tensor([4, 2]))
    tensor([2.0000, 1.4142])
    """
    return _float_op("sqrt", a, np.sqrt, lambda g, x, r: g / (2 * r), reads_result=True)


def log(a):
    """Natural logarithm elementwise; ``log(0)`` is ``-inf`` and a negative number gives nan.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.tensor([1.0, 0.0]).log()
    tensor([0., -inf])
    """
    return _float_op("log", a, np.log, lambda g, x, r: g / x)


def _sigmoid(x):
    """``1 / (1 + exp(-x))``: an overflow of ``exp`` gives the right limit, 0."""
    return np.reciprocal(1 + np.exp(-x))


def sigmoid(a):
    """The logistic function ``1 / (1 + exp(-a))`` elementwise.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.sigmoid(mytensor.tensor([0.0, 100.0, -100.0]))
    tensor([0.5000, 1.0000, 0.0000])
    """
    return _float_op("sigmoid", a, _sigmoid, lambda g, x, r: g * r * (1 - r), reads_result=True)


def tanh(a):
    """Hyperbolic tangent elementwise.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.tensor([0, 1]).tanh()
    tensor([0.0000, 0.7616])
    """
    return _float_op("tanh", a, np.tanh, lambda g, x, r: g * (1 - r * r), reads_result=True)


_CLAMP_SIGNATURES = (
    " * (Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)\n"
    " * (Tensor input, Number min = None, Number max = None, *, Tensor out = None)\n"
)


def _type_name(value):
    return "Tensor" if isinstance(value, _tensor.Tensor) else type(value).__name__


def _clamp_type_error(input, min, max):
    """torch's TypeError for arguments of ``clamp`` of the wrong types, as for positional arguments."""
    given = [input, min] if max is None else [input, min, max]
    got = ", ".join(_type_name(value) for value in given)
    return TypeError(f"clamp() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                     + _CLAMP_SIGNATURES)


def _clamp_bounds(input, min, max):
    """Check the arguments of ``clamp``; return the bounds and whether they are tensors.

    A 0-d tensor beside a Python number counts as a number, as in torch.
    """
    given = [b for b in (min, max) if b is not None]
    if not isinstance(input, _tensor.Tensor):
        raise _clamp_type_error(input, min, max)
    if not given:
        raise RuntimeError("mytensor.clamp: At least one of 'min' or 'max' must not be None")
    tensors = [isinstance(b, _tensor.Tensor) for b in given]
    if all(tensors):
        return min, max, True
    if not all(isinstance(b, (bool, int, float)) or (t and not b._shape) for b, t in zip(given, tensors)):
        raise _clamp_type_error(input, min, max)
    return (*(b.item() if isinstance(b, _tensor.Tensor) else b for b in (min, max)), False)


def _clamp_kernel_name(min, max, tensors):
    """The name of torch's kernel for this clamp, as its error for bool tensors says it."""
    if tensors:
        return "clamp_cpu"
    return "clamp_scalar_cpu" if min is not None and max is not None else (
        "clamp_min_scalar_cpu" if min is not None else "clamp_max_scalar_cpu")


def clamp(input, min=None, max=None):
    """Limit every element to ``[min, max]``; either bound may be left out.

    Parameters
    ----------
    input : Tensor
    min, max : bool, int, float or Tensor, optional
        Python numbers, or tensors broadcast against ``input``. Where ``min``
        exceeds ``max`` the result is ``max``, as in torch.

    Returns
    -------
    Tensor
        Of the promoted dtype of ``input`` and the bounds.

    Raises
    ------
    RuntimeError
        When both bounds are None, in torch's words.
    TypeError
        For an input that is not a tensor, a bound that is neither a tensor
        nor a number, or a tensor of some dimensions beside a number. The
        words are torch's for positional arguments; torch words it a little
        differently for keywords and for the method form.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.tensor([-2.0, 0.5, 3.0])
    >>> x.clamp(0, 1), mytensor.clamp(x, max=0)
    (tensor([0.0000, 0.5000, 1.0000]), tensor([-2.,  0.,  0.]))
    >>> mytensor.clamp(mytensor.tensor([1, 5]), max=2.5)
    tensor([1.0000, 2.5000])
    """
    min, max, tensors = _clamp_bounds(input, min, max)
    given = tuple(b for b in (min, max) if b is not None)
    dtype = promotion.result_type(input, *given)
    if dtype is _dtypes.bool_ and (len(given) == 2 or not tensors):
        linalg._not_for_bool(_clamp_kernel_name(min, max, tensors), input)
    out, x, low, high = input, None, None, None
    if min is not None:
        out, x, low = ops._forward(out, min, np.maximum, dtype)
    if max is not None:
        out, middle, high = ops._forward(out, max, np.minimum, dtype)
        x = middle if x is None else x
    out = ops.keep_layout(out, (input,) + (given if tensors else ()))  # number bounds are not operands in torch
    if not tensors:
        return autograd.record(out, "ClampBackward1", (input,), lambda g: _clamp_grads(g, x, low, high)[:1])
    return autograd.record(out, "ClampBackward0", (input,) + given, lambda g: _clamp_grads(g, x, low, high))


def _clamp_grads(g, x, low, high):
    """Gradients of a clamp for ``x`` and each bound given.

    ``x`` keeps the gradient where it lies within the bounds (ends included);
    a bound gets it where it won. Where ``low > high`` the upper bound wins;
    where ``low == high`` and ``x`` is below, neither gets it (torch's rule).
    """
    zero = np.zeros_like(g)
    keep = np.ones(np.shape(g), bool)
    if low is not None:
        keep &= x >= low
    if high is not None:
        keep &= x <= high
    grads = [np.where(keep, g, zero)]
    if low is not None:
        wins = (x < low) if high is None else (x < low) & (low < high)
        grads.append(np.where(wins, g, zero))
    if high is not None:
        wins = (x > high) if low is None else (x > high) | (low > high)
        grads.append(np.where(wins, g, zero))
    return tuple(grads)


def _shape_of(value):
    return value._shape if isinstance(value, _tensor.Tensor) else ()


def where(condition, input=None, other=None):
    """Pick elements of ``input`` where ``condition`` is True, else of ``other``.

    Parameters
    ----------
    condition : Tensor
        Of dtype bool.
    input, other : Tensor, bool, int or float
        Broadcast with ``condition`` and with each other. Given neither,
        ``where(condition)`` returns the indices of the True elements, one
        int64 tensor per dimension.

    Returns
    -------
    Tensor
        Of the promoted dtype of ``input`` and ``other``.

    Raises
    ------
    RuntimeError
        For a condition that is not bool, or shapes that cannot be broadcast.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.tensor([-1.0, 2.0, -3.0])
    >>> mytensor.where(x > 0, x, 0.0)
    tensor([0., 2., 0.])
    >>> x.where(x < 0, mytensor.zeros(3))
    tensor([-1.,  0., -3.])
    >>> mytensor.where(x > 0)
    (tensor([1]),)
    """
    require_tensor("where", condition, "condition")
    if condition.dtype is not _dtypes.bool_:
        raise RuntimeError(
            f"where expected condition to be a boolean tensor, but got a tensor with dtype {condition.dtype.torch_name}"
        )
    if input is None and other is None:
        return _true_indices(condition)
    pair = broadcasting.broadcast_pair(condition._shape, _shape_of(input))
    shape = broadcasting.broadcast_pair(pair, _shape_of(other))
    mask = np.broadcast_to(condition._array(), shape)
    # The condition stays bool: it takes part with its own layout.
    operands = ((condition._shape, condition._strides), input, other)
    out, _, _ = ops._elementwise(input, other, lambda x, y: np.where(mask, x, y), operands=operands)
    # torch saves only the condition, so writing input or other afterwards is allowed
    return autograd.record(out, "WhereBackward0", (input, other), lambda g: _where_grads(g, mask), saved=())


def _true_indices(condition):
    """One int64 tensor per dimension: rows of one ``(ndim, count)`` storage, as torch lays them out."""
    indices = np.array(np.nonzero(np.atleast_1d(condition._array())), dtype=np.int64)  # 0-d counts as 1-d
    base = _tensor.Tensor._wrap(indices)
    count = indices.shape[1]
    return tuple(base._view((count,), (1,), row * count) for row in range(len(indices)))


def _where_grads(g, mask):
    """Each side gets the gradient where its element was picked."""
    zero = np.zeros_like(g)
    return np.where(mask, g, zero), np.where(mask, zero, g)


def where_method(self, condition, other):
    """``self.where(condition, other)``: ``where(condition, self, other)``.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.tensor([1, 2]).where(mytensor.tensor([True, False]), 0)
    tensor([1, 0])
    """
    return where(condition, self, other)


def maximum(input, other):
    """The larger of two tensors elementwise; nan wins, as in torch.

    Raises
    ------
    TypeError
        When ``other`` is not a tensor, in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.maximum(mytensor.tensor([1, 5]), mytensor.tensor([3.0, 2.0]))
    tensor([3., 5.])
    """
    return _pick("maximum", input, other, np.maximum, 1)


def _pick(name, input, other, kernel, sign):
    """``maximum`` (``sign`` 1) or ``minimum`` (``sign`` -1) of two tensors, with its gradient."""
    require_tensor(name, input)
    require_tensor(name, other, "other", 2)
    out, x, y = ops._elementwise(input, other, kernel)
    grad_fn = name.capitalize() + "Backward0"
    return autograd.record(out, grad_fn, (input, other), lambda g: _pick_grads(g, sign * x, sign * y))


def _pick_grads(g, x, y):
    """The larger side gets the gradient; a tie splits it in halves."""
    shared = np.where(x == y, g / 2, g)
    zero = np.zeros_like(g)
    return np.where(x < y, zero, shared), np.where(x > y, zero, shared)


def minimum(input, other):
    """The smaller of two tensors elementwise; nan wins, as in torch.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.minimum(mytensor.tensor([1, 5]), mytensor.tensor([3.0, 2.0]))
    tensor([1., 2.])
    """
    return _pick("minimum", input, other, np.minimum, -1)
