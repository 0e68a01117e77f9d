"""Elementwise arithmetic and comparison with torch's promotion and broadcasting.

A binary op has one forward (``_forward``): promote the two operands to one
dtype, bring them to one shape, and apply a numpy kernel. Each differentiable
op then records how to send a gradient back to its inputs; the local
derivative sits right below the op (``_mul_grads`` below ``mul``, ...).
Python scalars may stand on either side of an operator.
"""

import numpy as np

from . import _dtypes, _layout, _tensor, autograd, broadcasting, promotion

_NEG_BOOL = (
    "Negation, the `-` operator, on a bool tensor is not supported. "
    "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."
)
_SUB_BOOLS = (
    "Subtraction, the `-` operator, with two bool tensors is not supported. "
    "Use the `^` or `logical_xor()` operator instead."
)
_SUB_BOOL = (
    "Subtraction, the `-` operator, with a bool tensor is not supported. "
    "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."
)


def _is_operand(value):
    """True for what an elementwise op accepts: a Tensor or a Python bool/int/float."""
    return isinstance(value, (_tensor.Tensor, bool, int, float))


def _is_bool(value):
    """True for a Python bool or a bool tensor."""
    return isinstance(value, bool) or isinstance(value, _tensor.Tensor) and value.dtype is _dtypes.bool_


def _as_array(operand, numpy_type):
    """The elements of a tensor or of a Python scalar as a numpy array of ``numpy_type``."""
    if isinstance(operand, _tensor.Tensor):
        return operand._array().astype(numpy_type, copy=False)
    return np.array(operand).astype(numpy_type)  # an int out of range wraps around, as in torch


def _broadcast(a, b):
    """Bring two tensors to one shape with stride-0 views; scalars and equal shapes pass through."""
    if not isinstance(b, _tensor.Tensor) or not isinstance(a, _tensor.Tensor) or a._shape == b._shape:
        return a, b
    shape = broadcasting.broadcast_pair(a._shape, b._shape)
    # The engine sums broadcast gradients back itself, so expand records no node here.
    with autograd.no_grad():
        return broadcasting.expand(a, *shape), broadcasting.expand(b, *shape)


def _forward(a, b, kernel, dtype=None):
    """Compute ``kernel(a, b)`` elementwise in ``dtype`` (by default the promoted dtype).

    Returns the result tensor and the two numpy operands the kernel saw
    (promoted and brought to one shape), which backward functions reuse.
    Call ``_broadcast`` to bring two tensors of different shapes to one shape.
    """
    # Task 3.2: elementwise binary forward (promote, cast, bring to one shape, compute)
    raise NotImplementedError("Task 3.2: elementwise binary forward (promote, cast, bring to one shape, compute) (replace this raise in mytensor/ops.py: _forward; see x3_operations.ipynb)")


def keep_layout(out, operands, dtype=None):
    """``out`` laid out as torch lays out the result of an elementwise op on ``operands``.

    torch keeps the memory order of the inputs (``(X.t() + 1).stride()`` is
    ``(1, 4)`` for a 3x4 ``X``); see ``_layout.iterator_strides`` for the rule.
    An operand of another dtype than ``dtype`` (the one the op computes in,
    by default the result's) takes part as torch's converted copy of it.
    A contiguous result is returned as it is.
    """
    if _row_major(out, operands):
        return out
    dtype = dtype or out.dtype
    layouts = [_operand_layout(t, dtype) for t in operands]
    strides = _layout.iterator_strides(out._shape, layouts)
    return out if strides is None else _tensor.Tensor._laid_out(out._array(), strides)


def _row_major(out, operands):
    """True when every operand is laid out row-major and ``out`` has elements: torch's result is then row-major.

    The common case, checked first because every op of x.9's training asks.
    """
    if 0 in out._shape:
        return False
    for t in operands:
        if type(t) is tuple:
            shape, strides = t
        elif isinstance(t, _tensor.Tensor):
            shape, strides = t._shape, t._strides
        else:
            continue  # a number
        if strides != (out._strides if shape == out._shape else _layout.contiguous_strides(shape)):
            return False
    return True


