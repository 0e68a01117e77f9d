"""Trusted checks: run one function with torch and with mytensor, compare.

A check is a function of a module, ``fn(m)``. It runs once as ``fn(torch)`` and
once as ``fn(mytensor)`` and the two results must agree:

* tensors by shape, dtype, values, ``requires_grad`` and the ``grad_fn`` name,
  and, when torch's result is a view, by ``stride()`` and ``storage_offset()``;
* scalars by type and value; tuples and lists element by element;
* exceptions by type and message, with ``mytensor`` standing in for ``torch``.

This module is grading logic. It never calls helpers of the library under test
to decide a verdict: values are read through ``numpy()`` or ``tolist()`` only
after torch's side has been computed, and compared here with numpy.
"""

import contextlib
import importlib
import inspect
import math
import sys
import textwrap

import numpy as np

__all__ = ["CheckFailed", "expect_same", "run_both", "difference", "torch_hidden"]


class CheckFailed(AssertionError):
    """A check's results differ; the message is meant for a student to read."""


class _Raised:
    """An exception caught while running one side of a check."""

    def __init__(self, error):
        self.type_name = type(error).__name__
        self.message = str(error)

    def __repr__(self):
        return f"{self.type_name}: {self.message}"


class _TorchBlocker:
    """A meta-path finder that refuses to import torch."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ImportError("mytensor must not use torch: it is built on numpy alone")
        return None


@contextlib.contextmanager
def torch_hidden():
    """Hide torch from code run inside: importing it raises ImportError.

    Modules already imported are taken out of ``sys.modules`` for the
    duration, so ``sys.modules["torch"]`` and ``importlib`` find nothing either.
    """
    hidden = {k: sys.modules.pop(k) for k in [k for k in sys.modules if k == "torch" or k.startswith("torch.")]}
    sys.meta_path.insert(0, _TorchBlocker)
    try:
        yield
    finally:
        sys.meta_path.remove(_TorchBlocker)
        sys.modules.update(hidden)


def _load(name):
    return importlib.import_module(name)


def run_both(fn, student="mytensor"):
    """Return ``(torch_result, student_result)``; exceptions become values."""
    torch = _load("torch")
    torch.manual_seed(0)
    expected = _run(fn, torch)
    module = _load(student)
    with torch_hidden():
        actual = _run(fn, module)
    return expected, actual


def _run(fn, module):
    try:
        return fn(module)
    except Exception as error:  # the error itself is the result to compare
        return _Raised(error)


def _is_torch_tensor(value):
    return type(value).__module__.startswith("torch") and hasattr(value, "stride") and hasattr(value, "grad_fn")


def _is_student_tensor(value):
    return hasattr(value, "stride") and hasattr(value, "storage_offset") and hasattr(value, "dtype")


def _dtype_name(dtype):
    return str(dtype).split(".")[-1]


def _student_values(tensor):
    with torch_hidden():
        return np.asarray(tensor.detach().numpy() if hasattr(tensor, "detach") else tensor.numpy())


def _tensor_difference(expected, actual):
    if not _is_student_tensor(actual):
        return f"expected a tensor, got {type(actual).__name__}"
    if tuple(expected.shape) != tuple(actual.shape):
        return f"shape {tuple(expected.shape)} vs {tuple(actual.shape)}"
    if _dtype_name(expected.dtype) != _dtype_name(actual.dtype):
        return f"dtype {_dtype_name(expected.dtype)} vs {_dtype_name(actual.dtype)}"
    want = expected.detach().numpy()
    got = _student_values(actual)
    if got.shape != want.shape:
        return f"numpy() shape {want.shape} vs {got.shape}"
    if want.dtype.kind == "f":
        same = np.allclose(got, want, rtol=1e-5, atol=1e-6, equal_nan=True)
    else:
        same = np.array_equal(got, want)
    if not same:
        return "values differ"
    if expected._is_view():
        if tuple(expected.stride()) != tuple(actual.stride()):
            return f"stride() {tuple(expected.stride())} vs {tuple(actual.stride())}"
        if expected.storage_offset() != actual.storage_offset():
            return f"storage_offset() {expected.storage_offset()} vs {actual.storage_offset()}"
    if bool(expected.requires_grad) != bool(getattr(actual, "requires_grad", False)):
        return f"requires_grad {expected.requires_grad} vs {getattr(actual, 'requires_grad', False)}"
    want_fn = type(expected.grad_fn).__name__ if expected.grad_fn is not None else None
    got_fn = getattr(actual, "grad_fn", None)
    got_fn = type(got_fn).__name__ if got_fn is not None else None
    if want_fn != got_fn:
        return f"grad_fn {want_fn} vs {got_fn}"
    return None


def _scalar_difference(expected, actual):
    if type(expected) is not type(actual):
        return f"type {type(expected).__name__} vs {type(actual).__name__}"
    if isinstance(expected, float) and math.isnan(expected) and math.isnan(actual):
        return None
    if isinstance(expected, float):
        return None if math.isclose(expected, actual, rel_tol=1e-6, abs_tol=1e-7) else f"{expected!r} vs {actual!r}"
    return None if expected == actual else f"{expected!r} vs {actual!r}"


def difference(expected, actual):
    """Describe the first way ``actual`` differs from torch's ``expected``, or None."""
    if isinstance(expected, _Raised) or isinstance(actual, _Raised):
        if not (isinstance(expected, _Raised) and isinstance(actual, _Raised)):
            return "one side raised an exception and the other did not"
        if expected.type_name != actual.type_name:
            return f"exception type {expected.type_name} vs {actual.type_name}"
        if expected.message.replace("torch", "mytensor") != actual.message:
            return "exception messages differ"
        return None
    if _is_torch_tensor(expected):
        return _tensor_difference(expected, actual)
    if type(expected).__name__ == "Size":
        if type(actual).__name__ != "Size" or tuple(expected) != tuple(actual):
            return f"{expected!r} vs {actual!r}"
        return None
    if type(expected).__name__ == "dtype":
        return None if _dtype_name(expected) == _dtype_name(actual) else f"{expected} vs {actual}"
    if isinstance(expected, np.ndarray):
        if not isinstance(actual, np.ndarray) or expected.dtype != actual.dtype:
            return f"expected an ndarray of {expected.dtype}, got {type(actual).__name__}"
        return None if np.array_equal(expected, actual, equal_nan=expected.dtype.kind == "f") else "array values differ"
    if isinstance(expected, (tuple, list)):
        if type(expected) is not type(actual) or len(expected) != len(actual):
            return f"expected a {type(expected).__name__} of {len(expected)}, got {_short(actual)}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            found = difference(e, a)
            if found:
                return f"item {i}: {found}"
        return None
    return _scalar_difference(expected, actual)


