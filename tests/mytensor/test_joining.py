"""cat (Task 3.4) against torch: shapes, dims, promotion, non-contiguous inputs, errors."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parity import DTYPES, SETTINGS, layouts, make, same, seeds, values


@SETTINGS
@given(
    shape=st.lists(st.integers(0, 3), min_size=1, max_size=3).map(tuple),
    data=st.data(),
    seed=seeds,
    layout=layouts,
)
def test_cat_matches_torch(shape, data, seed, layout):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    count = data.draw(st.integers(1, 3))
    arrays = []
    for i in range(count):
        size = list(shape)
        size[dim] = data.draw(st.integers(0, 3))
        arrays.append(values(tuple(size), data.draw(st.sampled_from(DTYPES)), seed + i))
    same(lambda m: m.cat([make(m, a, layout=layout) for a in arrays], dim))
    same(lambda m: m.cat(tuple(make(m, a) for a in arrays), dim=dim))


CASES = {
    "empty list": lambda m: m.cat([]),
    "not a list": lambda m: m.cat(m.ones(2)),
    "not a tensor": lambda m: m.cat([m.ones(2), 1]),
    "dim out of range": lambda m: m.cat([m.ones(2, 3), m.ones(2, 3)], dim=2),
    "sizes differ": lambda m: m.cat([m.ones(2, 3), m.ones(3, 3)], dim=1),
    "ndim differ": lambda m: m.cat([m.ones(2, 3), m.ones(3)]),
    "0-d": lambda m: m.cat([m.tensor(1.0), m.tensor(1.0)]),
    "0-d second": lambda m: m.cat([m.ones(2, 3), m.tensor(1.0)]),
    "promotion": lambda m: m.cat([m.ones(2), m.ones(2, dtype=m.int64)]),
    "bool and int16": lambda m: m.cat([m.ones(2, dtype=m.bool), m.ones(2, dtype=m.int16)]),
    "legacy empty skipped": lambda m: m.cat([m.ones(0), m.ones(2, 3)]),
    "legacy empty last": lambda m: m.cat([m.ones(2, 3), m.ones(0)], dim=1),
    "legacy empty only": lambda m: m.cat([m.ones(0), m.ones(0)]),
    "legacy empty dtype": lambda m: m.cat([m.ones(0, dtype=m.float64), m.ones(2, 3)]),
    "negative dim": lambda m: m.cat((m.ones(2, 1), m.ones(2, 3)), -1),
    "grad_fn": lambda m: m.cat([m.ones(2).requires_grad_(), m.ones(3)]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_cases_match_torch(name):
    same(CASES[name])
