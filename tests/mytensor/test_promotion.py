"""Type promotion (Task 3.1) against torch.result_type and torch.can_cast, exhaustively.

Every pair of operand kinds is tried: dimensioned tensors and 0-d tensors of
each dtype, and Python bool, int and float scalars, on either side.
"""

import itertools

import numpy as np
import pytest
import torch

import mytensor
from mytensor import promotion
from parity import DTYPES, make, same

TENSOR_KINDS = [(d, shape) for d in DTYPES for shape in ((2,), ())]
SCALARS = [True, 3, 2.5]
KINDS = TENSOR_KINDS + SCALARS


def build(m, kind):
    if not isinstance(kind, tuple):
        return kind
    dtype, shape = kind
    return make(m, np.ones(shape, dtype=dtype))


def kind_pairs():
    for a, b in itertools.product(KINDS, KINDS):
        if isinstance(a, tuple) or isinstance(b, tuple):
            yield a, b


@pytest.mark.parametrize("a, b", list(kind_pairs()))
def test_result_type_matches_torch(a, b):
    want = torch.result_type(build(torch, a), build(torch, b))
    got = promotion.result_type(build(mytensor, a), build(mytensor, b))
    assert repr(got) == repr(want).replace("torch", "mytensor")


@pytest.mark.parametrize("a, b", list(kind_pairs()))
def test_operator_dtypes_match_torch(a, b):
    def results(m):
        x, y = build(m, a), build(m, b)
        return [(x + y).dtype, (x * y).dtype, (x / y).dtype, (x == y).dtype, (x < y).dtype]

    same(results)


@pytest.mark.parametrize("a, b", list(itertools.product(DTYPES, DTYPES)))
def test_can_cast_matches_torch(a, b):
    want = torch.can_cast(getattr(torch, a), getattr(torch, b))
    assert promotion.can_cast(getattr(mytensor, a), getattr(mytensor, b)) == want


@pytest.mark.parametrize("a, b", list(itertools.product(DTYPES, DTYPES)))
def test_promote_types_matches_torch(a, b):
    want = torch.promote_types(getattr(torch, a), getattr(torch, b))
    assert repr(promotion.promote_types(getattr(mytensor, a), getattr(mytensor, b))) == repr(want).replace(
        "torch", "mytensor"
    )
