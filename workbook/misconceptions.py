"""The misconception bank: mistakes students make, each recognised from a check's results.

A misconception has an id (kebab-case), the tasks it belongs to, a name and
one sentence in English and Chinese, and a recogniser. The recogniser reads
only what a check already holds: the task, the call text, torch's result and
the student's result (a ``compare.Snapshot`` for a tensor, a ``compare.Raised``
for an exception, else plain data). It never reads the student's code, so the
same bank serves a student's own notebook and the grader.

:func:`recognise` names a misconception only when exactly one recogniser of
the failing check's task matches: a failure that fits two is left unnamed
rather than blamed on the wrong one.

To add one: write its recogniser and its entry in :data:`BANK`, then, in
tests/workbook/student/test_misconceptions.py, a crafted submission that makes
the bug (a patch of the reference library) and a claim for each thing its
sentence says torch does.

Examples
--------
>>> import torch
>>> found = recognise("Task 1.1", "m.zeros(3, 4).stride()", torch.zeros(3, 4).stride(), (1, 4), lang="en")
>>> found.id, found.name
('strides-reversed', 'strides in the wrong order')
>>> recognise("Task 1.1", "m.zeros(3, 4).stride()", (4, 1), (1, 4), lang="zh").name
'步幅顺序反了'
>>> recognise("Task 1.1", "m.zeros(3, 4).stride()", (4, 1), (4, 1)) is None
True
"""

import ast
import math
import re
from dataclasses import dataclass

import numpy as np

from . import language
from .compare import difference

__all__ = ["BANK", "Found", "Misconception", "matching", "recognise"]


@dataclass(frozen=True)
class Misconception:
    """One known mistake: its words in both languages and the test that recognises it."""

    id: str
    tasks: tuple
    name: dict
    about: dict
    test: object

    def found(self, lang=None):
        """This misconception as :class:`Found`, in ``lang`` (default: the student's language)."""
        code = lang or language.current()
        return Found(self.id, self.name.get(code, self.name["en"]), self.about.get(code, self.about["en"]))


@dataclass(frozen=True)
class Found:
    """A recognised misconception, in one language."""

    id: str
    name: str
    about: str


# --- reading results: torch's side and the student's, as plain numbers -------------------------

def _is_raised(value, words=""):
    return hasattr(value, "type_name") and hasattr(value, "message") and re.search(words, value.message) is not None


def _is_tensor(value):
    return _is_torch(value) or _is_snapshot(value)


def _is_torch(value):
    return type(value).__module__.startswith("torch") and hasattr(value, "grad_fn")


def _is_snapshot(value):
    return all(hasattr(value, name) for name in ("values", "stride", "offset", "shape")) and not callable(value.stride)


def _values(value):
    """The elements of a tensor (torch's or a snapshot) or an ndarray, as an ndarray; None for anything else."""
    if _is_torch(value):
        return value.detach().numpy()
    if _is_snapshot(value):
        return np.asarray(value.values)
    return value if isinstance(value, np.ndarray) else None


def _shape(value):
    return tuple(value.shape)


def _stride(value):
    return tuple(value.stride()) if _is_torch(value) else tuple(value.stride)


def _offset(value):
    return value.storage_offset() if _is_torch(value) else value.offset


def _dtype(value):
    """A dtype's name without its module: ``torch.int16`` and ``mytensor.int16`` both give ``int16``."""
    kind = getattr(value, "dtype", value)
    return value.dtype if _is_snapshot(value) else str(kind).split(".")[-1]


def _close(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-5, atol=1e-6, equal_nan=True)


def _int_tuple(value):
    return isinstance(value, tuple) and all(type(n) is int for n in value)


def _packed(shape, stride):
    """Strides of a fresh row-major block of ``shape``: the last is 1 and the first spans every element."""
    return bool(shape) and 0 not in shape and stride[-1] == 1 and stride[0] * shape[0] == math.prod(shape)


def _kind(name):
    """bool < integer < float, as type promotion ranks them; None for a name that is no dtype."""
    for rank, prefix in enumerate(("bool", "int", "float")):
        if name.startswith(prefix):
            return rank
    return None


def _bits(name):
    digits = re.sub(r"\D", "", name)
    return int(digits) if digits else 8


# --- a failed check, as the recognisers see it ----------------------------------------------------

def _is_leaf_value(value):
    """A result the recognisers read whole: anything but a tuple or list, or a tuple of ints (a shape, strides)."""
    return not isinstance(value, (tuple, list)) or (bool(value) and all(type(v) is int for v in value))


def _pairs(expected, actual):
    """``(torch's, student's)`` for each leaf of the results: tuples of results are walked, tuples of ints kept."""
    if _is_leaf_value(expected) or not isinstance(actual, (tuple, list)) or len(expected) != len(actual):
        return [(expected, actual)]
    return [pair for e, a in zip(expected, actual) for pair in _pairs(e, a)]


class Case:
    """One failed check: its task and call, every leaf pair of results, and those that differ."""

    def __init__(self, task, call, expected, actual):
        self.task, self.call = task, call or ""
        self.pairs = _pairs(expected, actual)
        self.diffs = [(e, a) for e, a in self.pairs if difference(e, a) is not None]
        self.differs = difference(expected, actual) is not None

    @property
    def first(self):
        """The first pair that differs, or ``(None, None)``."""
        return self.diffs[0] if self.diffs else (None, None)

    def tensors(self):
        """The differing pairs where both sides are tensors of one shape."""
        return [(e, a) for e, a in self.diffs if _is_tensor(e) and _is_tensor(a) and _shape(e) == _shape(a)]


def _torch_raised(case, words):
    """torch raised ``words`` and the student's side did not raise the same."""
    e, a = case.first
    if not _is_raised(e, words):
        return False
    return not (_is_raised(a) and a.type_name == e.type_name
                and a.message in (e.message, e.message.replace("torch", "mytensor")))


def _student_raised(case, words, type_name=None):
    """The student's side raised ``words`` (of ``type_name``) where torch returned a result."""
    e, a = case.first
    return not _is_raised(e) and _is_raised(a, words) and type_name in (None, a.type_name)


# --- recognisers, task by task --------------------------------------------------------------------

def _strides_reversed(case):
    e, a = case.first
    return _int_tuple(e) and _int_tuple(a) and len(e) > 1 and a == e[::-1]


def _strides_zero_size(case):
    e, a = case.first
    return (_int_tuple(e) and _int_tuple(a) and len(e) == len(a) > 1 and a[-1] == e[-1]
            and all(x == y or (y == 0 < x) for x, y in zip(e, a)))


def _strides_own_size(case):
    e, a = case.first
    return _int_tuple(e) and _int_tuple(a) and len(e) == len(a) > 0 and a[1:] == e[:-1] and a[0] > e[0]


def _ragged_accepted(case):
    e, a = case.first
    return _is_raised(e, "^expected sequence of length") and not (_is_raised(a) and a.type_name == e.type_name)


def _ragged_dim_from_one(case):
    e, a = case.first
    dims = [re.search(r" at dim (\d+) ", side.message) if _is_raised(side) else None for side in (e, a)]
    return (all(dims) and e.type_name == a.type_name and int(dims[1][1]) == int(dims[0][1]) + 1
            and a.message.replace(dims[1][0], dims[0][0]) == e.message)