def _operand_layout(t, dtype):
    """The (shape, strides) an operand shows torch's iterator; a number is 0-d, a tuple is that layout."""
    if isinstance(t, tuple):
        return t
    if not isinstance(t, _tensor.Tensor):
        return (), ()
    if t.dtype is dtype:
        return t._shape, t._strides
    return t._shape, _layout.dense_strides(t._shape, t._strides)  # torch converts it first, as .to() does


def _elementwise(a, b, kernel, dtype=None, operands=None):
    """``_forward`` with the result in torch's layout for ``operands`` (by default ``a`` and ``b``)."""
    out, x, y = _forward(a, b, kernel, dtype)
    operands = (a, b) if operands is None else operands
    if _row_major(out, operands):
        return out, x, y
    return keep_layout(out, operands, dtype or promotion.result_type(a, b)), x, y


def add(a, b):
    """Add elementwise: ``a + b``.

    Parameters
    ----------
    a : Tensor
    b : Tensor or bool or int or float
        Broadcast against ``a``.

    Returns
    -------
    Tensor
        Of the promoted dtype (see ``promotion.result_type``).

    Raises
    ------
    RuntimeError
        When the shapes cannot be broadcast, in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.tensor([1, 2]) + 0.5
    tensor([1.5000, 2.5000])
    """
    if not _is_operand(b):
        return NotImplemented
    out, _, _ = _elementwise(a, b, np.add)
    return autograd.record(out, "AddBackward0", (a, b), lambda g: (g, g), saves=False)


def radd(a, b):
    """Add with the scalar on the left: ``b + a``.

    Examples
    --------
    >>> import mytensor
    >>> 1 + mytensor.tensor([1, 2])
    tensor([2, 3])
    """
    return add(a, b)


def check_bool_subtraction(a, b):
    """Raise torch's error when ``a - b`` involves a bool tensor."""
    a_bool, b_bool = _is_bool(a), _is_bool(b)  # a Python bool counts as a bool tensor here
    if a_bool and b_bool:
        raise RuntimeError(_SUB_BOOLS)
    if a_bool or b_bool:
        raise RuntimeError(_SUB_BOOL)


def sub(a, b):
    """Subtract elementwise: ``a - b``.

    Raises
    ------
    RuntimeError
        When a bool tensor is involved, or the shapes cannot be broadcast.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.tensor([5, 7]) - mytensor.tensor([1, 2])
    tensor([4, 5])
    """
    if not _is_operand(b):
        return NotImplemented
    check_bool_subtraction(a, b)
    out, _, _ = _elementwise(a, b, np.subtract)
    return autograd.record(out, "SubBackward0", (a, b), lambda g: (g, -g), saves=False)


def rsub(a, b):
    """Subtract with the scalar on the left: ``b - a``.

    Examples
    --------
    >>> import mytensor
    >>> 1 - mytensor.tensor([1.0, 2.0])
    tensor([ 0., -1.])
    """
    if not _is_operand(b):
        return NotImplemented
    check_bool_subtraction(b, a)
    out, _, _ = _elementwise(b, a, np.subtract)
    return autograd.record(out, "RsubBackward1", (a,), lambda g: (-g,), saves=False)


def mul(a, b):
    """Multiply elementwise: ``a * b``.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.tensor([1.0, 2.0]) * mytensor.tensor([3.0, 4.0])
    tensor([3., 8.])
    """
    if not _is_operand(b):
        return NotImplemented
    out, x, y = _elementwise(a, b, np.multiply)
    return autograd.record(out, "MulBackward0", (a, b), lambda g: _mul_grads(g, x, y))


def _mul_grads(g, x, y):
    """Gradients of ``x * y`` given the output's gradient ``g``: ``(g * y, g * x)``."""
    # Task 7.1: local derivative of mul
    raise NotImplementedError("Task 7.1: local derivative of mul (replace this raise in mytensor/ops.py: _mul_grads; see x7_autograd.ipynb)")


def rmul(a, b):
    """Multiply with the scalar on the left: ``b * a``.

    Examples
    --------
    >>> import mytensor
    >>> 2 * mytensor.tensor([1, 2])
    tensor([2, 4])
    """
    return mul(a, b)


