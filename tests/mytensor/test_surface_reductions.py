"""max, min, argmax, argmin, all and any (with dim and keepdim), and sum/mean over dim tuples, against torch."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from parity import DTYPES, FLOATS, SETTINGS, layouts, make, same, seeds, values
from test_autograd import backward_results
from workbook.checks import run_both

shapes = st.lists(st.integers(0, 4), min_size=0, max_size=3).map(tuple)
nonempty = st.lists(st.integers(1, 4), min_size=0, max_size=3).map(tuple)


def _dims(shape):
    """Every dim torch accepts for ``shape`` (negative too), and one past each end."""
    ndim = max(len(shape), 1)
    return st.integers(-ndim - 1, ndim)


def _pair(result):
    """A (values, indices) result as a plain tuple; torch's and ours are different classes."""
    return tuple(result) if isinstance(result, tuple) else result


@SETTINGS
@given(name=st.sampled_from(["max", "min"]), dtype=st.sampled_from(DTYPES), shape=shapes, layout=layouts,
       keepdim=st.booleans(), data=st.data(), seed=seeds)
def test_max_min_over_a_dim_match_torch(name, dtype, shape, layout, keepdim, data, seed):
    a = values(shape, dtype, seed, -2, 2)  # small values: ties are common, the first index wins
    dim = data.draw(_dims(shape))
    same(lambda m: _pair(getattr(m, name)(make(m, a, layout=layout), dim, keepdim)))
    same(lambda m: _pair(getattr(make(m, a), name)(dim=dim, keepdim=keepdim)))


@SETTINGS
@given(name=st.sampled_from(["max", "min", "argmax", "argmin"]), dtype=st.sampled_from(DTYPES), shape=shapes,
       layout=layouts, seed=seeds)
def test_whole_tensor_reductions_match_torch(name, dtype, shape, layout, seed):
    a = values(shape, dtype, seed, -2, 2)
    same(lambda m: getattr(m, name)(make(m, a, layout=layout)))
    same(lambda m: getattr(make(m, a, layout=layout), name)())


@SETTINGS
@given(name=st.sampled_from(["argmax", "argmin"]), dtype=st.sampled_from(DTYPES), shape=shapes, layout=layouts,
       keepdim=st.booleans(), data=st.data(), seed=seeds)
def test_argmax_argmin_match_torch(name, dtype, shape, layout, keepdim, data, seed):
    a = values(shape, dtype, seed, -2, 2)
    dim = data.draw(st.one_of(st.none(), _dims(shape)))
    same(lambda m: getattr(m, name)(make(m, a, layout=layout), dim, keepdim))
    same(lambda m: getattr(make(m, a), name)(dim=dim, keepdim=keepdim))


@SETTINGS
@given(name=st.sampled_from(["all", "any"]), dtype=st.sampled_from(DTYPES), shape=shapes, layout=layouts,
       keepdim=st.booleans(), data=st.data(), seed=seeds)
def test_all_any_match_torch(name, dtype, shape, layout, keepdim, data, seed):
    a = values(shape, dtype, seed, 0, 2)
    ndim = max(len(shape), 1)
    dim = data.draw(st.one_of(st.none(), _dims(shape), st.lists(st.integers(-ndim, ndim - 1), max_size=3).map(tuple)))
    same(lambda m: getattr(m, name)(make(m, a, layout=layout), dim, keepdim))
    same(lambda m: getattr(make(m, a, layout=layout), name)())


@SETTINGS
@given(name=st.sampled_from(["sum", "mean"]), dtype=st.sampled_from(FLOATS), shape=shapes, keepdim=st.booleans(),
       data=st.data(), seed=seeds)
def test_sum_and_mean_over_dim_tuples_still_match_torch(name, dtype, shape, keepdim, data, seed):
    a = values(shape, dtype, seed)
    ndim = max(len(shape), 1)
    dim = data.draw(st.lists(st.integers(-ndim, ndim - 1), min_size=1, max_size=3).map(tuple))
    same(lambda m: getattr(make(m, a), name)(dim, keepdim=keepdim))
    same(backward_results(lambda m, x: getattr(x, name)(dim=dim, keepdim=keepdim), [a]))


@SETTINGS
@given(name=st.sampled_from(["max", "min"]), dtype=st.sampled_from(FLOATS), shape=nonempty, keepdim=st.booleans(),
       data=st.data(), seed=seeds, layout=layouts)
def test_max_min_gradients_match_torch(name, dtype, shape, keepdim, data, seed, layout):
    a = values(shape, dtype, seed, -1, 1)  # ties: over dim the first index gets it, overall they share it
    dim = data.draw(st.integers(-max(len(shape), 1), max(len(shape), 1) - 1))
    same(backward_results(lambda m, x: getattr(m, name)(x, dim, keepdim).values, [a], layout))
    same(backward_results(lambda m, x: getattr(x, name)() * 2, [a], layout))


