"""The misconception bank (workbook/misconceptions.py): each one is named for a submission that makes its bug.

For every misconception, a crafted submission (the reference library with one
small textual patch) is graded in-process with its task's check cells, visible
and then hidden, as ``workbook.mutants`` grades a mutant; the failure text must
name that misconception and no other. All cases share one copy of the
reference, patched and restored in turn.
"""

import re

import numpy as np
import pytest

from tests.test_glossary import axis_words, glossary, missing_terms
from tests.test_zh_punctuation import half_width_marks
from workbook import checks, language, misconceptions, mutants, progress

ROOT = mutants.ROOT
# (misconception id, task whose cells grade it, file of solutions/mytensor, [(text, replacement), ...])
CASES = [
    ('strides-reversed', 'Task 1.1', '_layout.py', [('    return tuple(reversed(strides))\n', '    return tuple(strides)\n')]),
    ('strides-zero-size', 'Task 1.1', '_layout.py', [('        step *= max(size, 1)\n', '        step *= size\n')]),
    ('strides-own-size', 'Task 1.1', '_layout.py', [('        strides.append(step)\n        step *= max(size, 1)\n', '        step *= max(size, 1)\n        strides.append(step)\n')]),
    ('ragged-accepted', 'Task 1.2', 'creation.py', [('        _check_lengths(data, shape, 0)\n', '        pass\n')]),
    ('empty-list-no-axis', 'Task 1.2', 'creation.py', [('        shape.append(len(probe))\n        if not probe:\n            break\n', '        if not probe:\n            break\n        shape.append(len(probe))\n')]),
    ('ragged-dim-from-one', 'Task 1.2', 'creation.py', [('at dim {dim} (got', 'at dim {dim + 1} (got')]),
    ('infer-two-unknowns', 'Task 1.3', '_layout.py', [('            if unknown is not None:\n                raise RuntimeError("only one dimension can be inferred")\n', '')]),
    ('infer-remainder-dropped', 'Task 1.3', '_layout.py', [('    if known == 0 or count % known != 0:\n', '    if known == 0:\n')]),
    ('negative-size-accepted', 'Task 1.3', '_layout.py', [('        elif size < 0:\n            raise RuntimeError(f"invalid shape dimension {size} at index {i} of shape {list(shape)}")\n', '')]),
    ('negative-start-not-wrapped', 'Task 2.1', 'indexing.py', [('    start = start + size if start < 0 else start\n', '')]),
    ('negative-slice-size', 'Task 2.1', 'indexing.py', [('    stop = min(max(stop, start), size)\n', '    stop = min(stop, size)\n')]),
    ('slice-step-stride', 'Task 2.1', 'indexing.py', [('            strides[dim] *= step\n', '')]),
    ('offset-not-scaled', 'Task 2.1', 'indexing.py', [('            offset += start * strides[dim]\n', '            offset += start\n')]),
    ('negative-index-not-wrapped', 'Task 2.1', 'indexing.py', [('    return i + size if i < 0 else i\n', '    return i\n')]),
    ('setitem-writes-copy', 'Task 2.2', 'indexing.py', [('    _layout.strided(t._storage, shape, strides, offset)[...] = values\n', '    np.array(_layout.strided(t._storage, shape, strides, offset))[...] = values\n')]),
    ('setitem-whole-tensor', 'Task 2.2', 'indexing.py', [('    _layout.strided(t._storage, shape, strides, offset)[...] = values\n', '    _layout.strided(t._storage, t._shape, t._strides, t._offset)[...] = value\n')]),
    ('view-ignores-transpose', 'Task 2.3', '_layout.py', [('    if not old_shape:\n        return (1,) * len(new_shape)\n', '    return contiguous_strides(new_shape)\n')]),
    ('view-refused', 'Task 2.3', '_layout.py', [('    if not old_shape:\n        return (1,) * len(new_shape)\n', '    return None\n')]),
    ('promotion-ignores-rank', 'Task 3.1', 'promotion.py', [('        tiers[tier] = dtype if tiers[tier] is None else promote_types(tiers[tier], dtype)\n', '        tiers[2] = dtype if tiers[2] is None else promote_types(tiers[2], dtype)\n')]),
    ('promotion-ignores-kind', 'Task 3.1', 'promotion.py', [('        if result is None or category(dtype) >= category(result):\n', '        if True:\n')]),
    ('numpy-promotion', 'Task 3.2', 'ops.py', [('    x, y = _as_array(a, numpy_type), _as_array(b, numpy_type)\n', '    x, y = _as_array(a, None), _as_array(b, None)\n')]),
    ('operands-swapped', 'Task 3.2', 'ops.py', [('    return _tensor.Tensor._wrap(kernel(x, y)), x, y\n', '    return _tensor.Tensor._wrap(kernel(y, x)), x, y\n')]),
    ('cat-first-dtype', 'Task 3.3', 'joining.py', [('    dtype = promotion.result_type(*tensors)\n', '    dtype = tensors[0].dtype\n')]),
    ('cat-empty-not-skipped', 'Task 3.3', 'joining.py', [('    used = [t for t in tensors if t._shape != (0,)]\n', '    used = list(tensors)\n')]),
    ('cat-zero-dim', 'Task 3.3', 'joining.py', [('        if not t._shape:\n            raise RuntimeError', '        if False:\n            raise RuntimeError')]),
    ('sum-repeated-dim', 'Task 3.4', 'reductions.py', [('        if axis in axes[:i]:\n', '        if False:\n')]),
    ('keepdim-ignored', 'Task 3.4', 'reductions.py', [('dtype=dtype.numpy_type, keepdims=keepdim))', 'dtype=dtype.numpy_type, keepdims=False))')]),
    ('sum-dtype-kept', 'Task 3.4', 'reductions.py', [('    dtype = t.dtype if t.dtype.is_floating_point else _dtypes.int64\n', '    dtype = t.dtype\n')]),
    ('sum-empty-dims', 'Task 3.4', 'reductions.py', [('    if not dims:\n        return None\n', '    if not dims:\n        return ()\n')]),
    ('broadcast-left-aligned', 'Task 4.1', 'broadcasting.py', [('    a = (1,) * (ndim - len(a)) + tuple(a)\n    b = (1,) * (ndim - len(b)) + tuple(b)\n', '    a = tuple(a) + (1,) * (ndim - len(a))\n    b = tuple(b) + (1,) * (ndim - len(b))\n')]),
    ('broadcast-one-side', 'Task 4.1', 'broadcasting.py', [('        if a[dim] != b[dim] and a[dim] != 1 and b[dim] != 1:\n', '        if a[dim] != b[dim] and b[dim] != 1:\n')]),
    ('broadcast-one-beats-zero', 'Task 4.1', 'broadcasting.py', [('    return tuple(n if m == 1 else m for m, n in zip(a, b))\n', '    return tuple(max(m, n) for m, n in zip(a, b))\n')]),
    ('broadcast-unchecked', 'Task 4.1', 'broadcasting.py', [('        if a[dim] != b[dim] and a[dim] != 1 and b[dim] != 1:\n', '        if False:\n')]),
    ('expand-size-one-stride-zero', 'Task 4.2', 'broadcasting.py', [('        result.insert(0, after if sizes[dim] == 1 else 0)\n', '        result.insert(0, 0)\n')]),
    ('inplace-not-written', 'Task 5.1', 'inplace.py', [('    t._array()[...] = result._array().astype(t._storage.dtype)\n    return t\n', '    return result\n')]),
    ('inplace-cast-unchecked', 'Task 5.1', 'inplace.py', [('    if not promotion.can_cast(result.dtype, t.dtype):\n', '    if False:\n')]),
    ('copy-shape-unchecked', 'Task 5.2', 'inplace.py', [('    _check_fits(self, src)\n', '')]),
    ('copy-leaf-unchecked', 'Task 5.2', 'inplace.py', [('    _check_target(self)\n    if not isinstance(src', '    if not isinstance(src')]),
    ('numpy-element-strides', 'Task 6.1', 'interop.py', [('        strides=tuple(s * itemsize for s in t._strides),\n', '        strides=tuple(t._strides),\n')]),
    ('numpy-copies', 'Task 6.1', 'interop.py', [('    if 0 in t._shape:\n        return np.empty(t._shape, t._storage.dtype)\n    itemsize', '    if True:\n        return np.array(t._array())\n    itemsize')]),
    ('from-numpy-byte-strides', 'Task 6.2', 'interop.py', [('    strides = tuple(s // array.itemsize for s in array.strides)\n', '    strides = tuple(array.strides)\n')]),
    ('from-numpy-copies', 'Task 6.2', 'interop.py', [('    strides = tuple(s // array.itemsize for s in array.strides)\n', '    array = np.ascontiguousarray(array)\n    strides = tuple(s // array.itemsize for s in array.strides)\n')]),
    ('item-count-unchecked', 'Task 6.3', 'interop.py', [('    if count != 1:\n        raise RuntimeError', '    if False:\n        raise RuntimeError')]),
    ('int-rounds', 'Task 6.3', 'interop.py', [('    return int(item(self))\n', '    return round(item(self))\n')]),
    ('item-numpy-scalar', 'Task 6.3', 'interop.py', [('    return self._array().reshape(()).item()\n', '    return self._array().reshape(())[()]\n')]),
    ('mul-grads-swapped', 'Task 7.1', 'ops.py', [('    return g * y, g * x\n', '    return g * x, g * y\n')]),
    ('upstream-grad-ignored', 'Task 7.1', 'ops.py', [('    return g * y, g * x\n', '    return y, x\n')]),
    ('grad-sign-lost', 'Task 7.1', 'ops.py', [('    return g / y, -g * (x / y) / y\n', '    return g / y, g * (x / y) / y\n')]),
    ('mm-grad-transposed', 'Task 7.1', 'linalg.py', [('(x.T @ g if needs[1] else None)', '(g.T @ x if needs[1] else None)')]),
    ('sum-grad-axis-lost', 'Task 7.1', 'reductions.py', [('    if not keepdim:\n        g = np.expand_dims', '    if False:\n        g = np.expand_dims')]),
    ('grad-overwritten', 'Task 7.2', 'autograd.py', [('                _accumulate(edge.variable, input_grad)\n', '                edge.variable.grad = _tensor.Tensor._wrap(np.array(input_grad, dtype=edge.variable._storage.dtype))\n')]),
    ('graph-from-leaves', 'Task 7.2', 'autograd.py', [('    return order[::-1]\n', '    return order\n')]),
    ('broadcast-grad-not-summed', 'Task 7.3', 'autograd.py', [('    return grad.sum(axis=tuple(range(extra)) + stretched).reshape(shape)\n', '    return grad\n')]),
    ('broadcast-grad-leading-kept', 'Task 7.3', 'autograd.py', [('    return grad.sum(axis=tuple(range(extra)) + stretched).reshape(shape)\n', '    return grad.sum(axis=stretched, keepdims=True).reshape(shape)\n')]),
    ('linspace-steps-not-intervals', 'Task 8.1', 'spacing.py', [('    step = (last - first) / work(max(steps - 1, 1))\n', '    step = (last - first) / work(max(steps, 1))\n'), ('    values = np.where(index < max(steps // 2, 1), up, down)\n', '    values = up\n')]),
    ('linspace-rounds', 'Task 8.1', 'spacing.py', [('    return _tensor.Tensor._wrap(values.astype(dtype.numpy_type))\n', '    values = np.round(values) if not dtype.is_floating_point else values\n    return _tensor.Tensor._wrap(values.astype(dtype.numpy_type))\n')]),
    ('linspace-integer-default', 'Task 8.1', 'spacing.py', [('    dtype = _dtypes.get_default_dtype() if dtype is None else dtype\n', '    if dtype is None:\n        dtype = _dtypes.int64 if isinstance(start + end, int) else _dtypes.get_default_dtype()\n')]),
    ('mse-grad-not-averaged', 'Task 9.1', 'functional.py', [('    grad = 2 * g * (x - y) / _reduced_count(x, reduction)\n', '    grad = 2 * g * (x - y)\n')]),
    ('mse-grad-without-two', 'Task 9.1', 'functional.py', [('    grad = 2 * g * (x - y) / _reduced_count(x, reduction)\n', '    grad = g * (x - y) / _reduced_count(x, reduction)\n')]),
    ('grad-sign-lost', 'Task 9.1', 'functional.py', [('    return grad, -grad\n', '    return grad, grad\n')]),
    ('mse-not-reduced', 'Task 9.1', 'functional.py', [('    return _reduce((x - y) ** 2, reduction)\n', '    return (x - y) ** 2\n')]),
    ('step-records-graph', 'Task 9.2', 'optim.py', [('        with autograd.no_grad():\n', '        if True:\n')]),
    ('step-rebinds', 'Task 9.2', 'optim.py', [('                    p -= self.lr * p.grad\n', '                    p = p - self.lr * p.grad\n')]),
    ('zero-grad-keeps-tensor', 'Task 9.2', 'optim.py', [('            if set_to_none:\n                p.grad = None\n            elif', '            if')]),
    ('relu-drops-nan', 'Task 9.3', 'functional.py', [('    return np.maximum(x, 0)\n', '    return np.where(x > 0, x, 0)\n')]),
    ('relu-grad-passes-all', 'Task 9.3', 'functional.py', [('    return np.where(result <= 0, 0, g)\n', '    return np.where(result < 0, 0, g)\n')]),
    ('relu-grad-ignores-upstream', 'Task 9.3', 'functional.py', [('    return np.where(result <= 0, 0, g)\n', '    return (result > 0).astype(g.dtype)\n')]),
    ('expand-left-aligned', 'Task 4.2', 'broadcasting.py', [('zip(strides, shape, sizes[lead:])]', 'zip(strides, shape, sizes)]')]),
]