def _division_type(a, b):
    """True division promotes integers and bools to the default float dtype."""
    dtype = promotion.result_type(a, b)
    return dtype if dtype.is_floating_point else _dtypes.DEFAULT_FLOAT


def div(a, b):
    """Divide elementwise (true division): ``a / b``.

    Integer and bool operands give a ``float32`` result, as in torch.
    Division by zero gives ``inf`` or ``nan`` without a warning.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.tensor([1, 2]) / mytensor.tensor([2, 4])
    tensor([0.5000, 0.5000])
    """
    if not _is_operand(b):
        return NotImplemented
    with np.errstate(divide="ignore", invalid="ignore"):
        out, x, y = _elementwise(a, b, np.divide, _division_type(a, b))
    saved = (b, a) if getattr(b, "requires_grad", False) else (b,)  # g / b reads b for a's gradient
    return autograd.record(out, "DivBackward0", (a, b), lambda g: _div_grads(g, x, y), saved=saved)


def _div_grads(g, x, y):
    """Gradients of ``x / y``: ``g / y`` and ``-g * x / y**2``."""
    # Task 7.1: local derivative of div
    raise NotImplementedError("Task 7.1: local derivative of div (replace this raise in mytensor/ops.py: _div_grads; see x7_autograd.ipynb)")


def rdiv(a, b):
    """Divide with the scalar on the left: ``b / a``.

    torch computes this as ``a.reciprocal() * b``: the values are those
    products, and the graph holds a ``MulBackward0`` over a
    ``ReciprocalBackward0``.

    Examples
    --------
    >>> import mytensor
    >>> 1 / mytensor.tensor([2.0, 4.0])
    tensor([0.5000, 0.2500])
    """
    if not _is_operand(b):
        return NotImplemented
    return mul(_reciprocal(a), b)


def _reciprocal(a):
    """``1 / a`` elementwise, in ``a``'s float dtype; its derivative is ``-1 / a**2``, written with the result."""
    with np.errstate(divide="ignore"):
        result = np.reciprocal(floating_values(a))
    out = keep_layout(_tensor.Tensor._wrap(result), (a,))
    return autograd.record(out, "ReciprocalBackward0", (a,), lambda g: (-g * (result * result),), saved=(out,))


def _power(x, y):
    """``x ** y`` elementwise with torch's results for bools and negative integer powers."""
    if x.dtype == np.bool_:
        return x | ~y  # 0**0 = 1**0 = 1**1 = 1 and 0**1 = 0
    if x.dtype.kind == "f":
        return np.power(x, y)
    result = np.power(x, np.maximum(y, 0))
    # x**-n truncates 1 / x**n to an integer: only 1 and -1 survive.
    unit = np.where(x == 1, 1, np.where(x == -1, 1 - 2 * (-y % 2), 0))
    return np.where(y < 0, unit, result).astype(result.dtype)


def _check_power(a, b):
    """torch refuses bool ** bool tensors and integers to negative Python ints."""
    if _is_bool(a) and isinstance(b, _tensor.Tensor) and _is_bool(b):
        raise NotImplementedError("\"pow\" not implemented for 'Bool'")
    if isinstance(b, int) and not isinstance(b, bool) and b < 0 and isinstance(a, _tensor.Tensor) and not a.dtype.is_floating_point:
        raise RuntimeError("Integers to negative integer powers are not allowed.")


def pow(a, b):
    """Raise elementwise to a power: ``a ** b``.

    Raises
    ------
    RuntimeError
        For an integer tensor raised to a negative Python int, as in torch.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.tensor([1.0, 2.0, 3.0]) ** 2
    tensor([1., 4., 9.])
    """
    if not _is_operand(b):
        return NotImplemented
    _check_power(a, b)
    operands = (a, b) if isinstance(b, _tensor.Tensor) else (a,)  # torch passes a number exponent to the kernel
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out, x, y = _elementwise(a, b, _power, operands=operands)
    result = out._array()
    if isinstance(b, _tensor.Tensor):
        return autograd.record(out, "PowBackward1", (a, b), lambda g: _pow_grads(g, x, y, result), saved=(b, a, out))
    return autograd.record(out, "PowBackward0", (a,), lambda g: _pow_grads(g, x, y, result)[:1])


