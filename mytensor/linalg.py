"""Products of vectors and matrices: dot, mv, mm and the ``@`` operator.

Unlike elementwise ops, these do not promote: both operands must have the
same dtype, and the errors say so in torch's words.
"""

import numpy as np

from . import _dtypes, _tensor, autograd, broadcasting, pointwise

# The C++ type names torch's mm error uses.
_CPP_NAMES = {
    _dtypes.float32: "float",
    _dtypes.float64: "double",
    _dtypes.int16: "short int",
    _dtypes.int32: "int",
    _dtypes.int64: "long int",
    _dtypes.bool_: "bool",
}


def _not_for_bool(kernel, *tensors):
    if any(t.dtype is _dtypes.bool_ for t in tensors):
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _check_dot(a, b):
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.dtype is not b.dtype:
        raise RuntimeError(
            "dot : expected both vectors to have same dtype, "
            f"but found {a.dtype.torch_name} and {b.dtype.torch_name}"
        )
    if a._shape != b._shape:
        n, m = a._shape[0], b._shape[0]
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same "
            f"number of elements, but got {n} and {m} elements respectively"
        )
    _not_for_bool("dot", a, b)


def dot(a, b):
    """Return the dot product of two 1-D tensors of one dtype (a 0-d tensor).

    Raises
    ------
    RuntimeError
        For tensors that are not 1-D, of different dtypes or lengths.
    NotImplementedError
        For bool tensors.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.dot(mytensor.tensor([1.0, 2.0]), mytensor.tensor([3.0, 4.0]))
    tensor(11.)
    """
    _check_dot(a, b)
    x, y = a._array(), b._array()
    out = _tensor.Tensor._wrap(np.dot(x, y) + np.zeros((), x.dtype))  # torch sums from +0, so -0.0 becomes 0.0
    return autograd.record(out, "DotBackward0", (a, b), lambda g: _dot_grads(g, x, y))


def _dot_grads(g, x, y):
    """Gradients of ``sum(x * y)``: ``g * y`` and ``g * x`` (``g`` is 0-d)."""
    # Task 7.1: local derivative of dot
    raise NotImplementedError("Task 7.1: local derivative of dot (replace this raise in mytensor/linalg.py: _dot_grads; see x7_autograd.ipynb)")


def _check_mm(a, b):
    if len(a._shape) != 2:
        raise RuntimeError("self must be a matrix")
    if len(b._shape) != 2:
        raise RuntimeError("mat2 must be a matrix")
    _check_matrices(a._shape, b._shape, a.dtype, b.dtype)


def _check_matrices(shape_a, shape_b, dtype_a, dtype_b):
    """The checks of a matrix product (the shapes are 2-D), with torch's messages."""
    if shape_a[1] != shape_b[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied "
            f"({shape_a[0]}x{shape_a[1]} and {shape_b[0]}x{shape_b[1]})"
        )
    if dtype_a is not dtype_b:
        raise RuntimeError(
            "expected m1 and m2 to have the same dtype, "
            f"but got: {_CPP_NAMES[dtype_a]} != {_CPP_NAMES[dtype_b]}"
        )
    # torch returns an empty (or, with nothing to sum, a zero) product before its kernel sees the dtype.
    if _dtypes.bool_ in (dtype_a, dtype_b) and shape_a[0] * shape_b[1] * shape_a[1]:
        raise NotImplementedError("\"addmm_impl_cpu_\" not implemented for 'Bool'")


def mm(a, b):
    """Return the matrix product of two 2-D tensors of one dtype.

    Raises
    ------
    RuntimeError
        For operands that are not matrices, shapes that do not fit, or
        different dtypes, in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.mm(mytensor.ones(2, 3), mytensor.ones(3, 1))
    tensor([[3.],
            [3.]])
    """
    _check_mm(a, b)
    x, y = a._array(), b._array()
    out = _tensor.Tensor._wrap(np.matmul(x, y))
    needs = (a._requires_grad, b._requires_grad)
    return autograd.record(out, "MmBackward0", (a, b), lambda g: _mm_grads(g, x, y, needs))


def _mm_grads(g, x, y, needs=(True, True)):
    """Gradients of ``x @ y``: ``g @ y.T`` and ``x.T @ g``.

    ``needs`` says which inputs require a gradient; a product nobody needs
    is skipped (None), as in torch: it is the most expensive step of backward.
    """
    # Task 7.1: local derivative of mm
    raise NotImplementedError("Task 7.1: local derivative of mm (replace this raise in mytensor/linalg.py: _mm_grads; see x7_autograd.ipynb)")


