"""Reverse-mode automatic differentiation: the graph, the engine and its surface.

Every differentiable op calls ``record(out, name, inputs, backward)`` beside its
forward. When gradients are wanted, ``out`` gets a ``grad_fn``: a Node that
remembers the inputs and the op's ``backward``, a function from the output's
gradient (a numpy array) to one gradient per input. ``t.backward()`` then

1. orders the nodes so that each comes before the nodes of its inputs, and
2. runs them in that order, summing the gradients that meet at a node and
   accumulating the gradients that reach a leaf into its ``.grad`` (Task 7.2).

Each op's local derivative sits beside its forward (Task 7.1). When a node
runs, a gradient of an input that was broadcast is summed back to that
input's shape (Task 7.3) before the engine sees it.

Gradients flow as numpy arrays inside the engine; only ``.grad`` is a Tensor.

A node's backward may read values of the op (``a`` and ``b`` for ``a * b``).
If an in-place op writes one of them before backward runs, the gradient
would silently be wrong, so each storage has a version that every in-place
write counts up; a node records the versions of the tensors it reads, and
raises torch's error when it runs and finds a newer one.
"""

import functools
import os
import traceback
import warnings
import weakref

import numpy as np

from . import _dtypes, _tensor

_FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)
_NON_LEAF_FLAG = "you can only change requires_grad flags of leaf variables."
_NON_LEAF_OFF = (
    _NON_LEAF_FLAG + " If you want to use a computed variable in a subgraph that doesn't "
    "require differentiation use var_no_grad = var.detach()."
)

_MODIFIED = "one of the variables needed for gradient computation has been modified by an inplace operation: "
_ANOMALY_HINT = (
    " Hint: enable anomaly detection to find the operation that failed to compute its gradient, "
    "with mytensor.autograd.set_detect_anomaly(True, check_nan=False)."
)
_ANOMALY_SHOWN = (
    " Hint: the backtrace further above shows the operation that failed to compute its gradient. "
    "The variable in question was changed in there or anywhere later. Good luck!"
)
_PACKAGE = os.path.dirname(os.path.abspath(__file__))

# The version of each storage that an in-place op has written, keyed by id(storage);
# an entry leaves with its storage, so a new storage at the same id starts at 0.
_VERSIONS = {}
# Per written storage, the weak reference whose callback removes its entry (kept alive here).
_WATCHERS = {}


class _GradMode:
    enabled = True


class _Anomaly:
    enabled = False
    check_nan = True


class set_detect_anomaly:
    """Switch anomaly detection on or off, as a call or as a context manager.

    While it is on, each node keeps the stack of the forward call that made
    it, and a node whose backward fails first warns with that stack. With
    ``check_nan``, a node that returns a nan gradient raises.

    Parameters
    ----------
    mode : bool
    check_nan : bool

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.zeros(1, requires_grad=True)
    >>> with mytensor.autograd.set_detect_anomaly(True):
    ...     (x / x).backward()
    Traceback (most recent call last):
    ...
    RuntimeError: Function 'DivBackward0' returned nan values in its 1th output.
    """

    def __init__(self, mode, check_nan=True):
        self._previous = (_Anomaly.enabled, _Anomaly.check_nan)
        _Anomaly.enabled, _Anomaly.check_nan = bool(mode), bool(check_nan)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        _Anomaly.enabled, _Anomaly.check_nan = self._previous


def _forward_stack():
    """The stack of the running forward call, without mytensor's own frames."""
    frames = [f for f in traceback.extract_stack() if not os.path.abspath(f.filename).startswith(_PACKAGE)]
    return "".join(traceback.format_list(frames))


def version(t):
    """How many in-place writes the storage of ``t`` has had (``t._version``).

    Every view of a storage, and ``detach()``, share its version, as in torch.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.zeros(3)
    >>> x.add_(1)[1:].fill_(2)._version, x._version
    (2, 2)
    """
    return _VERSIONS.get(id(t._storage), 0)


