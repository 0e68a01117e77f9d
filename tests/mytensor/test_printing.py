"""Printing parity: repr(tensor) must be torch's repr with "torch" -> "mytensor".

Every expected text is torch's own repr of the same values, computed in the
same run. The mytensor side is mostly built straight from a numpy array with
``Tensor._wrap``, so these tests exercise printing alone, not the creation
functions or the ops; a few seed examples also go through the public API.
"""

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from hypothesis.extra import numpy as hnp

import mytensor
from mytensor import _printing
from mytensor._tensor import Tensor

NUMPY_TYPES = ["float32", "float64", "int16", "int32", "int64", "bool"]
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def torch_text(t):
    """torch's repr of ``t`` as mytensor should print it."""
    return repr(t).replace("torch", "mytensor")


class _Node:
    """Stands in for an autograd node: printing reads only its class name."""


def mirror(torch_tensor):
    """A mytensor tensor with the values and autograd marks of ``torch_tensor``."""
    mine = Tensor._wrap(torch_tensor.detach().numpy().copy())
    if torch_tensor.grad_fn is not None:
        mine.grad_fn = type(type(torch_tensor.grad_fn).__name__, (_Node,), {})()
    mine._requires_grad = torch_tensor.requires_grad
    return mine


def assert_prints_like_torch(array):
    """Check format_values, repr and str on ``array`` against torch."""
    note_layout(array)
    expected = torch_text(torch.from_numpy(array.copy()))
    assert _printing.format_values(array) == expected
    mine = Tensor._wrap(array.copy())
    assert repr(mine) == expected
    assert str(mine) == expected


def note_layout(array):
    """Tell Hypothesis's statistics which printing paths an example took."""
    if not currently_in_test_context():
        return
    if array.size == 0:
        event("empty")
        return
    formatter = _printing.Formatter(_printing._shown(array, (False,) * array.ndim))
    if formatter.floating:
        event(f"float sci_mode={formatter.sci_mode} int_mode={formatter.int_mode}")
    event(f"summarised={array.size > _printing.THRESHOLD} ndim={array.ndim}")


# --- the seed notes' examples ------------------------------------------------
SEED_CASES = {
    "arange": lambda: torch.arange(12, dtype=torch.float32),
    "reshape": lambda: torch.arange(12, dtype=torch.float32).reshape(3, 4),
    "int_matrix": lambda: torch.tensor([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]]),
    "randn": lambda: torch.randn(3, 4),
    "ones_3d": lambda: torch.ones((2, 3, 4)),
    "int16_ones": lambda: torch.ones((3, 4), dtype=torch.int16),
    "exp": lambda: torch.exp(torch.ones((3, 4))),
    "add": lambda: torch.tensor([1.0, 2, 4, 8]) + torch.tensor([2, 2, 2, 2]),
    "sub": lambda: torch.tensor([1.0, 2, 4, 8]) - torch.tensor([2, 2, 2, 2]),
    "div": lambda: torch.tensor([1.0, 2, 4, 8]) / torch.tensor([2, 2, 2, 2]),
    "pow": lambda: torch.tensor([1.0, 2, 4, 8]) ** torch.tensor([2, 2, 2, 2]),
    "cat": lambda: torch.cat((torch.zeros(3, 4), torch.ones(3, 4)), dim=1),
    "compare": lambda: torch.arange(12.0).reshape(3, 4) == torch.tensor([2.0, 1, 2, 3]),
    "column": lambda: torch.arange(3).reshape((3, 1)),
    "row": lambda: torch.arange(2).reshape((1, 2)),
    "filled": lambda: torch.full((2, 4), 12.0),
    "one_element": lambda: torch.tensor([3.5]),
    "scalar": lambda: torch.tensor(3.5),
    "all_true": lambda: torch.ones(4) == torch.ones(4),
    "leaf": lambda: torch.arange(4.0).requires_grad_(),
    "dot_grad_fn": lambda: (lambda x: 2 * torch.dot(x, x))(torch.arange(4.0, requires_grad=True)),
    "sum_grad_fn": lambda: torch.arange(4.0, requires_grad=True).sum(),
    "zeros": lambda: torch.zeros(4),
}


@pytest.mark.parametrize("name", SEED_CASES)
def test_seed_examples(name):
    torch.manual_seed(0)
    expected = SEED_CASES[name]()
    mine = mirror(expected)
    assert repr(mine) == torch_text(expected)
    assert str(mine) == torch_text(expected)


# The same examples through the public API, where the autograd marks come
# from mytensor's own engine rather than from mirror().
PUBLIC_CASES = {
    "leaf": lambda m: m.arange(4, dtype=m.float32).requires_grad_(),
    "mul": lambda m: (lambda x: x * x)(m.arange(4, dtype=m.float32).requires_grad_()),
    "sum": lambda m: (m.arange(4, dtype=m.float32).requires_grad_() * 2).sum(),
    "int16": lambda m: m.ones((3, 4), dtype=m.int16),
}