def _empty_list_no_axis(case):
    e, a = case.first
    return _is_torch(e) and 0 in _shape(e) and (
        (_is_raised(a) and a.type_name == "TypeError") or (_is_snapshot(a) and 0 not in _shape(a)))


def _infer_two_unknowns(case):
    return _torch_raised(case, "^only one dimension can be inferred")


def _infer_remainder_dropped(case):
    e, a = case.first
    return _is_raised(e, r"^shape '\[[^\]]*-1\b[^\]]*\]' is invalid for input of size") and not _is_raised(a)


def _negative_size_accepted(case):
    return _torch_raised(case, "^invalid shape dimension -")


def _negative_start_not_wrapped(case):
    for e, a in case.diffs:
        if _is_tensor(e) and _is_snapshot(a) and len(_shape(e)) == len(_shape(a)):
            longer = [d for d, (x, y) in enumerate(zip(_shape(e), _shape(a))) if x != y]
            if len(longer) == 1 and _shape(a)[longer[0]] > _shape(e)[longer[0]]:
                d, size = longer[0], _shape(a)[longer[0]]
                tail = np.take(_values(a), range(size - _shape(e)[d], size), axis=d)
                return _close(tail, _values(e))
    return False


def _negative_slice_size(case):
    e, a = case.first
    return _is_tensor(e) and 0 in _shape(e) and _is_raised(a, r"shape \([^)]*-\d")


def _slice_step_stride(case):
    for e, a in case.tensors():
        if _is_snapshot(a) and _offset(e) == _offset(a) and not _close(_values(e), _values(a)):
            steps = [(n, x, y) for n, x, y in zip(_shape(e), _stride(e), _stride(a)) if x != y]
            return len(steps) == 1 and steps[0][0] > 1 and steps[0][2] > 0 and steps[0][1] % steps[0][2] == 0
    return False


def _offset_not_scaled(case):
    for e, a in case.tensors():
        if _is_snapshot(a) and _stride(e) == _stride(a):
            return 0 <= _offset(a) < _offset(e)
    return False


def _negative_index_not_wrapped(case):
    return _student_raised(case, r"^layout reads element -\d")


def _looks_fresh(a):
    """A tensor whose elements are still those it was made with: all zeros, all ones, or 0, 1, 2, ..."""
    values = _values(a).astype(np.float64).ravel()
    return values.size > 1 and any(np.array_equal(values, made) for made in
                                   (np.zeros(values.size), np.ones(values.size), np.arange(values.size)))


def _write_lost(case):
    return any(_is_snapshot(a) and _looks_fresh(a) for e, a in case.tensors())


def _setitem_whole_tensor(case):
    for e, a in case.tensors():
        values, wanted = _values(a).ravel(), _values(e).ravel()
        if _is_snapshot(a) and values.size > 1 and not _looks_fresh(a):
            return bool(np.all(values == values[0])) and not np.all(wanted == wanted[0]) and values[0] in wanted
    return False


def _view_ignores_transpose(case):
    e, a = case.first
    if _is_raised(e, "^view size is not compatible") and not _is_raised(a):
        return True
    if not (_is_tensor(e) and _is_snapshot(a) and _shape(e) == _shape(a)):
        return False
    mine, theirs = _values(a), _values(e)
    return not _close(mine, theirs) and _close(np.sort(mine, axis=None), np.sort(theirs, axis=None))


def _view_refused(case):
    return _student_raised(case, "^view size is not compatible")


def _dtype_pair(case):
    """The first differing pair as two dtype names, or None when it is something else."""
    e, a = case.first
    names = [_dtype(side) for side in (e, a)] if type(e).__name__ == "dtype" else []
    return names if names and all(_kind(name) is not None for name in names) else None


def _promotion_ignores_rank(case):
    names = _dtype_pair(case)
    return bool(names) and _kind(names[0]) == _kind(names[1]) and _bits(names[1]) > _bits(names[0])


def _promotion_ignores_kind(case):
    names = _dtype_pair(case)
    return bool(names) and _kind(names[1]) < _kind(names[0])


def _wider_same_values(e, a):
    kinds = _kind(_dtype(e)), _kind(_dtype(a))
    return kinds[0] == kinds[1] and _bits(_dtype(a)) > _bits(_dtype(e)) and _close(_values(e), _values(a))


def _numpy_promotion(case):
    return any(_wider_same_values(e, a) for e, a in case.tensors())


def _operands_swapped(case):
    for e, a in case.tensors():
        theirs, mine = _values(e).astype(np.float64), _values(a).astype(np.float64)
        if theirs.size and np.any(theirs != 0):
            with np.errstate(divide="ignore"):
                return _close(mine, -theirs) or _close(mine, 1 / theirs)
    return False


def _dtype_only(case):
    e, a = case.first
    return (_is_tensor(e) and _is_snapshot(a) and _shape(e) == _shape(a) and _dtype(e) != _dtype(a)
            and _close(_values(e), _values(a)))


def _cat_empty_not_skipped(case):
    return _student_raised(case, "must have same number of dimensions", "ValueError")


def _cat_zero_dim(case):
    return _torch_raised(case, "^zero-dimensional tensor")


def _sum_repeated_dim(case):
    return _torch_raised(case, "appears multiple times in the list of dims")


def _keepdim_ignored(case):
    e, a = case.first
    if not (_is_tensor(e) and _is_snapshot(a) and len(_shape(a)) < len(_shape(e))):
        return False
    kept = iter(_shape(a))
    dropped = all(size == 1 or size == next(kept, None) for size in _shape(e))
    return dropped and next(kept, None) is None and _close(_values(e).ravel(), _values(a).ravel())


def _sum_dtype_kept(case):
    e, a = case.first
    return (_dtype_only(case) and _dtype(e) == "int64" and _kind(_dtype(a)) in (0, 1)
            and _bits(_dtype(a)) < 64)


def _sum_empty_dims(case):
    e, a = case.first
    return (_is_tensor(e) and _shape(e) == () and _is_snapshot(a) and len(_shape(a)) > 0
            and _close(_values(a).sum(), _values(e)))


def _shapes_in_call(call):
    """The literal shapes passed to ``pair``, ``broadcast_shapes`` or ``broadcast_pair`` in ``call``."""
    try:
        tree = ast.parse(call.strip())
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "pair", "broadcast_shapes", "broadcast_pair"):
            args = node.args[1:] if getattr(node.func, "id", "") == "pair" else node.args
            try:
                return [tuple(ast.literal_eval(arg)) for arg in args]
            except (ValueError, TypeError):
                return None
    return None


def _left_clash(shapes):
    """The sizes that clash first when ``shapes`` are lined up on the left, or None when none clash there."""
    for column in zip(*shapes):
        sizes = {n for n in column if n != 1}
        if len(sizes) > 1:
            return sizes
    return None


def _broadcast_left_aligned(case):
    e, a = case.first
    shapes = _shapes_in_call(case.call)
    clash = _left_clash(shapes) if shapes and not _is_raised(e) and _is_raised(a) else None
    return clash is not None and bool(_sizes_named(a.message)) and _sizes_named(a.message) <= clash


