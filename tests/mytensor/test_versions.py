"""The autograd version counter: in-place writes after a node saved a tensor make backward fail as in torch."""

import warnings
from pathlib import Path

import pytest
import torch

import mytensor
from parity import run, same

GRAPH = "x = m.ones(3, requires_grad=True); w = m.ones(3, requires_grad=True); y = x * 1\n"

# A write into a tensor that ``z = y * y`` saved: backward must refuse, word for word as torch.
WRITES = ["y.add_(1)", "y.sub_(1)", "y.mul_(w)", "y.div_(2)", "y.fill_(2)", "y.zero_()", "y += 1",
          "y *= 2", "y[0] = 5", "y[1:] = w[1:]", "y[1:] = 0"]


@pytest.mark.parametrize("write", WRITES)
def test_backward_refuses_a_saved_tensor_written_in_place(write):
    same(run(GRAPH + f"z = y * y\n{write}\nz.sum().backward()\nresult = x.grad"))


CASES = [
    # a leaf written under no_grad: no "which is output ..." part
    "x = m.ones(3, requires_grad=True); z = x * x\nwith m.no_grad(): x.add_(1)\nz.sum().backward()",
    # a constant operand that was saved
    "x = m.ones(3, requires_grad=True); c = m.ones(3); z = x * c; c.add_(1); z.sum().backward()",
    # an output that was saved (exp reads its result), in 2-D and float64
    "x = m.ones(2, 3, dtype=m.float64, requires_grad=True); z = (x * 1).exp(); z.add_(1); z.sum().backward()",
    "x = m.ones(3, requires_grad=True); z = 2 ** (x * 1); z.add_(1); z.sum().backward()",
    "x = m.ones(3, requires_grad=True); y = x * 1; z = y ** y; z.add_(1); z.sum().backward()",
    # a view whose base was written: torch names it an as_strided view
    "x = m.ones(3, requires_grad=True); y = x * 1; v = y[1:]; z = v * v; y.add_(1); z.sum().backward()",
    "x = m.ones(3, requires_grad=True); v = x[1:]; z = v * v\nwith m.no_grad(): x.add_(1)\nz.sum().backward()",
    # 0-d, division and powers
    "x = m.tensor(2.0, requires_grad=True); y = x * 1; z = y * y; y.add_(1); z.backward()",
    "x = m.ones(3, requires_grad=True); w = m.ones(3); y = x * 1; z = w / y; w.add_(1); z.sum().backward()",
    "x = m.ones(3, requires_grad=True); y = x * 1; z = y / y; y.add_(1); z.sum().backward()",
    "x = m.ones(3, requires_grad=True); y = x * 1; z = y ** 2; y.add_(1); z.sum().backward()",
    "x = m.ones(3, requires_grad=True); y = x * 1; z = 2 ** y; y.add_(1); z.sum().backward()",
    "x = m.ones(3, requires_grad=True); a = x * 1; b = x * 2; z = a * b; a.add_(1); b.sub_(1); z.sum().backward()",
    # a second backward through a retained graph sees the write too
    "x = m.ones(3, requires_grad=True); y = x * 1; z = (y * y).sum(); z.backward(retain_graph=True); y.add_(1); "
    "z.backward()",
    # calling the node directly unpacks its saved tensors too
    "x = m.ones(3, requires_grad=True); y = x * 1; z = y * y; y.add_(1); z.grad_fn(m.ones(3))",
]

# Ops that save nothing the write touched: backward runs and gives torch's gradient.
ALLOWED = [
    "y = x * 1; z = y.exp(); y.add_(1); z.sum().backward()",
    "y = x * 1; z = y * 2; y.add_(1); z.sum().backward()",
    "y = x * 1; z = y / 2; y.add_(1); z.sum().backward()",
    "y = x * 1; z = y + y; y.add_(1); z.sum().backward()",
    "y = x * 1; z = y.sum(); y.add_(1); z.backward()",
    "y = x * 1; z = y[0]; y.add_(1); z.backward()",
    "y = x * 1; z = y.reshape(3, 1); y.add_(1); z.sum().backward()",
    "y = x * 1; z = y * y; z2 = y * 1; y.add_(1); z2.sum().backward()",
]

