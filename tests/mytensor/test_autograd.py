"""Autograd (Tasks 7.1-7.3) against torch.autograd: gradients, graph surface, errors.

Each check builds the same leaves in both libraries, runs the same forward and
backward, and compares the output and every leaf's ``.grad`` (values, dtype,
shape, requires_grad, grad_fn name) with ``workbook.checks``.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mytensor
from mytensor import autograd
from parity import FLOATS, SETTINGS, broadcast_pair, layouts, make, same, seeds, values
from workbook.checks import difference, run_both


def backward_results(build, arrays, layout="contiguous", gradient=None):
    """A check function: leaves from ``arrays``, ``out = build(m, *leaves)``, backward.

    Returns ``(out, grad of each leaf)``; a non-scalar output is summed first
    unless a ``gradient`` array is given.
    """

    def run(m):
        leaves = [make(m, a, requires_grad=a.dtype.kind == "f", layout=layout) for a in arrays]
        out = build(m, *leaves)
        if gradient is not None:
            out.backward(make(m, gradient))
        else:
            (out if out.numel() == 1 else out.sum()).backward()
        return (out, *[leaf.grad for leaf in leaves])

    return run


BINARY = {
    "add": lambda m, a, b: a + b,
    "sub": lambda m, a, b: a - b,
    "mul": lambda m, a, b: a * b,
    "div": lambda m, a, b: a / b,
    "pow": lambda m, a, b: a**b,
    "add function": lambda m, a, b: m.add(a, b),
    "composite": lambda m, a, b: (a * b - a / b) * a + b.exp(),
}


@SETTINGS
@given(op=st.sampled_from(sorted(BINARY)), shapes=broadcast_pair(), dtype=st.sampled_from(FLOATS), seed=seeds, layout=layouts)
def test_binary_gradients_match_torch(op, shapes, dtype, seed, layout):
    a = values(shapes[0], dtype, seed, low=1, high=3)  # positive: pow and div stay finite
    b = values(shapes[1], dtype, seed + 1, low=1, high=3)
    same(backward_results(BINARY[op], [a, b], layout))


SCALAR_OPS = {
    "t + s": lambda m, t, s: t + s,
    "s + t": lambda m, t, s: s + t,
    "t - s": lambda m, t, s: t - s,
    "s - t": lambda m, t, s: s - t,
    "t * s": lambda m, t, s: t * s,
    "s * t": lambda m, t, s: s * t,
    "t / s": lambda m, t, s: t / s,
    "s / t": lambda m, t, s: s / t,
    "t ** s": lambda m, t, s: t**s,
    "s ** t": lambda m, t, s: s**t,
    "t + 0-d": lambda m, t, s: t + m.tensor(float(s), dtype=m.float64),
    "0-d ** t": lambda m, t, s: m.tensor(float(s)) ** t,
}


@SETTINGS
@given(op=st.sampled_from(sorted(SCALAR_OPS)), shape=broadcast_pair().map(lambda p: p[0]), scalar=st.sampled_from([2, 0.5, 3.0, 1]), seed=seeds)
def test_python_scalars_on_either_side(op, shape, scalar, seed):
    a = values(shape, "float32", seed, low=1, high=3)
    same(backward_results(lambda m, t: SCALAR_OPS[op](m, t, scalar), [a]))


def test_pow_at_zero_follows_torch():
    zeros = np.array([0.0, 0.0, 2.0, 0.0], dtype=np.float32)
    exponents = np.array([0.0, 2.0, 0.0, -1.0], dtype=np.float32)
    same(backward_results(lambda m, a, b: a**b, [zeros, exponents]))
    same(backward_results(lambda m, a: a**0, [zeros]))
    same(backward_results(lambda m, a: 0**a, [exponents]))


UNARY = {
    "neg": lambda m, a: -a,
    "exp": lambda m, a: a.exp(),
    "sum": lambda m, a: a.sum(),
    "sum dim": lambda m, a: a.sum(-1),
    "sum keepdim": lambda m, a: a.sum(0, keepdim=True) * a,
    "mean": lambda m, a: a.mean(),
    "mean dim": lambda m, a: a.mean(0),
    "mean keepdim": lambda m, a: a.mean(-1, keepdim=True) * a,
    "cat": lambda m, a: m.cat([a, a * 2], dim=0) * m.cat([a, a], dim=0),
    "cat last dim": lambda m, a: m.cat([a, a.exp()], dim=-1),
}


@SETTINGS
@given(op=st.sampled_from(sorted(UNARY)), shape=st.lists(st.integers(0, 3), min_size=1, max_size=3).map(tuple), dtype=st.sampled_from(FLOATS), seed=seeds, layout=layouts)
def test_unary_and_reduction_gradients_match_torch(op, shape, dtype, seed, layout):
    same(backward_results(UNARY[op], [values(shape, dtype, seed)], layout))


@SETTINGS
@given(n=st.integers(0, 3), k=st.integers(0, 3), p=st.integers(0, 3), seed=seeds, layout=layouts)
def test_product_gradients_match_torch(n, k, p, seed, layout):
    a, b = values((n, k), "float64", seed), values((k, p), "float64", seed + 1)
    v, w = values((k,), "float64", seed + 2), values((k,), "float64", seed + 3)
    same(backward_results(lambda m, x, y: m.mm(x, y), [a, b], layout))
    same(backward_results(lambda m, x, y: m.mv(x, y), [a, v], layout))
    same(backward_results(lambda m, x, y: m.dot(x, y), [v, w], layout))
    same(backward_results(lambda m, x, y: x @ y, [v, b], layout))
    same(backward_results(lambda m, x, y: (x @ y) * 2, [a, b], layout))


@pytest.mark.parametrize(
    "shapes",
    [
        ((4, 2, 3), (3, 5)),
        ((3,), (4, 3, 5)),
        ((4, 2, 3), (3,)),
        ((2, 1, 2, 3), (4, 3, 2)),
        ((2, 3), (4, 3, 2)),
        ((1, 2, 3), (4, 3, 2)),
        ((4, 2, 3), (1, 3, 2)),
    ],
)
def test_batched_matmul_gradients_match_torch(shapes):
    arrays = [values(shape, "float64", i) for i, shape in enumerate(shapes)]
    same(backward_results(lambda m, x, y: x @ y, arrays))


def test_gradients_reach_integer_promoted_and_mixed_dtype_inputs():
    ints = np.array([1, 2, 3], dtype=np.int64)
    doubles = np.array([0.5, 1.0, 2.0], dtype=np.float64)
    floats = np.array([1.5, 2.0, 2.5], dtype=np.float32)
    same(backward_results(lambda m, i, f: i ** f + i / f, [ints, floats]))
    same(backward_results(lambda m, d, f: d * f, [doubles, floats]))


def _mlp_loss(m, x, w1, b1, w2, b2, target):
    hidden = x @ w1 + b1
    activation = 1 / (1 + (-hidden).exp())  # the sigmoid, composed from primitives
    out = activation @ w2 + b2
    return ((out - target) ** 2).mean()


def test_two_layer_mlp_loss_gradients_match_torch():
    shapes = [(8, 5), (5, 4), (4,), (4, 3), (3,), (8, 3)]
    arrays = [np.random.default_rng(i).standard_normal(s).astype(np.float32) for i, s in enumerate(shapes)]

    def run(m):
        x, w1, b1, w2, b2, target = [make(m, a) for a in arrays]
        for w in (w1, b1, w2, b2):
            w.requires_grad_()
        loss = _mlp_loss(m, x, w1, b1, w2, b2, target)
        loss.backward()
        return loss, w1.grad, b1.grad, w2.grad, b2.grad, x.grad

    same(run)


def test_non_scalar_backward_with_gradient():
    grad = np.array([[1.0, -2.0, 0.5], [0.0, 1.0, 3.0]], dtype=np.float32)
    same(backward_results(lambda m, a: a * a, [values((2, 3), "float32", 0)], gradient=grad))


VIEWS = {
    "T": lambda m, a: a.T * a.T,
    "t()": lambda m, a: a.t().exp(),
    "slice": lambda m, a: a[1:] * 3,
    "select": lambda m, a: a[1] * a[0],
    "view": lambda m, a: a.view(6) * 2,
    "reshape non-contiguous": lambda m, a: a.T.reshape(6) ** 2,
    "transpose": lambda m, a: a.transpose(0, 1) @ a,
    "expand": lambda m, a: a[0].expand(4, 3) * 2,
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_gradients_through_views(name):
    same(backward_results(VIEWS[name], [values((2, 3), "float32", 1)]))


# --- the x.7 seed notebook, cell by cell ------------------------------------


def _same_text(fn):
    """``fn`` returns a string built from reprs; torch's, with torch -> mytensor, must match."""
    expected, actual = run_both(fn)
    assert expected.replace("torch", "mytensor") == actual