def _pow_grads(g, x, y, result):
    """Gradients of ``result = x ** y``.

    d/dx = y * x**(y - 1), taken as 0 where y == 0; d/dy = x**y * ln(x),
    taken as 0 where x == 0 and y >= 0 (torch's conventions).
    """
    # Task 7.1: local derivative of pow
    raise NotImplementedError("Task 7.1: local derivative of pow (replace this raise in mytensor/ops.py: _pow_grads; see x7_autograd.ipynb)")


def rpow(a, b):
    """Raise a Python scalar to the powers in a tensor: ``b ** a``.

    Examples
    --------
    >>> import mytensor
    >>> 2 ** mytensor.tensor([0, 1, 2])
    tensor([1, 2, 4])
    """
    if not _is_operand(b):
        return NotImplemented
    _check_power(b, a)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out, x, y = _elementwise(b, a, _power, operands=())  # torch writes into a fresh output: contiguous
    result = out._array()
    return autograd.record(out, "PowBackward2", (a,), lambda g: _pow_grads(g, x, y, result)[1:], saved=(a, out))


def neg(a):
    """Negate elementwise: ``-a``.

    Raises
    ------
    RuntimeError
        For a bool tensor, in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> -mytensor.tensor([1, -2])
    tensor([-1,  2])
    """
    if a.dtype is _dtypes.bool_:
        raise RuntimeError(_NEG_BOOL)
    out = keep_layout(_tensor.Tensor._wrap(np.negative(a._array())), (a,))
    return autograd.record(out, "NegBackward0", (a,), lambda g: (-g,), saves=False)


def floating_values(a):
    """The elements of ``a`` in its float dtype; integers and bools become ``float32``, as in torch."""
    dtype = a.dtype if a.dtype.is_floating_point else _dtypes.DEFAULT_FLOAT
    return a._array().astype(dtype.numpy_type, copy=False)


def exp(a):
    """Exponential elementwise; integer and bool tensors give ``float32``.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.tensor([0, 1]).exp()
    tensor([1.0000, 2.7183])
    """
    with np.errstate(over="ignore"):
        result = np.exp(floating_values(a))
    out = keep_layout(_tensor.Tensor._wrap(result), (a,))
    return autograd.record(out, "ExpBackward0", (a,), lambda g: (_exp_grads(g, result),), saved=(out,))


def _exp_grads(g, result):
    """Gradient of ``result = exp(x)``: the exponential is its own derivative."""
    # Task 7.1: local derivative of exp
    raise NotImplementedError("Task 7.1: local derivative of exp (replace this raise in mytensor/ops.py: _exp_grads; see x7_autograd.ipynb)")


def _compare(a, b, kernel):
    """A comparison: promote, broadcast, compare; a bool tensor that records nothing."""
    if not _is_operand(b):
        return NotImplemented
    out, _, _ = _elementwise(a, b, kernel)
    return out


def eq(a, b):
    """Compare elementwise, ``a == b``, giving a bool tensor.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.tensor([1, 2]) == mytensor.tensor([1.0, 3.0])
    tensor([ True, False])
    """
    return _compare(a, b, np.equal)


def ne(a, b):
    """Compare elementwise, ``a != b``, giving a bool tensor.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.tensor([1, 2]) != 2
    tensor([ True, False])
    """
    return _compare(a, b, np.not_equal)


def lt(a, b):
    """Compare elementwise, ``a < b``, giving a bool tensor.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.tensor([1, 2]) < 2
    tensor([ True, False])
    """
    return _compare(a, b, np.less)


def le(a, b):
    """Compare elementwise, ``a <= b``, giving a bool tensor.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.tensor([1, 2]) <= 2
    tensor([True, True])
    """
    return _compare(a, b, np.less_equal)


def gt(a, b):
    """Compare elementwise, ``a > b``, giving a bool tensor.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.tensor([1, 2]) > 1.5
    tensor([False,  True])
    """
    return _compare(a, b, np.greater)


def ge(a, b):
    """Compare elementwise, ``a >= b``, giving a bool tensor.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.tensor([1, 2]) >= 2
    tensor([False,  True])
    """
    return _compare(a, b, np.greater_equal)
