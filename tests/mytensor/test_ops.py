"""Elementwise ops (Task 3.2) against torch: values, dtypes, broadcasting, errors, grad_fn names."""

import operator

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mytensor
from mytensor import broadcasting
from parity import DTYPES, SETTINGS, broadcast_pair, layouts, make, same, seeds, values

BINARY = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "div": operator.truediv,
    "pow": operator.pow,
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}
SCALARS = [True, False, 3, -2, 0, 2.5, -0.5]


@SETTINGS
@given(
    op=st.sampled_from(sorted(BINARY)),
    dtypes=st.tuples(st.sampled_from(DTYPES), st.sampled_from(DTYPES)),
    shapes=broadcast_pair(),
    layout=layouts,
    seed=seeds,
)
def test_binary_ops_match_torch(op, dtypes, shapes, layout, seed):
    a = values(shapes[0], dtypes[0], seed)
    b = values(shapes[1], dtypes[1], seed + 1)
    same(lambda m: BINARY[op](make(m, a, layout=layout), make(m, b)))


@SETTINGS
@given(
    op=st.sampled_from(sorted(BINARY)),
    dtype=st.sampled_from(DTYPES),
    shape=broadcast_pair().map(lambda pair: pair[0]),
    scalar=st.sampled_from(SCALARS),
    seed=seeds,
)
def test_python_scalars_on_either_side(op, dtype, shape, scalar, seed):
    a = values(shape, dtype, seed)
    same(lambda m: BINARY[op](make(m, a), scalar))
    same(lambda m: BINARY[op](scalar, make(m, a)))


@pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "pow", "eq", "ne", "lt", "le", "gt", "ge"])
def test_function_forms(name):
    a = values((2, 3), "float32", 0)
    same(lambda m: getattr(m, name)(make(m, a), make(m, a[::-1].copy())))
    same(lambda m: getattr(make(m, a), name)(2))


@SETTINGS
@given(dtype=st.sampled_from(DTYPES), shape=broadcast_pair().map(lambda p: p[0]), layout=layouts, seed=seeds)
def test_unary_ops_match_torch(dtype, shape, layout, seed):
    a = values(shape, dtype, seed)
    same(lambda m: make(m, a, layout=layout).exp())
    same(lambda m: m.exp(make(m, a, layout=layout)))
    same(lambda m: -make(m, a, layout=layout))
    same(lambda m: m.neg(make(m, a)))


def test_exp_of_integers_is_float32_and_large_values_overflow_quietly():
    same(lambda m: m.tensor([0, 1, 2]).exp())
    same(lambda m: m.tensor([1000.0, -1000.0]).exp())