def _sizes_named(message):
    """The sizes a broadcast error names: ``tensor a (3) ... tensor b (2)``, or ``a dimension of length 3``."""
    return {int(n) for n in re.findall(r"(?:tensor [ab] \(|of length )(\d+)", message)}


def _broadcast_one_side(case):
    return _student_raised(case, r"size of tensor [ab] \(1\) must match|size of tensor b \(1\)"
                                 r"|broadcast a dimension of length 1 ")


def _broadcast_one_beats_zero(case):
    e, a = case.first
    return (_int_tuple(tuple(e)) and _int_tuple(tuple(a)) and len(e) == len(a) and tuple(e) != tuple(a)
            and all(x == y or (x, y) == (0, 1) for x, y in zip(e, a)))


def _broadcast_unchecked(case):
    e, a = case.first
    return (_is_raised(e, "must match the size of tensor|^Attempting to broadcast a dimension of length")
            and not _is_raised(a))


def _expand_size_one_stride_zero(case):
    e, a = case.first
    if not (_is_tensor(e) and _is_snapshot(a) and _shape(e) == _shape(a) and _close(_values(e), _values(a))):
        return False
    moved = [(n, x, y) for n, x, y in zip(_shape(e), _stride(e), _stride(a)) if x != y]
    return bool(moved) and all(n == 1 and y == 0 for n, x, y in moved)


def _expand_left_aligned(case):
    e, a = case.first
    return (_is_tensor(e) and _is_snapshot(a) and _shape(e) == _shape(a) and any(_stride(e))
            and not any(_stride(a)) and not _close(_values(e), _values(a)))


def _inplace_cast_unchecked(case):
    return _torch_raised(case, "can't be cast to the desired output type")


def _copy_shape_unchecked(case):
    e, a = case.first
    return _is_raised(a, "^could not broadcast input array") and not _is_raised(e, "^could not broadcast")


def _copy_leaf_unchecked(case):
    return _torch_raised(case, "^a leaf Variable that requires grad is being used in an in-place operation")


def _strides_scaled(case, torch_larger):
    """A pair of stride tuples where one side is the other times an itemsize (2, 4 or 8)."""
    for e, a in case.pairs:
        if _int_tuple(e) and _int_tuple(a) and len(e) == len(a) and any(e) and e != a:
            small, large = (a, e) if torch_larger else (e, a)
            if any(all(s * k == n for s, n in zip(small, large)) for k in (2, 4, 8)):
                return True
    return False


def _numpy_element_strides(case):
    return _strides_scaled(case, torch_larger=True)


def _from_numpy_byte_strides(case):
    return _strides_scaled(case, torch_larger=False)


def _from_numpy_copies(case):
    return any(_is_torch(e) and _is_snapshot(a) and _shape(e) == _shape(a) and _stride(e) != _stride(a)
               and _packed(_shape(a), _stride(a)) for e, a in case.pairs)


def _item_count_unchecked(case):
    return _torch_raised(case, "cannot be converted to Scalar$")


def _int_rounds(case):
    e, a = case.first
    return type(e) is int and type(a) is int and abs(a - e) == 1


def _item_numpy_scalar(case):
    e, a = case.first
    return type(e) in (int, float, bool) and isinstance(a, np.generic) and _close(a.item(), e)


def _grad_values(case):
    """The values of every result pair when all are tensors of one shape each side (a backward's grads)."""
    pairs = case.pairs
    if len(pairs) < 2 or not all(_is_tensor(e) and _is_snapshot(a) for e, a in pairs):
        return None
    return [(_values(e).astype(np.float64), _values(a).astype(np.float64)) for e, a in pairs]


def _mul_grads_swapped(case):
    grads = _grad_values(case)
    return (grads is not None and len(grads) == 2 and not _close(grads[0][0], grads[1][0])
            and _close(grads[0][1], grads[1][0]) and _close(grads[1][1], grads[0][0]))


def _upstream_grad_ignored(case):
    grads = _grad_values(case)
    if grads is None or any(e.shape != a.shape or not np.all(a != 0) for e, a in grads):
        return False
    ratios = [e / a for e, a in grads]
    return all(_close(r, ratios[0]) for r in ratios) and not _close(ratios[0], np.ones_like(ratios[0]))


def _one_grad_negated(case):
    e, a = case.first
    return (len(case.diffs) == 1 and len(case.pairs) >= 2 and _is_tensor(e) and _is_snapshot(a)
            and _shape(e) == _shape(a) and np.any(_values(e) != 0) and _close(_values(a), -_values(e)))


def _mm_grad_transposed(case):
    for e, a in case.diffs:
        if _is_tensor(e) and _is_snapshot(a) and len(_shape(e)) == 2 and _shape(a) == _shape(e)[::-1]:
            return _close(_values(a), _values(e).T)
    return False


def _sum_grad_axis_lost(case):
    return _student_raised(case, "could not be broadcast", "ValueError")


def _grad_overwritten(case):
    for e, a in case.tensors():
        theirs, mine = _values(e).astype(np.float64), _values(a).astype(np.float64)
        part = np.all(np.abs(mine) <= np.abs(theirs)) and np.all(mine * theirs >= 0)
        return bool(part and np.any(mine != 0) and not _close(mine, theirs))
    return False


def _node_before_its_gradient(case):
    return _student_raised(case, "", "KeyError")


def _broadcast_grad_not_summed(case):
    e, a = case.first
    if not (_is_tensor(e) and _is_snapshot(a) and len(_shape(a)) >= len(_shape(e))):
        return False
    theirs, mine = _values(e), _values(a)
    return mine.size > theirs.size and _close(mine.sum(), theirs.sum())


def _broadcast_grad_wrong_axes(case):
    return _student_raised(case, "^cannot reshape array of size", "ValueError")


def _linspace_values(case):
    e, a = case.first
    ok = _is_tensor(e) and _is_snapshot(a) and _shape(e) == _shape(a) and len(_shape(e)) == 1
    return (_values(e).astype(np.float64), _values(a).astype(np.float64)) if ok else (None, None)


def _linspace_steps_not_intervals(case):
    theirs, mine = _linspace_values(case)
    if theirs is None or theirs.size < 2:
        return False
    start, end, n = theirs[0], theirs[-1], theirs.size
    return _close(mine, start + np.arange(n) * (end - start) / n)


def _linspace_rounds(case):
    theirs, mine = _linspace_values(case)
    e, a = case.first
    return (theirs is not None and _kind(_dtype(e)) == 1 and _dtype(e) == _dtype(a)
            and np.max(np.abs(mine - theirs), initial=0) == 1)


def _linspace_integer_default(case):
    e, a = case.first
    return _is_tensor(e) and _is_snapshot(a) and _dtype(e) == "float32" and _dtype(a) == "int64"


def _grad_ratio(case):
    """The one ratio of the student's to torch's first differing tensor, or None when it varies."""
    for e, a in case.tensors():
        theirs, mine = _values(e).astype(np.float64), _values(a).astype(np.float64)
        if np.any(theirs != 0) and np.all((theirs != 0) | (mine == 0)):
            ratios = mine[theirs != 0] / theirs[theirs != 0]
            return ratios[0] if np.allclose(ratios, ratios[0]) else None
    return None


