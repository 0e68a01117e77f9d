"""squeeze, unsqueeze, flatten, stack and trace against torch: values, views (strides, offsets), grads, errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from parity import DTYPES, SETTINGS, make, same, seeds, values
from test_autograd import backward_results

shapes = st.lists(st.integers(0, 3), min_size=0, max_size=4).map(tuple)
with_ones = st.lists(st.sampled_from([1, 1, 2, 3, 0]), min_size=0, max_size=4).map(tuple)
views = st.sampled_from(["contiguous", "transposed", "strided", "sliced"])


def _tensor(m, array, layout, requires_grad=False):
    """``make``'s layouts, plus a slice that starts inside its storage (a non-zero storage offset)."""
    if layout != "sliced" or array.ndim == 0:
        return make(m, array, requires_grad, "contiguous" if layout == "sliced" else layout)
    padded = np.concatenate([array[:1], array]) if array.shape[0] else array
    return make(m, padded, requires_grad)[1:] if array.shape[0] else make(m, array, requires_grad)


def _dim(data, ndim, extra=0):
    """A dim torch accepts for ``ndim`` dims (plus ``extra`` places), or one just out of range."""
    top = max(ndim + extra, 1)
    return data.draw(st.integers(-top - 1, top))


@SETTINGS
@given(shape=with_ones, layout=views, dtype=st.sampled_from(DTYPES), data=st.data(), seed=seeds)
def test_squeeze_matches_torch(shape, layout, dtype, data, seed):
    a = values(shape, dtype, seed)
    dim = _dim(data, len(shape))
    dims = tuple(data.draw(st.lists(st.integers(-max(len(shape), 1), max(len(shape), 1) - 1), max_size=3)))
    same(lambda m: _tensor(m, a, layout).squeeze())
    same(lambda m: _tensor(m, a, layout).squeeze(dim))
    same(lambda m: m.squeeze(_tensor(m, a, layout), dims))


@SETTINGS
@given(shape=shapes, layout=views, data=st.data(), seed=seeds)
def test_unsqueeze_matches_torch(shape, layout, data, seed):
    a = values(shape, "float32", seed)
    dim = _dim(data, len(shape), 1)
    same(lambda m: _tensor(m, a, layout).unsqueeze(dim))
    same(lambda m: m.unsqueeze(_tensor(m, a, layout), dim))


@SETTINGS
@given(shape=shapes, layout=views, data=st.data(), seed=seeds)
def test_flatten_matches_torch(shape, layout, data, seed):
    a = values(shape, "int64", seed)
    start, end = _dim(data, len(shape)), _dim(data, len(shape))
    same(lambda m: _tensor(m, a, layout).flatten())
    same(lambda m: _tensor(m, a, layout).flatten(start))
    same(lambda m: m.flatten(_tensor(m, a, layout), start, end))
    same(lambda m: m.flatten(_tensor(m, a, layout), end_dim=end))


def test_flatten_of_one_dimension_returns_the_tensor_itself_like_torch():
    same(lambda m: (lambda x: x.flatten(1, 1) is x)(m.ones(2, 3)))
    same(lambda m: (lambda x: x.flatten() is x)(m.ones(3)))
    same(lambda m: (lambda x: x.flatten() is x)(m.tensor(1.0)))


@SETTINGS
@given(shape=with_ones, layout=views, data=st.data(), seed=seeds)
def test_shape_gradients_match_torch(shape, layout, data, seed):
    a = values(shape, "float64", seed)
    dim, new = _dim(data, len(shape)), data.draw(st.integers(-len(shape) - 1, len(shape)))
    weights = lambda out: out * (1 + out.abs())  # noqa: E731  (a gradient that differs per element)
    for build in (lambda m, x: weights(x.squeeze()), lambda m, x: weights(x.squeeze(dim)),
                  lambda m, x: weights(x.unsqueeze(new)), lambda m, x: weights(x.flatten()),
                  lambda m, x: weights(m.stack([x, x * 2], new))):
        same(backward_results(build, [a], "contiguous" if layout == "sliced" else layout))


def test_writes_through_squeeze_and_unsqueeze_views_reach_the_base_like_torch():
    def run(m):
        x = m.zeros(2, 1, 3)
        x.squeeze()[1, 2] = 5.0
        x.unsqueeze(0)[0, 0, 0, 1] = 7.0
        x.flatten()[0] = 1.0
        return x

    same(run)


@SETTINGS
@given(shape=shapes, count=st.integers(1, 3), dtypes=st.lists(st.sampled_from(DTYPES), min_size=3, max_size=3),
       layout=views, data=st.data(), seed=seeds)
def test_stack_matches_torch(shape, count, dtypes, layout, data, seed):
    arrays = [values(shape, dtypes[i], seed + i) for i in range(count)]
    dim = _dim(data, len(shape), 1)
    same(lambda m: m.stack([_tensor(m, a, layout) for a in arrays], dim))
    same(lambda m: m.stack(tuple(_tensor(m, a, layout) for a in arrays), dim=dim))