def _check_mv(shape_a, shape_b, dtype_a, dtype_b):
    """The checks of a matrix-vector product, with torch's messages."""
    if len(shape_a) != 2 or len(shape_b) != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {len(shape_a)}, {len(shape_b)}")
    if shape_a[1] != shape_b[0]:
        n, k = shape_a
        raise RuntimeError(f"size mismatch, got input ({n}), mat ({n}x{k}), vec ({shape_b[0]})")
    if dtype_a is not dtype_b:
        names = (dtype_b.torch_name, dtype_a.torch_name, dtype_b.torch_name)
        raise RuntimeError("addmv input tensors must have the same dtype, but got %s, %s, and %s" % names)
    if _dtypes.bool_ in (dtype_a, dtype_b) and shape_a[0] * shape_a[1]:  # as for mm: nothing to compute
        raise NotImplementedError("\"addmv_impl_cpu\" not implemented for 'Bool'")


def mv(a, b):
    """Return the product of a 2-D tensor and a 1-D tensor of one dtype.

    Raises
    ------
    RuntimeError
        For wrong numbers of dimensions, sizes that do not fit, or different
        dtypes, in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.mv(mytensor.ones(2, 3), mytensor.tensor([1.0, 2.0, 3.0]))
    tensor([6., 6.])
    """
    if a.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")  # torch sizes the result first
    _check_mv(a._shape, b._shape, a.dtype, b.dtype)
    x, y = a._array(), b._array()
    out = _tensor.Tensor._wrap(np.matmul(x, y))
    return autograd.record(out, "MvBackward0", (a, b), lambda g: (np.outer(g, y), x.T @ g))


def matmul(a, b):
    """Return the matrix product ``a @ b``, dispatched on the numbers of dimensions.

    1-D @ 1-D is ``dot``, 2-D @ 1-D is ``mv``, 2-D @ 2-D is ``mm``; a 1-D
    operand on the left acts as a row; more dimensions are batches, broadcast.

    Raises
    ------
    RuntimeError
        For 0-d operands and for everything ``dot``, ``mv`` and ``mm`` raise.

    Examples
    --------
    >>> import mytensor
    >>> (mytensor.ones(2, 3) @ mytensor.ones(3)).shape
    mytensor.Size([2])
    >>> (mytensor.ones(4, 2, 3) @ mytensor.ones(3, 5)).shape
    mytensor.Size([4, 2, 5])
    """
    if not isinstance(b, _tensor.Tensor):
        return NotImplemented
    dims = (len(a._shape), len(b._shape))
    if 0 in dims:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {dims[0]}D and {dims[1]}D"
        )
    if dims == (1, 1):
        return dot(a, b)
    if dims == (2, 1):
        return mv(a, b)
    if dims == (2, 2):
        return mm(a, b)
    if dims == (1, 2):
        _check_matrices((1,) + a._shape, b._shape, a.dtype, b.dtype)
    elif _should_fold(a, b):
        _check_folded(a, b) if dims[0] >= dims[1] else _check_folded_transposed(a, b)
    else:
        _check_batched(a, b)
    return _general_matmul(a, b)


def rmatmul(a, b):
    """``b @ a`` for a left operand that is not a Tensor: not supported, like torch."""
    return NotImplemented


def _should_fold(a, b):
    """True when torch computes a stack times a matrix (or vector) as one tall ``mm`` (or ``mv``).

    torch folds when the stack's batch dims can be merged without a copy, or
    the smaller operand requires grad; a 2-D ``a`` times a stack is not folded.
    """
    stack, other = (a, b) if a.ndim >= b.ndim else (b, a)
    if stack.ndim < 3 or other.ndim > 2:
        return False
    if other.requires_grad:
        return True
    if a.ndim == 2:
        return False
    shape, strides = stack._shape, stack._strides
    if stack is b:  # torch folds b transposed
        shape, strides = shape[:-2] + shape[:-3:-1], strides[:-2] + strides[:-3:-1]
    if 0 in shape:
        return True
    return all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(len(shape) - 2))