VERSIONS = [
    "x = m.ones(3); r = x._version; x.add_(1); x[0] = 2; x[1:] = 3; result = (r, x._version, x[1:]._version, "
    "x.detach()._version)",
    "x = m.ones(3); v = x[1:]; v.fill_(2); r = (x._version, v._version); x.zero_(); x.copy_(m.ones(3)); "
    "x -= 1; x /= 2; result = (r, x._version)",
    "x = m.ones(3); y = x.clone(); x.add_(1); result = (x._version, y._version, (x * 1)._version)",
    "x = m.ones(3, requires_grad=True)\nwith m.no_grad(): x.mul_(2)\nresult = x._version",
]


@pytest.mark.parametrize("statements", CASES)
def test_version_errors_match_torch(statements):
    same(run(statements + "\nresult = None"))


@pytest.mark.parametrize("statements", ALLOWED)
def test_writes_that_torch_allows_keep_the_gradient(statements):
    same(run("x = m.arange(3.0, requires_grad=True)\n" + statements + "\nresult = x.grad"))


# The first-hour surface and x.9: each op saves what torch saves (its input, its result or
# neither), so a later write into the input, the other operand or the result is refused or
# allowed exactly as in torch.
SURFACE_OPS = {
    "sqrt": "a.sqrt()", "log": "a.log()", "abs": "a.abs()", "sigmoid": "a.sigmoid()", "tanh": "a.tanh()",
    "relu": "m.relu(a)", "clamp": "a.clamp(0.6, 1.8)", "clamp-tensor": "a.clamp(b)",
    "where": "m.where(a > 1, a, b)", "maximum": "m.maximum(a, b)", "max": "a.max()", "max-dim": "a.max(0)[0]",
    "stack": "m.stack([a, b])", "squeeze": "a.unsqueeze(0).squeeze(0) * 1", "trace": "m.stack([a, b, a]).trace()",
    "mse": "m.nn.functional.mse_loss(a, b)",
    "bce": "m.nn.functional.binary_cross_entropy_with_logits(a, b / 4)",
    "index": "a[[0, 2]]", "mask": "a[a > 1]",
}
SURFACE_GRAPH = ("x = m.tensor([0.5, 1.5, 2.0], requires_grad=True); a = x * 1\n"
                 "w = m.tensor([1.0, 1.0, 3.0], requires_grad=True); b = w * 1\n")


@pytest.mark.parametrize("written", ["a", "b", "out"])
@pytest.mark.parametrize("op", SURFACE_OPS)
def test_surface_ops_save_what_torch_saves(op, written):
    statements = f"out = {SURFACE_OPS[op]}\nwith m.no_grad(): {written}.add_(1)\nout.sum().backward()"
    same(run(SURFACE_GRAPH + statements + "\nresult = (x.grad, w.grad)"))


@pytest.mark.parametrize("statements", VERSIONS)
def test_version_numbers_match_torch(statements):
    same(run(statements))


def test_the_issue_example_no_longer_gives_a_wrong_gradient():
    """``y = x * 1; z = y * y; y.add_(1)``: torch's whole message, with its type, shape and hint."""
    messages = []
    for m in (torch, mytensor):
        x = m.ones(3, requires_grad=True)
        y = x * 1
        z = y * y
        y.add_(1)
        with pytest.raises(RuntimeError) as caught:
            z.sum().backward()
        messages.append(str(caught.value))
    assert "[torch.FloatTensor [3]], which is output 0 of Add, is at version 1; expected version 0" in messages[0]
    assert messages[1] == messages[0].replace("torch", "mytensor")


DETACH_VIEWS = ["x[1:]", "x[...]", "x.view(3)", "x.expand(2, 3)", "x.t()", "(x * 1)[1:]", "x.detach()[1:]"]