def test_seed_cells_of_x7():
    def cells(m):
        shown = []
        x = m.arange(4, dtype=m.float32)
        shown.append(repr(x))
        x.requires_grad_(True)
        shown.append(repr(x.grad))
        y = 2 * m.dot(x, x)
        shown.append(repr((y, x.grad)))
        y.backward()
        shown.append(repr(x.grad))
        shown.append(repr(x.grad == 4 * x))
        x.grad.zero_()
        y = x.sum()
        y.backward()
        shown.append(repr((y, x.grad)))
        x.grad.zero_()
        z = m.tensor([4, 5, 6, 7], requires_grad=True, dtype=m.float32)
        shown.append(repr((x, z, x.grad, z.grad)))
        m.dot(x, z).backward()
        shown.append(repr((x.grad, z.grad)))
        x.grad.zero_()
        y = x * x
        y.sum().backward()
        shown.append(repr(x.grad))
        x.grad.zero_()
        y = x * x
        u = y.detach()
        (u * x).sum().backward()
        shown.append(repr(x.grad == u))
        x.grad.zero_()
        y.sum().backward()
        shown.append(repr(x.grad == 2 * x))
        return "\n".join(shown)

    _same_text(cells)


# --- the surface: flags, leaves, detach, retain_grad ---------------------------