def _tasks_of_the_stubs():
    """Every task id a stub of the student library names (``Task 2.3: ...``)."""
    found = set()
    for path in (ROOT / "mytensor").glob("*.py"):
        found |= set(re.findall(r"\bTask (\d+\.\d+): ", path.read_text("utf-8")))
    return {f"Task {number}" for number in found}


def test_the_bank_has_at_least_50_entries_and_2_for_every_task():
    tasks = _tasks_of_the_stubs()
    assert len(tasks) == 24
    assert len(misconceptions.BANK) >= 50
    counts = {task: sum(task in entry.tasks for entry in misconceptions.BANK) for task in tasks}
    assert min(counts.values()) >= 2, {task: n for task, n in counts.items() if n < 2}
    assert {t for entry in misconceptions.BANK for t in entry.tasks} <= tasks


def test_each_entry_has_a_kebab_case_id_and_its_own_name_in_both_languages():
    ids = [entry.id for entry in misconceptions.BANK]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", key) for key in ids)
    for lang in language.LANGUAGES:
        names = [entry.name[lang] for entry in misconceptions.BANK]
        assert len(set(names)) == len(names), lang
        assert all(entry.about[lang].strip() for entry in misconceptions.BANK), lang
    chinese = re.compile(r"[\u4e00-\u9fff]")
    assert all(chinese.search(entry.name["zh"]) and chinese.search(entry.about["zh"]) for entry in misconceptions.BANK)