ERRORS = {
    "broadcast": lambda m: m.ones(2, 3) + m.ones(4),
    "broadcast 0-d ok": lambda m: m.ones(2, 3) + m.tensor(2.0),
    "broadcast compare": lambda m: m.ones(2) < m.ones(3),
    "bool - bool": lambda m: m.tensor([True]) - m.tensor([False]),
    "bool - int": lambda m: m.tensor([True]) - 1,
    "int - bool tensor": lambda m: 1 - m.tensor([True]),
    "bool - True": lambda m: m.tensor([True]) - True,
    "True - bool": lambda m: True - m.tensor([True]),
    "bool - float tensor": lambda m: m.tensor([True]) - m.tensor([1.0]),
    "float tensor - bool": lambda m: m.tensor([1.0]) - m.tensor([True]),
    "-bool": lambda m: -m.tensor([True]),
    "int ** -1": lambda m: m.tensor([2]) ** -1,
    "bool ** -1": lambda m: m.tensor([True]) ** -1,
    "int ** tensor -1": lambda m: m.tensor([2, 1, -1, 0, -2]) ** m.tensor([-1, -1, -1, -1, -3]),
    "2 ** negative int tensor": lambda m: 2 ** m.tensor([-2, 2]),
    "int ** 0.5": lambda m: m.tensor([2]) ** 0.5,
    "int / 0": lambda m: m.tensor([2, 0, -1]) / 0,
    "int16 + big int": lambda m: m.tensor([1], dtype=m.int16) + 70000,
    "+ str": lambda m: m.ones(2) + "a",
    "+ list": lambda m: m.ones(2) + [1, 2],
    "- None": lambda m: m.ones(2) - None,
    "str * ": lambda m: "a" * m.ones(2),
    "/ list": lambda m: [1.0] / m.ones(1),
    "** str": lambda m: m.ones(2) ** "a",
    "== str": lambda m: m.ones(2) == "a",
    "!= None": lambda m: m.ones(2) != None,  # noqa: E711
    "< str": lambda m: m.ones(2) < "a",
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_and_edge_cases_match_torch(name):
    same(ERRORS[name])


def _leaf(m, shape=(3,)):
    return make(m, np.arange(1, 1 + np.prod(shape, dtype=int), dtype=np.float32).reshape(shape), True)


GRAD_FNS = {
    "y + 1": lambda m, y, t: y + 1,
    "1 + y": lambda m, y, t: 1 + y,
    "y + t": lambda m, y, t: y + t,
    "y - 1": lambda m, y, t: y - 1,
    "1 - y": lambda m, y, t: 1 - y,
    "y - t": lambda m, y, t: y - t,
    "y * 2": lambda m, y, t: y * 2,
    "2 * y": lambda m, y, t: 2 * y,
    "y * t": lambda m, y, t: y * t,
    "y / 2": lambda m, y, t: y / 2,
    "2 / y": lambda m, y, t: 2 / y,
    "y / t": lambda m, y, t: y / t,
    "y ** 2": lambda m, y, t: y**2,
    "y ** 0.5": lambda m, y, t: y**0.5,
    "2 ** y": lambda m, y, t: 2**y,
    "y ** t": lambda m, y, t: y**t,
    "-y": lambda m, y, t: -y,
    "y.exp()": lambda m, y, t: y.exp(),
    "y + 0-d": lambda m, y, t: y + m.tensor(1.0),
    "0-d - y": lambda m, y, t: m.tensor(1.0) - y,
    "0-d / y": lambda m, y, t: m.tensor(2.0) / y,
    "0-d ** y": lambda m, y, t: m.tensor(2.0) ** y,
    "int ** y": lambda m, y, t: m.tensor([2, 3, 4]) ** y,
    "y + True": lambda m, y, t: y + True,
    "y.add(2)": lambda m, y, t: y.add(2),
    "m.sub(y, t)": lambda m, y, t: m.sub(y, t),
    "y.pow(2)": lambda m, y, t: y.pow(2),
    "y * ones": lambda m, y, t: y * m.ones(3),
    "y * broadcast": lambda m, y, t: y * m.ones(2, 3),
    "y == t": lambda m, y, t: y == t,
    "y < 2": lambda m, y, t: y < 2,
}


@pytest.mark.parametrize("name", sorted(GRAD_FNS))
def test_grad_fn_names_match_torch(name):
    same(lambda m: GRAD_FNS[name](m, _leaf(m), _leaf(m)))


def test_no_grad_fn_without_a_leaf_that_requires_grad():
    same(lambda m: m.ones(3) * m.ones(3) + 1)
    same(lambda m: m.ones(3).requires_grad_().detach() * 2)


class _Spy:
    """Stands in for broadcasting functions: counts calls, optionally refuses them."""

    def __init__(self, real, refuse):
        self.real, self.refuse, self.calls = real, refuse, 0

    def __call__(self, *args):
        self.calls += 1
        if self.refuse:
            raise NotImplementedError("Task 4.x is a stub")
        return self.real(*args)


@pytest.mark.parametrize("refuse", [True, False])
def test_equal_shapes_and_scalars_do_not_broadcast(monkeypatch, refuse):
    """Monotone progress: section 3 must work while the broadcasting tasks are stubs."""
    shapes = _Spy(broadcasting.broadcast_pair, refuse)
    expand = _Spy(broadcasting.expand, refuse)
    monkeypatch.setattr(broadcasting, "broadcast_pair", shapes)
    monkeypatch.setattr(broadcasting, "expand", expand)
    x = mytensor.ones(2, 3)
    for op in BINARY.values():
        op(x, x), op(x, 2), op(2.5, x)
    assert shapes.calls == expand.calls == 0


def test_different_shapes_go_through_the_students_broadcasting(monkeypatch):
    shapes = _Spy(broadcasting.broadcast_pair, False)
    expand = _Spy(broadcasting.expand, False)
    monkeypatch.setattr(broadcasting, "broadcast_pair", shapes)
    monkeypatch.setattr(broadcasting, "expand", expand)
    mytensor.ones(2, 3) + mytensor.ones(3)
    assert shapes.calls == 1 and expand.calls == 2