def bump_version(t):
    """Count one more in-place write into the storage of ``t``."""
    key = id(t._storage)
    if key not in _VERSIONS:
        # A weak reference with a callback costs far less than weakref.finalize, and each
        # optimizer step writes parameters that may be new.
        _WATCHERS[key] = weakref.ref(t._storage, lambda _, key=key: _forget_storage(key))
    _VERSIONS[key] = _VERSIONS.get(key, 0) + 1


def _forget_storage(key):
    """Drop the version of a storage that no longer exists."""
    _VERSIONS.pop(key, None)
    _WATCHERS.pop(key, None)


class _Saved:
    """A tensor a node's backward reads, with the version its storage had then.

    ``output_of`` names the node for a saved output, whose history may change
    later (torch names the node that made it); for an input the tensor's
    grad_fn at backward time is named, as in torch.
    """

    __slots__ = ("tensor", "storage", "version", "shape", "output_of")

    def __init__(self, tensor, output_of=None):
        self.tensor = None if output_of else tensor  # an output keeps no reference to itself
        self.storage, self.version = tensor._storage, _VERSIONS.get(id(tensor._storage), 0)
        self.shape, self.output_of = tensor._shape, output_of

    def check(self):
        """Raise torch's error if an in-place op wrote the storage since it was saved."""
        now = _VERSIONS.get(id(self.storage), 0)
        if now == self.version:
            return
        made_by = self.output_of or _made_by(self.tensor)
        which = f", which is output 0 of {_short_name(made_by)}," if made_by else ""
        sizes = ", ".join(str(size) for size in self.shape)
        dtype = _dtypes.from_numpy_type(self.storage.dtype)  # a storage keeps its dtype
        raise RuntimeError(
            f"{_MODIFIED}[mytensor.{dtype.torch_name}Tensor [{sizes}]]{which} is at version {now}; "
            f"expected version {self.version} instead.{_ANOMALY_SHOWN if _Anomaly.enabled else _ANOMALY_HINT}"
        )


def _made_by(t):
    """The grad_fn name torch reports for a modified saved tensor ``t`` (None for a leaf)."""
    if t.grad_fn is None:
        return None
    # torch rebuilds the history of a view whose base was written as an as_strided view.
    return "AsStridedBackward0" if t._is_view else t.grad_fn.name()


def _short_name(name):
    """torch's name of a node in the version error: ``MulBackward0`` reads ``Mul``."""
    if name in ("CopySlices", "CopyBackwards"):  # torch's C++ nodes, named with their namespace
        return f"mytensor::autograd::{name}"
    return name.replace("Backward0", "").replace("Backward", "")


def _saved_tensors(out, name, inputs, saves, view_of, saved):
    """The tensors a node's backward reads, as ``_Saved`` records (see ``record``)."""
    if saved is None:
        if not saves or view_of is not None:
            return ()
        saved = inputs if len(inputs) == 1 else _operands_read(inputs)
    return tuple([_Saved(t, name if t is out else None) for t in saved if isinstance(t, _tensor.Tensor)])


def _operands_read(inputs):
    """The operands of a product-like op that its backward reads, last operand first.

    torch saves an operand only when another operand needs a gradient: d(a*b)/da reads b.
    """
    needs = [getattr(x, "_requires_grad", False) for x in reversed(inputs)]
    others = sum(needs)  # how many operands need a gradient; the operand itself does not count
    return [x for x, need in zip(reversed(inputs), needs) if others > need]


def is_grad_enabled():
    """Return True unless gradients are switched off by ``no_grad``.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.is_grad_enabled()
    True
    >>> with mytensor.no_grad():
    ...     mytensor.is_grad_enabled()
    False
    """
    return _GradMode.enabled


