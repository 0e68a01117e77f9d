"""The functions a model is made of: the ReLU activation and two losses.

``mytensor.nn.functional`` is this module, as ``torch.nn.functional`` is
torch's. Each function computes its forward with numpy and records its own
backward, under torch's grad_fn name, like the operations of ``ops.py``:

* ``relu``: ``max(x, 0)`` elementwise (Task 9.3);
* ``mse_loss``: the squared error, averaged or summed (Task 9.1);
* ``binary_cross_entropy_with_logits``: the loss of a two-class classifier
  that outputs one score (a logit) per example.
"""

import warnings

import numpy as np

from . import _dtypes, _tensor, autograd, ops, promotion

_REDUCTIONS = ("none", "mean", "sum")


def _check_reduction(reduction):
    """Raise torch's ValueError for a reduction other than 'none', 'mean' or 'sum'."""
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _reduce(values, reduction):
    """``values`` as they are ('none'), summed ('sum') or averaged ('mean'), as an array.

    Examples
    --------
    >>> _reduce(np.array([1.0, 2.0, 6.0], np.float32), "mean")
    array(3., dtype=float32)
    """
    if reduction == "none":
        return values
    # torch is quiet where numpy warns: an overflowing sum, and 0 / 0 for the mean of no elements.
    with np.errstate(all="ignore"):
        total = values.sum()
        # np.mean divides this same sum by the count (in float64, then rounds back: the same number),
        # with more Python around it than these small losses take to compute.
        return np.asarray(total if reduction == "sum" else total / values.size, dtype=values.dtype)


def _reduced_count(values, reduction):
    """How many elements a 'mean' divides by (1 for the other reductions)."""
    return max(values.size, 1) if reduction == "mean" else 1


def _floating_operands(input, target, kernel):
    """Promote ``input`` and ``target`` and bring them to one shape, as a binary op does.

    Returns the numpy operands; raises torch's NotImplementedError when the
    promoted dtype is not floating, naming ``kernel`` as torch does.
    """
    dtype = promotion.result_type(input, target)
    if not dtype.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{dtype.torch_name}\'')
    a, b = ops._broadcast(input, target)
    return ops._as_array(a, dtype.numpy_type), ops._as_array(b, dtype.numpy_type)


def relu(input):
    """Rectified linear unit: ``max(x, 0)`` elementwise, with gradient ``ReluBackward0``.

    Parameters
    ----------
    input : Tensor
        Of any dtype but bool; the result has the same dtype and shape.

    Returns
    -------
    Tensor
        ``nan`` stays ``nan``. The gradient at 0 is 0, at ``nan`` it is 1, as in torch.

    Raises
    ------
    RuntimeError
        For a bool tensor, in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.relu(mytensor.tensor([-1.5, 0.0, 2.0]))
    tensor([0., 0., 2.])
    """
    if input.dtype is _dtypes.bool_:
        raise RuntimeError("Boolean inputs not supported for relu")
    result = _relu(input._array())
    out = _tensor.Tensor._wrap(np.asarray(result, dtype=input.dtype.numpy_type))
    # torch saves the result only: writing the input afterwards is allowed, writing the result is not
    return autograd.record(out, "ReluBackward0", (input,), lambda g: (_relu_grads(g, result),), saved=(out,))


def _relu(x):
    """Forward of relu on a numpy array ``x``.

    Returns an array of ``x``'s shape and dtype: each element, or 0 where it is
    negative; ``nan`` stays ``nan`` (as torch's relu keeps it).
    """
    # Task 9.3: relu forward
    raise NotImplementedError("Task 9.3: relu forward (replace this raise in mytensor/functional.py: _relu; see x9_training.ipynb)")


def _relu_grads(g, result):
    """Gradient of ``result = relu(x)``, given the output's gradient ``g``.

    Returns an array of ``g``'s shape and dtype: 0 where the output is 0 (the
    input was negative or exactly 0), ``g`` elsewhere, also where the output
    is ``nan`` (torch's rule: the gradient is cut only where output <= 0).
    """
    # Task 9.3: relu derivative
    raise NotImplementedError("Task 9.3: relu derivative (replace this raise in mytensor/functional.py: _relu_grads; see x9_training.ipynb)")


