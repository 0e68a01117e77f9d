"""Differential testing of mytensor against torch over random layouts.

A case is plain data: the values of one or two inputs, how each is laid out
(contiguous, permuted, sliced with steps, expanded, 0-d, empty) and the name
of an operation. ``compare`` builds the same inputs in torch and in mytensor
through each library's own view operations, runs the operation on both and
returns None when they agree, or a sentence saying how they differ.

They agree when the results have the same structure and, for tensors, the
same shape, dtype, ``stride()``, ``storage_offset()``, ``requires_grad`` and
bits; exceptions agree by type and message (``mytensor`` standing in for
``torch``). An in-place operation also returns the contiguous base its input
views, so what the write did to the storage is compared too.
"""

import math

import numpy as np
from hypothesis import strategies as st

DTYPES = ["bool", "int16", "int32", "int64", "float32", "float64"]

# The results of these may differ from torch's in the last bits: torch's
# vectorized kernels (SLEEF) and numpy's libm round transcendental functions
# (a power with a fractional exponent among them) differently, and a mean
# sums in another order. They compare within 4 ulps; everything else
# compares bit for bit.
ULP_OPS = {"exp", "log", "sqrt", "sigmoid", "tanh", "pow", "2 ** x", "mean", "mean(0)", "mean(-1, keepdim)"}


# --- building the inputs ---------------------------------------------------


def _tensor(m, values):
    dtype = getattr(m, "bool" if values.dtype == np.bool_ else values.dtype.name)
    return m.tensor(values.reshape(-1).tolist(), dtype=dtype).reshape(values.shape)


def build(m, spec):
    """The tensor ``spec`` describes, and the contiguous base tensor whose storage it views."""
    values, step = spec["values"], spec["step"]
    if step > 1 and values.ndim:
        # A larger base with other values between the ones the view shows.
        big = np.zeros(tuple(1 + n * step for n in values.shape), values.dtype)
        big.reshape(-1)[:] = np.resize(values.reshape(-1)[::-1], big.size) if values.size else big.reshape(-1)
        window = tuple(slice(1, None, step) for _ in values.shape)
        big[window] = values
        base = _tensor(m, big)
        x = base[window]
    else:
        base = x = _tensor(m, values)
    if spec["perm"] is not None:
        x = x.permute(*spec["perm"])
    if spec["expand"] is not None:
        x = x.expand(*spec["expand"])
    return x, base


def _sample(rng, shape, dtype):
    """Small values of ``dtype``: halves for floats, so sums and products are exact."""
    if dtype == "bool":
        return rng.integers(0, 2, size=shape).astype(bool)
    if dtype.startswith("float"):
        return (rng.integers(-8, 9, size=shape) / 2).astype(dtype)
    return rng.integers(-4, 5, size=shape).astype(dtype)


@st.composite
def specs(draw, shape=None, dtype=None):
    """An input: its final shape, then how it got there (expanded, permuted, sliced with a step)."""
    if shape is None:
        shape = tuple(draw(st.lists(st.integers(0, 4), max_size=3)))
    dtype = dtype or draw(st.sampled_from(DTYPES))
    expand = None
    before = shape
    if shape and draw(st.booleans()) and draw(st.booleans()):
        lead = draw(st.integers(0, len(shape) - 1))
        ones = [draw(st.booleans()) for _ in shape[lead:]]
        before = tuple(1 if one else n for one, n in zip(ones, shape[lead:]))
        expand = shape
    perm = None
    if len(before) > 1 and draw(st.booleans()):
        perm = tuple(draw(st.permutations(range(len(before)))))
        stored = [0] * len(before)
        for i, p in enumerate(perm):
            stored[p] = before[i]
        before = tuple(stored)
    step = draw(st.sampled_from([1, 1, 2, 3]))
    values = _sample(np.random.default_rng(draw(st.integers(0, 2**32 - 1))), before, dtype)
    return {"values": values, "step": step, "perm": perm, "expand": expand}