def test_the_chinese_uses_the_glossary_and_full_width_punctuation():
    rows = glossary()
    wrong = {}
    for entry in misconceptions.BANK:
        for part in ("name", "about"):
            english, chinese = entry.name["en"] if part == "name" else entry.about["en"], getattr(entry, part)["zh"]
            problems = missing_terms(english, chinese, rows) + half_width_marks(chinese) + axis_words(chinese)
            if problems:
                wrong[f"{entry.id} {part}"] = problems
    assert not wrong


def test_every_misconception_has_a_crafted_submission():
    assert {case[0] for case in CASES} == {entry.id for entry in misconceptions.BANK}


@pytest.fixture(scope="module")
def reference():
    """One scratch copy of the reference library and the graded cells, shared by every case."""
    with mutants.reference_copy() as parent:
        yield parent, mutants.graded_cells()


@pytest.fixture
def spied(monkeypatch):
    """Record each cell's full outcome and each failure that was looked up in the bank."""
    outcomes, looked_up = [], []
    describe, lookup = progress.describe, checks._misconception

    def record_outcome(*args):
        outcomes.append(describe(*args))
        return outcomes[-1]

    def record_lookup(task, call, expected, actual):
        looked_up.append((task, call, expected, actual))
        return lookup(task, call, expected, actual)

    monkeypatch.setattr(progress, "describe", record_outcome)
    monkeypatch.setattr(checks, "_misconception", record_lookup)
    monkeypatch.setenv(language.ENV, "en")
    return outcomes, looked_up


