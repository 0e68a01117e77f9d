"""Advanced indexing (integer tensors and lists, boolean masks, bools) and writes through it, against torch."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parity import run, same, same_expr

X = "m.arange(12.0).reshape(3, 4)"
Y = "m.arange(24.0).reshape(2, 3, 4)"

GETITEM = [
    # integer lists and tensors, negative indices, with basic items around them
    f"{X}[[0, 2]]", f"{X}[[-1, -3]]", f"{X}[m.tensor([0, 2])]", f"{X}[m.tensor([0, 1], dtype=m.int32)]",
    f"{X}[1:, [0, 2]]", f"{X}[1, [0, 2]]", f"{X}[[0, 1], [1, 2]]", f"{X}[[1], [2]]", f"{X}[None, [0, 1]]",
    f"{X}[..., [0, 1]]", f"{X}[[0, 1], ..., None]", f"{X}[m.tensor([[0], [1]]), m.tensor([1, 2])]",
    f"{X}[[]]", f"{X}[m.tensor([], dtype=m.int64)]", f"{X}[[0.5]]", f"{X}[[0, 1.5]]", f"{X}[(0, 1),]",
    f"{X}[[[0, 1], [1, 2]]]", f"{X}[[[0, 1]]]", f"{X}[[0, None]]", f"{X}[[0, slice(None)]]", f"{X}[[0, 0, 2]]",
    f"{X}[np.array([0, 2])]",
    f"{Y}[[0, 1], :, [0, 1]]", f"{Y}[:, [0, 1], [1, 2]]", f"{Y}[[0, 1], 0, [0, 1]]", f"{Y}[0, [0, 1], 0]",
    f"{Y}[:, [0, 1], :]", f"{Y}[..., [[0], [1]]]", f"{Y}[[1, 0], 1:, ::2]",
    # masks and bools
    f"{X}[{X} > 5]", f"{X}[{X} > 100]", f"{X}[m.tensor([True, False, True]), 1:]", f"{X}[[True, False, True]]",
    f"{X}[:, m.tensor([True, False, True, False])]", f"{X}[m.tensor([[True, False, True, True]] * 3)]",
    f"{X}[True]", f"{X}[False]", f"{X}[m.tensor(True)]", f"{X}[m.tensor(False), 1]", "m.tensor(5.0)[True]",
    f"{Y}[{Y}[0] > 3]", f"{Y}[:, m.tensor([True, False, True])]",
    # views in, copies out
    f"{X}.t()[[0, 2]]", f"{X}[:, ::2][{X}[:, ::2] > 3]", f"{X}[1:][[1, 0]]",
    # torch lays the copy out in the memory order of the view and the index tensors
    f"{Y}.transpose(0, 2)[[0, 1]]", f"{Y}.transpose(0, 2)[:, [0, 1]]", f"{Y}.permute(1, 2, 0)[[1, 0], 1:]",
    f"{Y}.transpose(0, 2)[..., [1]]", f"{Y}.transpose(0, 1)[[0, 1], :, [1, 2]]",
    f"{Y}.transpose(0, 2)[[[0], [1]], [1, 2]]", f"{Y}.transpose(0, 2)[m.tensor([[0, 1]]).t()]",
    # torch's errors
    f"{X}[[0, 5]]", f"{X}[[-4]]", f"{X}[:, [0, 5]]", f"{X}[:, [4]]", f"{Y}[[0], [5]]", f"{Y}[:, [0], [9]]",
    f"{X}[[0, 1], [1, 2, 3]]", f"{X}[m.tensor([0.0, 1.0])]", f"{X}[m.tensor([0, 1], dtype=m.int16)]",
    f"{X}[m.tensor([True, False])]", f"{X}[:, m.tensor([True, False, True])]", f"{X}[m.zeros(3, 5, dtype=m.bool)]",
    f"{X}[m.zeros(2, 2, dtype=m.bool)]", f"{X}[m.zeros(3, 4, 5, dtype=m.bool)]", f"{X}[{X}[0] > 1]",
    f"{X}[0, :, [0, 1]]", f"{X}[[0, 1], [0, 1], [0]]", f"{X}[:, :, [0]]", "m.tensor(5.0)[[0]]",
]


@pytest.mark.parametrize("expr", GETITEM)
def test_advanced_getitem_matches_torch(expr):
    same_expr(expr)


SETITEM = [
    "x[[0, 2]] = m.tensor([1.0, 2.0, 3.0, 4.0])", "x[[0, 2]] = m.ones(2, 1)", "x[[0, 2]] = m.ones(1, 2, 4)",
    "x[x > 5] = 0", "x[x > 5] = m.arange(6.0)", "x[1:, [0, 2]] = 7", "x[[0, 0]] = m.tensor([[1.0] * 4, [2.0] * 4])",
    "x[[0, 0], [1, 2]] = m.tensor([7.0, 8.0])", "x[True] = 3", "x[False] = 3", "x[:, [-1]] = m.tensor(2.0)",
    "x = x.long(); x[[0]] = 2.7", "x[:, m.tensor([True, False, True, False])] = -x[:, :2]",
    "y = x[1:]; y[[0]] = 5", "y = x.t(); y[[0]] = 5", "y = x[:, ::2]; y[y > 3] = -1",
    "y = x[:, [0]]; y[0] = 99", "y = x[[0, 1]]; y[0] = 100",
    # torch's errors
    "x[[0, 2]] = m.tensor([1.0, 2.0, 3.0])", "x[[0, 2]] = m.ones(3, 2, 4)", "x[x > 5] = m.tensor([1.0, 2.0])",
    "x[[0]] = m.ones(2, 4)", "x[[5]] = 1", "x[m.tensor([True])] = 1", "x[[0]] = 'a'", "x[[0]] = [1, 2, 3, 4]",
    "x = x.long(); x[[0]] = m.tensor(2.7)", "x[[0]] = m.tensor(2)", "x[[0, 2]] = m.ones(2, 4, dtype=m.float64)",
    "x.requires_grad_(); x[[0]] = 1", "x.requires_grad_(); x[x > 5] = 1",
]


@pytest.mark.parametrize("statements", SETITEM)
def test_advanced_setitem_matches_torch(statements):
    same(run(f"x = {X}\n{statements}\nresult = x"))


GRADIENTS = [
    "r = x[[0, 0, 2]]; r.backward(m.arange(12.0).reshape(3, 4)); result = (r, x.grad)",
    "r = x[x > 5]; (r * r).sum().backward(); result = (r, x.grad)",
    "r = x[1:, [0, 2]]; (r * r).sum().backward(); result = (r, x.grad)",
    "r = x[True]; r.sum().backward(); result = (r, x.grad)",
    "r = x[[0]]; r.sum().backward(); r.sum().backward()",
    "r = x[[0]]\nwith m.no_grad(): x.add_(1)\nr.sum().backward(); result = x.grad",
    "y = x * 1; y[[0, 2]] = 0; result = type(y.grad_fn).__name__",
    "y = x * 1; y[:, [0, 2]] = 0; result = type(y.grad_fn).__name__",
    "y = x * 1; y[y > 5] = 0; result = type(y.grad_fn).__name__",
    "y = x * 1; y[1:, [0, 2]] = 0; result = type(y.grad_fn).__name__",
    "y = x * 1; y[[0]] = 1; y.sum().backward(); y.sum().backward()",
]
WEIGHTED = "(y * m.arange(12.0).reshape(3, 4)).sum().backward(); result = (y, x.grad, w.grad)"
GRADIENTS += [f"y = x * 1; w = m.ones({shape}, requires_grad=True); y[{index}] = w{view}; {WEIGHTED}"
              for shape, index, view in [("2, 4", "[0, 2]", ""), ("4", "[0, 2]", ""), ("1, 1, 4", "[0, 2]", ""),
                                         ("2", "[0, 0], [1, 1]", ""), ("2", "1:, [1]", ".view(2, 1)"),
                                         ("6", "y > 5", ""), ("1", "y > 5", "")]]


@pytest.mark.parametrize("statements", GRADIENTS)
def test_advanced_indexing_gradients_match_torch(statements):
    same(run(f"x = {X}.requires_grad_()\n{statements}\nresult = locals().get('result')"))


@st.composite
def _indexed(draw):
    """A shape, a random mix of index items for it, as text that builds them in either library."""
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    items = []
    for size in shape:
        kind = draw(st.sampled_from(["all", "slice", "int", "list", "tensor", "mask"]))
        positions = st.integers(-size, size - 1)
        if kind == "slice":
            items.append(f"{draw(st.integers(0, size))}:")
        elif kind == "int":
            items.append(str(draw(positions)))
        elif kind == "list":
            items.append(str(draw(st.lists(positions, max_size=3))))
        elif kind == "tensor":
            items.append(f"m.tensor({draw(st.lists(positions, min_size=1, max_size=3))})")
        elif kind == "mask":
            items.append(f"m.tensor({draw(st.lists(st.booleans(), min_size=size, max_size=size))})")
        else:
            items.append(":")
    return shape, ", ".join(items)


@settings(max_examples=60, deadline=None)
@given(_indexed(), st.booleans(), st.booleans())
def test_random_advanced_indexes_read_and_write_like_torch(case, write, flipped):
    shape, index = case
    # a flipped tensor is a non-contiguous view with the given shape
    order = f".permute({list(reversed(range(len(shape))))})" if flipped else ""
    build = f"x = m.arange({int(np.prod(shape))}.0).reshape({shape[::-1] if flipped else shape}){order}"
    if write:
        same(run(f"{build}\nx[{index}] = -1.0\nresult = x"))
    else:
        same(run(f"{build}\nresult = x[{index}]"))
