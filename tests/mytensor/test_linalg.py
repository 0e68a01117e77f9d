"""dot, mv, mm and @ (Task 3.3) against torch: values, dispatch, errors word for word."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parity import SETTINGS, layouts, make, same, seeds, values

NUMERIC = ["int16", "int32", "int64", "float32", "float64"]
sizes = st.integers(0, 4)


@SETTINGS
@given(n=sizes, k=sizes, p=sizes, dtype=st.sampled_from(NUMERIC), layout=layouts, seed=seeds)
def test_products_match_torch(n, k, p, dtype, layout, seed):
    a, b = values((n, k), dtype, seed), values((k, p), dtype, seed + 1)
    v, w = values((k,), dtype, seed + 2), values((k,), dtype, seed + 3)
    same(lambda m: m.mm(make(m, a, layout=layout), make(m, b, layout=layout)))
    same(lambda m: make(m, a) @ make(m, b, layout=layout))
    same(lambda m: m.mv(make(m, a, layout=layout), make(m, v)))
    same(lambda m: make(m, a, layout=layout) @ make(m, v, layout=layout))
    same(lambda m: m.dot(make(m, v, layout=layout), make(m, w)))
    same(lambda m: make(m, v) @ make(m, w))
    same(lambda m: make(m, v) @ make(m, b, layout=layout))


@SETTINGS
@given(
    batch=st.tuples(st.lists(st.integers(1, 3), max_size=2), st.lists(st.integers(1, 3), max_size=2)),
    n=sizes, k=sizes, p=sizes, seed=seeds,
)
def test_batched_matmul_matches_torch(batch, n, k, p, seed):
    a = values(tuple(batch[0]) + (n, k), "float32", seed)
    b = values(tuple(batch[1][-len(batch[0]):] if batch[0] else batch[1]) + (k, p), "float32", seed + 1)
    same(lambda m: make(m, a) @ make(m, b))
    same(lambda m: make(m, a) @ make(m, b[..., 0]) if b.ndim > 2 or a.ndim > 2 else m.ones(1))


ERRORS = {
    "mm shapes": lambda m: m.mm(m.ones(2, 3), m.ones(2, 3)),
    "mm self 1-D": lambda m: m.mm(m.ones(3), m.ones(2, 3)),
    "mm mat2 1-D": lambda m: m.mm(m.ones(2, 3), m.ones(3)),
    "mm dtypes": lambda m: m.mm(m.ones(2, 3), m.ones(3, 2, dtype=m.int64)),
    "mm dtypes int16": lambda m: m.mm(m.ones(2, 3), m.ones(3, 2, dtype=m.int16)),
    "mm dtypes int32": lambda m: m.mm(m.ones(2, 3), m.ones(3, 2, dtype=m.int32)),
    "mm dtypes bool": lambda m: m.mm(m.ones(2, 3), m.ones(3, 2, dtype=m.bool)),
    "mm dtypes double": lambda m: m.mm(m.ones(2, 3, dtype=m.float64), m.ones(3, 2)),
    "mm shapes before dtypes": lambda m: m.mm(m.ones(2, 3), m.ones(2, 3, dtype=m.int64)),
    "mm bool": lambda m: m.mm(m.ones(2, 3, dtype=m.bool), m.ones(3, 2, dtype=m.bool)),
    "dot 2-D": lambda m: m.dot(m.ones(2, 3), m.ones(2, 3)),
    "dot 0-D": lambda m: m.dot(m.tensor(1.0), m.tensor(1.0)),
    "dot sizes": lambda m: m.dot(m.ones(3), m.ones(2)),
    "dot dtypes": lambda m: m.dot(m.ones(3), m.ones(3, dtype=m.int64)),
    "dot dtypes before sizes": lambda m: m.dot(m.ones(2), m.ones(3, dtype=m.int64)),
    "dot bool": lambda m: m.dot(m.ones(3, dtype=m.bool), m.ones(3, dtype=m.bool)),
    "dot int": lambda m: m.dot(m.ones(3, dtype=m.int64), m.ones(3, dtype=m.int64)),
    "mv sizes": lambda m: m.mv(m.ones(2, 3), m.ones(2)),
    "mv 1-D": lambda m: m.mv(m.ones(3), m.ones(3)),
    "mv 2-D vec": lambda m: m.mv(m.ones(2, 3), m.ones(3, 3)),
    "mv dtypes": lambda m: m.mv(m.ones(2, 3), m.ones(3, dtype=m.int64)),
    "mv dtypes other way": lambda m: m.mv(m.ones(2, 3, dtype=m.int16), m.ones(3, dtype=m.float64)),
    "mv bool": lambda m: m.mv(m.ones(2, 3, dtype=m.bool), m.ones(3, dtype=m.bool)),
    "matmul 0-d": lambda m: m.matmul(m.tensor(1.0), m.ones(2, 3)),
    "matmul 0-d right": lambda m: m.ones(2, 3) @ m.tensor(1.0),
    "matmul 1-D sizes": lambda m: m.ones(3) @ m.ones(2),
    "matmul 1-D @ 2-D sizes": lambda m: m.ones(3) @ m.ones(2, 3),
    "matmul 2-D @ 1-D sizes": lambda m: m.ones(2, 3) @ m.ones(2),
    "matmul stack @ matrix sizes": lambda m: m.ones(4, 2, 3) @ m.ones(2, 3),
    "matmul stack @ vector sizes": lambda m: m.ones(4, 2, 3) @ m.ones(2),
    "matmul batch inner": lambda m: m.ones(4, 2, 3) @ m.ones(4, 2, 3),
    "matmul vector @ batch inner": lambda m: m.ones(3) @ m.ones(4, 2, 3),
    "matmul batch broadcast": lambda m: m.ones(4, 2, 3) @ m.ones(5, 3, 2),
    "matmul batch dtypes": lambda m: m.ones(4, 2, 3) @ m.ones(4, 3, 2, dtype=m.int64),
    "matmul stack dtypes": lambda m: m.ones(4, 2, 3) @ m.ones(3, 2, dtype=m.int64),
    "matmul batch bool": lambda m: m.ones(2, 2, 2, dtype=m.bool) @ m.ones(2, 2, 2, dtype=m.bool),
    "matmul scalar": lambda m: m.ones(2, 3) @ 2,
    "matmul scalar left": lambda m: 2 @ m.ones(2, 3),
    "grad_fn mm": lambda m: m.ones(2, 3).requires_grad_() @ m.ones(3, 2),
    "grad_fn mv": lambda m: m.ones(2, 3).requires_grad_() @ m.ones(3),
    "grad_fn dot": lambda m: m.ones(3).requires_grad_() @ m.ones(3),
    "grad_fn vector @ matrix": lambda m: m.ones(3).requires_grad_() @ m.ones(3, 2),
    "grad_fn batched": lambda m: m.ones(4, 2, 3).requires_grad_() @ m.ones(3, 5),
    "grad_fn vector @ batch": lambda m: m.ones(3) @ m.ones(4, 3, 5).requires_grad_(),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_cases_match_torch(name):
    same(ERRORS[name])