def _grade(reference, task, file, edits):
    """The first failure of ``task``'s cells (visible checks, then hidden) for the patched reference."""
    parent, cells = reference
    mine = [cell for cell in cells if cell.grade_id == "task-" + task.split()[1].replace(".", "-")]
    target = parent / "mytensor" / file
    original = target.read_text("utf-8")
    patched = original
    for old, new in edits:
        assert patched.count(old) == 1, f"{file}: the patch must match once: {old!r}"
        patched = patched.replace(old, new)
    target.write_text(patched, "utf-8")
    try:
        return mutants.first_failure(mine, parent, hidden=False) or mutants.first_failure(mine, parent, hidden=True)
    finally:
        target.write_text(original, "utf-8")


def _named(text, lang="en"):
    """The ids of the misconceptions ``text`` names."""
    return [entry.id for entry in misconceptions.BANK
            if language.text("check.misconception", lang, name=entry.name[lang], about=entry.about[lang]) in text]


def _as_student(value):
    """torch's result as the student's side would send it: tensors as snapshots."""
    if isinstance(value, (tuple, list)) and type(value).__name__ != "Size":
        return type(value)(_as_student(v) for v in value)
    if not checks._is_torch_tensor(value):
        return value
    grad_fn = type(value.grad_fn).__name__ if value.grad_fn is not None else None
    return checks.Snapshot(tuple(value.shape), str(value.dtype).split(".")[-1], value.detach().numpy().copy(),
                           tuple(value.stride()), value.storage_offset(), value.requires_grad, grad_fn, repr(value))


