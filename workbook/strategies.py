"""Hypothesis strategies shared by tests/ and the notebooks' hidden tests.

Each strategy draws plain data (shapes, dtype names, seeds) or a *builder*: a
function of a module ``m`` (``torch`` or ``mytensor``) that makes the same
tensor in either library. Builders go straight into ``checks.run_both``::

    @given(strategies.tensors())
    def test_clone(case):
        description, build = case
        expect_same(lambda m: build(m).clone(), call=description)

Values come from a seeded numpy array passed through ``m.tensor``, so both
libraries start from identical elements; the view steps (transpose, slicing)
then make the layout non-contiguous with a nonzero offset where drawn.
"""

import ast

import numpy as np
from hypothesis import strategies as st

from workbook.concrete import literal

__all__ = ["shapes", "dtype_names", "arrays", "tensors", "views"]

DTYPE_NAMES = ("float32", "float64", "int64", "int32", "int16", "bool")
FLOAT_NAMES = ("float32", "float64")


def shapes(min_dims=0, max_dims=3, min_side=0, max_side=4):
    """Shapes as tuples, including 0-d ``()`` and zero-size dimensions by default."""
    return st.lists(st.integers(min_side, max_side), min_size=min_dims, max_size=max_dims).map(tuple)


def dtype_names(names=DTYPE_NAMES):
    """dtype names that exist in both libraries (``getattr(m, name)``)."""
    return st.sampled_from(names)


def _array(shape, dtype_name, seed):
    """A seeded ndarray of ``shape``: small integers, or halves for floats."""
    values = np.asarray(np.random.default_rng(seed).integers(-9, 10, size=shape))
    if dtype_name == "bool":
        return np.asarray(values > 0)
    if dtype_name in FLOAT_NAMES:
        return np.asarray(values / 2).astype(dtype_name)
    return values.astype(dtype_name)


def tensor_text(array, dtype_name):
    """A call that makes the tensor ``m.tensor(array)`` makes, to show in a failure.

    Examples
    --------
    >>> tensor_text(np.array([[1, 2]], dtype="int16"), "int16"), tensor_text(np.zeros((0, 2)), "float64")
    ('m.tensor([[1, 2]], dtype=m.int16)', 'm.zeros((0, 2), dtype=m.float64)')
    """
    if array.size == 0:  # a list would lose the shape of an empty array
        return f"m.zeros({tuple(array.shape)}, dtype=m.{dtype_name})"
    return f"m.tensor({array.tolist()!r}, dtype=m.{dtype_name})"


def subscript_text(index):
    """``index`` as it is written in brackets: ``[0:2:1, 1:3:2]``."""
    return ast.unparse(ast.Subscript(ast.Name("t", ast.Load()), literal(index, in_subscript=True), ast.Load()))[1:]


@st.composite
def arrays(draw, shape=None, dtypes=DTYPE_NAMES):
    """(shape, dtype name, ndarray) drawn together."""
    shape = draw(shapes()) if shape is None else shape
    name = draw(dtype_names(dtypes))
    return shape, name, _array(shape, name, draw(st.integers(0, 2**16)))


def _slice_for(draw, size):
    start = draw(st.integers(0, size))
    stop = draw(st.integers(start, size))
    return slice(start, stop, draw(st.integers(1, 3)))


@st.composite
def views(draw, min_dims=1, max_dims=3, dtypes=DTYPE_NAMES):
    """(description, builder) for a possibly non-contiguous view.

    The builder makes ``m.tensor(array)``, then maybe transposes two
    dimensions and slices every dimension with positive steps, so the result
    may be non-contiguous, have a storage offset, and have zero-size dims.
    """
    shape, name, array = draw(arrays(draw(shapes(min_dims, max_dims)), dtypes))
    swap = draw(st.one_of(st.none(), st.tuples(st.integers(0, len(shape) - 1), st.integers(0, len(shape) - 1))))
    sizes = list(shape)
    if swap:
        sizes[swap[0]], sizes[swap[1]] = sizes[swap[1]], sizes[swap[0]]
    index = tuple(_slice_for(draw, n) for n in sizes) if draw(st.booleans()) else None
    description = tensor_text(array, name) + (f".transpose{swap}" if swap else "")
    description += subscript_text(index) if index else ""

    def build(m):
        t = m.tensor(array)
        t = t.transpose(*swap) if swap else t
        return t[index] if index else t

    return description, build


def tensors(min_dims=0, max_dims=3, dtypes=DTYPE_NAMES):
    """(description, builder): a contiguous tensor of any rank, or a view of rank >= 1."""
    @st.composite
    def contiguous(draw):
        shape, name, array = draw(arrays(draw(shapes(min_dims, max_dims)), dtypes))
        return tensor_text(array, name), lambda m: m.tensor(array)

    return st.one_of(contiguous(), views(max(min_dims, 1), max_dims, dtypes))