def mse_loss(input, target, reduction="mean"):
    """The mean squared error between ``input`` and ``target``, with gradient ``MseLossBackward0``.

    Parameters
    ----------
    input, target : Tensor
        Of floating dtype after promotion. Of the same shape; other shapes
        are broadcast with torch's UserWarning.
    reduction : {'mean', 'sum', 'none'}
        Average the squared errors, sum them, or return them elementwise.

    Returns
    -------
    Tensor
        A single number (or the elementwise errors for 'none'), of the
        promoted dtype.

    Raises
    ------
    ValueError
        For another ``reduction``, in torch's words.
    NotImplementedError
        For integer or bool operands, in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.nn.functional.mse_loss(mytensor.tensor([1.0, 2.0, 3.0]), mytensor.tensor([1.0, 0.0, 5.0]))
    tensor(2.6667)
    """
    _check_reduction(reduction)
    if input._shape != target._shape:
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
            "This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.",
            UserWarning, stacklevel=2)
    x, y = _floating_operands(input, target, "mse_cpu")
    out = _tensor.Tensor._wrap(np.asarray(_mse_loss(x, y, reduction), dtype=x.dtype))
    return autograd.record(out, "MseLossBackward0", (input, target), lambda g: _mse_loss_grads(g, x, y, reduction))


def _mse_loss(x, y, reduction):
    """Forward of mse_loss on two numpy arrays of one shape and floating dtype.

    Returns the squared errors ``(x - y) ** 2``: as they are for 'none', their
    sum for 'sum', their mean for 'mean' (a 0-d array or numpy scalar). The
    provided ``_reduce(values, reduction)`` does that last step.
    """
    # Task 9.1: the squared error, reduced
    raise NotImplementedError("Task 9.1: the squared error, reduced (replace this raise in mytensor/functional.py: _mse_loss; see x9_training.ipynb)")


def _mse_loss_grads(g, x, y, reduction):
    """Gradients of ``mse_loss(x, y, reduction)`` by ``x`` and by ``y``.

    ``g`` is the gradient of the loss: one number for 'mean' and 'sum', an
    array of ``x``'s shape for 'none'. Returns a pair of arrays of ``x``'s shape:
    d/dx (x - y)² = 2 (x - y), times ``g``, divided by the number of elements
    for 'mean' (``_reduced_count`` gives that number); the gradient by ``y``
    is its negative.
    """
    # Task 9.1: the derivative of the squared error
    raise NotImplementedError("Task 9.1: the derivative of the squared error (replace this raise in mytensor/functional.py: _mse_loss_grads; see x9_training.ipynb)")


def binary_cross_entropy_with_logits(input, target, reduction="mean"):
    """The loss of a two-class classifier from its scores (logits), with gradient
    ``BinaryCrossEntropyWithLogitsBackward0``.

    For a score ``z`` and a label ``t`` (0 or 1) the loss is
    ``-(t log σ(z) + (1 - t) log(1 - σ(z)))`` with ``σ(z) = 1 / (1 + exp(-z))``,
    computed without overflow for large ``|z|``.

    Parameters
    ----------
    input : Tensor
        The scores, of a floating dtype.
    target : Tensor
        The labels, of ``input``'s shape.
    reduction : {'mean', 'sum', 'none'}

    Returns
    -------
    Tensor

    Raises
    ------
    ValueError
        For shapes that differ or another ``reduction``, in torch's words.

    Examples
    --------
    >>> import mytensor
    >>> F = mytensor.nn.functional
    >>> F.binary_cross_entropy_with_logits(mytensor.tensor([0.5, -1.0, 3.0]), mytensor.tensor([1.0, 0.0, 1.0]))
    tensor(0.2786)
    """
    if input._shape != target._shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    _check_reduction(reduction)
    z, t = _floating_operands(input, target, "log_sigmoid_cpu")
    # (1 - t) z + log(1 + exp(-z)) is the loss above; logaddexp keeps exp(-z) from overflowing.
    out = _tensor.Tensor._wrap(_reduce(((1 - t) * z + np.logaddexp(0, -z)).astype(z.dtype), reduction))
    count = _reduced_count(z, reduction)
    return autograd.record(out, "BinaryCrossEntropyWithLogitsBackward0", (input, target),
                           lambda g: _cross_entropy_grads(g, z, t, count))


def _cross_entropy_grads(g, z, t, count):
    """d/dz = σ(z) - t and d/dt = -z, times ``g`` and divided by ``count``."""
    sigmoid = np.exp(-np.logaddexp(0, -z)).astype(z.dtype)
    return g * (sigmoid - t) / count, g * -z / count
