"""mytensor against torch on random layouts, for every kind of public operation.

Each test draws cases (see ``differential.py``): inputs that are contiguous,
permuted, sliced with steps, expanded, 0-d or empty, under unary, binary,
reduction, view, in-place, matmul and indexing operations. A fixed,
derandomized sample keeps the run short; ``python tests/test_differential.py N``
runs N cases of each kind and prints the mismatch rate.
"""

import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from differential import TABLES, cases, compare, compare_fn

SAMPLE = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.parametrize("kind", sorted(TABLES))
def test_mytensor_matches_torch_on_random_layouts(kind):
    @SAMPLE
    @given(case=cases(kind))
    def agree(case):
        why = compare(case)
        assert why is None, f"{case['name']} on {case['inputs']}: {why}"

    agree()


def _grad_fn_of_rdiv(m):
    y = 3 / m.tensor([1.0, 2.0], requires_grad=True)
    node = y.grad_fn
    return node.name(), node(m.ones(2)), type(node.next_functions[0][0]).__name__, node.next_functions[1]


def _filled(m, method, *args):
    base = m.zeros(3)
    getattr(base.expand(2, 3), method)(*args)
    return base


NAMED = {
    "integer linspace counts down from end": lambda m: m.linspace(-20, 6, 7, dtype=m.int64),
    "3 / x records a product with a reciprocal": _grad_fn_of_rdiv,
    "3 / x values are x.reciprocal() * 3": lambda m: 3 / m.arange(1, 200, dtype=m.float32),
    "X.t() + 1 keeps the transposed layout": lambda m: (m.arange(12.0).reshape(3, 4).t() + 1).stride(),
    "a permuted input keeps its order": lambda m: (m.ones(2, 3).permute(1, 0) * 2).stride(),
    "the first input decides": lambda m: (m.ones(4, 3) + m.ones(3, 4).t()).stride(),
    "fill_ writes into an expanded tensor": lambda m: _filled(m, "fill_", 2.5),
    "zero_ writes into an expanded tensor": lambda m: _filled(m, "zero_"),
    "fill_ with a tensor refuses an expanded tensor": lambda m: _filled(m, "fill_", m.tensor(1.0)),
    "add_ refuses an expanded tensor": lambda m: _filled(m, "add_", 1),
    "x[:] = 1 refuses an expanded tensor": lambda m: m.zeros(3).expand(2, 3).__setitem__(slice(None), 1),
    "x[0] = 1 writes one row of an expanded tensor": lambda m: m.zeros(3).expand(2, 3).__setitem__(0, 1),
    "bool batched matmul": lambda m: m.ones(2, 2, 2, dtype=m.bool) @ m.ones(2, 2, dtype=m.bool),
    "bool stack times int vector": lambda m: m.ones(2, 2, 2, dtype=m.bool).permute(1, 0, 2) @ m.ones(2, dtype=m.int16),
    "empty batched product of two dtypes": lambda m: m.ones(4, 3, dtype=m.int32) @ m.ones(2, 3, 0, dtype=m.float64),
    "sub_ of bools before the shape": lambda m: m.tensor(True).sub_(m.tensor([True])),
    "trace of bools before the dims": lambda m: m.ones(2, 2, 2, dtype=m.bool).trace(),
    "mv of a 0-d tensor": lambda m: m.mv(m.tensor(1.0), m.ones(2)),
    "dot sums from +0": lambda m: m.dot(m.tensor([-0.5]), m.tensor([0.0])),
    "permute without dims": lambda m: m.ones(2, 3).permute(),
    "an index into an empty dim": lambda m: m.ones(2, 0)[..., [1, 0]],
    "to() keeps the memory order": lambda m: m.ones(4, 3, dtype=m.int16).t()[::2].to(m.float64).stride(),
    "exp of an int tensor uses its converted copy": lambda m: m.ones(6, 4, dtype=m.int16).t()[:, ::3].exp().stride(),
}


@pytest.mark.parametrize("name", sorted(NAMED))
def test_the_differences_found_before_are_gone(name):
    why = compare_fn(NAMED[name])
    assert why is None, why


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(start=st.one_of(st.integers(-60, 60), st.floats(-1e3, 1e3)),
       end=st.one_of(st.integers(-60, 60), st.floats(-1e3, 1e3)),
       steps=st.integers(0, 70), dtype=st.sampled_from(["float32", "float64", "int16", "int32", "int64"]))
def test_linspace_is_bit_identical_to_torch(start, end, steps, dtype):
    import numpy as np
    import torch

    import mytensor

    want = torch.linspace(start, end, steps, dtype=getattr(torch, dtype)).numpy()
    got = mytensor.linspace(start, end, steps, dtype=getattr(mytensor, dtype)).numpy()
    assert want.dtype == got.dtype and want.tobytes() == got.tobytes(), (want, got)
    assert np.array_equal(want, got)


def mismatch_rates(count):
    """For each kind, how many of ``count`` derandomized cases differ from torch, with examples."""
    rates = {}
    for kind in sorted(TABLES):
        found = []

        @settings(max_examples=count, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=cases(kind))
        def collect(case):
            why = compare(case)
            found.append((case["name"], why))

        collect()
        rates[kind] = found
    return rates


if __name__ == "__main__":
    total = bad = 0
    for kind, found in mismatch_rates(int(sys.argv[1]) if len(sys.argv) > 1 else 200).items():
        wrong = [(name, why) for name, why in found if why]
        total, bad = total + len(found), bad + len(wrong)
        print(f"{kind}: {len(wrong)}/{len(found)} differ")
        for name, why in wrong[:6]:
            print(f"    {name}: {why[:160]}")
    print(f"all: {bad}/{total} differ ({100 * bad / max(total, 1):.1f}%)")