@st.composite
def broadcastable(draw, shape):
    """A shape that broadcasts with ``shape``: leading dims dropped, some set to 1, or a 1 put in front."""
    keep = draw(st.integers(0, len(shape)))
    other = tuple(1 if draw(st.booleans()) and draw(st.booleans()) else n for n in shape[len(shape) - keep:])
    if draw(st.integers(0, 5)) == 0:
        other = (1,) + other
    return other


# --- the operations ----------------------------------------------------------

UNARY = {
    "neg": lambda m, x: -x,
    "abs": lambda m, x: x.abs(),
    "sqrt": lambda m, x: x.sqrt(),
    "log": lambda m, x: m.log(x),
    "exp": lambda m, x: x.exp(),
    "sigmoid": lambda m, x: x.sigmoid(),
    "tanh": lambda m, x: m.tanh(x),
    "relu": lambda m, x: x.relu(),
    "clamp(-1, 1)": lambda m, x: x.clamp(-1, 1),
    "clamp(min=0.5)": lambda m, x: m.clamp(x, min=0.5),
    "float()": lambda m, x: x.float(),
    "double()": lambda m, x: x.double(),
    "long()": lambda m, x: x.long(),
    "bool()": lambda m, x: x.bool(),
    "to(int16)": lambda m, x: x.to(m.int16),
    "clone": lambda m, x: x.clone(),
    "contiguous": lambda m, x: x.contiguous(),
    "zeros_like": lambda m, x: m.zeros_like(x),
    "full_like": lambda m, x: m.full_like(x, 2),
    "where(x > 0, x, 0.5)": lambda m, x: m.where(x > 0, x, 0.5),
    "1 + x": lambda m, x: 1 + x,
    "x * 2.5": lambda m, x: x * 2.5,
    "3 / x": lambda m, x: 3 / x,
    "2 - x": lambda m, x: 2 - x,
    "x ** 2": lambda m, x: x ** 2,
    "2 ** x": lambda m, x: 2 ** x,
    "x < 1": lambda m, x: x < 1,
    "x == True": lambda m, x: x == True,  # noqa: E712  (a Python bool operand)
}

BINARY = {
    "add": lambda m, x, y: x + y,
    "sub": lambda m, x, y: x - y,
    "mul": lambda m, x, y: m.mul(x, y),
    "div": lambda m, x, y: x / y,
    "pow": lambda m, x, y: x ** y,
    "eq": lambda m, x, y: x == y,
    "ne": lambda m, x, y: m.ne(x, y),
    "lt": lambda m, x, y: x < y,
    "ge": lambda m, x, y: x >= y,
    "maximum": lambda m, x, y: m.maximum(x, y),
    "minimum": lambda m, x, y: m.minimum(x, y),
    "where": lambda m, x, y: m.where(y > 0, x, y),
    "clamp(y, y + 1)": lambda m, x, y: x.clamp(y, y + 1),
    "y + x": lambda m, x, y: y + x,
    "cat": lambda m, x, y: m.cat([x, y]),
    "stack": lambda m, x, y: m.stack([x, y]),
}

REDUCTIONS = {
    "sum": lambda m, x: x.sum(),
    "sum(0)": lambda m, x: x.sum(0),
    "sum(-1, keepdim)": lambda m, x: m.sum(x, -1, keepdim=True),
    "sum((0, -1))": lambda m, x: x.sum((0, -1)),
    "mean": lambda m, x: x.mean(),
    "mean(0)": lambda m, x: x.mean(0),
    "mean(-1, keepdim)": lambda m, x: x.mean(-1, keepdim=True),
    "max": lambda m, x: x.max(),
    "max(0)": lambda m, x: x.max(0),
    "min(-1, keepdim)": lambda m, x: x.min(-1, keepdim=True),
    "argmax": lambda m, x: x.argmax(),
    "argmin(0)": lambda m, x: x.argmin(0),
    "all": lambda m, x: x.all(),
    "any(-1)": lambda m, x: x.any(-1),
    "trace": lambda m, x: x.trace(),
}