def _check_folded_transposed(a, b):
    """torch computes a vector (or matrix) times a stack as the stack, transposed, times it."""
    shape = b._shape[:-2] + b._shape[:-3:-1]
    tall = (int(np.prod(shape[:-1])), shape[-1])
    if a.ndim == 1:
        _check_mv(tall, a._shape, b.dtype, a.dtype)
    else:
        _check_matrices(tall, a._shape[::-1], b.dtype, a.dtype)


def _check_folded(a, b):
    """torch multiplies a stack by one matrix (or vector) as one tall matrix product."""
    rows = a._shape[:-1]
    tall = (int(np.prod(rows)), a._shape[-1])
    if b.ndim == 1:
        _check_mv(tall, b._shape, a.dtype, b.dtype)
    else:
        _check_matrices(tall, b._shape, a.dtype, b.dtype)


def _check_batched(a, b):
    """The checks of a batched product: batch dims broadcast, inner sizes agree."""
    a_shape = a._shape if a.ndim > 1 else (1,) + a._shape
    b_shape = b._shape if b.ndim > 1 else b._shape + (1,)
    batch = broadcasting.broadcast_pair(a_shape[:-2], b_shape[:-2])
    if a_shape[-1] != b_shape[-2]:
        count = int(np.prod(batch))
        raise RuntimeError(
            "Expected size for first two dimensions of batch2 tensor to be: "
            f"[{count}, {a_shape[-1]}] but got: [{count}, {b_shape[-2]}]."
        )
    if 0 in batch + a_shape[-2:-1] + b_shape[-1:]:
        return  # torch returns the empty product before it checks the dtypes
    _not_for_bool("bmm", a)  # torch picks the kernel by a's dtype, then the kernel compares b's
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected scalar type {a.dtype.torch_name} but found {b.dtype.torch_name}")


def _general_matmul(a, b):
    """numpy's matmul, which follows the same rules; the gradient undoes the 1-D cases."""
    x, y = a._array(), b._array()
    out = _tensor.Tensor._wrap(np.matmul(x, y).astype(b._storage.dtype, copy=False))  # mixed only when empty
    return autograd.record(out, _matmul_name(a, b), (a, b), lambda g: _matmul_grads(g, x, y))


def _matmul_name(a, b):
    """torch's last op for this matmul, which names the grad_fn.

    Row @ matrix ends in a squeeze. A single matrix ``a`` that requires grad
    times a stack is computed transposed and copied back (a clone). Other
    batched products end in a reshape of the result.
    """
    if a.ndim == 1 and b.ndim == 2:
        return "SqueezeBackward4"
    if a.ndim >= 2 and b.ndim >= 3 and a.requires_grad and int(np.prod(a._shape[:-2])) == 1:
        return "CloneBackward0"
    return "UnsafeViewBackward0"


def _matmul_grads(g, x, y):
    """Gradients of ``x @ y`` with batches; a 1-D operand counts as a row or a column.

    The gradients keep the broadcast batch dims; the engine sums them away.
    """
    x2 = x[None, :] if x.ndim == 1 else x
    y2 = y[:, None] if y.ndim == 1 else y
    if x.ndim == 1:
        g = np.expand_dims(g, -2)
    elif y.ndim == 1:
        g = np.expand_dims(g, -1)
    gx = g @ np.swapaxes(y2, -1, -2)
    gy = np.swapaxes(x2, -1, -2) @ g
    return (gx[..., 0, :] if x.ndim == 1 else gx), (gy[..., 0] if y.ndim == 1 else gy)


def trace(input):
    """Sum the diagonal of a matrix; integer tensors give ``int64``, like ``sum``.

    Raises
    ------
    RuntimeError
        For a tensor that is not 2-D, in torch's words.
    NotImplementedError
        For a bool matrix.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.arange(6).reshape(2, 3)
    >>> x.trace(), mytensor.trace(x.float())
    (tensor(4), tensor(4.))
    """
    pointwise.require_tensor("trace", input)
    _not_for_bool("trace", input)  # torch checks the dtype before the dims
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    x = input._array()
    wide = x.dtype if input.dtype.is_floating_point else np.int64
    out = _tensor.Tensor._wrap(np.trace(x, dtype=wide))
    return autograd.record(out, "TraceBackward0", (input,), lambda g: (_trace_grads(g, x.shape),), saves=False)


def _trace_grads(g, shape):
    """Gradient of a trace: ``g`` on the diagonal, zero elsewhere."""
    return np.eye(*shape, dtype=g.dtype) * g