SHAPE_ERRORS = {
    "squeeze dim out of range": lambda m: m.ones(2, 3).squeeze(5),
    "squeeze tuple out of range": lambda m: m.ones(2, 3).squeeze((0, 5)),
    "squeeze repeated dim": lambda m: m.ones(2, 1, 3).squeeze((1, 1)),
    "squeeze empty tuple": lambda m: m.ones(2, 1).squeeze(()),
    "squeeze a list": lambda m: m.ones(2, 1).squeeze([1]),
    "squeeze a float": lambda m: m.ones(2, 1).squeeze(1.0),
    "squeeze of 0-d": lambda m: m.tensor(3.0).squeeze(0),
    "squeeze of 0-d out of range": lambda m: m.tensor(3.0).squeeze(1),
    "squeeze to 0-d with grad": lambda m: m.ones(1, 1, requires_grad=True).squeeze(),
    "unsqueeze out of range": lambda m: m.ones(2, 3).unsqueeze(3),
    "unsqueeze out of range below": lambda m: m.ones(2, 3).unsqueeze(-4),
    "unsqueeze a tuple": lambda m: m.unsqueeze(m.ones(2), (0, 1)),
    "unsqueeze of an empty tensor": lambda m: m.ones(2, 0).unsqueeze(1),
    "unsqueeze of 0-d": lambda m: m.tensor(3.0).unsqueeze(-1),
    "flatten start after end": lambda m: m.ones(2, 3, 4).flatten(2, 1),
    "flatten out of range": lambda m: m.ones(2, 3, 4).flatten(0, 3),
    "flatten of 0-d": lambda m: m.tensor(3.0, requires_grad=True).flatten(),
    "flatten of a transposed tensor copies": lambda m: m.arange(24.0).reshape(2, 3, 4).requires_grad_().transpose(0, 1).flatten(),
    "stack of nothing": lambda m: m.stack([]),
    "stack of an empty tuple": lambda m: m.stack(()),
    "stack of a tensor": lambda m: m.stack(m.ones(2, 3)),
    "stack with a number": lambda m: m.stack([m.ones(2), 1]),
    "stack of different shapes": lambda m: m.stack([m.ones(2, 3), m.ones(3, 2)]),
    "stack of different ranks": lambda m: m.stack([m.ones(2, 3), m.ones(2, 3, 1)]),
    "stack, third differs": lambda m: m.stack([m.ones(2), m.ones(2), m.ones(3)]),
    "stack dim out of range": lambda m: m.stack([m.ones(2, 3)] * 2, 3),
    "stack dim out of range below": lambda m: m.stack([m.ones(2, 3)] * 2, -4),
    "stack float dim": lambda m: m.stack([m.ones(2)] * 2, dim=1.5),
    "stack of 0-d tensors promotes": lambda m: m.stack([m.tensor(1), m.tensor(2.0)]),
    "stack of int and bool": lambda m: m.stack([m.tensor([1]), m.tensor([True])]),
    "stack of empty tensors": lambda m: m.stack([m.zeros(0), m.zeros(0)]),
    "stack with grad": lambda m: m.stack([m.ones(2, requires_grad=True), m.zeros(2)], -1),
}


@pytest.mark.parametrize("name", sorted(SHAPE_ERRORS))
def test_shape_edges_and_errors_match_torch(name):
    same(SHAPE_ERRORS[name])


@SETTINGS
@given(rows=st.integers(0, 4), cols=st.integers(0, 4), dtype=st.sampled_from(DTYPES[1:]), layout=views, seed=seeds)
def test_trace_matches_torch(rows, cols, dtype, layout, seed):
    a = values((rows, cols), dtype, seed)
    same(lambda m: _tensor(m, a, layout).trace())
    same(lambda m: m.trace(_tensor(m, a, layout)))


@SETTINGS
@given(rows=st.integers(0, 4), cols=st.integers(0, 4), layout=views, seed=seeds)
def test_trace_gradients_match_torch(rows, cols, layout, seed):
    a = values((rows, cols), "float32", seed)
    same(backward_results(lambda m, x: x.trace() * x.sum(), [a], "contiguous" if layout == "sliced" else layout))


TRACE_ERRORS = {
    "bool": lambda m: m.tensor([[True, False], [True, True]]).trace(),
    "1-d": lambda m: m.ones(3).trace(),
    "3-d": lambda m: m.ones(2, 2, 2).trace(),
    "0-d": lambda m: m.tensor(2.0).trace(),
    "a list": lambda m: m.trace([[1]]),
    "int16 gives int64": lambda m: m.arange(12, dtype=m.int16).reshape(3, 4).trace(),
}


@pytest.mark.parametrize("name", sorted(TRACE_ERRORS))
def test_trace_errors_match_torch(name):
    same(TRACE_ERRORS[name])
