"""abs, sqrt, log, sigmoid, tanh, clamp, where and maximum against torch.

Values, dtypes (promotion of integer and bool inputs), broadcasting, layouts,
grad_fn names, gradients and errors, each computed by torch in the same run.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from parity import DTYPES, FLOATS, SETTINGS, broadcast_pair, layouts, make, same, seeds, values
from test_autograd import backward_results
from workbook.checks import run_both

UNARY = ["abs", "sqrt", "log", "sigmoid", "tanh"]
shapes = broadcast_pair().map(lambda pair: pair[0])


@SETTINGS
@given(name=st.sampled_from(UNARY), dtype=st.sampled_from(DTYPES), shape=shapes, layout=layouts, seed=seeds)
def test_unary_function_and_method_match_torch(name, dtype, shape, layout, seed):
    a = values(shape, dtype, seed)
    same(lambda m: getattr(m, name)(make(m, a, layout=layout)))
    same(lambda m: getattr(make(m, a, layout=layout), name)())


@SETTINGS
@given(name=st.sampled_from(UNARY), dtype=st.sampled_from(FLOATS), shape=shapes, layout=layouts, seed=seeds)
def test_unary_gradients_match_torch(name, dtype, shape, layout, seed):
    a = values(shape, dtype, seed)
    same(backward_results(lambda m, x: getattr(m, name)(x), [a], layout))


EDGES = {
    "sqrt of negatives and zero": lambda m: m.sqrt(m.tensor([-1.0, 0.0, 4.0])),
    "log of zero and negatives": lambda m: m.log(m.tensor([-1.0, 0.0, 1.0])),
    "sigmoid saturates float32": lambda m: m.sigmoid(m.tensor([-1000.0, -100.0, 0.0, 100.0, 1000.0])),
    "sigmoid saturates float64": lambda m: m.sigmoid(m.tensor([-1000.0, 0.0, 1000.0], dtype=m.float64)),
    "tanh saturates": lambda m: m.tensor([-100.0, 100.0]).tanh(),
    "abs of the smallest int64": lambda m: m.tensor([-(2**63), -1]).abs(),
    "abs of int16": lambda m: m.tensor([-3, 3], dtype=m.int16).abs(),
    "abs of bool": lambda m: m.tensor([True, False]).abs(),
    "sqrt of bool": lambda m: m.tensor([True, False]).sqrt(),
    "sqrt of a float": lambda m: m.sqrt(3.0),
    "abs of a list": lambda m: m.abs([1, -1]),
    "log of None": lambda m: m.log(None),
    "0-d sigmoid": lambda m: m.tensor(0.5).sigmoid(),
    "nan through all": lambda m: [f(m.tensor([float("nan")])) for f in (m.abs, m.sqrt, m.log, m.sigmoid, m.tanh)],
}


@pytest.mark.parametrize("name", sorted(EDGES))
def test_unary_edges_and_errors_match_torch(name):
    same(EDGES[name])


GRAD_EDGES = {
    "abs at zero": (lambda m, x: x.abs(), [-1.0, 0.0, 2.0]),
    "sqrt at zero and below": (lambda m, x: x.sqrt(), [-1.0, 0.0, 4.0]),
    "log at zero": (lambda m, x: x.log(), [0.0, 1.0]),
    "sigmoid far out": (lambda m, x: x.sigmoid(), [-100.0, 0.0, 100.0]),
    "chain": (lambda m, x: (x.tanh() * x.sigmoid()).abs().sqrt(), [-1.5, 0.5, 2.0]),
}


@pytest.mark.parametrize("name", sorted(GRAD_EDGES))
def test_unary_gradient_edges_match_torch(name):
    build, data = GRAD_EDGES[name]
    same(backward_results(build, [np.array(data, np.float32)]))


BOUNDS = [None, 0, -1, 2, 1.5, True, -0.5]


@SETTINGS
@given(dtype=st.sampled_from(DTYPES), low=st.sampled_from(BOUNDS), high=st.sampled_from(BOUNDS), shape=shapes,
       layout=layouts, seed=seeds)
def test_clamp_with_numbers_matches_torch(dtype, low, high, shape, layout, seed):
    a = values(shape, dtype, seed)
    same(lambda m: m.clamp(make(m, a, layout=layout), low, high))
    same(lambda m: make(m, a).clamp(min=low))
    same(lambda m: make(m, a).clamp(max=high))


@SETTINGS
@given(low=st.sampled_from(BOUNDS[1:]), high=st.sampled_from(BOUNDS), shape=shapes, seed=seeds)
def test_clamp_gradients_match_torch(low, high, shape, seed):
    a = values(shape, "float32", seed, -2, 2)
    same(backward_results(lambda m, x: x.clamp(low, high), [a]))
    same(backward_results(lambda m, x: x.clamp(max=high if high is not None else low), [a]))


@SETTINGS
# torch's clamp backward itself fails when a bound stretches the input
# ("output with shape [1] doesn't match the broadcast shape [1, 1]"): the input
# has the broadcast shape here, the bounds may be smaller.
@given(shapes=broadcast_pair(), which=st.sampled_from(["min", "max", "both"]), seed=seeds)
def test_clamp_with_tensors_and_their_gradients_match_torch(shapes, which, seed):
    x = values(np.broadcast_shapes(*shapes), "float32", seed, -2, 2)
    low, high = (values(shapes[i], "float32", seed + 1 + i, -2, 2) for i in range(2))

    def build(m, x, low, high):
        bounds = {"min": (low, None), "max": (None, high), "both": (low, high)}[which]
        return m.clamp(x, *bounds)

    same(backward_results(build, [x, low, high]))


def test_clamp_ties_and_crossed_bounds_give_torch_gradients():
    x = np.array([0, 1, 2, 3, 4, 2, 2, 0, 1], np.float32)
    low = np.array([1, 3, 1, 3, 1, 2, 2, 1, 1], np.float32)
    high = np.array([2, 2, 3, 2, 3, 2, 3, 1, 1], np.float32)
    same(backward_results(lambda m, x, a, b: m.clamp(x, a, b), [x, low, high]))
    same(backward_results(lambda m, x: m.clamp(x, 2, 1), [x]))
    same(backward_results(lambda m, x: m.clamp(x, 2, 2), [x]))


CLAMP_ERRORS = {
    "no bounds": lambda m: m.clamp(m.ones(2)),
    "no bounds, method": lambda m: m.ones(2).clamp(),
    "str bound": lambda m: m.clamp(m.ones(2), "a"),
    "str max": lambda m: m.clamp(m.ones(2), None, "a"),
    "tensor and number": lambda m: m.clamp(m.ones(3), m.zeros(3), 1.0),
    "0-d tensor and number": lambda m: m.clamp(m.tensor([1, 2, 3]), m.tensor(1.5), 2),
    "bool, scalar min": lambda m: m.tensor([True, False]).clamp(min=True),
    "bool, scalar max": lambda m: m.tensor([True, False]).clamp(max=True),
    "bool, both scalars": lambda m: m.tensor([True, False]).clamp(True, True),
    "bool, int bound promotes": lambda m: m.tensor([True, False]).clamp(min=0),
    "bool, tensor min": lambda m: m.tensor([True, False]).clamp(min=m.tensor([True, True])),
    "bool, both tensors": lambda m: m.tensor([True, False]).clamp(m.tensor([True, True]), m.tensor([True, True])),
    "int to float bound": lambda m: m.tensor([1, 5, 3]).clamp(max=2.5),
    "int with float64 tensor": lambda m: m.tensor([1, 5]).clamp(min=m.tensor([1.5, 1.5], dtype=m.float64)),
    "bounds that do not broadcast": lambda m: m.clamp(m.ones(3), min=m.ones(2)),
    "bound broadcasts the input": lambda m: m.clamp(m.ones(3), min=m.ones(2, 3)),
    "min above max": lambda m: m.tensor([1, 5, 3]).clamp(4, 2),
    "0-d tensor min, tensor max": lambda m: m.clamp(m.tensor([1.0, 2.0]), min=m.tensor(1.5), max=m.tensor([1.0, 3.0])),
    "nan input": lambda m: m.tensor([1.0, float("nan")]).clamp(0, 0.5),
    "non-tensor input": lambda m: m.clamp([1.0], 0),
    "non-tensor input, max": lambda m: m.clamp("a", None, 1),
}


@pytest.mark.parametrize("name", sorted(CLAMP_ERRORS))
def test_clamp_edges_and_errors_match_torch(name):
    same(CLAMP_ERRORS[name])


@pytest.mark.parametrize("call", [lambda m: m.ones(2).clamp(max=[1.0]), lambda m: m.ones(2).clamp(min="a")])
def test_clamp_keyword_type_errors_are_torchs_type_and_opening(call):
    """torch words these by how the arguments were passed; the type and the opening agree."""
    expected, actual = run_both(call)
    assert expected.type_name == actual.type_name == "TypeError"
    opening = "clamp() received an invalid combination of arguments"
    assert expected.message.startswith(opening) and actual.message.startswith(opening)


OPERANDS = ["tensor", "0-d", 2, 1.5, True]


def _operand(m, kind, shape, dtype, seed):
    if kind == "tensor":
        return make(m, values(shape, dtype, seed))
    if kind == "0-d":
        return make(m, values((), dtype, seed))
    return kind


@SETTINGS
@given(shapes=broadcast_pair(), dtypes=st.tuples(st.sampled_from(DTYPES), st.sampled_from(DTYPES)),
       kinds=st.tuples(st.sampled_from(OPERANDS), st.sampled_from(OPERANDS)), seed=seeds)
def test_where_matches_torch(shapes, dtypes, kinds, seed):
    condition = values(shapes[0], "bool", seed)

    def run(m):
        left = _operand(m, kinds[0], shapes[1], dtypes[0], seed + 1)
        right = _operand(m, kinds[1], shapes[0], dtypes[1], seed + 2)
        return m.where(make(m, condition), left, right)

    same(run)


@SETTINGS
@given(shapes=broadcast_pair(), seed=seeds)
def test_where_gradients_match_torch(shapes, seed):
    condition = values(shapes[0], "bool", seed)
    a, b = values(shapes[1], "float32", seed + 1), values(shapes[0], "float64", seed + 2)
    same(backward_results(lambda m, x, y: m.where(make(m, condition), x, y), [a, b]))
    same(backward_results(lambda m, x: x.where(make(m, condition), 0.5), [a]))


WHERE_CASES = {
    "int condition": lambda m: m.where(m.tensor([1, 0]), m.ones(2), 0.0),
    "float condition": lambda m: m.where(m.tensor([1.0, 0.0]), m.ones(2), 0.0),
    "shapes that do not broadcast": lambda m: m.where(m.tensor([True, False, True]), m.ones(3), m.ones(2)),
    "condition that does not broadcast": lambda m: m.where(m.tensor([True, False]), m.ones(3), m.ones(3)),
    "three-way broadcast": lambda m: m.where(m.tensor([[True], [False]]), m.ones(3), m.zeros(4, 1, 1)),
    "indices of True": lambda m: m.where(m.tensor([[True, False], [True, True]])),
    "no True": lambda m: m.where(m.zeros(2, 3) > 1),
    "indices of a 0-d condition": lambda m: m.where(m.tensor(True)),
    "indices of a 1-d condition": lambda m: m.where(m.tensor([False, True, True])),
    "method": lambda m: m.arange(4).where(m.arange(4) > 1, -1),
    "two scalars": lambda m: m.where(m.tensor([True, False]), 1, 0),
    "0-d condition and numbers": lambda m: m.where(m.tensor(True), 1.0, 0.0),
    "float and int scalar": lambda m: m.where(m.tensor([True, False]), 1.0, 0),
    "int16 with a 0-d int64": lambda m: m.where(m.tensor([True, False]), m.tensor([1, 2], dtype=m.int16), m.tensor(7)),
}


@pytest.mark.parametrize("name", sorted(WHERE_CASES))
def test_where_edges_and_errors_match_torch(name):
    same(WHERE_CASES[name])


@SETTINGS
@given(name=st.sampled_from(["maximum", "minimum"]), shapes=broadcast_pair(),
       dtypes=st.tuples(st.sampled_from(DTYPES), st.sampled_from(DTYPES)), layout=layouts, seed=seeds)
def test_maximum_and_minimum_match_torch(name, shapes, dtypes, layout, seed):
    a, b = values(shapes[0], dtypes[0], seed), values(shapes[1], dtypes[1], seed + 1)
    same(lambda m: getattr(m, name)(make(m, a, layout=layout), make(m, b)))
    same(lambda m: getattr(make(m, a), name)(make(m, b, layout=layout)))


@SETTINGS
@given(name=st.sampled_from(["maximum", "minimum"]), shapes=broadcast_pair(), seed=seeds)
def test_maximum_and_minimum_gradients_match_torch(name, shapes, seed):
    # Small integers as floats make ties common: a tie splits the gradient.
    a, b = values(shapes[0], "float32", seed, -1, 1), values(shapes[1], "float32", seed + 1, -1, 1)
    same(backward_results(lambda m, x, y: getattr(m, name)(x, y), [a, b]))


MAXIMUM_CASES = {
    "nan wins": lambda m: m.maximum(m.tensor([1.0, float("nan")]), m.tensor([float("nan"), 0.0])),
    "number": lambda m: m.maximum(m.ones(2), 0),
    "number first": lambda m: m.maximum(1.0, m.ones(2)),
    "minimum with a number": lambda m: m.minimum(m.ones(2), 0),
    "shapes that do not broadcast": lambda m: m.maximum(m.ones(2), m.ones(3)),
    "bools": lambda m: m.maximum(m.tensor([True, False]), m.tensor([False, False])),
    "int16 and 0-d int64": lambda m: m.maximum(m.tensor([1, 2], dtype=m.int16), m.tensor(3)),
}


@pytest.mark.parametrize("name", sorted(MAXIMUM_CASES))
def test_maximum_edges_and_errors_match_torch(name):
    same(MAXIMUM_CASES[name])


def test_nan_gradients_of_maximum_match_torch():
    a = np.array([np.nan, 1.0, np.nan], np.float32)
    b = np.array([0.0, np.nan, np.nan], np.float32)
    same(backward_results(lambda m, x, y: m.maximum(x, y), [a, b]))
    same(backward_results(lambda m, x, y: m.minimum(x, y), [a, b]))