VIEWS = {
    "t": lambda m, x: x.t(),
    "transpose(0, -1)": lambda m, x: x.transpose(0, -1),
    "permute(reversed)": lambda m, x: x.permute(*reversed(range(x.ndim))),
    "reshape(-1)": lambda m, x: x.reshape(-1),
    "view(-1)": lambda m, x: x.view(-1),
    "reshape(2, -1)": lambda m, x: x.reshape(2, -1),
    "flatten": lambda m, x: x.flatten(),
    "squeeze": lambda m, x: x.squeeze(),
    "squeeze(0)": lambda m, x: x.squeeze(0),
    "unsqueeze(-1)": lambda m, x: x.unsqueeze(-1),
    "expand(2, ...)": lambda m, x: x.expand(2, *x.shape),
    "x[0]": lambda m, x: x[0],
    "x[-1:]": lambda m, x: x[-1:],
    "x[..., ::2]": lambda m, x: x[..., ::2],
    "x[:, None, 1:]": lambda m, x: x[:, None, 1:],
    "x[x > 0]": lambda m, x: x[x > 0],
    "x[[0, -1]]": lambda m, x: x[m.tensor([0, -1])],
    "x[..., [1, 0]]": lambda m, x: x[..., [1, 0]],
    "item": lambda m, x: x.item(),
    "tolist": lambda m, x: x.tolist(),
    "float(x)": lambda m, x: float(x),
    "bool(x)": lambda m, x: bool(x),
}

# In-place operations return ``(result, x, base)``: the write is compared everywhere it landed.
IN_PLACE = {
    "add_(y)": lambda m, x, y: x.add_(y),
    "sub_(y)": lambda m, x, y: x.sub_(y),
    "mul_(y)": lambda m, x, y: x.mul_(y),
    "div_(y)": lambda m, x, y: x.div_(y),
    "x += y": lambda m, x, y: x.__iadd__(y),
    "zero_": lambda m, x, y: x.zero_(),
    "fill_(2)": lambda m, x, y: x.fill_(2),
    "fill_(0-d)": lambda m, x, y: x.fill_(m.tensor(3)),
    "copy_(y)": lambda m, x, y: x.copy_(y),
    "x[...] = y": lambda m, x, y: x.__setitem__(Ellipsis, y),
    "x[0] = 1": lambda m, x, y: x.__setitem__(0, 1),
    "x[x > 0] = 0": lambda m, x, y: x.__setitem__(x > 0, 0),
}

MATMUL = {
    "matmul": lambda m, x, y: x @ y,
    "mm": lambda m, x, y: m.mm(x, y),
    "mv": lambda m, x, y: m.mv(x, y),
    "dot": lambda m, x, y: m.dot(x, y),
}

TABLES = {"unary": UNARY, "binary": BINARY, "reduction": REDUCTIONS, "view": VIEWS,
          "in-place": IN_PLACE, "matmul": MATMUL}


@st.composite
def cases(draw, kind):
    """A case of ``kind`` (a key of TABLES): the operation's name and its input specs."""
    name = draw(st.sampled_from(sorted(TABLES[kind])))
    first = draw(specs())
    shape = _final_shape(first)
    if kind in ("unary", "reduction", "view"):
        return {"kind": kind, "name": name, "inputs": [first]}
    if kind == "matmul":
        other = draw(_matmul_partner(shape))
    else:
        other = draw(specs(shape=draw(broadcastable(shape))))
    return {"kind": kind, "name": name, "inputs": [first, other]}


@st.composite
def _matmul_partner(draw, shape):
    """A second operand that fits ``shape`` for a product most of the time."""
    inner = shape[-1] if shape else 2
    if draw(st.integers(0, 4)) == 0:
        inner += 1
    tail = draw(st.sampled_from([(), (3,), (0,)]))
    batch = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    dtype = draw(st.sampled_from(DTYPES))
    return draw(specs(shape=batch + (inner,) + tail if tail or not batch else (inner,), dtype=dtype))


