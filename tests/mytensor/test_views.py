"""view, reshape, transpose, permute, t, T, contiguous, clone against torch."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mytensor
from parity import run, same, same_expr
from workbook import strategies

X = "m.arange(12.0).reshape(3, 4)"
G = "m.arange(12.0, requires_grad=True)"

CASES = [
    f"{X}.view(2, 6)",
    f"{X}.view((4, 3))",
    f"{X}.view([-1, 6])",
    f"{X}.view(-1)",
    f"{X}.view(5)",
    f"{X}.view(2, -1, -1)",
    f"{X}.view(-2, 6)",
    f"{X}.t().view(12)",
    f"{X}.t().view(2, 2, 3)",
    f"{X}[:, ::2].view(6)",
    f"{X}[:, 1:3].view(3, 2, 1)",
    "m.tensor([5.0]).view(())",
    "m.tensor(5.0).view(1, 1)",
    "m.zeros(0, 3).view(3, 0)",
    "m.zeros(0, 3).view(-1, 0)",
    # a size 0 beside the -1 is ambiguous only for a tensor of 0 elements
    "m.arange(1).reshape(()).reshape((0, -1))",
    "m.arange(12).reshape(0, -1)",
    "m.zeros(0, 3).reshape(0, -1)",
    f"{X}.reshape(2, 6)",
    f"{X}.reshape(())",
    f"{X}.t().reshape(12)",
    f"{X}.t().reshape(-1).stride()",
    f"{X}.t().reshape(4, 3)",
    f"{X}.t().reshape(4, 1, 3)",
    f"{X}.transpose(0, 1)",
    f"{X}.transpose(-1, 0)",
    f"{X}.transpose(0, 2)",
    "m.arange(24).reshape(2, 3, 4).transpose(0, 2)",
    "m.tensor(5.0).transpose(0, -1)",
    f"{X}.permute(1, 0)",
    f"{X}.permute((1, 0))",
    f"{X}.permute(-1, 0)",
    f"{X}.permute(0)",
    f"{X}.permute(0, 0)",
    f"{X}.permute(0, 5)",
    "m.arange(24).reshape(2, 3, 4).permute(2, 0, 1)",
    "m.permute(m.arange(24).reshape(2, 3, 4), (2, 0, 1))",
    f"{X}.t()",
    "m.arange(3).t()",
    "m.tensor(3).t()",
    "m.arange(8).reshape(2, 2, 2).t()",
    f"{X}.T",
    "m.arange(3).T",
    "m.tensor(3).T",
    f"{X}.contiguous()",
    f"{X}.t().contiguous()",
    f"{X}.t().contiguous().stride()",
    f"{X}.clone()",
    f"{X}.t().clone().stride()",
    f"{X}[:, ::2].t().clone().stride()",
    f"m.clone({X}[1:])",
    f"m.reshape({X}, (6, 2))",
    f"m.transpose({X}, 0, 1)",
    # autograd records torch's grad_fn names
    f"{G}.view(3, 4)",
    f"{G}.reshape(3, 4)",
    f"{G}.reshape(3, 4).t().reshape(12)",
    f"{G}.reshape(3, 4).t().reshape(4, 3)",
    f"{G}.reshape(3, 4).t()",
    f"{G}.reshape(3, 4).T",
    f"{G}.reshape(3, 4).permute(1, 0)",
    f"{G}.reshape(3, 4).transpose(0, 1)",
    f"{G}.reshape(3, 4).contiguous()",
    f"{G}.reshape(3, 4).t().contiguous()",
    f"{G}.clone()",
]


@pytest.mark.parametrize("expr", CASES)
def test_view_functions_match_torch(expr):
    same_expr(expr)


def test_contiguous_returns_self_when_contiguous():
    x = mytensor.arange(6).reshape(2, 3)
    assert x.contiguous() is x
    assert x.t().contiguous() is not x


@pytest.mark.parametrize(
    "statements",
    [
        "x = m.arange(12.0); v = x.view(3, 4); v[1, 1] = 100; result = x",
        "x = m.arange(12.0).reshape(3, 4); v = x.t(); v[0, 2] = 100; result = x",
        "x = m.arange(12.0).reshape(3, 4); v = x.t().reshape(12); v[0] = 100; result = x",
        "x = m.arange(12.0).reshape(3, 4); c = x.clone(); c[0, 0] = 100; result = x",
        "x = m.arange(12.0).reshape(3, 4); p = x.permute(1, 0); p[3, 2] = -1; result = (x, p)",
    ],
)
def test_views_share_and_copies_do_not(statements):
    same(run(statements))


@pytest.mark.parametrize(
    "statements",
    [
        "x = m.arange(12.0, requires_grad=True); (x.view(3, 4).t() * m.arange(12.0).reshape(4, 3)).sum().backward(); result = x.grad",
        "x = m.arange(12.0, requires_grad=True); (x.reshape(3, 4).t().reshape(12) * m.arange(12.0)).sum().backward(); result = x.grad",
        "x = m.arange(24.0, requires_grad=True); (x.reshape(2, 3, 4).permute(2, 0, 1) * m.arange(24.0).reshape(4, 2, 3)).sum().backward(); result = x.grad",
        "x = m.arange(6.0, requires_grad=True); (x.reshape(2, 3).T.contiguous().clone() * m.arange(6.0).reshape(3, 2)).sum().backward(); result = x.grad",
    ],
)
def test_view_gradients(statements):
    same(run(statements))


@settings(max_examples=60, deadline=None)
@given(strategies.views(), st.data())
def test_reshape_and_view_of_drawn_views(case, data):
    description, build = case
    same(lambda m: build(m).reshape(-1))
    same(lambda m: build(m).view(-1))
    same(lambda m: build(m).clone())
    same(lambda m: build(m).clone().stride())
    same(lambda m: m.zeros_like(build(m)).stride())
    same(lambda m: build(m).contiguous())
    same(lambda m: build(m).T)


@settings(max_examples=40, deadline=None)
@given(strategies.views(min_dims=2), st.data())
def test_transpose_permute_of_drawn_views(case, data):
    description, build = case
    ndim = build(mytensor).ndim
    dims = data.draw(st.permutations(range(ndim)))
    a, b = data.draw(st.integers(-ndim, ndim - 1)), data.draw(st.integers(-ndim, ndim - 1))
    same(lambda m: build(m).permute(*dims))
    same(lambda m: build(m).transpose(a, b))
    same(lambda m: build(m).permute(*dims).reshape(-1))