@pytest.mark.parametrize("key, task, file, edits", CASES, ids=[f"{c[0]}-{c[1][5:]}" for c in CASES])
def test_a_crafted_bug_is_named_by_its_misconception_only(reference, spied, key, task, file, edits):
    outcomes, looked_up = spied
    failure = _grade(reference, task, file, edits)
    assert failure is not None, f"the crafted {key} passes every check of {task}"
    status, text = outcomes[-1]
    assert status == "failed" and _named(text) == [key], text
    last = looked_up[-1]
    assert misconceptions.recognise(*last[:3], _as_student(last[2])) is None, "torch's own result names a misconception"


def test_a_chinese_student_reads_the_misconception_in_chinese(reference, spied, monkeypatch):
    outcomes, _ = spied
    monkeypatch.setenv(language.ENV, "zh")
    key, task, file, edits = next(case for case in CASES if case[0] == "broadcast-one-side")
    _grade(reference, task, file, edits)
    assert _named(outcomes[-1][1], "zh") == [key]
    assert "常见误区：只在一边接受大小 1。" in outcomes[-1][1]


def test_the_reference_passes_every_check_and_names_nothing(reference, spied):
    parent, cells = reference
    _, looked_up = spied
    assert mutants.first_failure(cells, parent, hidden=True) is None
    assert looked_up == []


def test_a_recogniser_that_crashes_names_nothing(monkeypatch):
    entry = misconceptions.BANK[0]
    monkeypatch.setattr(misconceptions, "BANK", (entry._replace(test=lambda case: 1 / 0)
                                                 if hasattr(entry, "_replace") else
                                                 misconceptions.Misconception(entry.id, entry.tasks, entry.name,
                                                                              entry.about, lambda case: 1 / 0),))
    assert misconceptions.recognise(entry.tasks[0], "m.zeros(3, 4).stride()", (4, 1), (1, 4)) is None