def _mse_grad_not_averaged(case):
    ratio, tensors = _grad_ratio(case), case.tensors()
    count = _values(tensors[0][0]).size if tensors else 0
    return ratio is not None and ratio > 1 and math.isclose(ratio, count, rel_tol=1e-5)


def _mse_grad_without_two(case):
    ratio = _grad_ratio(case)
    return ratio is not None and math.isclose(ratio, 0.5, rel_tol=1e-5)


def _mse_not_reduced(case):
    e, a = case.first
    return (_is_tensor(e) and _shape(e) == () and _is_snapshot(a) and len(_shape(a)) > 0
            and (_close(_values(a).mean(), _values(e)) or _close(_values(a).sum(), _values(e))))


def _step_records_graph(case):
    return _student_raised(case, "^a leaf Variable that requires grad is being used in an in-place operation")


def _step_rebinds(case):
    e, a = case.first
    if not (_is_tensor(e) and _is_snapshot(a) and _shape(e) == _shape(a)):
        return False
    moved = _values(a).astype(np.float64) - _values(e).astype(np.float64)
    for grad, same in case.pairs:
        if _is_tensor(grad) and _shape(grad) == _shape(e) and grad is not e and np.all(_values(grad) != 0):
            ratio = moved / _values(grad)
            if np.all(ratio > 0) and np.allclose(ratio, ratio.ravel()[0]):
                return True
    return False


def _zero_grad_keeps_tensor(case):
    return any(e is None and _is_snapshot(a) and not np.any(_values(a)) for e, a in case.diffs)


def _relu_drops_nan(case):
    for e, a in case.tensors():
        theirs, mine = _values(e), _values(a)
        nan = np.isnan(theirs) if theirs.dtype.kind == "f" else np.zeros(theirs.shape, bool)
        return bool(nan.any()) and np.all(mine[nan] == 0) and _close(mine[~nan], theirs[~nan])
    return False


def _relu_grad_passes_all(case):
    """relu's derivative is wrong where its output is 0; the derivative, not relu itself, is the last result."""
    for e, a in case.tensors()[:1]:
        if "local_grads" not in case.call or (e, a) != case.pairs[-1]:
            return False
        theirs, mine = _values(e), _values(a)
        flat = theirs == 0
        return bool(flat.any()) and np.all(mine[flat] != 0) and _close(mine[~flat], theirs[~flat])
    return False


def _relu_grad_ignores_upstream(case):
    for e, a in case.tensors():
        theirs, mine = _values(e), _values(a)
        return (np.all(mine[theirs == 0] == 0) and np.all(mine[theirs != 0] == 1)
                and not np.all(np.isin(theirs, (0, 1))))
    return False


# --- the bank ----------------------------------------------------------------------------------------

def _m(key, tasks, name, about, test):
    """One entry: ``name`` and ``about`` are ``(English, Chinese)``."""
    return Misconception(key, tuple(f"Task {t}" for t in tasks.split()), dict(zip(("en", "zh"), name)),
                         dict(zip(("en", "zh"), about)), test)