@pytest.mark.parametrize("name", PUBLIC_CASES)
def test_public_api_examples(name):
    expected = PUBLIC_CASES[name](torch)
    assert repr(PUBLIC_CASES[name](mytensor)) == torch_text(expected)


# --- hand-picked edge cases (values only; the text always comes from torch) --
nan, inf = float("nan"), float("inf")
EDGE_ARRAYS = [
    np.array([nan, 1.0]),
    np.array([-0.0, 1.0]),
    np.array(-0.0),
    np.array(0.0),
    np.array(nan),
    np.array(-inf),
    np.array([0.5, nan, -inf]),
    np.array([1e10, 1.0]),
    np.array([1e-5, nan, inf, -0.0]),
    np.array([1e-4, 1.0]),
    np.array([1e8, 1.0e5]),
    np.array([1e8 + 1, 1.0e6]),
    np.array([0.001, 1.0]),
    np.array([0.0011, 1.0]),
    np.array([9.99996, 1.5]),
    np.array([-9.99996e-5]),
    np.array([123456789.0]),
    np.arange(40.0) * 1e5,
    np.arange(2000.0).reshape(2, 1000),
    np.arange(1001),
    np.arange(1000),
    np.arange(7 * 7 * 7 * 7).reshape(7, 7, 7, 7) - 1200,
    np.arange(3000).reshape(10, 10, 30),
    np.arange(1200).reshape(1, 1200, 1),
    np.ones((2,) * 11),
    np.array([[True, False], [False, False]]),
    np.array(True),
    np.array(np.iinfo(np.int64).min),
    np.array([np.iinfo(np.int16).min, 7]),
]
EDGE_SHAPES = [(0,), (2, 0), (0, 3, 1), (1, 0)]


# Every edge array in every dtype it has a value in (nan and inf are floats only).
EDGE_CASES = [
    pytest.param(values, dtype, id=f"{index}-{dtype}")
    for index, values in enumerate(EDGE_ARRAYS)
    for dtype in NUMPY_TYPES
    if np.dtype(dtype).kind == "f" or np.isfinite(values).all()
]


@pytest.mark.parametrize(("values", "dtype"), EDGE_CASES)
def test_edge_values(values, dtype):
    with np.errstate(invalid="ignore", over="ignore"):  # out-of-range casts wrap
        assert_prints_like_torch(values.astype(dtype))


@pytest.mark.parametrize("shape", EDGE_SHAPES)
@pytest.mark.parametrize("dtype", NUMPY_TYPES)
def test_empty(shape, dtype):
    assert_prints_like_torch(np.zeros(shape, dtype=dtype))


# --- suffixes: dtype, requires_grad, grad_fn and where they wrap ----------------
GRAD_OPS = {
    "leaf": lambda x: x,
    "MulBackward0": lambda x: x * 1,
    "RsubBackward1": lambda x: 1 - x,
    "CloneBackward0": lambda x: x.clone(),
}


@pytest.mark.parametrize("length", [1, 3, 10, 11, 12, 13, 20, 40, 1001])
@pytest.mark.parametrize("op", GRAD_OPS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_autograd_suffixes(length, op, dtype):
    leaf = torch.from_numpy((np.arange(length) * 1e5).astype(dtype)).requires_grad_()
    expected = GRAD_OPS[op](leaf)
    assert repr(mirror(expected)) == torch_text(expected)


def test_suffixes_wrap_where_torch_wraps():
    # A last line of 57 characters leaves room for torch's "dtype=torch.float64"
    # but not for "dtype=mytensor.float64": the break must follow torch.
    assert_prints_like_torch(np.arange(40.0) * 1e5)
    assert_prints_like_torch((np.arange(40.0) * 1e5).reshape(2, 20))


# --- Hypothesis: shapes and values of every dtype ---------------------------
def _numel(shape):
    return int(np.prod(shape, dtype=np.int64))


small_shapes = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=6)
# Sides of 7 or more are cut once a tensor passes 1000 elements; the cap on
# the element count keeps each example to a few milliseconds.
big_sides = st.integers(0, 9) | st.sampled_from([7, 8, 40, 333, 1001, 1500])
any_shapes = (
    st.lists(big_sides, min_size=1, max_size=4).map(tuple).filter(lambda s: _numel(s) <= 200_000)
)