class no_grad:
    """Switch off graph recording, as a context manager or as a decorator.

    Inside, ops record no ``grad_fn`` and in-place updates of leaves that
    require grad are allowed (the usual SGD step).

    Examples
    --------
    >>> import mytensor
    >>> w = mytensor.ones(2).requires_grad_()
    >>> with mytensor.no_grad():
    ...     (w * 2).requires_grad
    False
    >>> @mytensor.no_grad()
    ... def double(t):
    ...     return t * 2
    >>> double(w).grad_fn is None
    True
    """

    def __new__(cls, func=None):
        if func is not None:  # used bare, as ``@no_grad``
            return cls()(func)
        return super().__new__(cls)

    def __enter__(self):
        self._previous = _GradMode.enabled
        _GradMode.enabled = False

    def __exit__(self, *exc_info):
        _GradMode.enabled = self._previous

    def __call__(self, func):
        @functools.wraps(func)
        def without_grad(*args, **kwargs):
            with no_grad():
                return func(*args, **kwargs)

        return without_grad


class Node:
    """One recorded op: its inputs and the function that sends a gradient to them.

    Each op gets its own subclass, named like torch's (``MulBackward0``), so
    ``type(t.grad_fn).__name__`` reads the same in both libraries.

    ``_edges`` holds, per input, where its gradient goes: the node that made it
    *when this op ran*, an ``AccumulateGrad`` for a leaf, or None. Taking the
    node then, not the input's ``grad_fn`` at backward time, keeps the graph
    right when an in-place op later gives the input a new history.
    """

    __slots__ = ("_inputs", "_edges", "_backward", "_retained", "_saves", "_view_of", "_saved", "_stack")

    def __init__(self, inputs, backward, saves=True, view_of=None, saved=()):
        self._inputs = inputs
        self._edges = tuple([_input_node(x) for x in inputs])
        self._backward = backward
        self._retained = None  # the output tensor, once it called retain_grad()
        self._saves = saves
        self._view_of = view_of
        self._saved = saved
        self._stack = _forward_stack() if _Anomaly.enabled else None

    @property
    def next_functions(self):
        """Pairs ``(node, 0)`` per input: its grad_fn, an AccumulateGrad for a leaf, or None."""
        return tuple((edge, 0) for edge in self._edges)

    def name(self):
        return type(self).__name__

    def __repr__(self):
        return f"<{type(self).__name__} object at {id(self):#x}>"

    def __call__(self, grad):
        """The op's local derivatives for the output gradient ``grad`` (a Tensor), as torch's node call.

        Returns one Tensor per input (None for an input that needs no
        gradient), or the Tensor alone for a one-input op. As in torch, a
        gradient keeps the shape the op computed with: no sum back to a
        broadcast input's shape.
        """
        grads = self._local_grads(grad._array())
        out = tuple(None if g is None or e is None else _tensor.Tensor._wrap(np.array(g))
                    for g, e in zip(grads, self._edges))
        return out[0] if len(out) == 1 else out

    def _apply(self, grad, retain_graph):
        """Run the op's backward once: one gradient per input, of that input's shape and dtype.

        An input that needs no gradient gets None. ``grad`` also goes to the
        output's ``.grad`` if it called ``retain_grad()``. Without
        ``retain_graph`` the saved values are freed.
        """
        if self._backward is None:
            raise RuntimeError(_FREED)
        if self._retained is not None:
            _accumulate(self._retained, grad)
        grads = self._local_grads(grad)
        if self._saves and not retain_graph:
            self._backward = None
        return tuple(_input_grad(g, value, edge) for g, value, edge in zip(grads, self._inputs, self._edges))

    def _local_grads(self, grad):
        """``self._backward(grad)``, after checking that no saved tensor was written in place since.

        In anomaly mode a failure first warns with the forward call's stack,
        and a nan gradient fails.
        """
        try:
            for saved in self._saved:
                saved.check()
            grads = self._backward(grad)
            if _Anomaly.enabled and _Anomaly.check_nan:
                _check_nan(self.name(), grads, self._edges)
        except Exception:
            if self._stack is not None:
                warnings.warn(f"Error detected in {self.name()}. Traceback of forward call that caused the "
                              f"error:\n{self._stack}", UserWarning, stacklevel=2)
            raise
        return grads


