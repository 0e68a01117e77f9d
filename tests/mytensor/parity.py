"""Parity helpers: run the same code with torch and with mytensor, and compare.

A test builds the same inputs in torch and in mytensor from one numpy array
(``make``), runs the same code on both (:func:`same`, through
``workbook.checks.run_both``) and compares with ``workbook.checks.difference``:
values, dtype, shape, strides of views, requires_grad, grad_fn name, and
exceptions by type and message.
"""

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from workbook.checks import difference, run_both

DTYPES = ["bool", "int16", "int32", "int64", "float32", "float64"]
FLOATS = ["float32", "float64"]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def make(m, array, requires_grad=False, layout="contiguous"):
    """A tensor of module ``m`` holding ``array``.

    ``layout="transposed"`` gives a non-contiguous tensor with the same values
    (built transposed, then transposed back), ``"strided"`` one that skips
    every other element of a larger tensor.
    """
    array = np.asarray(array)
    dtype = getattr(m, "bool" if array.dtype == np.bool_ else array.dtype.name)
    if layout == "transposed" and array.ndim >= 2:
        base = m.tensor(np.swapaxes(array, -1, -2).reshape(-1).tolist(), dtype=dtype)
        t = base.reshape(np.swapaxes(array, -1, -2).shape).transpose(-1, -2)
    elif layout == "strided" and array.ndim >= 1:
        doubled = np.repeat(array, 2, axis=0)
        t = m.tensor(doubled.reshape(-1).tolist(), dtype=dtype).reshape(doubled.shape)[::2]
    else:
        t = m.tensor(array.reshape(-1).tolist(), dtype=dtype).reshape(array.shape)
    return t.requires_grad_() if requires_grad else t


def values(shape, dtype, seed, low=-4, high=4):
    """Deterministic small values of ``dtype``: halves, so sums and products are exact."""
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.integers(0, 2, size=shape).astype(bool)
    if dtype.startswith("float"):
        return (rng.integers(2 * low, 2 * high + 1, size=shape) / 2).astype(dtype)
    return rng.integers(low, high + 1, size=shape).astype(dtype)


def same(fn):
    """Run ``fn`` on torch and mytensor; fail with both results if they differ; return mytensor's."""
    expected, actual = run_both(fn)
    why = difference(expected, actual)
    assert why is None, f"{why}\ntorch:    {expected!r}\nmytensor: {actual!r}"
    return actual


shapes = st.lists(st.integers(0, 4), min_size=0, max_size=3).map(tuple)
seeds = st.integers(0, 2**32 - 1)
layouts = st.sampled_from(["contiguous", "transposed", "strided"])


@st.composite
def broadcast_pair(draw, base=shapes):
    """Two shapes that broadcast: a drawn shape and a variant with dims dropped or set to 1."""
    shape = draw(base)
    keep = draw(st.integers(0, len(shape)))
    other = tuple(1 if draw(st.booleans()) else s for s in shape[len(shape) - keep :])
    return (shape, other) if draw(st.booleans()) else (other, shape)


def same_expr(expr, **names):
    """``same`` for an expression in ``m`` (the module) and ``np``, given as text."""
    same(lambda m: eval(expr, {"m": m, "np": np, **names}))


def run(statements):
    """A check function that runs ``statements`` (using ``m``) and returns ``result``."""

    def fn(m):
        scope = {"m": m, "np": np}
        exec(statements, scope)
        return scope["result"]

    return fn