# Magnitudes around the mode switches: 1e-4, 1e8, a ratio of 1000, and
# values that round up a digit (9.99996 -> 10.0000).
special_floats = st.sampled_from(
    [0.0, -0.0, nan, inf, -inf, 1e-4, 9.9999e-5, 1e8, 1e8 + 8, 1000.0, 0.001, 9.99996, 0.5, 2.0]
)


@st.composite
def small_arrays(draw):
    """Arrays with every element drawn by Hypothesis, edge values included.

    Each float array draws from one family (any float, whole numbers, three
    decimals, or a band of magnitudes), so every display mode is common, and
    then gets up to three special values such as nan, -0.0 or 1e-4.
    """
    dtype = np.dtype(draw(st.sampled_from(NUMPY_TYPES)))
    shape = draw(small_shapes)
    if dtype.kind != "f":
        return draw(hnp.arrays(dtype, shape, elements=hnp.from_dtype(dtype)))
    exponent = draw(st.integers(-12, 12))
    family = draw(
        st.sampled_from(
            [
                st.floats(width=dtype.itemsize * 8, allow_subnormal=False),
                st.integers(-(10**6), 10**6).map(float),
                st.integers(-99999, 99999).map(lambda k: k / 1000),
                st.floats(-10.0, 10.0).map(lambda x: x * 10.0**exponent),
            ]
        )
    )
    with np.errstate(over="ignore"):  # a band past float32's range gives inf
        array = draw(hnp.arrays(dtype, shape, elements=family))
    for _ in range(draw(st.integers(0, 3)) if array.size else 0):
        array.flat[draw(st.integers(0, array.size - 1))] = draw(special_floats)
    return array


@st.composite
def generated_arrays(draw):
    """Larger arrays from a seeded generator: whole, scaled, or with specials."""
    dtype = np.dtype(draw(st.sampled_from(NUMPY_TYPES)))
    shape = draw(any_shapes)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kind = draw(st.sampled_from(["normal", "whole", "wide"]))
    values = rng.standard_normal(shape) * 10.0 ** draw(st.integers(-9, 9))
    if kind == "whole":
        values = np.round(values * 100)
    elif kind == "wide":
        values = values * 10.0 ** rng.integers(-6, 6, size=shape)
    if dtype.kind == "f" and values.size and draw(st.booleans()):
        spots = rng.integers(0, values.size, size=3)
        values.flat[spots] = rng.choice([nan, inf, -inf, 0.0, -0.0], size=3)
    if dtype.kind != "f":
        values = np.nan_to_num(values)
    with np.errstate(invalid="ignore", over="ignore"):  # out-of-range casts wrap
        return np.asarray(values).astype(dtype)


@settings(SETTINGS, max_examples=1000)
@given(small_arrays())
def test_small_arrays_match_torch(array):
    assert_prints_like_torch(array)


@settings(SETTINGS, max_examples=800)
@given(generated_arrays())
def test_generated_arrays_match_torch(array):
    assert_prints_like_torch(array)


@settings(SETTINGS, max_examples=300)
@given(generated_arrays())
def test_transposed_views_match_torch(array):
    base = Tensor._wrap(array.copy())
    order = tuple(reversed(range(array.ndim)))
    mine = base._view(base._shape[::-1], base._strides[::-1], 0)
    expected = torch.from_numpy(array.copy()).permute(order)
    assert repr(mine) == torch_text(expected)


@settings(SETTINGS, max_examples=200)
@given(generated_arrays(), st.sampled_from(["MulBackward0", None]))
def test_suffixes_after_any_values(array, grad_fn):
    if array.dtype.kind != "f":
        array = array.astype(np.float64)
    leaf = torch.from_numpy(array.copy()).requires_grad_()
    expected = leaf * 1 if grad_fn else leaf
    assert repr(mirror(expected)) == torch_text(expected)


def test_million_elements_print_fast():
    import time

    array = np.random.default_rng(0).standard_normal((1000, 1000)).astype(np.float32)
    start = time.perf_counter()
    text = _printing.format_values(array)
    assert time.perf_counter() - start < 0.1
    assert text == torch_text(torch.from_numpy(array))


# --- Size and dtype reprs -------------------------------------------------------
@SETTINGS
@given(hnp.array_shapes(min_dims=0, max_dims=5, min_side=0, max_side=20))
def test_size_repr(shape):
    assert repr(mytensor.Size(shape)) == torch_text(torch.Size(shape))
    assert str(mytensor.Size(shape)) == str(torch.Size(shape)).replace("torch", "mytensor")


@pytest.mark.parametrize("name", ["float32", "float64", "int16", "int32", "int64", "bool"])
def test_dtype_repr(name):
    mine = mytensor._dtypes.from_numpy_type(np.dtype(name))
    assert repr(mine) == torch_text(getattr(torch, name))
    assert str(mine) == str(getattr(torch, name)).replace("torch", "mytensor")