def _check_nan(name, grads, edges):
    """torch's anomaly-mode error for a node that returned nan in a gradient that is wanted."""
    for i, (g, edge) in enumerate(zip(grads, edges)):
        if g is not None and edge is not None and np.isnan(g).any():
            raise RuntimeError(f"Function '{name}' returned nan values in its {i}th output.")


def _input_grad(grad, value, edge):
    """``grad`` summed back to ``value``'s shape (Task 7.3) and cast to its dtype; None if not needed."""
    if grad is None or edge is None:
        return None
    grad = np.asarray(grad)
    if grad.shape != value._shape:
        grad = np.asarray(_sum_to_shape(grad, value._shape))
    return grad.astype(value._storage.dtype, copy=False)


class AccumulateGrad:
    """The end of a path in the graph: accumulates into the leaf ``variable``."""

    __slots__ = ("variable",)

    def __init__(self, variable):
        self.variable = variable

    next_functions = ()

    def __repr__(self):
        return f"<AccumulateGrad object at {id(self):#x}>"


def _input_node(value):
    if not isinstance(value, _tensor.Tensor) or not value._requires_grad:
        return None
    return value.grad_fn if value.grad_fn is not None else AccumulateGrad(value)


_NODE_CLASSES = {}


def _node_class(name):
    """The Node subclass called ``name``, made once and reused."""
    cls = _NODE_CLASSES.get(name)
    if cls is None:
        cls = _NODE_CLASSES[name] = type(name, (Node,), {"__slots__": ()})
    return cls


def record(out, name, inputs, backward, saves=True, view_of=None, saved=None):
    """Give ``out`` a grad_fn if gradients are on and an input requires grad.

    Parameters
    ----------
    out : Tensor
        The op's result.
    name : str
        torch's grad_fn name for the same call, e.g. ``"MulBackward0"``.
    inputs : tuple
        The op's inputs (tensors; Python scalars are allowed and get no gradient).
    backward : callable
        ``backward(grad)`` returns one numpy array (or None) per input. A
        gradient may have the broadcast shape; the engine sums it back.
    saves : bool
        False when ``backward`` needs no saved tensor (only sizes): as in
        torch, such a node can run again after the graph was freed.
    view_of : Tensor, optional
        The input whose storage ``out`` shares, when the op makes a view
        (in-place checks walk from a view back to its base).
    saved : tuple of Tensor, optional
        The tensors (inputs, or ``out`` itself) whose values ``backward``
        reads. Backward raises torch's error if one was written in place
        since. By default a node that ``saves`` reads its only input, or each
        input of several when another input requires grad (as ``a * b`` does).

    Returns
    -------
    Tensor
        ``out`` itself.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.ones(2).requires_grad_()
    >>> y = record(mytensor.zeros(2), "MyBackward0", (x,), lambda g: (2 * g,))
    >>> type(y.grad_fn).__name__, y.requires_grad, y.is_leaf
    ('MyBackward0', True, False)
    """
    if _GradMode.enabled:
        for value in inputs:
            if isinstance(value, _tensor.Tensor) and value._requires_grad:
                kept = _saved_tensors(out, name, inputs, saves, view_of, saved)
                out.grad_fn = _node_class(name)(inputs, backward, saves, view_of, kept)
                out._requires_grad = True
                break
    return out


def get_requires_grad(t):
    """Whether gradients are recorded for ``t`` (``t.requires_grad``).

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.ones(2)
    >>> x.requires_grad, x.requires_grad_().requires_grad
    (False, True)
    """
    return t._requires_grad


