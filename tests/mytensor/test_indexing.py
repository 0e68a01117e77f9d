"""Basic indexing views (Task 2.1) and writes through them (Task 2.2) against torch."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mytensor import indexing
from parity import run, same, same_expr
from workbook import strategies

X = "m.arange(12.0).reshape(3, 4)"
G = "m.arange(12.0, requires_grad=True).reshape(3, 4)"
S = "m.tensor(5.0)"

GETITEM = [
    f"{X}[-1]", f"{X}[1:3]", f"{X}[1, 2]", f"{X}[1:, ::2]", f"{X}[0, 1:]", f"{X}[..., 1]",
    f"{X}[None]", f"{X}[:, None]", f"{X}[None, 1, None]", f"{X}[None, ..., None]",
    f"{X}[1, ...]", f"{X}[1, 2, ...]", f"{X}[...]", f"{X}[()]", f"{X}[(1,)]",
    f"{X}[10:20]", f"{X}[-10:2]", f"{X}[3:1]", f"{X}[:, 4:]", f"{X}[2:, 5:7:3]", f"{X}[0:0, 1]",
    f"{X}[-2:-1, -3:]", f"{X}[::5]", f"{X}[:, 1][2]", f"{X}.t()[1:, :2]", f"{X}[:, ::2].t()[1]",
    f"{X}[5]", f"{X}[-4]", f"{X}[0, 7]", f"{X}[None, 0, 7]", f"{X}[0, None, 7]", f"{X}[..., 7]",
    f"{X}[::-1]", f"{X}[::0]", f"{X}[1, 2, 3]", f"{X}[1.5]", f"{X}[None, None, 1, 2, 3]",
    f"{X}[m.tensor(1)]", f"{X}[np.int64(1)]",
    f"{S}[0]", f"{S}[:]", f"{S}[...]", f"{S}[None]", f"{S}[None, None]", f"{S}[None, 0]",
    "m.zeros(0, 3)[0]", "m.zeros(0, 3)[:, 1]", "m.zeros(2, 0)[1:, 0:]",
    f"{G}[1:]", f"{G}[1]", f"{G}[1:, ::2]", f"{G}[0, 1:]", f"{G}[..., 1]", f"{G}[None]",
    f"{G}[:]", f"{G}[...]", f"{G}[:, :]", f"{G}[0:3, :]", f"{G}[:, 0:100]", f"{G}[-3:, :]",
    f"{G}[:3]", f"{G}[1:, None]", f"{G}[None, 1:]", f"{G}[0, ...]", f"{G}[:, :, None]",
]


@pytest.mark.parametrize("expr", GETITEM)
def test_getitem_matches_torch(expr):
    same_expr(expr)


SETITEM = [
    f"X = {X}; X[1, 2] = 17; result = X",
    f"X = {X}; X[:2, :] = 12; result = X",
    f"X = {X}; X[1:3] = 12; result = X",
    f"X = {X}; X[:, ::2] = m.tensor([1.0, 2.0]); result = X",
    f"X = {X}; X[0] = m.ones(1, 1, 4); result = X",
    f"X = {X}; X[0] = m.ones(2); result = X",
    f"X = {X}; X[0] = m.ones(2, 4); result = X",
    f"X = {X}; X[0] = m.ones(2, 1, 4); result = X",
    f"X = {X}; X[0] = [1, 2, 3, 4]; result = X",
    f"X = {X}; X[0] = 'a'; result = X",
    f"X = {X}; X[5] = 1; result = X",
    f"X = {X}; X[...] = 0; result = X",
    f"X = {X}; X[:] = X + 1; result = X",
    f"X = {X}; v = X[1]; X[1, 0] = -1; result = v",
    f"X = {X}; X.t()[1:, 0] = 9; result = X",
    "x = m.arange(6).reshape(2, 3); x[0] = 2.7; result = x",
    "x = m.arange(6).reshape(2, 3); x[0] = m.tensor([2.7, 1.2, 5.9]); result = x",
    "x = m.zeros(3, dtype=m.int16); x[0] = 100000; result = x",
    "x = m.zeros(3, dtype=m.int16); x[0] = 30000; result = x",
    "x = m.zeros(3, dtype=m.bool); x[0] = 0.5; result = x",
    "x = m.zeros(3, dtype=m.bool); x[1:] = m.tensor([0.5, 0.0]); result = x",
    "x = m.zeros(3); x[1:] = m.tensor([True, False]); result = x",
    "x = m.tensor(5.0); x[...] = 2; result = x",
    "x = m.tensor(5.0); x[0] = 2; result = x",
    "x = m.zeros(2, requires_grad=True); x[0] = 1.0; result = x",
    "x = m.zeros(0, 3); x[:] = 1; result = x",
]


@pytest.mark.parametrize("statements", SETITEM)
def test_setitem_matches_torch(statements):
    same(run(statements))


@pytest.mark.parametrize(
    "statements",
    [
        "x = m.arange(12.0, requires_grad=True); (x.reshape(3, 4)[1:, ::2] * m.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward(); result = x.grad",
        "x = m.arange(12.0, requires_grad=True); (x.reshape(3, 4)[None, 1, None] * 3).sum().backward(); result = x.grad",
        "x = m.arange(12.0, requires_grad=True); (x.reshape(3, 4).t()[1:, 0] * 2).sum().backward(); result = x.grad",
        "x = m.zeros(2, 3); v = m.ones(1, 1, 3, requires_grad=True); x[1] = v * 2; result = x",
        "x = m.zeros(2, 3); v = m.ones(1, 1, 3, requires_grad=True); x[1] = v * 2; "
        "(x * m.arange(6.0).reshape(2, 3)).sum().backward(); result = v.grad",
        "y = m.arange(6.0, requires_grad=True); z = y * 1; z[1:3] = 7; result = z",
        "y = m.arange(6.0, requires_grad=True); z = y * 1; z[1:3] = 7; (z * z).sum().backward(); result = y.grad",
        "y = m.arange(6.0, requires_grad=True); z = y * 1; z[::2] = y[:3] * 3; (z * 2).sum().backward(); result = y.grad",
        "y = m.arange(6.0, requires_grad=True)\nwith m.no_grad():\n    y[0] = 5\nresult = y",
    ],
)
def test_indexing_gradients(statements):
    same(run(statements))


def _index_items(draw, shape):
    """A basic index for ``shape``: ints (maybe out of range), slices, None and one ``...``."""
    items = []
    for size in shape[: draw(st.integers(0, len(shape)))]:
        kind = draw(st.sampled_from(["int", "slice", "none"]))
        if kind == "int":
            items.append(draw(st.integers(-size - 1, size)))
        elif kind == "slice":
            bound = st.one_of(st.none(), st.integers(-size - 2, size + 2))
            items.append(slice(draw(bound), draw(bound), draw(st.one_of(st.none(), st.integers(1, 3)))))
        else:
            items.append(None)
    if draw(st.booleans()):
        items.insert(draw(st.integers(0, len(items))), Ellipsis)
    return tuple(items)


@settings(max_examples=120, deadline=None)
@given(strategies.tensors(), st.data())
def test_getitem_of_drawn_views(case, data):
    description, build = case
    import mytensor

    index = _index_items(data.draw, build(mytensor).shape)
    same(lambda m: build(m)[index])


@settings(max_examples=60, deadline=None)
@given(strategies.views(dtypes=("float32", "int64")), st.data())
def test_setitem_through_drawn_views(case, data):
    description, build = case
    import mytensor

    index = _index_items(data.draw, build(mytensor).shape)
    value = data.draw(st.sampled_from([3, -2.5, True]))

    def write(m):
        t = build(m)
        t[index] = value
        return t

    same(write)


@settings(max_examples=80, deadline=None)
@given(strategies.views(), st.data())
def test_index_layout_is_a_pure_function_matching_torch(case, data):
    """The pure layout function agrees with torch on the strides and offset of the view."""
    import mytensor
    import torch

    description, build = case
    t = build(mytensor)
    index = _index_items(data.draw, t.shape)
    source = build(torch)
    try:
        view = source[index]
    except (IndexError, ValueError):
        return
    layout = indexing.index_layout(t._shape, t._strides, t._offset, index)
    assert layout == (tuple(view.shape), view.stride(), view.storage_offset())