@pytest.mark.parametrize("view", DETACH_VIEWS)
@pytest.mark.parametrize("requires_grad", [False, True])
def test_detach_in_place_refuses_a_view_as_torch(view, requires_grad):
    """torch's message goes on about DistributedDataParallel, which mytensor has not: its first two sentences."""
    words = []
    for m in (torch, mytensor):
        x = m.ones(3, requires_grad=requires_grad)
        with pytest.raises(RuntimeError) as caught:
            eval(view, {"x": x}).detach_()
        words.append(str(caught.value))
    assert words[0].startswith(words[1] + " If you are using DistributedDataParallel")
    assert words[1] == "Can't detach views in-place. Use detach() instead."


@pytest.mark.parametrize("made", ["x.detach()", "x.clone()", "x.contiguous()", "x * 1"])
def test_detach_in_place_works_on_a_tensor_that_is_no_view(made):
    same(run(f"x = m.ones(3, requires_grad=True); t = {made}; r = t.detach_(); "
             "result = (r is t, t.requires_grad, t.grad_fn is None, t.is_leaf)"))


def _anomaly_run(m, statements):
    """Run ``statements`` under anomaly detection; the error text and the first line of each warning."""
    with warnings.catch_warnings(record=True) as caught, m.autograd.set_detect_anomaly(True):
        warnings.simplefilter("always")
        try:
            exec(statements, {"m": m})
            error = None
        except RuntimeError as exc:
            error = str(exc)
    return error, [str(w.message).splitlines()[0] for w in caught if w.category is UserWarning]


ANOMALIES = [
    "x = m.ones(3, requires_grad=True); y = x * 1; z = y * y; y.add_(1); z.sum().backward()",
    "x = m.tensor([0.0, 1.0], requires_grad=True); (x / x).sum().backward()",
    "x = m.tensor([0.0, 1.0], requires_grad=True); (x * 0 / x).sum().backward()",
    "x = m.tensor([4.0, 1.0], requires_grad=True); (x / x).sum().backward()",
]


@pytest.mark.parametrize("statements", ANOMALIES)
def test_anomaly_mode_warns_and_hints_as_torch(statements):
    """The hint's advice works: anomaly mode names the failing node, changes the hint and catches nan."""
    error, warned = _anomaly_run(torch, statements)
    assert _anomaly_run(mytensor, statements) == (error and error.replace("torch", "mytensor"), warned)


def test_anomaly_mode_shows_the_forward_call_and_ends_with_the_block():
    with warnings.catch_warnings(record=True) as caught, mytensor.autograd.set_detect_anomaly(True, check_nan=False):
        warnings.simplefilter("always")
        x = mytensor.ones(3, requires_grad=True)
        y = x * 1
        z = y * y  # the line the warning must show
        y.add_(1)
        with pytest.raises(RuntimeError):
            z.sum().backward()
        (x / (x - 1)).sum().backward()  # nan is not checked with check_nan=False
    assert "z = y * y  # the line the warning must show" in str(caught[0].message)
    library = Path(mytensor.__file__).parent.as_posix() + "/"  # the library's own frames are left out
    assert library not in str(caught[0].message).replace("\\", "/").split("forward call")[1]
    assert not mytensor.autograd._Anomaly.enabled


COPIES = [
    "x = m.ones(3, requires_grad=True); w = m.ones(3, requires_grad=True); y = x * 1; y.copy_(w * 2)",
    "x = m.ones(3, requires_grad=True); w = m.ones(1, requires_grad=True); y = x * 1; y.copy_(w)",
    "x = m.ones(3, requires_grad=True); w = m.ones(3); y = x * 1; y.copy_(w)",
    "x = m.ones(3, requires_grad=True); w = m.ones(3, requires_grad=True); y = m.ones(3, dtype=m.float64); "
    "y.copy_(w * x)",
]


@pytest.mark.parametrize("statements", COPIES)
def test_copy_into_a_tensor_in_the_graph_sends_the_gradient_to_the_source(statements):
    """torch's CopyBackwards: the overwritten values get no gradient, the source gets it."""
    same(run(statements + "\nname = type(y.grad_fn).__name__; (y * m.arange(3.0)).sum().backward()\n"
             "result = (name, y._version, x.grad, locals().get('w') is not None and w.grad)"))
