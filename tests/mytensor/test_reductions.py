"""sum (Task 3.5) and mean against torch: dims, keepdim, dtypes, errors, grad_fn names."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parity import DTYPES, SETTINGS, layouts, make, same, seeds, shapes, values


@st.composite
def dims_for(draw, shape):
    """None, one dim, or a tuple of distinct dims of ``shape`` (negative ones too)."""
    ndim = max(len(shape), 1)
    kind = draw(st.sampled_from(["none", "int", "tuple"]))
    if kind == "none":
        return None
    pool = list(range(-ndim, ndim)) if shape else [0, -1]
    if kind == "int":
        return draw(st.sampled_from(pool))
    chosen = draw(st.lists(st.sampled_from(range(ndim)), unique=True, max_size=ndim))
    return tuple(d - ndim if draw(st.booleans()) else d for d in chosen)


@SETTINGS
@given(data=st.data(), shape=shapes, dtype=st.sampled_from(DTYPES), layout=layouts, seed=seeds)
def test_sum_and_mean_match_torch(data, shape, dtype, layout, seed):
    dim = data.draw(dims_for(shape))
    keepdim = data.draw(st.booleans())
    a = values(shape, dtype, seed)
    kwargs = {} if dim is None else {"dim": dim, "keepdim": keepdim}  # torch wants dim with keepdim
    same(lambda m: make(m, a, layout=layout).sum(**kwargs))
    same(lambda m: make(m, a, layout=layout).mean(**kwargs))
    same(lambda m: m.sum(make(m, a), **kwargs))


CASES = {
    "sum all": lambda m: m.arange(6).reshape(2, 3).sum(),
    "sum dim out of range": lambda m: m.ones(2, 3).sum(2),
    "sum negative dim out of range": lambda m: m.ones(2, 3).sum(-3),
    "sum dim twice": lambda m: m.ones(2, 3).sum((0, 0)),
    "sum dim twice negative": lambda m: m.ones(2, 3).sum((1, -1)),
    "sum empty dims": lambda m: m.ones(2, 3).sum(()),
    "sum empty dims keepdim": lambda m: m.ones(2, 3).sum((), keepdim=True),
    "sum dim list": lambda m: m.ones(2, 3).sum([0, 1]),
    "sum 0-d dim 0": lambda m: m.tensor(3.0).sum(0),
    "sum 0-d dim -1 keepdim": lambda m: m.tensor(3.0).sum(-1, keepdim=True),
    "sum 0-d dim 1": lambda m: m.tensor(3.0).sum(1),
    "sum bool": lambda m: m.tensor([True, True]).sum(),
    "sum int16": lambda m: m.tensor([1, 2], dtype=m.int16).sum(0),
    "sum empty": lambda m: m.ones(0, 3).sum(1),
    "mean int": lambda m: m.ones(2, dtype=m.int64).mean(),
    "mean bool dim": lambda m: m.ones(2, dtype=m.bool).mean(0),
    "mean empty": lambda m: m.ones(0).mean(),
    "mean empty dim": lambda m: m.ones(0, 3).mean(0),
    "mean float64": lambda m: m.ones(2, 2, dtype=m.float64).mean((0, 1)),
    "grad_fn sum": lambda m: m.ones(2, 3).requires_grad_().sum(),
    "grad_fn sum dim": lambda m: m.ones(2, 3).requires_grad_().sum(1),
    "grad_fn sum tuple": lambda m: m.ones(2, 3).requires_grad_().sum((0, 1)),
    "grad_fn sum ()": lambda m: m.ones(2, 3).requires_grad_().sum(()),
    "grad_fn mean": lambda m: m.ones(2, 3).requires_grad_().mean(),
    "grad_fn mean dim": lambda m: m.ones(2, 3).requires_grad_().mean(-1, keepdim=True),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_cases_match_torch(name):
    same(CASES[name])
