"""Comparing a result of torch with the student's: what differs, in words a student reads.

The student's side arrives as plain data (a :class:`Snapshot` for a tensor, a
:class:`Raised` for an exception); torch's side is torch's own value. Used by
the checks (:mod:`workbook.checks`) and by the misconception bank
(:mod:`workbook.misconceptions`), which both read what differs.
"""

import math

import numpy as np

from .language import text

_TOLERANCE = {"float32": (1e-5, 1e-5), "float64": (1e-7, 1e-7)}

class Raised:
    """An exception caught while running one side of a check."""

    def __init__(self, error):
        self.type_name = type(error).__name__
        self.message = str(error)

    def __repr__(self):
        return f"{self.type_name}: {self.message}"


class Snapshot:
    """A student tensor turned into plain data: nothing of it runs later."""

    def __init__(self, shape, dtype, values, stride, offset, requires_grad, grad_fn, text):
        self.shape = shape
        self.dtype = dtype
        self.values = values
        self.stride = stride
        self.offset = offset
        self.requires_grad = requires_grad
        self.grad_fn = grad_fn
        self.text = text

    def __repr__(self):
        return self.text


REPR_TEXT = 10_000  # characters of a result's printed form that a failure shows


def _safe_repr(value):
    try:
        shown = repr(value)
    except Exception as error:  # a broken __repr__ is itself worth showing
        shown = f"<repr failed: {type(error).__name__}: {str(error)[:200]}>"
    return _cut(shown, REPR_TEXT)


def _dtype_name(dtype):
    return str(dtype).split(".")[-1]


def _is_torch_tensor(value):
    return type(value).__module__.startswith("torch") and hasattr(value, "grad_fn")


def _values_differ(want, got, exact=False):
    if want.dtype.kind != "f" or exact:
        return not np.array_equal(want, got, equal_nan=want.dtype.kind == "f")
    rtol, atol = _TOLERANCE.get(want.dtype.name, (1e-5, 1e-5))
    return not np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=True)


def _tensor_difference(expected, actual, exact=False):
    if not isinstance(actual, Snapshot):
        return text("why.not_tensor", got=type(actual).__name__)
    checks = [
        ("shape", tuple(expected.shape), actual.shape),
        ("dtype", _dtype_name(expected.dtype), actual.dtype),
    ]
    for name, want, got in checks:
        if want != got:
            return text("why.field", name=name, want=want, got=got)
    if _values_differ(expected.detach().numpy(), actual.values, exact):
        return text("why.values")
    return _metadata_difference(expected, actual)


def _metadata_difference(expected, actual):
    checks = [
        ("requires_grad", bool(expected.requires_grad), actual.requires_grad),
        ("grad_fn", type(expected.grad_fn).__name__ if expected.grad_fn is not None else None, actual.grad_fn),
    ]
    if expected._is_view():
        checks.append(("stride()", tuple(expected.stride()), actual.stride))
        checks.append(("storage_offset()", expected.storage_offset(), actual.offset))
    for name, want, got in checks:
        if want != got:
            return text("why.field", name=name, want=want, got=got)
    return None


def _scalar_difference(expected, actual, exact=False):
    if type(expected) is not type(actual):
        return text("why.type", want=type(expected).__name__, got=type(actual).__name__)
    if isinstance(expected, float):
        if math.isnan(expected) and math.isnan(actual):
            return None
        close = expected == actual if exact else math.isclose(expected, actual, rel_tol=1e-6, abs_tol=1e-7)
        return None if close else f"{expected!r} vs {actual!r}"
    return None if expected == actual else f"{expected!r} vs {actual!r}"


def _raised_difference(expected, actual):
    if not isinstance(expected, Raised):
        return text("why.raised", name=actual.type_name)
    if not isinstance(actual, Raised):
        return text("why.not_raised", name=expected.type_name)
    if expected.type_name != actual.type_name:
        return text("why.exception_type", want=expected.type_name, got=actual.type_name)
    if expected.message.replace("torch", "mytensor") != actual.message:
        return text("why.messages")
    return None


def _sequence_difference(expected, actual, exact=False):
    if type(expected) is not type(actual) or len(expected) != len(actual):
        return text("why.sequence", kind=type(expected).__name__, length=len(expected), got=_short(actual))
    for i, (e, a) in enumerate(zip(expected, actual)):
        found = difference(e, a, exact)
        if found:
            return text("why.item", index=i, nth=i + 1, why=found)
    return None


def difference(expected, actual, exact=False):
    """Describe the first way a student snapshot differs from torch's result, or None.

    Floats compare within a small tolerance, or bit for bit when ``exact``.
    """
    if isinstance(expected, Raised) or isinstance(actual, Raised):
        return _raised_difference(expected, actual)
    if _is_torch_tensor(expected):
        return _tensor_difference(expected, actual, exact)
    kind = type(expected).__name__
    if kind in ("Size", "dtype"):
        same = type(actual).__name__ == kind and (
            tuple(expected) == tuple(actual) if kind == "Size" else _dtype_name(expected) == _dtype_name(actual)
        )
        return None if same else f"{expected!r} vs {actual!r}"
    if isinstance(expected, np.ndarray):
        if not isinstance(actual, np.ndarray) or expected.dtype != actual.dtype:
            return text("why.ndarray", dtype=expected.dtype, got=_short(actual))
        return text("why.array_values") if _values_differ(expected, actual, exact) else None
    if isinstance(expected, (tuple, list)):
        return _sequence_difference(expected, actual, exact)
    return _scalar_difference(expected, actual, exact)


def _short(value):
    text = _safe_repr(value)
    return text if len(text) < 60 else text[:57] + "..."


def _cut(message, limit):
    return message if len(message) <= limit else message[:limit] + f"\n... ({len(message) - limit} more characters cut)\n"
