"""``mytensor.optim``: stochastic gradient descent, as ``torch.optim.SGD`` without its extras.

An optimizer holds a list of parameters (leaf tensors that require grad).
After ``loss.backward()`` has filled their ``.grad``, ``step()`` moves each
parameter against its gradient, and ``zero_grad()`` clears the gradients
before the next ``backward()`` (which would otherwise add to them).
"""

from . import _tensor, autograd


def _parameter_list(params):
    """``params`` as a list, with torch's errors for a lone tensor and for no parameters."""
    if isinstance(params, _tensor.Tensor):
        raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                        f"but got mytensor.{params.dtype.torch_name}Tensor")
    params = list(params)
    if not params:
        raise ValueError("optimizer got an empty parameter list")
    return params


class SGD:
    """Plain stochastic gradient descent: ``p -= lr * p.grad`` for every parameter.

    Parameters
    ----------
    params : iterable of Tensor
        The leaf tensors to train.
    lr : float
        The learning rate (torch's default is 0.001). Momentum, weight decay
        and parameter groups are not supported.

    Raises
    ------
    ValueError
        For a negative learning rate or no parameters, in torch's words.
    TypeError
        When ``params`` is one tensor instead of a list of them.

    Examples
    --------
    >>> import mytensor
    >>> w = mytensor.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = SGD([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w
    tensor([0.8000, 1.6000], requires_grad=True)
    >>> opt.zero_grad()
    >>> print(w.grad)
    None
    """

    def __init__(self, params, lr=1e-3):
        if lr < 0:
            raise ValueError(f"Invalid learning rate: {lr}")
        self.params = _parameter_list(params)
        self.lr = lr

    def step(self):
        """Move each parameter that has a gradient by ``-lr`` times it, in place; return None.

        The update must change each parameter tensor itself (the model holds
        it), must not be recorded in the graph (so it runs under
        ``mytensor.no_grad()``, where in-place updates of a leaf that requires
        grad are allowed), and skips a parameter whose ``.grad`` is None.
        """
        # Task 9.2: the SGD update
        raise NotImplementedError("Task 9.2: the SGD update (replace this raise in mytensor/optim.py: step; see x9_training.ipynb)")

    def zero_grad(self, set_to_none=True):
        """Clear the gradient of every parameter; return None.

        With ``set_to_none=True`` (torch's default) each ``.grad`` becomes None,
        and the next ``backward()`` makes a fresh one. With False, each existing
        ``.grad`` is filled with zeros in place (``zero_()``).
        """
        # Task 9.2: clearing the gradients
        raise NotImplementedError("Task 9.2: clearing the gradients (replace this raise in mytensor/optim.py: zero_grad; see x9_training.ipynb)")
