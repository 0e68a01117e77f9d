"""broadcast_shapes (Task 4.1), expand/expand_as (Task 4.2) and the binary-op message against torch."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mytensor import broadcasting
from parity import run, same, same_expr
from workbook import strategies

A = "m.arange(3.0).reshape(3, 1)"

CASES = [
    "m.broadcast_shapes((2, 3), (3, 2))",
    "m.broadcast_shapes((3,), (2,))",
    "m.broadcast_shapes((5, 3), (1,), (2, 5, 1))",
    "m.broadcast_shapes()",
    "m.broadcast_shapes(3, (2, 3))",
    "m.broadcast_shapes((0,), (1,))",
    "m.broadcast_shapes((0,), (2,))",
    "m.broadcast_shapes((2, 3), (4, 3), (5, 1, 1, 1))",
    "m.broadcast_shapes([2, 3], m.Size([3]))",
    "m.broadcast_shapes((1, -1), (3, 1))",
    "m.broadcast_shapes((2, 3), 2.5)",
    f"{A}.expand(3, 4)",
    f"{A}.expand(2, 3, 4)",
    f"{A}.expand(-1, 4)",
    f"{A}.expand((2, 3, 4))",
    f"{A}.expand([2, -1, 4])",
    f"{A}.expand(4, 4)",
    f"{A}.expand(4)",
    f"{A}.expand(-1, 3, 4)",
    f"{A}.expand(3, 0)",
    f"{A}.expand_as(m.zeros(2, 3, 5))",
    f"{A}[1:].expand(2, 2, 6)",
    f"{A}.t().expand(2, 3)",
    "m.zeros(0, 1).expand(0, 3)",
    "m.zeros(0, 1).expand(2, 3)",
    "m.tensor(5.0).expand(2, 3)",
    "m.tensor(5.0).expand(-1)",
    "m.tensor(5.0).expand(-1, -1)",
    f"{A}.expand(3, -2)",
    f"{A}.expand(-1, 4, 4)",
    "m.arange(3, dtype=m.int16).expand(2, 2)",
    "m.arange(3.0, requires_grad=True).expand(2, 3)",
    "m.arange(3.0, requires_grad=True).expand(3)",
    "m.arange(3.0, requires_grad=True).reshape(3, 1).expand_as(m.zeros(2, 3, 4))",
]


@pytest.mark.parametrize("expr", CASES)
def test_broadcasting_matches_torch(expr):
    same_expr(expr)


@pytest.mark.parametrize(
    "statements",
    [
        f"a = {A}; e = a.expand(3, 4); a[1, 0] = 7; result = e",
        "x = m.arange(3.0, requires_grad=True); (x.expand(2, 3) * m.arange(6.0).reshape(2, 3)).sum().backward(); result = x.grad",
    ],
)
def test_expand_shares_and_differentiates(statements):
    same(run(statements))


@settings(max_examples=100, deadline=None)
@given(st.lists(strategies.shapes(max_dims=4, max_side=3), min_size=1, max_size=3))
def test_broadcast_shapes_of_drawn_shapes(shapes):
    same(lambda m: m.broadcast_shapes(*shapes))


@settings(max_examples=100, deadline=None)
@given(strategies.shapes(max_dims=4, max_side=3), strategies.shapes(max_dims=4, max_side=3))
def test_broadcast_pair_gives_the_binary_op_message(a, b):
    """broadcast_pair's shape or message equals torch's for ``zeros(a) + zeros(b)``."""
    import torch

    try:
        want = tuple((torch.zeros(a) + torch.zeros(b)).shape)
    except RuntimeError as error:
        with pytest.raises(RuntimeError) as raised:
            broadcasting.broadcast_pair(a, b)
        assert str(raised.value) == str(error)
    else:
        assert broadcasting.broadcast_pair(a, b) == want


@settings(max_examples=80, deadline=None)
@given(strategies.tensors(max_dims=3), st.data())
def test_expand_of_drawn_tensors(case, data):
    description, build = case
    import mytensor

    shape = build(mytensor).shape
    grown = [data.draw(st.sampled_from([n, -1, 1, 2] if n == 1 else [n, -1, 2])) for n in shape]
    # A leading -1 is an error (covered in CASES); on a 0-d tensor beside a 0, torch
    # even builds a tensor of negative size, which no check can read.
    sizes = data.draw(st.lists(st.integers(0, 3), max_size=2)) + grown
    same(lambda m: build(m).expand(*sizes))
