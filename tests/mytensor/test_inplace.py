"""In-place updates (Tasks 5.1, 5.2): same object, shared storage, torch's casts and errors."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mytensor
from parity import run, same
from workbook import strategies
from workbook.checks import difference, run_both

I = "m.arange(6).reshape(2, 3)"
F = "m.arange(6.0).reshape(2, 3)"

CASES = [
    f"x = {I}; x += 1.5; result = x",
    f"x = {I}; x += m.tensor(1.5); result = x",
    f"x = {I}; x += {F}; result = x",
    f"x = {I}; x /= 2; result = x",
    f"x = {I}; result = x.div_(2)",
    f"x = {F}; x += {I}; result = x",
    f"x = {F}; x -= m.tensor([1, 2, 3]); result = x",
    f"x = {F}; x *= m.tensor([[2.0], [3.0]]); result = x",
    f"x = {F}; x /= m.tensor(4.0, dtype=m.float64); result = x",
    f"x = m.zeros(3); x += {F}; result = x",
    f"x = m.zeros(3, 1); x += {F}; result = x",
    f"x = m.zeros(3, 1); result = x.add_({F})",
    f"x = m.zeros(3, 1); result = x.mul_({F})",
    f"x = m.zeros(3, dtype=m.int64); x += m.zeros(2, 3); result = x",
    "x = m.zeros(3, dtype=m.bool); x += 1; result = x",
    "x = m.zeros(3, dtype=m.bool); x += True; result = x",
    "x = m.zeros(3, dtype=m.bool); result = x.sub_(True)",
    "x = m.zeros(3, dtype=m.int16); x += 100000; result = x",
    "x = m.zeros(3, dtype=m.int16); x += m.tensor(5); result = x",
    "x = m.zeros(3, dtype=m.int16); x += m.tensor([5, 5, 5]); result = x",
    "x = m.zeros(3); result = x.expand(2, 3).add_(1)",
    f"x = {F}; result = x.fill_(2.7)",
    f"x = {I}; result = x.fill_(2.7)",
    f"x = {I}; result = x.fill_(m.tensor(2.7))",
    f"x = {I}; result = x.fill_(m.tensor([2.7]))",
    f"x = {I}; result = x.zero_()",
    f"x = {I}; result = x.copy_(m.tensor([2.7, 1.0, 3.3]))",
    f"x = {I}; result = x.copy_(m.tensor([2.7, 1.0]))",
    f"x = {I}; result = x.copy_(m.zeros(3, 2, 3))",
    f"x = {I}; result = x.copy_(m.ones(1, 1, 3))",
    "x = m.zeros(3, dtype=m.bool); result = x.copy_(m.tensor([0.0, 0.5, 2.0]))",
    "x = m.zeros(3, dtype=m.int16); result = x.copy_(m.tensor([100000] * 3))",
    "x = m.zeros(2, requires_grad=True); result = x.add_(1)",
    "x = m.zeros(2, requires_grad=True); result = x.zero_()",
    "x = m.zeros(2, requires_grad=True); result = x.copy_(m.ones(2))",
    "x = m.zeros(2, requires_grad=True)\nwith m.no_grad():\n    x.add_(1)\nresult = x",
    "x = m.zeros(2); result = x.add_(m.ones(2, requires_grad=True))",
    "x = m.zeros(3, requires_grad=True) * 1; x.add_(1); result = x",
    "x = m.zeros(3, requires_grad=True) * 1; x.zero_(); result = x",
    "x = m.zeros(3, requires_grad=True) * 1; x.fill_(2); result = x",
    "x = m.zeros(3, requires_grad=True) * 1; x.mul_(2); result = x",
    "x = m.zeros(3, requires_grad=True) * 1; x /= 2; result = x",
    "x = m.zeros(3, requires_grad=True); result = x[0].add_(1)",
    "x = m.zeros(3, requires_grad=True); result = x.view(3).mul_(2)",
    "x = m.zeros(2, 3, requires_grad=True); result = x.T.zero_()",
    "x = m.zeros(3, requires_grad=True); result = x[1:][0].add_(1)",
    "x = m.zeros(3, requires_grad=True); v = x[1:]; v -= 1; result = v",
    "x = m.zeros(3, requires_grad=True)\nwith m.no_grad():\n    x[0].add_(1)\nresult = x",
    "x = m.zeros(3, requires_grad=True) * 1; x -= 2; result = x",
    "x = m.arange(3.0, requires_grad=True); y = x * 1; y.mul_(x); y.sum().backward(); result = x.grad",
    "x = m.arange(3.0, requires_grad=True); y = x * 2; y += x; y.sum().backward(); result = x.grad",
    "x = m.arange(3.0, requires_grad=True); y = x * 2; y.zero_(); (y + x).sum().backward(); result = x.grad",
]


@pytest.mark.parametrize("statements", CASES)
def test_inplace_matches_torch(statements):
    same(run(statements))


SEED = [
    "X = m.arange(12.0).reshape(3, 4); Y = m.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]]); "
    "before = id(Y); Y = Y + X; result = id(Y) == before",
    "X = m.arange(12.0).reshape(3, 4); Y = m.ones(3, 4); Z = m.zeros_like(Y); before = id(Z); "
    "Z[:] = X + Y; result = (id(Z) == before, Z)",
    "X = m.arange(12.0).reshape(3, 4); Y = m.ones(3, 4); before = id(X); X += Y; result = (id(X) == before, X)",
    "X = m.arange(12.0).reshape(3, 4); row = X[1]; col = X.t()[2]; X *= 2; result = (row, col)",
    "X = m.arange(12.0).reshape(3, 4); v = X[:, 1:3]; v += 100; result = X",
    "X = m.arange(12.0).reshape(3, 4); v = X.t(); v.copy_(m.arange(4.0).reshape(4, 1)); result = X",
]


def test_inplace_on_a_view_of_a_computed_tensor_is_refused_not_wrong():
    """torch rewrites the base's history to CopySlices here; mytensor refuses rather than
    give wrong gradients, and says how to write it instead."""
    x = mytensor.zeros(3, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="base\\[index\\] = value"):
        x[0].mul_(3)


def test_writing_a_value_computed_from_the_target_keeps_its_gradient():
    """The graph keeps the node each input had when an op ran, so x's old history survives."""
    def rescale_first(m):
        a = m.ones(3, requires_grad=True)
        x = a * 2
        x[0] = x[0] * 3
        x.sum().backward()
        return x, a.grad

    assert difference(*run_both(rescale_first)) is None


@pytest.mark.parametrize("statements", SEED)
def test_seed_memory_examples(statements):
    same(run(statements))


@pytest.mark.parametrize("op", ["add_", "sub_", "mul_", "div_", "__iadd__", "__isub__", "__imul__", "__itruediv__"])
def test_inplace_returns_the_same_object(op):
    x = mytensor.ones(2, 3)
    assert getattr(x, op)(mytensor.ones(3)) is x
    assert x.fill_(1) is x and x.zero_() is x and x.copy_(mytensor.ones(3)) is x


@settings(max_examples=60, deadline=None)
@given(strategies.views(dtypes=("float32", "float64", "int64", "int16", "bool")), st.data())
def test_inplace_through_drawn_views(case, data):
    """Writes through a drawn view land in the view and in the tensor it views."""
    description, build = case
    op = data.draw(st.sampled_from(["add_", "sub_", "mul_", "div_", "fill_", "copy_"]))
    other = data.draw(st.sampled_from([2, 1.5, True]))

    def update(m):
        t = build(m)
        getattr(t, op)(other) if op != "copy_" else t.copy_(m.tensor(other))
        return t

    same(update)