def set_requires_grad(t, requires_grad):
    """Set ``t.requires_grad``; only leaves of a floating dtype may require grad.

    Raises
    ------
    RuntimeError
        For a non-leaf, or for an integer or bool tensor, in torch's words.
    """
    if t.grad_fn is not None:
        raise RuntimeError(_NON_LEAF_FLAG if requires_grad else _NON_LEAF_OFF)
    if requires_grad and not t.dtype.is_floating_point:
        raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
    t._requires_grad = bool(requires_grad)


def requires_grad_(t, requires_grad=True):
    """Set ``requires_grad`` in place and return the tensor.

    Raises
    ------
    RuntimeError
        When switching a non-leaf off, or for an integer or bool tensor.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.arange(4.0).requires_grad_()
    tensor([0., 1., 2., 3.], requires_grad=True)
    """
    if t.grad_fn is not None:
        if not requires_grad:
            raise RuntimeError(_NON_LEAF_OFF)
        return t
    if requires_grad and not t.dtype.is_floating_point:
        raise RuntimeError("only Tensors of floating point dtype can require gradients")
    t._requires_grad = bool(requires_grad)
    return t


def is_leaf(t):
    """True for a tensor no recorded op produced (``t.grad_fn is None``).

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.ones(2).requires_grad_()
    >>> x.is_leaf, (x * 2).is_leaf
    (True, False)
    """
    return t.grad_fn is None


def detach(t):
    """A tensor sharing ``t``'s storage, outside the graph (no grad_fn, no grad).

    Examples
    --------
    >>> import mytensor
    >>> y = mytensor.ones(2).requires_grad_() * 2
    >>> u = y.detach()
    >>> u.requires_grad, u.data_ptr() == y.data_ptr()
    (False, True)
    """
    out = t._view(t._shape, t._strides, t._offset)
    out._is_view = False  # torch's detach() shares memory but is no view: detach_() works on it
    return out


def detach_(t):
    """Take ``t`` itself out of the graph and return it.

    Raises
    ------
    RuntimeError
        For a view, in torch's words: its base would keep a history for the
        same memory.

    Examples
    --------
    >>> import mytensor
    >>> y = mytensor.ones(2).requires_grad_() * 2
    >>> y.detach_().grad_fn is None
    True
    >>> y[1:].detach_()
    Traceback (most recent call last):
    ...
    RuntimeError: Can't detach views in-place. Use detach() instead.
    """
    if t._is_view:
        raise RuntimeError("Can't detach views in-place. Use detach() instead.")
    t.grad_fn = None
    t._requires_grad = False
    return t


def retain_grad(t):
    """Ask backward to fill ``t.grad`` although ``t`` is not a leaf.

    Raises
    ------
    RuntimeError
        When ``t`` does not require grad.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.ones(2).requires_grad_()
    >>> y = x * 3
    >>> y.retain_grad()
    >>> y.sum().backward()
    >>> y.grad
    tensor([1., 1.])
    """
    if not t._requires_grad:
        raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
    if t.grad_fn is not None:
        t.grad_fn._retained = t


def backward(t, gradient=None, retain_graph=None):
    """Compute the gradient of ``t`` with respect to the leaves, into their ``.grad``.

    Parameters
    ----------
    t : Tensor
        The output; without ``gradient`` it must hold one element.
    gradient : Tensor, optional
        The gradient of some scalar with respect to ``t``, of ``t``'s shape.
    retain_graph : bool, optional
        Keep the graph's saved values so that backward may run through it again.

    Raises
    ------
    RuntimeError
        When ``t`` does not require grad, when the gradient cannot be implicit,
        has the wrong shape, or when the graph was already freed.

    Examples
    --------
    >>> import mytensor
    >>> x = mytensor.arange(4.0).requires_grad_()
    >>> (2 * mytensor.dot(x, x)).backward()
    >>> x.grad
    tensor([ 0.,  4.,  8., 12.])
    """
    if not t._requires_grad:
        raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    seed = _seed(t, gradient)
    with np.errstate(all="ignore"):  # torch gives inf and nan without warnings
        if t.grad_fn is None:
            _accumulate(t, seed)
        else:
            _run_backward(t.grad_fn, seed, bool(retain_graph))