def _short(value):
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."


def _shown(value, hide_torch):
    """``repr(value)``, computed with torch hidden for the student's side."""
    if isinstance(value, _Raised):
        return repr(value)
    try:
        with torch_hidden() if hide_torch else contextlib.nullcontext():
            return repr(value)
    except Exception as error:  # a broken __repr__ is itself worth showing
        return f"<repr failed: {type(error).__name__}: {error}>"


def _side_by_side(left, right, titles=("torch", "mytensor")):
    left_lines = left.splitlines() or [""]
    right_lines = right.splitlines() or [""]
    width = max(len(titles[0]), *(len(line) for line in left_lines)) + 4
    rows = [titles[0].ljust(width) + titles[1]]
    for i in range(max(len(left_lines), len(right_lines))):
        a = left_lines[i] if i < len(left_lines) else ""
        b = right_lines[i] if i < len(right_lines) else ""
        rows.append(a.ljust(width) + b)
    return "\n".join(rows)


def _call_text(fn):
    try:
        source = textwrap.dedent(inspect.getsource(fn)).strip()
    except (OSError, TypeError):
        return getattr(fn, "__name__", repr(fn))
    return source if len(source) < 300 else source[:297] + "..."


def failure_message(task, call, expected, actual, why, hint, file):
    """The text a student sees when a check fails."""
    parts = [
        f"{task}: mytensor does not match torch ({why}).",
        f"call:  {call}",
        "",
        _side_by_side(_shown(expected, False).replace("torch", "mytensor"), _shown(actual, True)),
        "",
    ]
    if hint:
        parts.append(f"hint:  {hint}")
    if file:
        parts.append(f"edit:  {file}")
    return "\n".join(parts)


def expect_same(fn, task="check", hint=None, file=None, call=None, student="mytensor"):
    """Run ``fn`` with torch and with the student's library; raise if they differ.

    Parameters
    ----------
    fn : callable
        A function of one argument, the module (``torch`` or ``mytensor``).
    task : str
        The task id shown on failure, e.g. ``"Task 2.1"``.
    hint : str, optional
        One hint, shown on failure.
    file : str, optional
        The file the student should edit, shown on failure.
    call : str, optional
        How to show the call; by default the source of ``fn``.

    Raises
    ------
    CheckFailed
        With the task id, the call, both results side by side, the hint and the file.
    """
    expected, actual = run_both(fn, student)
    why = difference(expected, actual)
    if why is not None:
        message = failure_message(task, call or _call_text(fn), expected, actual, why, hint, file)
        raise CheckFailed(message)
    return actual