def _final_shape(spec):
    if spec["expand"] is not None:
        return tuple(spec["expand"])
    shape = spec["values"].shape
    return tuple(shape[p] for p in spec["perm"]) if spec["perm"] is not None else tuple(shape)


# --- running and comparing -----------------------------------------------------


def run(m, case):
    """The result of ``case`` in module ``m``; an exception is the result."""
    built = [build(m, spec) for spec in case["inputs"]]
    args = [x for x, _ in built]
    op = TABLES[case["kind"]][case["name"]]
    try:
        result = op(m, *args)
        if case["kind"] == "in-place":
            return (result, args[0], built[0][1])
        return result
    except Exception as error:  # noqa: BLE001  (the error is what gets compared)
        return error


def snapshot(value):
    """Plain data for a result of either library: tensors become dicts, errors a (type, message) pair."""
    if isinstance(value, BaseException):
        return ("raises", type(value).__name__, str(value).replace("mytensor", "torch"))
    if hasattr(value, "storage_offset"):
        array = value.detach().numpy() if hasattr(value, "detach") else value.numpy()
        return {
            "shape": tuple(value.shape),
            "dtype": str(value.dtype).split(".")[-1],
            "stride": tuple(value.stride()),
            "storage_offset": value.storage_offset(),
            "requires_grad": value.requires_grad,
            "values": np.array(array),
        }
    if isinstance(value, (tuple, list)):
        return (type(value).__name__.split(".")[-1], [snapshot(v) for v in value])
    return value


def difference(expected, actual, ulps=0):
    """None when two snapshots agree, else what differs first."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in ("shape", "dtype", "stride", "storage_offset", "requires_grad"):
            if expected[key] != actual[key]:
                return f"{key}: torch {expected[key]}, mytensor {actual[key]}"
        if not _same_values(expected["values"], actual["values"], ulps):
            return f"values: torch {expected['values'].tolist()}, mytensor {actual['values'].tolist()}"
        return None
    if isinstance(expected, tuple) and expected[:1] == ("raises",) or type(expected) is not type(actual):
        return None if expected == actual else f"torch {expected!r}, mytensor {actual!r}"
    if isinstance(expected, tuple) and len(expected) == 2 and isinstance(expected[1], list):
        if len(expected[1]) != len(actual[1]):
            return f"lengths: torch {len(expected[1])}, mytensor {len(actual[1])}"
        found = (difference(e, a, ulps) for e, a in zip(expected[1], actual[1]))
        return next((why for why in found if why), None)
    if isinstance(expected, float) and math.isnan(expected) and math.isnan(actual):
        return None
    return None if expected == actual else f"torch {expected!r}, mytensor {actual!r}"


def _same_values(want, got, ulps):
    if want.dtype != got.dtype or want.shape != got.shape:
        return False
    if want.dtype.kind != "f" or ulps == 0:
        return want.tobytes() == got.tobytes()
    with np.errstate(invalid="ignore"):
        close = np.abs(want - got) <= ulps * np.spacing(np.abs(want))
    return bool(np.all(close | (want == got) | (np.isnan(want) & np.isnan(got))))


def compare(case):
    """None when torch and mytensor agree on ``case``, else the first difference."""
    return compare_fn(lambda m: run(m, case), 4 if case["name"] in ULP_OPS else 0)


def compare_fn(fn, ulps=0):
    """None when ``fn(torch)`` and ``fn(mytensor)`` agree (an exception counts as the result)."""
    import torch

    import mytensor

    results = []
    for m in (torch, mytensor):
        try:
            results.append(snapshot(fn(m)))
        except Exception as error:  # noqa: BLE001  (the error is what gets compared)
            results.append(snapshot(error))
    return difference(*results, ulps)
