"""rand, randint, normal, eye and the *_like functions against torch.

Random values are numpy's, not torch's: the comparison is of everything else
(shape, dtype, strides, requires_grad, grad_fn) and of errors word for word;
the values are checked for their range and for repeating under manual_seed.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mytensor
from parity import DTYPES, SETTINGS, make, same, seeds, values

shapes = st.lists(st.integers(0, 3), min_size=0, max_size=3).map(tuple)


def summary(t):
    """What torch and mytensor share for a random tensor: all but the values."""
    grad_fn = type(t.grad_fn).__name__ if t.grad_fn is not None else None
    return (t.shape, t.dtype, t.stride(), t.requires_grad, grad_fn)


def _dtype(m, name):
    return None if name is None else getattr(m, name)


@SETTINGS
@given(shape=shapes, dtype=st.sampled_from([None] + DTYPES), requires_grad=st.booleans(), packed=st.booleans())
def test_rand_and_randn_match_torch_but_for_values(shape, dtype, requires_grad, packed):
    size = (shape,) if packed or not shape else shape  # rand() with no size at all is another error
    for name in ("rand", "randn"):
        same(lambda m: summary(getattr(m, name)(*size, dtype=_dtype(m, dtype), requires_grad=requires_grad)))


@SETTINGS
@given(shape=shapes, dtype=st.sampled_from([None] + DTYPES), low=st.integers(-3, 3), span=st.integers(-1, 4),
       two_bounds=st.booleans(), requires_grad=st.booleans())
def test_randint_matches_torch_but_for_values(shape, dtype, low, span, two_bounds, requires_grad):
    high = low + span if two_bounds else span
    bounds = (low, high) if two_bounds else (high,)

    def run(m):
        t = m.randint(*bounds, shape, dtype=_dtype(m, dtype), requires_grad=requires_grad)
        return summary(t)

    same(run)


def test_randint_values_fill_the_range_and_no_more():
    mytensor.manual_seed(1)
    x = mytensor.randint(-2, 3, (2000,)).numpy()
    assert set(np.unique(x)) == {-2, -1, 0, 1, 2}
    assert set(np.unique(mytensor.randint(2, (500,), dtype=mytensor.bool).numpy())) == {False, True}


def test_uniform_and_normal_values_have_the_expected_spread():
    mytensor.manual_seed(2)
    u = mytensor.rand(20000, dtype=mytensor.float64).numpy()
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < 0.02
    n = mytensor.normal(3.0, 0.5, (20000,)).numpy()
    assert abs(n.mean() - 3.0) < 0.02 and abs(n.std() - 0.5) < 0.02
    per_element = mytensor.normal(mytensor.tensor([0.0, 100.0]), mytensor.tensor([0.0, 1.0])).numpy()
    assert per_element[0] == 0.0 and abs(per_element[1] - 100.0) < 10


@pytest.mark.parametrize("make_random", [
    lambda m: m.rand(3), lambda m: m.randn(2, 2), lambda m: m.randint(0, 100, (4,)), lambda m: m.normal(0.0, 1.0, (3,)),
    lambda m: m.normal(m.zeros(3), 1.0), lambda m: m.rand_like(m.zeros(2, 2)), lambda m: m.randn_like(m.zeros(3)),
])
def test_manual_seed_repeats_every_random_function(make_random):
    mytensor.manual_seed(7)
    first = make_random(mytensor).tolist()
    mytensor.manual_seed(7)
    assert make_random(mytensor).tolist() == first
    assert make_random(mytensor).tolist() != first


NORMAL = {
    "numbers and size": lambda m: m.normal(0.0, 1.0, (2, 3)),
    "numbers and size keyword": lambda m: m.normal(0.0, 1.0, size=(2,)),
    "ints and size": lambda m: m.normal(0, 1, (2,)),
    "float64": lambda m: m.normal(0.0, 1.0, (2,), dtype=m.float64),
    "requires_grad": lambda m: m.normal(0.0, 1.0, (2,), requires_grad=True),
    "tensor mean": lambda m: m.normal(m.zeros(3), 1.0),
    "tensor std": lambda m: m.normal(0.0, m.ones(3)),
    "both tensors broadcast": lambda m: m.normal(m.zeros(2, 1), m.ones(3)),
    "float64 mean": lambda m: m.normal(m.zeros(3, dtype=m.float64), 1.0),
    "float64 std beside float32 mean": lambda m: m.normal(m.zeros(2), m.ones(2, dtype=m.float64)),
    "mean that requires grad": lambda m: m.normal(m.zeros(3, requires_grad=True), 1.0),
    "std that requires grad": lambda m: m.normal(0.0, m.ones(3, requires_grad=True)),
    "both require grad": lambda m: m.normal(m.zeros(3, requires_grad=True), m.ones(3, requires_grad=True)),
    "transposed mean": lambda m: m.normal(m.zeros(2, 3).t(), 1.0),
}


@pytest.mark.parametrize("name", sorted(NORMAL))
def test_normal_matches_torch_but_for_values(name):
    same(lambda m: summary(NORMAL[name](m)))


def test_no_gradient_reaches_normals_mean_and_std_like_torch():
    def run(m):
        mean, std = m.zeros(3, requires_grad=True), m.ones(3, requires_grad=True)
        (m.normal(mean, std * 2) * 3).sum().backward()
        return mean.grad, std.grad

    same(run)


@SETTINGS
@given(n=st.integers(0, 4), m_=st.one_of(st.none(), st.integers(0, 4)), dtype=st.sampled_from([None] + DTYPES),
       requires_grad=st.booleans())
def test_eye_matches_torch(n, m_, dtype, requires_grad):
    args = (n,) if m_ is None else (n, m_)
    same(lambda m: m.eye(*args, dtype=_dtype(m, dtype), requires_grad=requires_grad))


LAYOUTS = {"contiguous": lambda m: m.zeros(2, 3), "transposed": lambda m: m.zeros(2, 3).t(),
           "int": lambda m: m.arange(6).reshape(2, 3), "0-d": lambda m: m.tensor(1.5),
           "empty": lambda m: m.zeros(0, 2), "strided": lambda m: m.zeros(4, 3)[::2]}


@SETTINGS
@given(base=st.sampled_from(sorted(LAYOUTS)), dtype=st.sampled_from([None] + DTYPES), requires_grad=st.booleans(),
       fill=st.sampled_from([7, 2.5, True, -1]))
def test_like_functions_match_torch(base, dtype, requires_grad, fill):
    for name in ("rand_like", "randn_like", "zeros_like", "ones_like"):
        same(lambda m: summary(getattr(m, name)(LAYOUTS[base](m), dtype=_dtype(m, dtype),
                                                        requires_grad=requires_grad)))
    same(lambda m: m.full_like(LAYOUTS[base](m), fill, dtype=_dtype(m, dtype), requires_grad=requires_grad))


ERRORS = {
    "rand of ints": lambda m: m.rand(2, dtype=m.int64),
    "rand of bools": lambda m: m.rand(2, dtype=m.bool),
    "rand negative": lambda m: m.rand(-1),
    "rand of int32 with grad": lambda m: m.rand(2, requires_grad=True, dtype=m.int32),
    "randn of ints": lambda m: m.randn(2, dtype=m.int16),
    "randint of 5 into floats": lambda m: summary(m.randint(5, (2,), dtype=m.float32)),
    "randint bool range": lambda m: m.randint(5, (2,), dtype=m.bool),
    "randint bool below": lambda m: m.randint(-1, 2, (2,), dtype=m.bool),
    "randint int16 range": lambda m: m.randint(70000, (2,), dtype=m.int16),
    "randint int16 below": lambda m: m.randint(-40000, 2, (2,), dtype=m.int16),
    "randint int32 range": lambda m: m.randint(2**40, (2,), dtype=m.int32),
    "randint size not a tuple": lambda m: m.randint(5, 2),
    "randint high only": lambda m: m.randint(5),
    "randint empty range": lambda m: m.randint(5, 5, (2,)),
    "randint reversed range": lambda m: m.randint(5, 2, (2,)),
    "randint of 0": lambda m: m.randint(0, (2,)),
    "randint with grad": lambda m: m.randint(5, (2,), requires_grad=True),
    "randint float with grad": lambda m: summary(m.randint(5, (2,), dtype=m.float32, requires_grad=True)),
    "randint float bound": lambda m: m.randint(5.5, 6, (2,)),
    "randint float high": lambda m: m.randint(1, 6.5, (2,)),
    "randint keywords": lambda m: summary(m.randint(low=1, high=5, size=(2,))),
    "randint high keyword": lambda m: summary(m.randint(high=5, size=[2, 3])),
    "randint negative size": lambda m: m.randint(5, size=(-1,)),
    "normal negative std": lambda m: m.normal(0.0, -1.0, (2,)),
    "normal negative std, tensor mean": lambda m: m.normal(m.zeros(3), -0.5),
    "normal negative std tensor": lambda m: m.normal(m.zeros(3), -m.ones(3)),
    "normal without size": lambda m: m.normal(0.0, 1.0),
    "normal tensors with size": lambda m: m.normal(m.zeros(2), m.ones(2), (2,)),
    "normal of ints": lambda m: m.normal(0.0, 1.0, (2,), dtype=m.int64),
    "normal of bools": lambda m: m.normal(0.0, 1.0, (2,), dtype=m.bool),
    "normal of an int mean": lambda m: m.normal(m.zeros(3, dtype=m.int64), 1.0),
    "normal shapes that do not broadcast": lambda m: m.normal(m.zeros(3), m.ones(2)),
    "empty randn of ints": lambda m: m.randn(0, 2, dtype=m.bool),
    "empty rand of ints": lambda m: m.rand(0, dtype=m.int64),
    "empty normal of ints": lambda m: m.normal(0.0, 1.0, (0,), dtype=m.int64),
    "empty normal of an int mean": lambda m: m.normal(m.zeros(0, dtype=m.int64), 1.0),
    "empty randint with an empty range": lambda m: m.randint(5, 5, (0,)),
    "eye negative": lambda m: m.eye(-1),
    "eye negative m": lambda m: m.eye(2, -1),
    "eye of a float": lambda m: m.eye(2.5),
    "rand_like of ints": lambda m: m.rand_like(m.arange(3)),
    "randn_like of ints": lambda m: m.randn_like(m.arange(3)),
    "rand_like into ints": lambda m: m.rand_like(m.ones(2), dtype=m.int64),
    "rand_like of a list": lambda m: m.rand_like([1.0]),
    "zeros_like of a list": lambda m: m.zeros_like([1.0]),
    "full_like of a list": lambda m: m.full_like([1.0], 2),
    "full_like int with grad": lambda m: m.full_like(m.arange(2), 1, requires_grad=True),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_torch(name):
    same(ERRORS[name])


@SETTINGS
@given(shape=shapes, seed=seeds)
def test_like_results_are_new_storage(shape, seed):
    def run(m):
        base = make(m, values(shape, "float32", seed))
        made = [m.rand_like(base), m.randn_like(base), m.full_like(base, 3.0)]
        return [t.data_ptr() != base.data_ptr() or t.numel() == 0 for t in made]

    same(run)