SURFACE = {
    "requires_grad_ returns self": lambda m: m.ones(2).requires_grad_(),
    "requires_grad_(False)": lambda m: m.ones(2).requires_grad_().requires_grad_(False),
    "int requires_grad_": lambda m: m.ones(2, dtype=m.int64).requires_grad_(),
    "int requires_grad = True": lambda m: setattr(m.ones(2, dtype=m.int64), "requires_grad", True),
    "bool requires_grad = False": lambda m: setattr(m.ones(2, dtype=m.bool), "requires_grad", False),
    "non-leaf requires_grad = False": lambda m: setattr(m.ones(2).requires_grad_() * 2, "requires_grad", False),
    "non-leaf requires_grad = True": lambda m: setattr(m.ones(2).requires_grad_() * 2, "requires_grad", True),
    "non-leaf requires_grad_(False)": lambda m: (m.ones(2).requires_grad_() * 2).requires_grad_(False),
    "non-leaf requires_grad_()": lambda m: (m.ones(2).requires_grad_() * 2).requires_grad_(),
    "is_leaf": lambda m: [m.ones(2).is_leaf, m.ones(2).requires_grad_().is_leaf, (m.ones(2).requires_grad_() * 2).is_leaf],
    "grad None before backward": lambda m: m.ones(2).requires_grad_().grad,
    "detach": lambda m: (m.ones(2).requires_grad_() * 2).detach(),
    "detach_": lambda m: (m.ones(2).requires_grad_() * 2).detach_(),
    "retain_grad without grad": lambda m: m.ones(2).retain_grad(),
    "comparison records nothing": lambda m: m.ones(2).requires_grad_() > 0,
    "int result records nothing": lambda m: m.ones(2, dtype=m.int64) * 2,
    "backward without grad": lambda m: m.ones(3).sum().backward(),
    "backward non-scalar": lambda m: (m.ones(3).requires_grad_() * 2).backward(),
    "backward gradient shape": lambda m: (m.ones(3).requires_grad_() * 2).backward(m.ones(2)),
    "backward gradient list": lambda m: (m.ones(2).requires_grad_() * 2).backward([1.0, 1.0]),
    "backward of a leaf": lambda m: _leaf_backward(m),
    "backward of 1-element": lambda m: _one_element_backward(m),
}


def _leaf_backward(m):
    a = m.tensor(2.0, requires_grad=True)
    a.backward()
    return a.grad


def _one_element_backward(m):
    a = m.tensor([2.0], requires_grad=True)
    (a * 3).backward()
    return a.grad


@pytest.mark.parametrize("name", sorted(SURFACE))
def test_surface_matches_torch(name):
    same(SURFACE[name])


def test_detach_shares_storage_and_is_outside_the_graph():
    y = mytensor.ones(3).requires_grad_() * 2
    u = y.detach()
    assert u.data_ptr() == y.data_ptr() and u.grad_fn is None and not u.requires_grad and u.is_leaf


