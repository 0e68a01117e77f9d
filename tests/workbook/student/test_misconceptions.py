"""The misconception bank (workbook/misconceptions.py): each one is named for a submission that makes its bug.

For every misconception, a crafted submission (the reference library with one
small textual patch) is graded in-process with its task's check cells, visible
and then hidden, as ``workbook.release.mutants`` grades a mutant; the failure text must
name that misconception and no other. All cases share one copy of the
reference, patched and restored in turn.
"""

import re

import numpy as np
import pytest

from tests.workbook.release.test_glossary import axis_words, glossary, missing_terms
from tests.workbook.release.test_zh_punctuation import half_width_marks
from workbook import checks, compare, language, misconceptions, check as task_check
from workbook.release import mutants
from workbook.sandbox import wire

ROOT = mutants.REPO
# (misconception id, task whose cells grade it, file of solutions/mytensor, [(text, replacement), ...])
CASES = [
    ("strides-reversed", "Task 1.1", "_layout.py", [
        ("    return tuple(reversed(strides))\n", "    return tuple(strides)\n")]),
    ("strides-zero-size", "Task 1.1", "_layout.py", [
        ("        step *= max(size, 1)\n", "        step *= size\n")]),
    ("strides-own-size", "Task 1.1", "_layout.py", [
        ("        strides.append(step)\n        step *= max(size, 1)\n",
         "        step *= max(size, 1)\n        strides.append(step)\n")]),
    ("ragged-accepted", "Task 1.2", "creation.py", [
        ("        _check_lengths(data, shape, 0)\n", "        pass\n")]),
    ("empty-list-no-axis", "Task 1.2", "creation.py", [
        ("        shape.append(len(probe))\n        if not probe:\n            break\n",
         "        if not probe:\n            break\n        shape.append(len(probe))\n")]),
    ("ragged-dim-from-one", "Task 1.2", "creation.py", [
        ("at dim {dim} (got", "at dim {dim + 1} (got")]),
    ("infer-two-unknowns", "Task 1.3", "_layout.py", [
        ('            if unknown is not None:\n                raise RuntimeError("only one dimension can be inferred")\n',
         "")]),
    ("infer-remainder-dropped", "Task 1.3", "_layout.py", [
        ("    if known == 0 or count % known != 0:\n", "    if known == 0:\n")]),
    ("negative-size-accepted", "Task 1.3", "_layout.py", [
        ('        elif size < 0:\n            raise RuntimeError(f"invalid shape dimension {size} at index {i} of shape {list(shape)}")\n',
         "")]),
    ("negative-start-not-wrapped", "Task 2.1", "indexing.py", [
        ("    start = start + size if start < 0 else start\n", "")]),
    ("negative-slice-size", "Task 2.1", "indexing.py", [
        ("    stop = min(max(stop, start), size)\n", "    stop = min(stop, size)\n")]),
    ("slice-step-stride", "Task 2.1", "indexing.py", [
        ("            strides[dim] *= step\n", "")]),
    ("offset-not-scaled", "Task 2.1", "indexing.py", [
        ("            offset += start * strides[dim]\n", "            offset += start\n")]),
    ("negative-index-not-wrapped", "Task 2.1", "indexing.py", [
        ("    return i + size if i < 0 else i\n", "    return i\n")]),
    ("setitem-writes-copy", "Task 2.2", "indexing.py", [
        ("    _layout.strided(t._storage, shape, strides, offset)[...] = values\n",
         "    np.array(_layout.strided(t._storage, shape, strides, offset))[...] = values\n")]),
    ("setitem-whole-tensor", "Task 2.2", "indexing.py", [
        ("    _layout.strided(t._storage, shape, strides, offset)[...] = values\n",
         "    _layout.strided(t._storage, t._shape, t._strides, t._offset)[...] = value\n")]),
    ("view-ignores-transpose", "Task 2.3", "_layout.py", [
        ("    if not old_shape:\n        return (1,) * len(new_shape)\n",
         "    return contiguous_strides(new_shape)\n")]),
    ("view-refused", "Task 2.3", "_layout.py", [
        ("    if not old_shape:\n        return (1,) * len(new_shape)\n", "    return None\n")]),
    ("promotion-ignores-rank", "Task 3.1", "promotion.py", [
        ("        tiers[tier] = dtype if tiers[tier] is None else promote_types(tiers[tier], dtype)\n",
         "        tiers[2] = dtype if tiers[2] is None else promote_types(tiers[2], dtype)\n")]),
    ("promotion-ignores-kind", "Task 3.1", "promotion.py", [
        ("        if result is None or category(dtype) >= category(result):\n", "        if True:\n")]),
    ("numpy-promotion", "Task 3.2", "ops.py", [
        ("    x, y = _as_array(a, numpy_type), _as_array(b, numpy_type)\n",
         "    x, y = _as_array(a, None), _as_array(b, None)\n")]),
    ("operands-swapped", "Task 3.2", "ops.py", [
        ("    return _tensor.Tensor._wrap(kernel(x, y)), x, y\n",
         "    return _tensor.Tensor._wrap(kernel(y, x)), x, y\n")]),
    ("cat-first-dtype", "Task 3.3", "joining.py", [
        ("    dtype = promotion.result_type(*tensors)\n", "    dtype = tensors[0].dtype\n")]),
    ("cat-empty-not-skipped", "Task 3.3", "joining.py", [
        ("    used = [t for t in tensors if t._shape != (0,)]\n", "    used = list(tensors)\n")]),
    ("cat-zero-dim", "Task 3.3", "joining.py", [
        ("        if not t._shape:\n            raise RuntimeError",
         "        if False:\n            raise RuntimeError")]),
    ("sum-repeated-dim", "Task 3.4", "reductions.py", [
        ("        if axis in axes[:i]:\n", "        if False:\n")]),
    ("keepdim-ignored", "Task 3.4", "reductions.py", [
        ("dtype=dtype.numpy_type, keepdims=keepdim))", "dtype=dtype.numpy_type, keepdims=False))")]),
    ("sum-dtype-kept", "Task 3.4", "reductions.py", [
        ("    dtype = t.dtype if t.dtype.is_floating_point else _dtypes.int64\n", "    dtype = t.dtype\n")]),
    ("sum-empty-dims", "Task 3.4", "reductions.py", [
        ("    if not dims:\n        return None\n", "    if not dims:\n        return ()\n")]),
    ("broadcast-left-aligned", "Task 4.1", "broadcasting.py", [
        ("    a = (1,) * (ndim - len(a)) + tuple(a)\n    b = (1,) * (ndim - len(b)) + tuple(b)\n",
         "    a = tuple(a) + (1,) * (ndim - len(a))\n    b = tuple(b) + (1,) * (ndim - len(b))\n")]),
    ("broadcast-one-side", "Task 4.1", "broadcasting.py", [
        ("        if a[dim] != b[dim] and a[dim] != 1 and b[dim] != 1:\n",
         "        if a[dim] != b[dim] and b[dim] != 1:\n")]),
    ("broadcast-one-beats-zero", "Task 4.1", "broadcasting.py", [
        ("    return tuple(n if m == 1 else m for m, n in zip(a, b))\n",
         "    return tuple(max(m, n) for m, n in zip(a, b))\n")]),
    ("broadcast-unchecked", "Task 4.1", "broadcasting.py", [
        ("        if a[dim] != b[dim] and a[dim] != 1 and b[dim] != 1:\n", "        if False:\n")]),
    ("expand-size-one-stride-zero", "Task 4.2", "broadcasting.py", [
        ("        result.insert(0, after if sizes[dim] == 1 else 0)\n", "        result.insert(0, 0)\n")]),
    ("inplace-not-written", "Task 5.1", "inplace.py", [
        ("    t._array()[...] = result._array().astype(t._storage.dtype)\n    return t\n", "    return result\n")]),
    ("inplace-cast-unchecked", "Task 5.1", "inplace.py", [
        ("    if not promotion.can_cast(result.dtype, t.dtype):\n", "    if False:\n")]),
    ("copy-shape-unchecked", "Task 5.2", "inplace.py", [
        ("    _check_fits(self, src)\n", "")]),
    ("copy-leaf-unchecked", "Task 5.2", "inplace.py", [
        ("    _check_target(self)\n    if not isinstance(src", "    if not isinstance(src")]),
    ("numpy-element-strides", "Task 6.1", "interop.py", [
        ("        strides=tuple(s * itemsize for s in t._strides),\n", "        strides=tuple(t._strides),\n")]),
    ("numpy-copies", "Task 6.1", "interop.py", [
        ("    if 0 in t._shape:\n        return np.empty(t._shape, t._storage.dtype)\n    itemsize",
         "    if True:\n        return np.array(t._array())\n    itemsize")]),
    ("from-numpy-byte-strides", "Task 6.2", "interop.py", [
        ("    strides = tuple(s // array.itemsize for s in array.strides)\n",
         "    strides = tuple(array.strides)\n")]),
    ("from-numpy-copies", "Task 6.2", "interop.py", [
        ("    strides = tuple(s // array.itemsize for s in array.strides)\n",
         "    array = np.ascontiguousarray(array)\n    strides = tuple(s // array.itemsize for s in array.strides)\n")]),
    ("item-count-unchecked", "Task 6.3", "interop.py", [
        ("    if count != 1:\n        raise RuntimeError", "    if False:\n        raise RuntimeError")]),
    ("int-rounds", "Task 6.3", "interop.py", [
        ("    return int(item(self))\n", "    return round(item(self))\n")]),
    ("item-numpy-scalar", "Task 6.3", "interop.py", [
        ("    return self._array().reshape(()).item()\n", "    return self._array().reshape(())[()]\n")]),
    ("mul-grads-swapped", "Task 7.1", "ops.py", [
        ("    return g * y, g * x\n", "    return g * x, g * y\n")]),
    ("upstream-grad-ignored", "Task 7.1", "ops.py", [
        ("    return g * y, g * x\n", "    return y, x\n")]),
    ("grad-sign-lost", "Task 7.1", "ops.py", [
        ("    return g / y, -g * (x / y) / y\n", "    return g / y, g * (x / y) / y\n")]),
    ("mm-grad-transposed", "Task 7.1", "linalg.py", [
        ("(x.T @ g if needs[1] else None)", "(g.T @ x if needs[1] else None)")]),
    ("sum-grad-axis-lost", "Task 7.1", "reductions.py", [
        ("    if not keepdim:\n        g = np.expand_dims", "    if False:\n        g = np.expand_dims")]),
    ("grad-overwritten", "Task 7.2", "autograd.py", [
        ("                _accumulate(edge.variable, input_grad)\n",
         "                edge.variable.grad = _tensor.Tensor._wrap(np.array(input_grad, dtype=edge.variable._storage.dtype))\n")]),
    ("grad-overwritten", "Task 7.2", "autograd.py", [
        ("                grads[edge] = input_grad if previous is None else previous + input_grad\n",
         "                grads[edge] = input_grad\n")]),
    ("node-before-its-gradient", "Task 7.2", "autograd.py", [
        ("    return order[::-1]\n", "    return order\n")]),
    ("broadcast-grad-not-summed", "Task 7.3", "autograd.py", [
        ("    return grad.sum(axis=tuple(range(extra)) + stretched).reshape(shape)\n", "    return grad\n")]),
    ("broadcast-grad-wrong-axes", "Task 7.3", "autograd.py", [
        ("    return grad.sum(axis=tuple(range(extra)) + stretched).reshape(shape)\n",
         "    return grad.sum(axis=stretched, keepdims=True).reshape(shape)\n")]),
    ("linspace-steps-not-intervals", "Task 8.1", "spacing.py", [
        ("    step = (last - first) / work(max(steps - 1, 1))\n",
         "    step = (last - first) / work(max(steps, 1))\n"),
        ("    values = np.where(index < max(steps // 2, 1), up, down)\n", "    values = up\n")]),
    ("linspace-rounds", "Task 8.1", "spacing.py", [
        ("    return _tensor.Tensor._wrap(values.astype(dtype.numpy_type))\n",
         "    values = np.round(values) if not dtype.is_floating_point else values\n    return _tensor.Tensor._wrap(values.astype(dtype.numpy_type))\n")]),
    ("linspace-integer-default", "Task 8.1", "spacing.py", [
        ("    dtype = _dtypes.get_default_dtype() if dtype is None else dtype\n",
         "    if dtype is None:\n        dtype = _dtypes.int64 if isinstance(start + end, int) else _dtypes.get_default_dtype()\n")]),
    ("mse-grad-not-averaged", "Task 9.1", "functional.py", [
        ("    grad = 2 * g * (x - y) / _reduced_count(x, reduction)\n", "    grad = 2 * g * (x - y)\n")]),
    ("mse-grad-without-two", "Task 9.1", "functional.py", [
        ("    grad = 2 * g * (x - y) / _reduced_count(x, reduction)\n",
         "    grad = g * (x - y) / _reduced_count(x, reduction)\n")]),
    ("grad-sign-lost", "Task 9.1", "functional.py", [
        ("    return grad, -grad\n", "    return grad, grad\n")]),
    ("mse-not-reduced", "Task 9.1", "functional.py", [
        ("    return _reduce((x - y) ** 2, reduction)\n", "    return (x - y) ** 2\n")]),
    ("step-records-graph", "Task 9.2", "optim.py", [
        ("        with autograd.no_grad():\n", "        if True:\n")]),
    ("step-rebinds", "Task 9.2", "optim.py", [
        ("                    p -= self.lr * p.grad\n", "                    p = p - self.lr * p.grad\n")]),
    ("zero-grad-keeps-tensor", "Task 9.2", "optim.py", [
        ("            if set_to_none:\n                p.grad = None\n            elif", "            if")]),
    ("relu-drops-nan", "Task 9.3", "functional.py", [
        ("    return np.maximum(x, 0)\n", "    return np.where(x > 0, x, 0)\n")]),
    ("relu-grad-passes-all", "Task 9.3", "functional.py", [
        ("    return np.where(result <= 0, 0, g)\n", "    return np.where(result < 0, 0, g)\n")]),
    ("relu-grad-ignores-upstream", "Task 9.3", "functional.py", [
        ("    return np.where(result <= 0, 0, g)\n", "    return (result > 0).astype(g.dtype)\n")]),
    ("expand-left-aligned", "Task 4.2", "broadcasting.py", [
        ("zip(strides, shape, sizes[lead:])]", "zip(strides, shape, sizes)]")]),
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


def test_the_bank_ships_to_students_without_a_line_of_a_solution():
    from workbook.release import audit

    shipped = {f"workbook/{name}": (ROOT / "workbook" / name).read_bytes() for name in ("misconceptions.py", "checks.py")}
    assert audit.leaks(ROOT, shipped) == []


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
    describe, lookup = task_check.describe, checks._misconception

    def record_outcome(*args):
        outcomes.append(describe(*args))
        return outcomes[-1]

    def record_lookup(task, call, expected, actual):
        looked_up.append((task, call, expected, actual))
        return lookup(task, call, expected, actual)

    monkeypatch.setattr(task_check, "describe", record_outcome)
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
    if not compare._is_torch_tensor(value):
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
    task_, call, expected, actual = looked_up[-1]
    # While grading, the student's result crosses from the sandbox as plain data: it is named the same.
    sent = wire.decode_result(wire.encode_result(actual, checks.Snapshot, checks.Raised), checks.Snapshot, checks.Raised)
    assert misconceptions.recognise(task_, call, expected, sent, "en").id == key
    assert misconceptions.recognise(task_, call, expected, _as_student(expected)) is None, \
        "torch's own result names a misconception"


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


def test_a_recogniser_that_crashes_leaves_the_others_and_the_message_whole(monkeypatch):
    entry = next(entry for entry in misconceptions.BANK if entry.id == "strides-reversed")
    assert misconceptions.recognise("Task 1.1", "m.zeros(3, 4).stride()", (4, 1), (1, 4)).id == entry.id
    crashing = misconceptions.Misconception("crashes", entry.tasks, entry.name, entry.about, lambda case: 1 / 0)
    monkeypatch.setattr(misconceptions, "BANK", (crashing, entry))
    assert misconceptions.recognise("Task 1.1", "m.zeros(3, 4).stride()", (4, 1), (1, 4)).id == entry.id
    monkeypatch.setattr(checks.misconceptions, "matching", lambda *args: 1 / 0)
    message = checks.failure_message("Task 1.1", "m.zeros(3, 4).stride()", (4, 1), (1, 4), "strides differ")
    assert "Task 1.1" in message and "(1, 4)" in message


def test_a_failure_that_two_recognisers_match_is_left_unnamed(monkeypatch):
    entry = next(entry for entry in misconceptions.BANK if entry.id == "strides-reversed")
    monkeypatch.setattr(misconceptions, "BANK", (entry, entry))
    assert misconceptions.recognise("Task 1.1", "m.zeros(3, 4).stride()", (4, 1), (1, 4)) is None


def test_the_module_examples_run():
    import doctest

    assert doctest.testmod(misconceptions, optionflags=doctest.ELLIPSIS).failed == 0


X = "X = torch.arange(12.).reshape(3, 4)"
LEAVES = "x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True); y = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)"
# What a sentence says torch does, run against torch: (id, set-up, expression, repr it gives or (type, words)
# it raises, quotes of the sentence). A quote the English shows as code is in the Chinese too.
CLAIMS = [
    ("strides-reversed", "",
     "torch.zeros(3, 4).stride()",
     "(4, 1)",
     ["torch.zeros(3, 4).stride()", "(4, 1)", "(1, 4)"]),
    ("strides-zero-size", "",
     "torch.zeros(2, 0, 3).stride()",
     "(3, 3, 1)",
     ["torch.zeros(2, 0, 3).stride()", "(3, 3, 1)"]),
    ("strides-own-size", "",
     "torch.zeros(3, 4).stride()",
     "(4, 1)",
     ["torch.zeros(3, 4).stride()", "(4, 1)", "(12, 4)"]),
    ("ragged-accepted", "",
     "torch.tensor([[1, 2], [3]])",
     ("ValueError", "expected sequence of length 2 at dim 1 (got 1)"),
     ["torch.tensor([[1, 2], [3]])", "ValueError: expected sequence of length 2 at dim 1 (got 1)"]),
    ("ragged-dim-from-one", "",
     "torch.tensor([[1, 2], [3]])",
     ("ValueError", "at dim 1 "),
     ["[[1, 2], [3]]", "at dim 1"]),
    ("ragged-accepted", "", "tuple(torch.tensor([[], [1]]).shape)", "(2, 0)",
     ["Once the first lists give a shape that holds any element"]),
    ("empty-list-no-axis", "", "tuple(torch.tensor([]).shape)", "(0,)", ["`torch.tensor([])` has shape (0,)"]),
    ("empty-list-no-axis", "",
     "tuple(torch.tensor([[], []]).shape)",
     "(2, 0)",
     ["`torch.tensor([[], []])` has shape (2, 0)"]),
    ("infer-two-unknowns", "",
     "torch.arange(12).reshape(-1, -1)",
     ("RuntimeError", "only one dimension can be inferred"),
     ["reshape(-1, -1)", "RuntimeError: only one dimension can be inferred"]),
    ("infer-remainder-dropped", "",
     "torch.arange(12).reshape(-1, 5)",
     ("RuntimeError", "is invalid for input"),
     ["torch.arange(12).reshape(-1, 5)", "raises RuntimeError"]),
    ("negative-size-accepted", "",
     "torch.arange(12).reshape(3, -2)",
     ("RuntimeError", "invalid shape dimension -2"),
     ["reshape(3, -2)", "RuntimeError: invalid shape dimension -2"]),
    ("negative-start-not-wrapped", X, "X[-2:].equal(X[1:])", "True", ["X[-2:]", "last 2 rows"]),
    ("negative-slice-size", X, "X[2:1].shape[0]", "0", ["X[2:1]", "size 0"]),
    ("slice-step-stride", X, "X[:, ::2].stride()", "(4, 2)", ["X[:, ::2]"]),
    ("offset-not-scaled", X, "X[1:3].storage_offset()", "4", ["X[1:3]", "offset 4"]),
    ("negative-index-not-wrapped", X, "X[-1].storage_offset() == (3 - 1) * X.stride(0)", "True", ["X[-1]"]),
    ("setitem-whole-tensor", X + "; X[:2, :] = 12",
     "X[2].tolist()",
     "[8.0, 9.0, 10.0, 11.0]",
     ["X[:2, :] = 12", "the last row keeps its values"]),
    ("view-ignores-transpose", "",
     "torch.arange(12).reshape(3, 4).t().reshape(12)[:3].tolist()",
     "[0, 4, 8]",
     ["torch.arange(12).reshape(3, 4).t().reshape(12)", "0, 4, 8"]),
    ("view-refused", "",
     "torch.arange(12).reshape(4, 3).t().view(3, 2, 2).stride()",
     "(1, 6, 3)",
     ["torch.arange(12).reshape(4, 3).t().view(3, 2, 2)", "strides (1, 6, 3)"]),
    ("promotion-ignores-rank", "",
     "(torch.tensor([1, 2], dtype=torch.int16) + 5).dtype",
     "torch.int16",
     ["torch.tensor([1, 2], dtype=torch.int16) + 5", "stays int16"]),
    ("promotion-ignores-kind", "",
     "(torch.ones(2, dtype=torch.int16) + 2.5).dtype",
     "torch.float32",
     ["an int16 tensor + 2.5 is float32"]),
    ("promotion-ignores-kind", "",
     "torch.get_default_dtype()",
     "torch.float32",
     ["float32, the default float dtype"]),
    ("numpy-promotion", "",
     "(torch.ones(2) + torch.ones(2, dtype=torch.int64)).dtype",
     "torch.float32",
     ["torch keeps float32"]),
    ("numpy-promotion", "",
     "(np.ones(2, np.float32) + np.ones(2, np.int64)).dtype",
     "dtype('float64')",
     ["numpy widens float32 with int64 to float64"]),
    ("cat-first-dtype", "",
     "torch.cat((torch.ones(2, dtype=torch.int16), torch.ones(3, dtype=torch.float64))).dtype",
     "torch.float64",
     ["joining an int16 and a float64 tensor gives float64"]),
    ("cat-empty-not-skipped", "",
     "tuple(torch.cat((torch.ones(2, 3), torch.zeros(0), torch.ones(1, 3))).shape)",
     "(3, 3)",
     ["cat((ones(2, 3), zeros(0), ones(1, 3)))", "shape (3, 3)"]),
    ("cat-zero-dim", "",
     "torch.cat((torch.ones(2), torch.tensor(1.0)))",
     ("RuntimeError", "zero-dimensional tensor (at position 1) cannot be concatenated"),
     ["RuntimeError: zero-dimensional tensor (at position 1) cannot be concatenated"]),
    ("sum-repeated-dim", "",
     "torch.ones(2, 3).sum(dim=(1, -1))",
     ("RuntimeError", "dim 1 appears multiple times in the list of dims"),
     ["sum(dim=(1, -1))", "RuntimeError: dim 1 appears multiple times in the list of dims"]),
    ("keepdim-ignored", "",
     "tuple(torch.ones(3, 4).sum(dim=1, keepdim=True).shape)",
     "(3, 1)",
     ["X.sum(dim=1, keepdim=True)", "shape (3, 1)"]),
    ("sum-dtype-kept", "",
     "torch.ones(3, dtype=torch.int16).sum().dtype",
     "torch.int64",
     ["torch.ones(3, dtype=torch.int16).sum()", "is an int64 tensor"]),
    ("sum-dtype-kept", "",
     "torch.tensor([True, True]).sum().dtype",
     "torch.int64",
     ["sum of a bool or integer tensor is int64"]),
    ("sum-empty-dims", "",
     "torch.ones(2, 3).sum(dim=())",
     "tensor(6.)",
     ["torch.ones(2, 3).sum(dim=())", "tensor(6.)"]),
    ("broadcast-left-aligned", "",
     "tuple(torch.broadcast_shapes((3,), (2, 1)))",
     "(2, 3)",
     ["(3,) and (2, 1) broadcast to (2, 3)"]),
    ("broadcast-one-side", "",
     "tuple(torch.broadcast_shapes((3, 1), (1, 2)))",
     "(3, 2)",
     ["(3, 1) and (1, 2) broadcast to (3, 2)"]),
    ("broadcast-one-beats-zero", "",
     "tuple(torch.broadcast_shapes((0,), (1,)))",
     "(0,)",
     ["(0,) and (1,) broadcast to (0,)"]),
    ("broadcast-unchecked", "",
     "torch.zeros(2, 3) + torch.zeros(3, 2)",
     ("RuntimeError", "must match"),
     ["(2, 3) and (3, 2) raise RuntimeError"]),
    ("expand-size-one-stride-zero", "",
     "torch.ones(3).expand(1, 3).stride()",
     "(3, 1)",
     ["torch.ones(3).expand(1, 3).stride()", "(3, 1)"]),
    ("expand-left-aligned", "",
     "torch.ones(3, 1).expand(2, 3, 4).stride()",
     "(0, 1, 0)",
     ["(3, 1)", "(2, 3, 4)", "stride 1"]),
    ("inplace-not-written", "X = torch.zeros(2); Y = torch.ones(2); before = id(X); X += Y",
     "(id(X) == before, X.tolist())",
     "(True, [1.0, 1.0])",
     ["after X += Y, X holds the sums"]),
    ("inplace-cast-unchecked", "",
     "torch.zeros(2, dtype=torch.int64).add_(0.5)",
     ("RuntimeError", "result type Float can't be cast to the desired output type Long"),
     ["torch.zeros(2, dtype=torch.int64).add_(0.5)",
      "RuntimeError: result type Float can't be cast to the desired output type Long"]),
    ("copy-shape-unchecked", "",
     "torch.zeros(2, 3).copy_(torch.ones(2))",
     ("RuntimeError", "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1"),
     ["torch.zeros(2, 3).copy_(torch.ones(2))",
      "RuntimeError: The size of tensor a (3) must match the size of tensor b (2)"]),
    ("copy-leaf-unchecked", "",
     "torch.ones(2, requires_grad=True).copy_(torch.zeros(2))",
     ("RuntimeError", "a leaf Variable that requires grad is being used in an in-place operation."),
     ["a leaf Variable that requires grad is being used in an in-place operation."]),
    ("numpy-element-strides", "",
     "torch.arange(12, dtype=torch.float32).reshape(3, 4).t().stride()",
     "(1, 4)",
     ["a transposed 3 x 4 float32 tensor, with strides (1, 4)"]),
    ("numpy-element-strides", "",
     "torch.arange(12, dtype=torch.float32).reshape(3, 4).t().numpy().strides",
     "(4, 16)",
     ["an array with strides (4, 16)"]),
    ("numpy-copies", "X = torch.zeros(2); A = X.numpy(); A[0] = 5",
     "X[0].item()",
     "5.0",
     ["a write into the array shows in the tensor"]),
    ("from-numpy-byte-strides", "A = np.arange(12, dtype=np.float32).reshape(3, 4)[1:, ::2]",
     "A.strides",
     "(16, 8)",
     ["a float32 array with strides (16, 8)"]),
    ("from-numpy-byte-strides", "A = np.arange(12, dtype=np.float32).reshape(3, 4)[1:, ::2]",
     "torch.from_numpy(A).stride()",
     "(4, 2)",
     ["gives strides (4, 2)"]),
    ("from-numpy-copies",
     "A = np.arange(12, dtype=np.float32).reshape(3, 4); B = torch.from_numpy(A[1:, ::2]); A[2, 2] = -1",
     "(B.stride(), B[1, 1].item())",
     "((4, 2), -1.0)",
     ["A[1:, ::2]", "with strides (4, 2) that sees later writes into A"]),
    ("item-count-unchecked", "",
     "torch.ones(2).item()",
     ("RuntimeError", "a Tensor with 2 elements cannot be converted to Scalar"),
     ["torch.ones(2).item()", "RuntimeError: a Tensor with 2 elements cannot be converted to Scalar"]),
    ("int-rounds", "", "int(torch.tensor([3.5]))", "3", ["int(torch.tensor([3.5]))", "is 3"]),
    ("int-rounds", "", "int(torch.tensor(-2.7))", "-2", ["int(torch.tensor(-2.7))", "is -2"]),
    ("item-numpy-scalar", "",
     "type(torch.tensor([3.5]).item()).__name__",
     "'float'",
     ["torch.tensor([3.5]).item()", "is the float 3.5"]),
    ("mul-grads-swapped", LEAVES + "; (x * y).sum().backward()",
     "(x.grad.equal(y.detach()), y.grad.equal(x.detach()))",
     "(True, True)",
     ["x * y", "with respect to x is y, and with respect to y is x"]),
    ("upstream-grad-ignored", LEAVES + "; g = torch.tensor([1.0, -2.0, 0.5]); (x * y).backward(g)",
     "x.grad.equal(y.detach() * g)",
     "True",
     ["multiplied by the gradient of the output, g"]),
    ("grad-sign-lost", LEAVES + "; (x / y).sum().backward()",
     "torch.allclose(y.grad, -x.detach() / y.detach() ** 2)",
     "True",
     ["-x / y**2"]),
    ("grad-sign-lost", LEAVES + "; ((x - y) ** 2).sum().backward()",
     "torch.allclose(y.grad, -2 * (x.detach() - y.detach()))",
     "True",
     ["-2 (x - y)"]),
    ("mm-grad-transposed",
     "x = torch.ones(3, 2, requires_grad=True); y = torch.arange(6.).reshape(2, 3).requires_grad_(); g = "
     "torch.arange(9.).reshape(3, 3); (x @ y).backward(g)",
     "torch.equal(y.grad, x.detach().T @ g)",
     "True",
     ["x.T @ g", "g.T @ x"]),
    ("sum-grad-axis-lost",
     "x = torch.ones(3, 2, requires_grad=True); x.sum(dim=1).backward(torch.tensor([1., 2., 3.]))",
     "x.grad.tolist()",
     "[[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]",
     ["sum(dim=1)"]),
    ("grad-overwritten", "x = torch.tensor([1.0, 2.0], requires_grad=True); (x * x).sum().backward()",
     "x.grad.equal(2 * x.detach())",
     "True",
     ["x.grad == 2 * x"]),
    ("grad-overwritten", "x = torch.tensor([1.0, 2.0], requires_grad=True); x.sum().backward(); x.sum().backward()",
     "x.grad.tolist()",
     "[2.0, 2.0]",
     ["each backward() call adds to a leaf's .grad"]),
    ("broadcast-grad-not-summed", "w = torch.ones(3, 1, requires_grad=True); (w * torch.ones(1, 4)).sum().backward()",
     "w.grad.tolist()",
     "[[4.0], [4.0], [4.0]]",
     ["sum the output's gradient over the axes it was stretched along"]),
    ("broadcast-grad-wrong-axes",
     "s = torch.tensor(2.0, requires_grad=True); (s * torch.ones(3, 4)).sum().backward()",
     "s.grad",
     "tensor(12.)",
     ["a 0-d input of a (3, 4) result gets the sum of all 12 gradients"]),
    ("linspace-steps-not-intervals", "",
     "torch.linspace(0, 1, 5).tolist()",
     "[0.0, 0.25, 0.5, 0.75, 1.0]",
     ["torch.linspace(0, 1, 5)", "0, 0.25, 0.5, 0.75, 1"]),
    ("linspace-rounds", "",
     "torch.linspace(0, 10, 7, dtype=torch.int32).tolist()",
     "[0, 1, 3, 5, 6, 8, 10]",
     ["torch.linspace(0, 10, 7, dtype=torch.int32)", "0, 1, 3, 5, 6, 8, 10"]),
    ("linspace-integer-default", "",
     "torch.linspace(0, 1, 5).dtype",
     "torch.float32",
     ["torch.linspace(0, 1, 5)", "is float32"]),
    ("mse-grad-not-averaged", LEAVES + "; torch.nn.functional.mse_loss(x, y).backward()",
     "torch.allclose(x.grad, 2 * (x.detach() - y.detach()) / 3)",
     "True",
     ["2 (x - y) / n"]),
    ("mse-grad-without-two", LEAVES + "; ((x - y) ** 2).sum().backward()",
     "torch.allclose(x.grad, 2 * (x.detach() - y.detach()))",
     "True",
     ["2 (x - y)"]),
    ("mse-not-reduced", "",
     "torch.nn.functional.mse_loss(torch.ones(3), torch.zeros(3)).ndim",
     "0",
     ["the loss of 3 elements is a 0-d tensor"]),
    ("step-records-graph", "",
     "torch.ones(2, requires_grad=True).sub_(1)",
     ("RuntimeError", "a leaf Variable that requires grad is being used in an in-place operation"),
     ["a leaf that requires grad may only change in place there"]),
    ("step-records-graph", "w = torch.ones(2, requires_grad=True)\nwith torch.no_grad():\n    w.sub_(1)",
     "w.tolist()",
     "[0.0, 0.0]",
     ["no_grad()"]),
    ("zero-grad-keeps-tensor",
     "w = torch.ones(2, requires_grad=True); w.sum().backward(); opt = torch.optim.SGD([w], lr=0.1); "
     "opt.zero_grad()",
     "w.grad",
     "None",
     ["With set_to_none=True (the default) zero_grad sets .grad to None"]),
    ("zero-grad-keeps-tensor",
     "w = torch.ones(2, requires_grad=True); w.sum().backward(); opt = torch.optim.SGD([w], lr=0.1); "
     "opt.zero_grad(set_to_none=False)",
     "w.grad",
     "tensor([0., 0.])",
     ["set_to_none=False"]),
    ("relu-drops-nan", "",
     "torch.relu(torch.tensor([float('nan'), -1.0]))",
     "tensor([nan, 0.])",
     ["torch.relu(torch.tensor([float('nan'), -1.0]))", "tensor([nan, 0.])"]),
    ("relu-grad-passes-all", "x = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True); torch.relu(x).sum().backward()",
     "x.grad.tolist()",
     "[0.0, 0.0, 1.0]",
     ["x == 0", "x > 0"]),
    ("relu-grad-ignores-upstream",
     "x = torch.tensor([-1.0, 2.0], requires_grad=True); torch.relu(x).backward(torch.tensor([5.0, 7.0]))",
     "x.grad.tolist()",
     "[0.0, 7.0]",
     ["returns g where the output is positive"]),
]


def _code_spans(text):
    return re.findall(r"`([^`]*)`", text)


@pytest.mark.parametrize("key, given, run, result, quotes", CLAIMS, ids=[f"{c[0]}-{i}" for i, c in enumerate(CLAIMS)])
def test_what_a_sentence_says_torch_does_holds(key, given, run, result, quotes):
    import torch

    entry = next(entry for entry in misconceptions.BANK if entry.id == key)
    english, chinese = entry.about["en"], entry.about["zh"]
    assert quotes, "a claim quotes the words of the sentence it checks"
    for quote in quotes:
        assert quote in english.replace("`", "") or quote in english, f"{key}: the English does not say {quote!r}"
        if any(quote in span for span in _code_spans(english)):
            assert quote in chinese, f"{key}: the Chinese lacks the code {quote!r}"
    namespace = {"torch": torch, "np": np}
    exec(given, namespace)
    if isinstance(result, str):
        assert repr(eval(run, namespace)) == result
    else:
        with pytest.raises(Exception) as raised:
            eval(run, namespace)
        assert type(raised.value).__name__ == result[0] and result[1] in str(raised.value)