def test_nan_is_the_largest_and_the_smallest_like_torch():
    a = np.array([1.0, np.nan, 3.0, np.nan], np.float32)
    for name in ["max", "min", "argmax", "argmin"]:
        same(lambda m: getattr(make(m, a), name)())
        same(lambda m: _pair(getattr(make(m, a), name)(0)))
    same(backward_results(lambda m, x: x.max(), [a]))
    same(backward_results(lambda m, x: x.min(0).values, [a]))


def test_the_named_pair_reads_like_torchs():
    def parts(m):
        result = m.max(m.tensor([[1.0, 5.0], [4.0, 2.0]]), 1, keepdim=True)
        values, indices = result
        return (type(result).__name__, repr(result), str(result), len(result), result.values, result.indices,
                result[0], result[-1], values, indices, isinstance(result, tuple), result.n_fields)

    expected, actual = run_both(parts)
    assert expected[1].replace("torch", "mytensor") == actual[1] and expected[2].replace("torch", "mytensor") == actual[2]
    same(lambda m: [p for i, p in enumerate(parts(m)) if i not in (1, 2)])
    same(lambda m: type(m.min(m.ones(2), 0)).__name__)
    same(lambda m: type(m.min(m.ones(2), 0)).__module__.replace("mytensor", "torch"))


CASES = {
    "max of empty": lambda m: m.zeros(0).max(),
    "min of empty 2-d": lambda m: m.zeros(2, 0).min(),
    "max over an empty dim": lambda m: m.max(m.zeros(3, 0), -1),
    "max over a full dim of an empty tensor": lambda m: tuple(m.max(m.zeros(0, 3), 1)),
    "argmax of empty": lambda m: m.zeros(0).argmax(),
    "argmin over an empty dim": lambda m: m.argmin(m.zeros(0, 3), 0),
    "argmax of bool": lambda m: m.tensor([True, False]).argmax(),
    "argmin of bool over dim": lambda m: m.tensor([True, False]).argmin(0),
    "max of bool": lambda m: m.tensor([True, False]).max(),
    "max dim out of range": lambda m: m.ones(2, 3).max(2),
    "argmax dim out of range": lambda m: m.ones(2, 3).argmax(-3),
    "max with a tuple dim": lambda m: m.max(m.ones(2, 3), (0, 1)),
    "max with a float dim": lambda m: m.max(m.ones(2, 3), 0.5),
    "min with a tuple dim": lambda m: m.min(m.ones(2, 3), (0, 1)),
    "argmin with a tuple dim": lambda m: m.argmin(m.ones(2), (0,)),
    "argmax with a tuple dim": lambda m: m.argmax(m.ones(2, 2), (0,)),
    "max of 0-d over dim": lambda m: tuple(m.tensor(3.0).max(-1, keepdim=True)),
    "argmax of 0-d": lambda m: m.tensor(3.0).argmax(0),
    "argmax keepdim without dim": lambda m: m.ones(2, 3).argmax(keepdim=True),
    "max against a tensor": lambda m: m.max(m.tensor([1.0, 5.0]), m.tensor([3.0, 2.0])),
    "min against a tensor": lambda m: m.min(m.tensor([1, 5]), m.tensor([3.0, 2.0])),
    "min against a tensor, grad": lambda m: m.min(m.ones(2), m.zeros(2, requires_grad=True)),
    "max of a list": lambda m: m.max([1, 2]),
    "all of a list": lambda m: m.all([1, 2]),
    "any of a tuple with dim": lambda m: m.any((1, 2), 0),
    "all with a repeated dim": lambda m: m.all(m.ones(2, 2), (0, 0)),
    "any with no dims": lambda m: m.any(m.ones(2, 2), ()),
    "any dim out of range": lambda m: m.ones(2, 2).any(3),
    "all of 0-d over dim": lambda m: m.tensor(3).all(0),
    "all of empty": lambda m: m.zeros(0).all(),
    "any of empty": lambda m: m.zeros(0, 2).any(1),
    "all of nan": lambda m: m.tensor([float("nan")]).all(),
    "max keeps the grad_fn name": lambda m: m.ones(2, requires_grad=True).max(),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_edges_and_errors_match_torch(name):
    same(CASES[name])


def test_max_values_of_a_transposed_tensor_match_torch():
    a = values((3, 4), "float32", 1)
    same(lambda m: tuple(make(m, a, layout="transposed").max(0)))
    same(lambda m: tuple(make(m, a, layout="strided").min(-1, keepdim=True)))