def test_retain_grad_fills_a_non_leaf():
    def run(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x * x
        y.retain_grad()
        z = y * 3
        z.retain_grad()
        z.sum().backward()
        x.retain_grad()  # on a leaf: nothing changes
        return x.grad, y.grad, z.grad

    same(run)


def test_gradients_accumulate_and_zero_in_place():
    def run(m):
        x = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
        (x * x).sum().backward()
        first = x.grad
        (x * 3).sum().backward()
        same_object = first is x.grad
        x.grad.zero_()
        (x + x).sum().backward()
        return same_object, first, x.grad

    same(run)


def test_second_backward_follows_torch():
    def run(m, build, retain):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        out = build(x).sum()
        out.backward(retain_graph=retain)
        out.backward()
        return x.grad

    builds = [lambda x: x * x, lambda x: x + 1, lambda x: x.exp(), lambda x: -x - 1, lambda x: x.mean(0) * 1]
    for build in builds:
        for retain in (False, True):
            same(lambda m: run(m, build, retain))


def test_next_functions_name_the_graph():
    def run(m):
        x = m.ones(2).requires_grad_()
        y = (x * 2 + m.ones(2)).exp()
        names = []
        for node, _ in y.grad_fn.next_functions + y.grad_fn.next_functions[0][0].next_functions:
            names.append(None if node is None else type(node).__name__)
        leaf = y.grad_fn.next_functions[0][0].next_functions[0][0].next_functions[0][0]
        return names, leaf.variable is x

    same(run)


# --- grad mode ------------------------------------------------------------------


def test_no_grad_as_context_manager_and_decorator():
    def run(m):
        w = m.ones(2).requires_grad_()
        with m.no_grad():
            inside = w * 2

        @m.no_grad()
        def called(t):
            return t * 2

        @m.no_grad
        def bare(t):
            return t * 2

        return inside, called(w), bare(w), w * 2

    same(run)
    with mytensor.no_grad():
        assert not autograd.is_grad_enabled()
        with mytensor.no_grad():
            pass
        assert not autograd.is_grad_enabled()
    assert autograd.is_grad_enabled()


def test_sgd_step_under_no_grad():
    def run(m):
        w = m.tensor([1.0, -2.0], requires_grad=True)
        for _ in range(3):
            loss = ((w * 3 - 1) ** 2).sum()
            loss.backward()
            with m.no_grad():
                w -= 0.01 * w.grad
            w.grad.zero_()
        return w

    same(run)


# --- engine pieces --------------------------------------------------------------


def test_a_chain_of_ten_thousand_ops():
    x = mytensor.ones(3).requires_grad_()
    y = x
    for _ in range(10_000):
        y = y * 1.0 + 0.0
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0, 1.0]


def test_topological_order_puts_each_node_before_its_inputs():
    x = mytensor.ones(2).requires_grad_()
    a = x * 2
    b = a * a + a  # a's node is reached by two paths
    order = autograd._topological_order(b.grad_fn)
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        for value in node._inputs:
            if getattr(value, "grad_fn", None) is not None:
                assert position[node] < position[value.grad_fn]
    assert len(order) == len(set(order)) == 3


@pytest.mark.parametrize(
    "grad_shape, shape",
    [((2, 3), (3,)), ((2, 3), (2, 1)), ((2, 3), (1, 1)), ((2, 3), ()), ((4, 2, 3), (2, 1)), ((2, 3), (2, 3))],
)
def test_sum_to_shape(grad_shape, shape):
    grad = np.arange(np.prod(grad_shape), dtype=np.float64).reshape(grad_shape)
    want = grad.sum(axis=tuple(range(len(grad_shape) - len(shape))))
    want = want.sum(axis=tuple(i for i, n in enumerate(shape) if n == 1), keepdims=True).reshape(shape)
    np.testing.assert_array_equal(autograd._sum_to_shape(grad, shape), want)


def test_grad_is_a_mytensor_tensor():
    x = mytensor.ones(2).requires_grad_()
    (x * 2).sum().backward()
    assert isinstance(x.grad, mytensor.Tensor) and not x.grad.requires_grad


def test_is_grad_enabled_matches_torch():
    def modes(m):
        outside = m.is_grad_enabled()
        with m.no_grad():
            inside = m.is_grad_enabled()
        return outside, inside, m.is_grad_enabled()

    assert difference(*run_both(modes)) is None