def _seed(t, gradient):
    """The gradient backward starts from, as a numpy array of ``t``'s dtype."""
    if gradient is None:
        if t.numel() != 1:
            raise RuntimeError("grad can be implicitly created only for scalar outputs")
        return np.ones(t._shape, t._storage.dtype)
    if not isinstance(gradient, _tensor.Tensor):
        # torch reads a list as one gradient per output and names the first one's type
        wrong = gradient[0] if isinstance(gradient, (list, tuple)) and gradient else gradient
        raise TypeError(f"gradients can be either Tensors or None, but got {type(wrong).__name__}")
    if gradient._shape != t._shape:
        raise RuntimeError(
            f"Mismatch in shape: grad_output[0] has a shape of {gradient.shape} and "
            f"output[0] has a shape of {t.shape}."
        )
    return gradient._array().astype(t._storage.dtype)


def _topological_order(root):
    """Every node reachable from ``root``, each before the nodes of its inputs.

    Parameters
    ----------
    root : Node
        The ``grad_fn`` of the tensor ``backward()`` was called on.

    Returns
    -------
    list of Node
        Starts with ``root``; a node comes before every node in its
        ``_edges`` (an ``AccumulateGrad`` or None in ``_edges`` is not a Node
        and is left out). Built with an explicit stack, not recursion, so a
        chain of 10,000 ops works.
    """
    # Task 7.2: the backward pass (order the graph without recursion)
    raise NotImplementedError("Task 7.2: the backward pass (order the graph without recursion) (replace this raise in mytensor/autograd.py: _topological_order; see x7_autograd.ipynb)")


def _run_backward(root, seed, retain_graph):
    """Send ``seed`` from ``root`` through the graph into the leaves' ``.grad``.

    Parameters
    ----------
    root : Node
        The ``grad_fn`` of the output.
    seed : numpy.ndarray
        The gradient of the output (``backward()`` made it: ones for a
        single number).
    retain_graph : bool
        Passed on to each ``node._apply``.

    Returns
    -------
    None
        The result is in the leaves: each gradient that reaches an
        ``AccumulateGrad`` edge is added to its ``variable``'s ``.grad`` with
        ``_accumulate``; gradients that reach the same node are summed first.
    """
    # Task 7.2: the backward pass (run the nodes in order, sum gradients, accumulate into leaves)
    raise NotImplementedError("Task 7.2: the backward pass (run the nodes in order, sum gradients, accumulate into leaves) (replace this raise in mytensor/autograd.py: _run_backward; see x7_autograd.ipynb)")


def _sum_to_shape(grad, shape):
    """Sum a gradient of a broadcast result back to the ``shape`` of the input.

    Broadcasting prepended dimensions and stretched dimensions of size 1; the
    gradient of an input is the sum over every place its element was copied to.

    Examples
    --------
    >>> import numpy as np
    >>> _sum_to_shape(np.ones((2, 3)), (3,))
    array([2., 2., 2.])
    >>> _sum_to_shape(np.ones((2, 3)), (2, 1)).tolist()
    [[3.0], [3.0]]
    """
    # Task 7.3: sum a broadcast gradient back to an input's shape
    raise NotImplementedError("Task 7.3: sum a broadcast gradient back to an input's shape (replace this raise in mytensor/autograd.py: _sum_to_shape; see x7_autograd.ipynb)")


def _accumulate(t, grad):
    """``t.grad += grad``; the first gradient becomes a new tensor of its own."""
    if t.grad is None:
        t.grad = _tensor.Tensor._wrap(np.array(grad, dtype=t._storage.dtype))
    else:
        values = t.grad._array()
        values += grad