BANK = (
    _m("strides-reversed", "1.1", ("strides in the wrong order", "步幅顺序反了"),
       ("Strides are built from the right: the last axis has stride 1, so `torch.zeros(3, 4).stride()` is (4, 1), "
        "not (1, 4).",
        "步幅从右往左算：最后一个轴的步幅是 1，所以 `torch.zeros(3, 4).stride()` 是 (4, 1)，不是 (1, 4)。"),
       _strides_reversed),
    _m("strides-zero-size", "1.1", ("a size 0 multiplied into the strides", "把大小 0 乘进了步幅"),
       ("A size of 0 counts as 1 in the running product, so `torch.zeros(2, 0, 3).stride()` is (3, 3, 1), "
        "not (0, 3, 1).",
        "连乘时大小为 0 的轴按 1 算，所以 `torch.zeros(2, 0, 3).stride()` 是 (3, 3, 1)，不是 (0, 3, 1)。"),
       _strides_zero_size),
    _m("strides-own-size", "1.1", ("an axis's own size in its stride", "轴的步幅里乘上了它自己的大小"),
       ("An axis's stride is the product of the sizes to its right only, so the last axis has stride 1: "
        "`torch.zeros(3, 4).stride()` is (4, 1), not (12, 4).",
        "一个轴的步幅只是它右边各轴大小的乘积，所以最后一个轴的步幅是 1：`torch.zeros(3, 4).stride()` 是 (4, 1)，"
        "不是 (12, 4)。"),
       _strides_own_size),
    _m("ragged-accepted", "1.2", ("ragged nested lists accepted", "接受了参差不齐的嵌套列表"),
       ("Once the first lists give a shape that holds any element, every list at one depth must be as long as "
        "the first: `torch.tensor([[1, 2], [3]])` raises "
        "`ValueError: expected sequence of length 2 at dim 1 (got 1)`.",
        "只要从第一个列表读出的形状里有元素，同一层的每个列表就都要和第一个一样长：`torch.tensor([[1, 2], [3]])` 抛出 "
        "`ValueError: expected sequence of length 2 at dim 1 (got 1)`。"),
       _ragged_accepted),
    _m("ragged-dim-from-one", "1.2", ("depth counted from 1", "层数从 1 开始数"),
       ("torch counts the depth of a nested list from 0, like axes: in [[1, 2], [3]] the short list is at dim 1.",
        "torch 像数轴一样从 0 开始数嵌套列表的层数：[[1, 2], [3]] 中较短的列表在 dim 1。"),
       _ragged_dim_from_one),
    _m("empty-list-no-axis", "1.2", ("an empty list gives no axis", "空列表没有算作一个轴"),
       ("An empty list is an axis of length 0: `torch.tensor([])` has shape (0,) and `torch.tensor([[], []])` "
        "has shape (2, 0).",
        "空列表是长度为 0 的轴：`torch.tensor([])` 的形状是 (0,)，`torch.tensor([[], []])` 的形状是 (2, 0)。"),
       _empty_list_no_axis),
    _m("infer-two-unknowns", "1.3", ("two -1s in one shape", "一个形状里有两个 -1"),
       ("Only one size can be inferred: `reshape(-1, -1)` raises `RuntimeError: only one dimension can be inferred`.",
        "只有一个大小可以推断：`reshape(-1, -1)` 抛出 `RuntimeError: only one dimension can be inferred`。"),
       _infer_two_unknowns),
    _m("infer-remainder-dropped", "1.3", ("a remainder ignored when inferring -1", "推断 -1 时忽略了余数"),
       ("The -1 must divide the element count exactly: `torch.arange(12).reshape(-1, 5)` raises RuntimeError, "
        "it does not drop the 2 elements left over.",
        "-1 必须能整除元素个数：`torch.arange(12).reshape(-1, 5)` 抛出 RuntimeError，而不是丢掉剩下的 2 个元素。"),
       _infer_remainder_dropped),
    _m("negative-size-accepted", "1.3", ("a negative size other than -1 accepted", "接受了 -1 以外的负数大小"),
       ("Only -1 means infer: `reshape(3, -2)` raises `RuntimeError: invalid shape dimension -2`.",
        "只有 -1 表示推断：`reshape(3, -2)` 抛出 `RuntimeError: invalid shape dimension -2`。"),
       _negative_size_accepted),
    _m("negative-start-not-wrapped", "2.1", ("a negative slice start not wrapped", "切片的负数起点没有回绕"),
       ("A negative start counts from the end, as in Python lists: `X[-2:]` of a tensor with 3 rows holds its "
        "last 2 rows, not all 3.",
        "负数起点从末尾数起，和 Python 列表一样：有 3 行的张量 X 的 `X[-2:]` 是最后 2 行，而不是全部 3 行。"),
       _negative_start_not_wrapped),
    _m("negative-slice-size", "2.1", ("a slice with stop < start has a negative size", "stop < start 的切片长度成了负数"),
       ("A slice whose stop is before its start is empty: `X[2:1]` has size 0 along that axis, never -1.",
        "stop 在 start 之前的切片是空的：`X[2:1]` 在那个轴上的大小是 0，不会是 -1。"),
       _negative_slice_size),
    _m("slice-step-stride", "2.1", ("a slice step not multiplied into the stride", "切片的步长没有乘进步幅"),
       ("A slice a:b:s takes every s-th element, so the view's stride along that axis is s times the old one: "
        "`X[:, ::2]` of a 3 x 4 tensor has strides (4, 2).",
        "切片 a:b:s 每 s 个元素取一个，所以视图在那个轴上的步幅是原来的 s 倍："
        "3 x 4 张量的 `X[:, ::2]` 的步幅是 (4, 2)。"),
       _slice_step_stride),
    _m("offset-not-scaled", "2.1", ("the offset moved by the index, not by index x stride",
                                    "偏移量只加了索引，没有乘步幅"),
       ("Skipping i rows moves the start by i times the row stride: `X[1:3]` of a 3 x 4 tensor starts at "
        "storage offset 4, not 1.",
        "跳过 i 行，起点要移动 i 乘以行的步幅：3 x 4 张量的 `X[1:3]` 从存储偏移量 4 开始，而不是 1。"),
       _offset_not_scaled),
    _m("negative-index-not-wrapped", "2.1", ("a negative index not wrapped", "负数索引没有回绕"),
       ("A negative index counts from the end: `X[-1]` is the last row, at offset `(size - 1) * stride`, "
        "never before the storage.",
        "负数索引从末尾数起：`X[-1]` 是最后一行，偏移量是 `(size - 1) * stride`，不会落在存储之前。"),
       _negative_index_not_wrapped),
    _m("setitem-writes-copy", "2.2", ("the assignment writes into a copy", "赋值写进了一个副本"),
       ("`X[index] = value` must change X itself: write through a view of X's storage, not into a copy of "
        "its elements.",
        "`X[index] = value` 必须改变 X 本身：要通过 X 存储的视图来写，而不是写进它元素的副本。"),
       _write_lost),
    _m("setitem-whole-tensor", "2.2", ("the index ignored when writing", "写入时忽略了索引"),
       ("`X[:2, :] = 12` changes only the elements the index selects: the view of the index gives where to "
        "write, the last row keeps its values.",
        "`X[:2, :] = 12` 只改变索引选中的元素：索引得到的视图决定写到哪里，最后一行保持原值。"),
       _setitem_whole_tensor),
    _m("view-ignores-transpose", "2.3", ("a transpose ignored by `view` or `reshape`", "`view` 或 `reshape` 忽略了转置"),
       ("A transposed tensor is not in row-major order: `view` must follow its strides, and `reshape` copies "
        "when no view exists, so `torch.arange(12).reshape(3, 4).t().reshape(12)` starts 0, 4, 8.",
        "转置后的张量不是行优先顺序：`view` 必须按它的步幅来，没有视图时 `reshape` 会复制，"
        "所以 `torch.arange(12).reshape(3, 4).t().reshape(12)` 以 0、4、8 开头。"),
       _view_ignores_transpose),
    _m("view-refused", "2.3", ("a possible view refused", "拒绝了可以做成的视图"),
       ("A view exists whenever each run of merged axes is contiguous within itself: "
        "`torch.arange(12).reshape(4, 3).t().view(3, 2, 2)` works, with strides (1, 6, 3).",
        "只要合并的每一段轴在段内是连续的，视图就存在：`torch.arange(12).reshape(4, 3).t().view(3, 2, 2)` "
        "可以做到，步幅是 (1, 6, 3)。"),
       _view_refused),
    _m("promotion-ignores-rank", "3.1", ("promotion ignoring the 0-d or scalar rank",
                                         "类型提升忽略了 0 维张量和标量的等级"),
       ("A Python scalar or a 0-d tensor does not widen a dimensioned tensor of the same kind: "
        "`torch.tensor([1, 2], dtype=torch.int16) + 5` stays int16.",
        "同一类别的 Python 标量或 0 维张量不会让有维度的张量变宽："
        "`torch.tensor([1, 2], dtype=torch.int16) + 5` 仍是 int16。"),
       _promotion_ignores_rank),
    _m("promotion-ignores-kind", "3.1", ("a scalar's kind ignored in promotion", "类型提升忽略了标量的类别"),
       ("A scalar of a higher kind (bool < integer < float) still wins: an int16 tensor + 2.5 is float32, "
        "the default float dtype.",
        "类别更高（bool < 整数 < 浮点数）的标量仍然胜出：int16 张量 + 2.5 得到 float32，即默认的浮点数据类型。"),
       _promotion_ignores_kind),
    _m("numpy-promotion", "3.2", ("numpy's promotion instead of torch's", "用了 numpy 的类型提升而不是 torch 的"),
       ("numpy widens float32 with int64 to float64, torch keeps float32: cast both operands to the dtype "
        "of result_type before the numpy call.",
        "numpy 把 float32 和 int64 提升为 float64，torch 保持 float32：调用 numpy 之前先把两个操作数转换成 "
        "result_type 给出的数据类型。"),
       _numpy_promotion),
    _m("operands-swapped", "3.2", ("the operands swapped", "操作数顺序反了"),
       ("Subtraction, division and powers are not symmetric: x - y applies the kernel to (x, y) in that order.",
        "减法、除法和幂都不对称：x - y 要按 (x, y) 的顺序调用计算函数。"),
       _operands_swapped),
    _m("cat-first-dtype", "3.3", ("cat keeps the first tensor's dtype", "cat 沿用了第一个张量的数据类型"),
       ("cat promotes like an operator: joining an int16 and a float64 tensor gives float64.",
        "cat 像运算符一样做类型提升：连结 int16 张量和 float64 张量得到 float64。"),
       _dtype_only),
    _m("cat-empty-not-skipped", "3.3", ("an empty 1-d tensor not skipped by cat", "cat 没有跳过空的一维张量"),
       ("torch skips a tensor of shape (0,) when it joins: `cat((ones(2, 3), zeros(0), ones(1, 3)))` has "
        "shape (3, 3).",
        "连结时 torch 会跳过形状为 (0,) 的张量：`cat((ones(2, 3), zeros(0), ones(1, 3)))` 的形状是 (3, 3)。"),
       _cat_empty_not_skipped),
    _m("cat-zero-dim", "3.3", ("a 0-d tensor accepted by cat", "cat 接受了 0 维张量"),
       ("A 0-d tensor has no axis to join along: torch raises RuntimeError: zero-dimensional tensor "
        "(at position 1) cannot be concatenated.",
        "0 维张量没有可以连结的轴：torch 抛出 RuntimeError: zero-dimensional tensor "
        "(at position 1) cannot be concatenated。"),
       _cat_zero_dim),
    _m("sum-repeated-dim", "3.4", ("a repeated dim accepted by sum", "sum 接受了重复的 dim"),
       ("Each dim may appear once: `sum(dim=(1, -1))` of a 2-d tensor raises RuntimeError: dim 1 appears "
        "multiple times in the list of dims.",
        "每个 dim 只能出现一次：二维张量的 `sum(dim=(1, -1))` 抛出 RuntimeError: dim 1 appears "
        "multiple times in the list of dims。"),
       _sum_repeated_dim),
    _m("keepdim-ignored", "3.4", ("keepdim ignored", "忽略了 keepdim"),
       ("`keepdim=True` keeps each summed axis with size 1: `X.sum(dim=1, `keepdim=True`)` of a 3 x 4 tensor has "
        "shape (3, 1).",
        "`keepdim=True` 让每个求和的轴保留下来，大小为 1：3 x 4 张量的 `X.sum(dim=1, `keepdim=True`)` 的形状是 (3, 1)。"),
       _keepdim_ignored),
    _m("sum-dtype-kept", "3.4", ("an integer sum kept in its own dtype", "整数求和保留了原来的数据类型"),
       ("sum of a bool or integer tensor is int64, so it does not overflow: "
        "`torch.ones(3, dtype=torch.int16).sum()` is an int64 tensor.",
        "bool 或整数张量的 sum 是 int64，这样不会溢出：`torch.ones(3, dtype=torch.int16).sum()` 是 int64 张量。"),
       _sum_dtype_kept),
    _m("sum-empty-dims", "3.4", ("`dim=()` read as no reduction", "把 `dim=()` 当成不归约"),
       ("An empty tuple of dims reduces every axis in torch: `torch.ones(2, 3).sum(dim=())` is `tensor(6.)`.",
        "在 torch 中空的 dim 元组会归约所有轴：`torch.ones(2, 3).sum(dim=())` 是 `tensor(6.)`。"),
       _sum_empty_dims),
    _m("broadcast-left-aligned", "4.1", ("shapes aligned on the left when broadcasting", "广播时形状靠左对齐"),
       ("Broadcasting lines shapes up from the right, padding the shorter one with 1s on the left: "
        "(3,) and (2, 1) broadcast to (2, 3).",
        "广播从右边对齐形状，在较短的形状左边补 1：(3,) 和 (2, 1) 广播成 (2, 3)。"),
       _broadcast_left_aligned),
    _m("broadcast-one-side", "4.1", ("size 1 accepted on one side only", "只在一边接受大小 1"),
       ("A size of 1 stretches on either side: (3, 1) and (1, 2) broadcast to (3, 2).",
        "大小为 1 的轴在哪一边都可以拉伸：(3, 1) 和 (1, 2) 广播成 (3, 2)。"),
       _broadcast_one_side),
    _m("broadcast-one-beats-zero", "4.1", ("a size 1 winning over a size 0 in broadcasting", "广播时大小 1 压过了大小 0"),
       ("A size of 1 stretches to any size, 0 included: (0,) and (1,) broadcast to (0,), not to (1,).",
        "大小为 1 的轴可以拉伸到任何大小，包括 0：(0,) 和 (1,) 广播成 (0,)，而不是 (1,)。"),
       _broadcast_one_beats_zero),
    _m("broadcast-unchecked", "4.1", ("mismatched sizes accepted", "接受了不匹配的大小"),
       ("Two sizes broadcast only if they are equal or one of them is 1: (2, 3) and (3, 2) raise RuntimeError.",
        "两个大小只有相等或其中一个为 1 时才能广播：(2, 3) 和 (3, 2) 会抛出 RuntimeError。"),
       _broadcast_unchecked),
    _m("expand-size-one-stride-zero", "4.2", ("stride 0 on an axis of size 1 that is not stretched",
                                              "没有拉伸的大小为 1 的轴用了步幅 0"),
       ("Only a stretched axis gets stride 0; torch gives a new leading axis of size 1 the step over the axes "
        "after it, so `torch.ones(3).expand(1, 3).stride()` is (3, 1).",
        "只有被拉伸的轴步幅为 0；torch 给新加在前面、大小为 1 的轴一个跨过后面各轴的步幅，"
        "所以 `torch.ones(3).expand(1, 3).stride()` 是 (3, 1)。"),
       _expand_size_one_stride_zero),
    _m("expand-left-aligned", "4.2", ("the source's axes aligned on the left", "源张量的轴靠左对齐"),
       ("expand lines the source's axes up with the last axes of the target: a (3, 1) tensor expanded to "
        "(2, 3, 4) keeps its stride 1 on the axis of size 3.",
        "expand 把源张量的轴和目标形状最后几个轴对齐：形状为 (3, 1) 的张量扩展成 (2, 3, 4) 时，大小为 3 的轴保留步幅 1。"),
       _expand_left_aligned),
    _m("inplace-not-written", "5.1", ("the in-place result never written back", "原地操作的结果没有写回"),
       ("An in-place operation writes its result into the tensor's own storage: after X += Y, X holds the sums.",
        "原地操作把结果写进张量自己的存储：X += Y 之后，X 里是相加的结果。"),
       _write_lost),
    _m("inplace-cast-unchecked", "5.1", ("an in-place result cast down silently", "原地操作悄悄把结果向下转换"),
       ("An in-place operation may not cast its result to a lower kind: "
        "`torch.zeros(2, dtype=torch.int64).add_(0.5)` raises "
        "`RuntimeError: result type Float can't be cast to the desired output type Long`.",
        "原地操作不能把结果转换成更低的类别：`torch.zeros(2, dtype=torch.int64).add_(0.5)` 抛出 "
        "`RuntimeError: result type Float can't be cast to the desired output type Long`。"),
       _inplace_cast_unchecked),
    _m("copy-shape-unchecked", "5.2", ("copy_ without torch's broadcast check", "copy_ 没有做 torch 的广播检查"),
       ("copy_ checks that the source broadcasts to self with torch's words: `torch.zeros(2, 3).copy_(torch.ones(2))` "
        "raises `RuntimeError: The size of tensor a (3) must match the size of tensor b (2) at non-singleton "
        "dimension 1`.",
        "copy_ 用 torch 的原话检查源张量能否广播成 self 的形状：`torch.zeros(2, 3).copy_(torch.ones(2))` 抛出 "
        "`RuntimeError: The size of tensor a (3) must match the size of tensor b (2) at non-singleton "
        "dimension 1`。"),
       _copy_shape_unchecked),
    _m("copy-leaf-unchecked", "5.2", ("copy_ into a leaf that requires grad", "copy_ 写进了需要梯度的叶子节点"),
       ("A leaf tensor that requires grad may not change in place: `torch.ones(2, requires_grad=True).copy_(...)` "
        "raises RuntimeError: `a leaf Variable that requires grad is being used in an in-place operation.`",
        "需要梯度的叶子节点张量不能原地修改：`torch.ones(2, requires_grad=True).copy_(...)` 抛出 RuntimeError，"
        "信息是 `a leaf Variable that requires grad is being used in an in-place operation.`"),
       _copy_leaf_unchecked),
    _m("numpy-element-strides", "6.1", ("element strides given to numpy", "把元素步幅交给了 numpy"),
       ("numpy's strides count bytes: a transposed 3 x 4 float32 tensor, with strides (1, 4), becomes an array "
        "with strides (4, 16).",
        "numpy 的步幅以字节计：转置后的 3 x 4 float32 张量步幅为 (1, 4)，变成数组后步幅为 (4, 16)。"),
       _numpy_element_strides),
    _m("numpy-copies", "6.1", ("numpy() returns a copy", "numpy() 返回了副本"),
       ("numpy() shares the tensor's memory: a write into the array shows in the tensor.",
        "numpy() 和张量共享内存：写进数组的值会出现在张量里。"),
       _write_lost),
    _m("from-numpy-byte-strides", "6.2", ("byte strides kept by `from_numpy`", "`from_numpy` 保留了字节步幅"),
       ("A tensor's strides count elements: divide numpy's byte strides by the itemsize, so a float32 array "
        "with strides (16, 8) gives strides (4, 2).",
        "张量的步幅以元素计：把 numpy 的字节步幅除以 itemsize，所以步幅为 (16, 8) 的 float32 数组得到步幅 (4, 2)。"),
       _from_numpy_byte_strides),
    _m("from-numpy-copies", "6.2", ("`from_numpy` copies the array", "`from_numpy` 复制了数组"),
       ("`from_numpy` shares the array's memory and keeps its strides: `A[1:, ::2]` of a 3 x 4 array gives a tensor "
        "with strides (4, 2) that sees later writes into A.",
        "`from_numpy` 和数组共享内存并保留它的步幅：3 x 4 数组的 `A[1:, ::2]` 得到步幅为 (4, 2) 的张量，"
        "之后写进 A 的值它也能看到。"),
       _from_numpy_copies),
    _m("item-count-unchecked", "6.3", ("item() without torch's element count check", "item() 没有检查元素个数"),
       ("item() needs exactly one element and says so in torch's words: `torch.ones(2).item()` raises "
        "`RuntimeError: a Tensor with 2 elements cannot be converted to Scalar`.",
        "item() 要求恰好一个元素，并用 torch 的原话说明：`torch.ones(2).item()` 抛出 "
        "`RuntimeError: a Tensor with 2 elements cannot be converted to Scalar`。"),
       _item_count_unchecked),
    _m("int-rounds", "6.3", ("int() rounds instead of truncating", "int() 做了四舍五入而不是截断"),
       ("int() of a tensor truncates toward zero like Python's int(): `int(torch.tensor([3.5]))` is 3 and "
        "`int(torch.tensor(-2.7))` is -2.",
        "张量的 int() 和 Python 的 int() 一样向零截断：`int(torch.tensor([3.5]))` 是 3，`int(torch.tensor(-2.7))` 是 -2。"),
       _int_rounds),
    _m("item-numpy-scalar", "6.3", ("a numpy scalar instead of a Python number", "返回了 numpy 标量而不是 Python 数"),
       ("item() returns a plain Python float, int or bool: `torch.tensor([3.5]).item()` is the float 3.5, "
        "not `numpy.float32(3.5)`.",
        "item() 返回普通的 Python float、int 或 bool：`torch.tensor([3.5]).item()` 是 float 3.5，"
        "而不是 `numpy.float32(3.5)`。"),
       _item_numpy_scalar),
    _m("mul-grads-swapped", "7.1", ("the local derivatives of mul swapped", "mul 的局部导数对调了"),
       ("The derivative of x * y with respect to x is y, and with respect to y is x: each input gets the "
        "other one's values.",
        "x * y 对 x 的偏导数是 y，对 y 的偏导数是 x：每个输入得到的是另一个输入的值。"),
       _mul_grads_swapped),
    _m("upstream-grad-ignored", "7.1", ("the incoming gradient not multiplied in", "没有乘上传进来的梯度"),
       ("By the chain rule, every local derivative is multiplied by the gradient of the output, g, which is "
        "not always ones.",
        "根据链式法则，每个局部导数都要乘上输出的梯度 g，而 g 不总是全 1。"),
       _upstream_grad_ignored),
    _m("grad-sign-lost", "7.1 9.1", ("the minus sign of a derivative lost", "导数丢了负号"),
       ("Some partial derivatives are negative: d(x / y)/dy is -x / y**2, and d((x - y)**2)/dy is -2 (x - y).",
        "有些偏导数是负的：d(x / y)/dy 是 -x / y**2，d((x - y)**2)/dy 是 -2 (x - y)。"),
       _one_grad_negated),
    _m("mm-grad-transposed", "7.1", ("the gradient of mm transposed", "mm 的梯度转置了"),
       ("For z = x @ y the gradient of y is x.T @ g, which has y's shape; g.T @ x is its transpose.",
        "对 z = x @ y，y 的梯度是 x.T @ g，形状和 y 一样；g.T @ x 是它的转置。"),
       _mm_grad_transposed),
    _m("sum-grad-axis-lost", "7.1", ("the summed axis not restored in sum's gradient", "sum 的梯度没有恢复求和的轴"),
       ("The gradient of sum(dim=1) has one value per row: put the summed axis back with size 1 before "
        "broadcasting it to the input's shape.",
        "sum(dim=1) 的梯度每行一个值：先把求和的轴以大小 1 放回去，再广播成输入的形状。"),
       _sum_grad_axis_lost),
    _m("grad-overwritten", "7.2", ("gradients overwritten instead of accumulated", "梯度被覆盖而不是累加"),
       ("Gradients add up: each path through the graph adds to a node's gradient and each backward() call adds "
        "to a leaf's .grad, so `x * x` gives `x.grad == 2 * x`, not `x`.",
        "梯度是累加的：计算图中的每条路径都会加到节点的梯度上，每次 backward() 都会加到叶子节点的 .grad 上，"
        "所以 `x * x` 给出 `x.grad == 2 * x`，而不是 `x`。"),
       _grad_overwritten),
    _m("node-before-its-gradient", "7.2", ("a node run before its gradient is there", "节点在梯度到达之前就运行了"),
       ("A node runs once, after every node that uses its output has added its part: run the nodes from the output "
        "down (the reverse of the order in which the search finishes them) and keep each node's gradient until "
        "it runs.",
        "一个节点只运行一次，并且要等所有用到它输出的节点都加上了自己那一份之后：从输出往下运行各节点"
        "（与搜索完成节点的顺序相反），并把每个节点的梯度保存到它运行为止。"),
       _node_before_its_gradient),
    _m("broadcast-grad-not-summed", "7.3", ("a gradient not summed over a broadcast axis",
                                            "梯度没有沿广播的轴求和"),
       ("An input that was broadcast gets a gradient of its own shape: sum the output's gradient over the axes "
        "it was stretched along.",
        "被广播的输入得到的梯度要是它自己的形状：把输出的梯度沿它被拉伸的轴求和。"),
       _broadcast_grad_not_summed),
    _m("broadcast-grad-wrong-axes", "7.3", ("a broadcast gradient summed over the wrong axes",
                                            "广播的梯度沿错误的轴求和"),
       ("Sum away the leading axes the broadcast added, then the axes where the input has size 1 and the output "
        "does not: a 0-d input of a (3, 4) result gets the sum of all 12 gradients.",
        "先把广播在前面加上的轴求和消掉，再对输入大小为 1 而输出不是 1 的轴求和：结果形状为 (3, 4) 时，"
        "0 维输入得到全部 12 个梯度之和。"),
       _broadcast_grad_wrong_axes),
    _m("linspace-steps-not-intervals", "8.1", ("linspace divided by steps, not steps - 1",
                                               "linspace 除以 steps 而不是 steps - 1"),
       ("steps values leave steps - 1 intervals, and both ends are included: `torch.linspace(0, 1, 5)` is "
        "0, 0.25, 0.5, 0.75, 1.",
        "steps 个值之间有 steps - 1 个间隔，两端都包括在内：`torch.linspace(0, 1, 5)` 是 0、0.25、0.5、0.75、1。"),
       _linspace_steps_not_intervals),
    _m("linspace-rounds", "8.1", ("integer linspace rounded", "整数 linspace 做了四舍五入"),
       ("With an integer dtype torch truncates toward zero: `torch.linspace(0, 10, 7, dtype=torch.int32)` is "
        "0, 1, 3, 5, 6, 8, 10.",
        "整数数据类型时 torch 向零截断：`torch.linspace(0, 10, 7, dtype=torch.int32)` 是 0、1、3、5、6、8、10。"),
       _linspace_rounds),
    _m("linspace-integer-default", "8.1", ("linspace's dtype taken from integer ends", "linspace 从整数端点推断数据类型"),
       ("Without a dtype linspace gives the default float dtype, even for integer ends: "
        "`torch.linspace(0, 1, 5)` is float32.",
        "不给 dtype 时，即使端点是整数，linspace 也给出默认的浮点数据类型：`torch.linspace(0, 1, 5)` 是 float32。"),
       _linspace_integer_default),
    _m("mse-grad-not-averaged", "9.1", ("the mean's 1/n missing from the gradient", "梯度里少了均值的 1/n"),
       ("A mean over n elements divides by n, so its gradient does too: 2 (x - y) / n.",
        "对 n 个元素求均值要除以 n，所以它的梯度也要除以 n：2 (x - y) / n。"),
       _mse_grad_not_averaged),
    _m("mse-grad-without-two", "9.1", ("the 2 of the squared error's derivative missing", "平方误差的导数少了 2"),
       ("The derivative of (x - y)**2 with respect to x is 2 (x - y), not x - y.",
        "(x - y)**2 对 x 的导数是 2 (x - y)，而不是 x - y。"),
       _mse_grad_without_two),
    _m("mse-not-reduced", "9.1", ("the loss not reduced", "损失没有归约"),
       ("`mse_loss` reduces by its `reduction` argument, the mean by default: the loss of 3 elements is a 0-d "
        "tensor.",
        "`mse_loss` 按 `reduction` 参数归约，默认求均值：3 个元素的损失是一个 0 维张量。"),
       _mse_not_reduced),
    _m("step-records-graph", "9.2", ("the update recorded in the graph", "更新被记录进了计算图"),
       ("The update of a parameter runs inside `no_grad()`: a leaf that requires grad may only change in place "
        "there.",
        "参数的更新在 `no_grad()` 里运行：需要梯度的叶子节点只有在那里才能原地修改。"),
       _step_records_graph),
    _m("step-rebinds", "9.2", ("the parameters left as they were", "参数没有被更新"),
       ("step must change each parameter in place, `p -= lr * p.grad`; `p = p - lr * p.grad` only makes a new "
        "tensor, and the model keeps the old one.",
        "step 必须原地修改每个参数，即 `p -= lr * p.grad`；`p = p - lr * p.grad` 只会得到一个新张量，模型仍用旧的。"),
       _step_rebinds),
    _m("zero-grad-keeps-tensor", "9.2", ("`zero_grad`(`set_to_none=True`) keeps a tensor",
                                         "`zero_grad`(`set_to_none=True`) 保留了张量"),
       ("With `set_to_none=True` (the default) `zero_grad` sets .grad to None; only `set_to_none=False` fills it "
        "with zeros.",
        "`set_to_none=True`（默认值）时 `zero_grad` 把 .grad 设为 None；只有 `set_to_none=False` 才填 0。"),
       _zero_grad_keeps_tensor),
    _m("relu-drops-nan", "9.3", ("relu turns nan into 0", "relu 把 nan 变成了 0"),
       ("torch's relu keeps nan: `torch.relu(torch.tensor([float('nan'), -1.0]))` is `tensor([nan, 0.])`.",
        "torch 的 relu 保留 nan：`torch.relu(torch.tensor([float('nan'), -1.0]))` 是 `tensor([nan, 0.])`。"),
       _relu_drops_nan),
    _m("relu-grad-passes-all", "9.3", ("relu's gradient passed where its output is 0", "relu 输出为 0 的地方也传了梯度"),
       ("relu's derivative is 0 wherever its output is 0, including at x == 0: the gradient passes only "
        "where x > 0.",
        "relu 的输出为 0 的地方导数就是 0，x == 0 处也是：梯度只在 x > 0 的地方传过去。"),
       _relu_grad_passes_all),
    _m("relu-grad-ignores-upstream", "9.3", ("relu's gradient not multiplied by g", "relu 的梯度没有乘 g"),
       ("relu's backward returns g where the output is positive, not 1: the incoming gradient passes "
        "through unchanged.",
        "relu 的反向传播在输出为正的地方返回 g，而不是 1：传进来的梯度原样通过。"),
       _relu_grad_ignores_upstream),
)


def matching(task, call, expected, actual):
    """Every misconception of ``task`` whose recogniser matches this failure (a recogniser that crashes does not)."""
    if not isinstance(task, str):
        return []
    case = None
    found = []
    for entry in BANK:
        if task.strip() not in entry.tasks:
            continue
        case = case or Case(task, call, expected, actual)
        if case.differs and _safely(entry.test, case):
            found.append(entry)
    return found


def _safely(test, case):
    try:
        return bool(test(case))
    except Exception:  # an unexpected result is simply not this misconception
        return False


def recognise(task, call, expected, actual, lang=None):
    """The one misconception this failure shows, as :class:`Found` in ``lang``; None when none or several match."""
    try:
        found = matching(task, call, expected, actual)
    except Exception:  # naming a misconception must never break a check's message
        return None
    return found[0].found(lang) if len(found) == 1 else None
