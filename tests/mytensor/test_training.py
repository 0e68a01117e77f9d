"""x.9's library against torch: relu, mse_loss, binary_cross_entropy_with_logits and SGD.

Each case runs the same code with torch and with the reference mytensor and
compares values, dtypes, grad_fn names, local gradients and errors word for
word; the training pictures are checked for what they draw.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from parity import DTYPES, FLOATS, SETTINGS, broadcast_pair, layouts, make, same, seeds, shapes, values
from workbook.checks import local_grads

REDUCTIONS = ["mean", "sum", "none"]


def _loss(m, name):
    return getattr(m.nn.functional, name)


# --- relu -----------------------------------------------------------------------


@SETTINGS
@given(dtype=st.sampled_from(DTYPES), shape=shapes, layout=layouts, seed=seeds)
def test_relu_matches_torch(dtype, shape, layout, seed):
    a = values(shape, dtype, seed)
    same(lambda m: m.relu(make(m, a, layout=layout)))
    same(lambda m: make(m, a, layout=layout).relu())
    same(lambda m: m.nn.functional.relu(make(m, a, layout=layout)))


@SETTINGS
@given(dtype=st.sampled_from(FLOATS), shape=shapes, seed=seeds)
def test_relu_gradient_matches_torch(dtype, shape, seed):
    a, g = values(shape, dtype, seed), values(shape, dtype, seed + 1)

    def run(m):
        y = m.relu(make(m, a, requires_grad=True))
        return y, local_grads(m, y, make(m, g))

    same(run)


def test_relu_keeps_nan_and_gives_zero_gradient_at_zero():
    def run(m):
        x = m.tensor([float("nan"), -0.0, 0.0, -1.0, 2.0], requires_grad=True)
        y = x.relu()
        y.sum().backward()
        return y, x.grad

    same(run)


def test_relu_refuses_bool_like_torch():
    same(lambda m: m.relu(m.tensor([True, False])))


# --- losses ----------------------------------------------------------------------


@SETTINGS
@given(name=st.sampled_from(["mse_loss", "binary_cross_entropy_with_logits"]), reduction=st.sampled_from(REDUCTIONS),
       dtype=st.sampled_from(FLOATS), shape=shapes, seed=seeds)
def test_losses_and_their_gradients_match_torch(name, reduction, dtype, shape, seed):
    a = values(shape, dtype, seed)
    t = (values(shape, "bool", seed + 1) if name.startswith("binary") else values(shape, dtype, seed + 1)).astype(dtype)

    def run(m):
        loss = _loss(m, name)(make(m, a, requires_grad=True), make(m, t, requires_grad=True), reduction=reduction)
        return loss, local_grads(m, loss, m.ones(loss.shape, dtype=loss.dtype) * 0.5)

    same(run)


@SETTINGS
@given(shapes=broadcast_pair(), seed=seeds)
def test_mse_loss_broadcasts_with_torchs_warning(shapes, seed):
    a, t = values(shapes[0], "float32", seed), values(shapes[1], "float32", seed + 1)

    def run(m):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            loss = m.nn.functional.mse_loss(make(m, a, requires_grad=True), make(m, t))
            said = [str(w.message).replace("torch", "mytensor") for w in caught]
        return loss, local_grads(m, loss), said

    same(run)


@pytest.mark.parametrize("case", [
    "F.mse_loss(m.tensor([1.0, 2.0]), m.tensor([0.0, 1.0]), reduction='avg')",
    "F.mse_loss(m.tensor([1, 2]), m.tensor([1, 3]))",
    "F.mse_loss(m.tensor([1, 2], dtype=m.int32), m.tensor([1, 3], dtype=m.int32))",
    "F.mse_loss(m.tensor([True]), m.tensor([False]))",
    "F.mse_loss(m.tensor([1.0, 2.0]), m.tensor([1, 3]))",
    "F.mse_loss(m.tensor([1.0]), m.tensor([2.0], dtype=m.float64))",
    "F.mse_loss(m.ones(3), m.ones(2))",
    "F.mse_loss(m.ones(0), m.ones(0))",
    "F.binary_cross_entropy_with_logits(m.ones(3), m.ones(2))",
    "F.binary_cross_entropy_with_logits(m.ones(2), m.ones(2), reduction='x')",
    "F.binary_cross_entropy_with_logits(m.tensor([1, 2]), m.tensor([1, 0]))",
    "F.binary_cross_entropy_with_logits(m.tensor([1.0]), m.tensor([1.0], dtype=m.float64))",
    "F.binary_cross_entropy_with_logits(m.tensor([-200.0, 200.0, 0.0]), m.tensor([1.0, 0.0, 1.0]))",
])
def test_loss_edge_cases_match_torch(case):
    def run(m):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return eval(case, {"m": m, "F": m.nn.functional})

    same(run)


# --- SGD -------------------------------------------------------------------------


def _sgd_run(m, set_to_none, lr):
    w = m.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
    spare = m.tensor([1.0], requires_grad=True)
    alias = w.detach()
    optimizer = m.optim.SGD([w, spare], lr=lr)
    results = []
    for _ in range(3):
        (w * w * w).sum().backward()
        results.append(optimizer.step())
        optimizer.zero_grad(set_to_none=set_to_none)
        results += [w.detach().clone(), w.grad, w.is_leaf, w.grad_fn is None, spare.grad]
    return results + [alias, spare]


@pytest.mark.parametrize("set_to_none", [True, False])
@pytest.mark.parametrize("lr", [0.0, 0.01, 0.1])
def test_sgd_steps_and_clears_like_torch(set_to_none, lr):
    same(lambda m: _sgd_run(m, set_to_none, lr))


@pytest.mark.parametrize("case", [
    "m.optim.SGD([m.ones(1, requires_grad=True)], lr=-1)",
    "m.optim.SGD([], lr=0.1)",
    "m.optim.SGD(m.ones(2, requires_grad=True), lr=0.1)",
    "m.optim.SGD(m.ones(2, dtype=m.float64, requires_grad=True), lr=0.1)",
    "m.optim.SGD([m.ones(1, requires_grad=True)]).step()",
])
def test_sgd_errors_match_torch(case):
    same(lambda m: eval(case, {"m": m}))


def test_sgd_default_learning_rate_is_torchs():
    def run(m):
        w = m.ones(2, requires_grad=True)
        optimizer = m.optim.SGD([w])
        (w * 5).sum().backward()
        optimizer.step()
        return w

    same(run)


def test_sgd_step_is_not_recorded_even_with_grad_mode_on():
    """The update runs under no_grad by itself: the parameter stays a leaf with no grad_fn."""
    import mytensor

    w = mytensor.ones(2, requires_grad=True)
    (w * 2).sum().backward()
    mytensor.optim.SGD([w], lr=0.5).step()
    assert w.is_leaf and w.grad_fn is None and mytensor.is_grad_enabled()
    assert w.tolist() == [0.0, 0.0]


# --- the pictures --------------------------------------------------------------------


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_loss_curves_draw_both_sides():
    from workbook import plots

    fig = plots.loss_curves([3.0, 2.0, 1.0], lambda: [3.0, 2.0, 1.0])
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["torch", "mytensor"]
    assert np.array_equal(lines[0].get_ydata(), lines[1].get_ydata())
    assert not _texts(fig)


def test_loss_curves_say_which_task_is_not_started():
    from workbook import plots

    def stub():
        raise NotImplementedError("Task 9.1: the squared error, reduced (replace this raise in "
                                  "mytensor/functional.py: _mse_loss; see notebooks/x9_training.ipynb)")

    fig = plots.loss_curves([3.0, 2.0], stub)
    assert [line.get_label() for line in fig.axes[0].get_lines()] == ["torch"]
    assert any("Task 9.1 is not started yet" in text and "_mse_loss" in text for text in _texts(fig))


def test_decision_boundary_colours_the_plane_by_the_score():
    from workbook import plots

    X = np.array([[-1.0, 0.0], [1.0, 0.0]], np.float32)
    fig = plots.decision_boundary(lambda: lambda grid: grid[:, 0], X, np.array([0, 1]))
    ax = fig.axes[0]
    assert ax.collections, "the regions and the points are drawn"
    assert not _texts(fig)
    broken = plots.decision_boundary(lambda: 1 / 0, X, np.array([0, 1]))
    assert any("ZeroDivisionError" in text for text in _texts(broken))


def test_the_examples_in_the_plots_docstrings_run():
    import doctest

    from workbook import plots

    results = doctest.testmod(plots, optionflags=doctest.ELLIPSIS)
    assert results.attempted and not results.failed


# --- x.9's checks catch plausible wrong answers ------------------------------------------

WRONG_ANSWERS = {
    # a gradient that forgets the 1/n of the mean
    "9.1": ("functional.py", "grad = 2 * g * (x - y) / _reduced_count(x, reduction)", "grad = 2 * g * (x - y)"),
    # an update that rebinds the name instead of changing the parameter
    "9.2": ("optim.py", "p -= self.lr * p.grad", "p = p - self.lr * p.grad"),
    # a derivative that multiplies by the mask, so nan's gradient becomes 0
    "9.3": ("functional.py", "return np.where(result <= 0, 0, g)", "return g * (result > 0)"),
}


@pytest.mark.parametrize("task", sorted(WRONG_ANSWERS))
def test_x9_checks_fail_a_plausible_wrong_answer(task, tmp_path):
    import shutil

    from workbook import check as task_check
    from workbook_fixtures import REPO

    file, right, wrong = WRONG_ANSWERS[task]
    package = tmp_path / "mytensor"
    shutil.copytree(REPO / "solutions" / "mytensor", package, ignore=shutil.ignore_patterns("__pycache__"))
    source = (package / file).read_text()
    assert source.count(right) == 1, f"the reference changed: {right!r} is not in {file} once"
    (package / file).write_text(source.replace(right, wrong))
    results = task_check.run_graded_cells([REPO / "solutions" / "x9_training.ipynb"], tmp_path)
    status = {r.task: r.status for r in results}
    assert status[task] == "failed", status
    # Earlier tasks still pass; later ones train with this piece, so they may fail too.
    assert all(status[t] == "passed" for t in status if t < task), status
