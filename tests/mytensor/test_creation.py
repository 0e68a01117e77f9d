"""Creation functions against torch: tensor, arange, zeros/ones/full, *_like, randn."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mytensor
from parity import same, same_expr
from workbook import strategies

CASES = [
    "m.tensor([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])",
    "m.tensor([1.0, 2, 4, 8])",
    "m.tensor([True, 1])",
    "m.tensor([True, 1.5])",
    "m.tensor([True, False])",
    "m.tensor(3)",
    "m.tensor(3.5)",
    "m.tensor(True)",
    "m.tensor([])",
    "m.tensor([[], []])",
    "m.tensor([[], [1]])",
    "m.tensor(((1, 2), [3, 4]))",
    "m.tensor([[1, 2], [3]])",
    "m.tensor([[1], []])",
    "m.tensor([[[1, 2]], [[3]]])",
    "m.tensor([[1, 2], 3])",
    "m.tensor([1, [2, 3]])",
    "m.tensor([1.0, [2, 3]])",
    "m.tensor([1, 'a'])",
    "m.tensor(None)",
    "m.tensor([1.5, -2.7], dtype=m.int64)",
    "m.tensor([1, 2], dtype=m.float64)",
    "m.tensor([0.5, 0], dtype=m.bool)",
    "m.tensor([1.0, 2.0], requires_grad=True)",
    "m.tensor([1, 2], requires_grad=True)",
    "m.tensor([np.float64(1.0), 2.0])",
    "m.tensor([np.int32(1), np.int16(2)])",
    "m.tensor(np.arange(6.0).reshape(2, 3))",
    "m.tensor(np.arange(6, dtype=np.int32))",
    "m.tensor(np.arange(6, dtype=np.int32), dtype=m.float32)",
    "m.tensor(np.arange(12).reshape(3, 4).T)",
    "m.tensor(m.arange(3))",
    "m.tensor([m.tensor(1), m.tensor(2.5)])",
    "m.arange(12)",
    "m.arange(12, dtype=m.float32)",
    "m.arange(5, 5)",
    "m.arange(0.0, 1.0, 0.3)",
    "m.arange(1, 2.5, 0.5)",
    "m.arange(10, 0, -3)",
    "m.arange(0, 10, 3, dtype=m.float32)",
    "m.arange(0.5, 3, dtype=m.int64)",
    "m.arange(0, 5, 0)",
    "m.arange(5, 0, 1)",
    "m.arange(0, 5, -1)",
    "m.arange(-3)",
    "m.arange(float('inf'))",
    "m.arange(5, dtype=m.bool)",
    "m.arange(4.0, requires_grad=True)",
    "m.arange(4, requires_grad=True)",
    "m.zeros(2, 3)",
    "m.zeros((2, 3))",
    "m.zeros([2, 3], dtype=m.int16)",
    "m.zeros(())",
    "m.zeros(0, 3)",
    "m.zeros()",
    "m.zeros(-1)",
    "m.ones(2, -3)",
    "m.ones((2, 3, 4))",
    "m.ones(3, dtype=m.bool)",
    "m.ones(2, requires_grad=True)",
    "m.full((2,), 3)",
    "m.full((2,), 3.0)",
    "m.full((2,), True)",
    "m.full([2, 2], 2.7, dtype=m.int64)",
    "m.full(2, 3)",
    "m.full((2, -3), 1)",
    "m.zeros_like(m.arange(6).reshape(2, 3))",
    "m.zeros_like(m.arange(6).reshape(2, 3).t()).stride()",
    "m.zeros_like(m.arange(12).reshape(3, 4)[:, ::2].t()).stride()",
    "m.ones_like(m.arange(6), dtype=m.float32)",
    "m.ones_like(m.zeros(2, 0))",
    "m.randn(2, 3).shape",
    "m.randn((2, 3)).dtype",
    "m.randn(2, dtype=m.float64).dtype",
    "m.randn(2, dtype=m.int64)",
    "m.randn(3, requires_grad=True).requires_grad",
]


@pytest.mark.parametrize("expr", CASES)
def test_creation_matches_torch(expr):
    same_expr(expr)


@settings(max_examples=40, deadline=None)
@given(strategies.arrays())
def test_tensor_from_nested_lists_and_arrays(drawn):
    shape, name, array = drawn
    same(lambda m: m.tensor(array.tolist()))
    same(lambda m: m.tensor(array))


@settings(max_examples=40, deadline=None)
@given(
    st.one_of(st.integers(-20, 20), st.floats(-20, 20).map(lambda x: round(x, 2))),
    st.one_of(st.integers(-20, 20), st.floats(-20, 20).map(lambda x: round(x, 2))),
    st.one_of(st.integers(-5, 5), st.floats(-5, 5).map(lambda x: round(x, 2))),
)
def test_arange_length_dtype_and_errors(start, end, step):
    same(lambda m: m.arange(start, end, step))


@settings(max_examples=30, deadline=None)
@given(strategies.shapes(), strategies.dtype_names())
def test_filled_shapes(shape, name):
    same(lambda m: m.zeros(shape, dtype=getattr(m, name)))
    same(lambda m: m.ones(*shape, dtype=getattr(m, name)))
    same(lambda m: m.full(shape, 7, dtype=getattr(m, name)))


def test_tensor_copies_its_input():
    array = np.arange(3.0)
    t = mytensor.tensor(array)
    array[0] = 9
    source = mytensor.arange(3)
    copy = mytensor.tensor(source)
    source[0] = 9
    assert t.tolist() == [0.0, 1.0, 2.0] and copy.tolist() == [0, 1, 2]


def test_randn_is_reproducible_and_standard_normal():
    mytensor.manual_seed(3)
    first = mytensor.randn(20000).numpy()
    mytensor.manual_seed(3)
    assert np.array_equal(first, mytensor.randn(20000).numpy())
    assert abs(first.mean()) < 0.05 and abs(first.std() - 1) < 0.05
