"""numpy() and from_numpy() share memory (Tasks 6.1, 6.2); item and scalar conversion (6.3)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mytensor
from parity import run, same, same_expr
from workbook import strategies

X = "m.arange(12.0).reshape(3, 4)"

CASES = [
    f"{X}.numpy()",
    f"{X}.t().numpy().strides",
    f"{X}[:, ::2].numpy().strides",
    "m.zeros(3).expand(2, 3).numpy().strides",
    "m.zeros(2, requires_grad=True).numpy()",
    "m.zeros(2, requires_grad=True).detach().numpy()",
    "m.from_numpy(np.arange(4)[::-1])",
    "m.from_numpy(np.float32(2.5))",
    "m.from_numpy([1, 2])",
    "m.from_numpy(np.arange(12).reshape(3, 4)[:, ::2])",
    "m.from_numpy(np.arange(12).reshape(3, 4)[1:, 1:]).storage_offset()",
    "m.from_numpy(np.arange(12).reshape(3, 4).T).is_contiguous()",
    "m.from_numpy(np.broadcast_to(np.arange(3), (2, 3))).stride()",
    "m.from_numpy(np.array(5.0))",
    "m.from_numpy(np.zeros((0, 3))).stride()",
    "m.from_numpy(np.zeros(4, dtype='>f4'))",
    "m.from_numpy(np.arange(6, dtype=np.int16).reshape(2, 3))",
    "m.from_numpy(np.array([True, False]))",
    "m.zeros(2).item()",
    "m.zeros(0).item()",
    "m.tensor([3.5]).item()",
    "m.tensor(True).item()",
    "m.tensor(3, dtype=m.int16).item()",
    "m.tensor([[7]]).item()",
    "m.zeros(2, requires_grad=True).item()",
    "m.tensor([2.5], requires_grad=True).item()",
    "float(m.zeros(2))",
    "int(m.zeros(2))",
    "bool(m.zeros(2))",
    "bool(m.zeros(0))",
    "bool(m.tensor([0.0]))",
    "float(m.tensor([[3]]))",
    "int(m.tensor([3.9]))",
    "int(m.tensor([-3.9]))",
    "m.zeros(2).__index__()",
    "m.tensor([2.0]).__index__()",
    "m.tensor([2]).__index__()",
    "[10, 20, 30][m.tensor(2)]",
    f"{X}.tolist()",
    f"{X}.t()[1:].tolist()",
    "m.tensor(2.5).tolist()",
    "m.zeros(2, requires_grad=True).tolist()",
    "m.tensor([True, False]).tolist()",
    "m.arange(3).to(m.float32)",
    "m.arange(3).to(m.float64)",
    "m.tensor([1.5, -1.5, 0.0]).long()",
    "m.tensor([1.5, -1.5, 0.0]).int()",
    "m.tensor([1.5, -1.5, 0.0]).bool()",
    "m.tensor([1, 0]).float()",
    "m.tensor([1, 0]).double()",
    "m.tensor([1.5, -1.5], requires_grad=True).double()",
    "m.tensor([1.5], requires_grad=True).long()",
    "m.tensor([1.5], requires_grad=True).float()",
    f"{X}.t().float()",
    "np.asarray(m.arange(3))",
    "np.asarray(m.arange(3), dtype=np.float32)",
    f"np.asarray({X}.t())",
    "np.asarray(m.zeros(3, requires_grad=True))",
]


@pytest.mark.parametrize("expr", CASES)
def test_interop_matches_torch(expr):
    same_expr(expr)


SHARING = [
    "A = np.arange(6.0).reshape(2, 3); B = m.from_numpy(A); A[0, 1] = 100; result = B",
    "A = np.arange(6.0).reshape(2, 3); B = m.from_numpy(A); B[1, 2] = -1; result = A",
    "A = np.arange(12).reshape(3, 4)[1:, ::2]; B = m.from_numpy(A); B += 1; result = (A, B)",
    "X = m.arange(12.0).reshape(3, 4); A = X.numpy(); A[2, 3] = -7; result = X",
    "X = m.arange(12.0).reshape(3, 4); A = X.t()[1:].numpy(); A[0, 0] = -7; result = X",
    "X = m.arange(12.0).reshape(3, 4); A = np.asarray(X); A[0, 0] = 5; result = X",
    "x = m.arange(3); result = x.to(m.int64) is x",
    "x = m.arange(3.0); y = x.float(); y[0] = 9; result = x",
    "x = m.arange(3.0); y = x.double(); y[0] = 9; result = x",
]


@pytest.mark.parametrize("statements", SHARING)
def test_memory_is_shared_like_torch(statements):
    same(run(statements))


def test_seed_conversion_example():
    same(run("X = m.arange(12.0).reshape(3, 4); A = X.numpy(); B = m.from_numpy(A); result = (type(A).__name__, B)"))
    same(run("a = m.tensor([3.5]); result = (a, a.item(), float(a), int(a))"))


@settings(max_examples=60, deadline=None)
@given(strategies.tensors())
def test_numpy_and_tolist_of_drawn_tensors(case):
    description, build = case
    same(lambda m: build(m).numpy())
    same(lambda m: build(m).tolist())
    same(lambda m: m.from_numpy(build(m).numpy()))


@settings(max_examples=40, deadline=None)
@given(strategies.tensors(max_dims=1).filter(lambda c: c[1](mytensor).numel() <= 2), st.sampled_from(["item", "__float__", "__int__", "__bool__"]))
def test_scalar_conversion_of_drawn_tensors(case, method):
    description, build = case
    same(lambda m: getattr(build(m), method)())


@settings(max_examples=40, deadline=None)
@given(strategies.arrays(), st.sampled_from([None, (slice(None, None, 2),), "T"]))
def test_from_numpy_layout_of_drawn_arrays(drawn, how):
    shape, name, array = drawn
    view = array.T if how == "T" else array[how] if how and array.ndim else array
    same(lambda m: m.from_numpy(view))
    same(lambda m: m.from_numpy(view).stride())
    same(lambda m: m.from_numpy(view).storage_offset())


@pytest.mark.parametrize("name", ["float32", "float64", "int64", "int32", "int16", "bool"])
def test_numpy_round_trip_shares_memory(name):
    array = np.zeros((2, 3), dtype=np.dtype(name if name != "bool" else "bool"))
    t = mytensor.from_numpy(array)
    assert np.shares_memory(t.numpy(), array)
    assert t.dtype is getattr(mytensor, name)
