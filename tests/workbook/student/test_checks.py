"""The trusted comparator (workbook/checks.py) catches each kind of mismatch.

Each test builds a small stand-in "student" module whose functions are wrong in
one way, registers it in sys.modules, and runs `expect_same` against torch.
"""

import doctest
import sys
import types

import numpy as np
import pytest
import torch

import mytensor
from workbook import checks


@pytest.fixture
def student(monkeypatch):
    """A fresh module named ``fake_student`` to fill with (wrong) functions."""
    module = types.ModuleType("fake_student")
    monkeypatch.setitem(sys.modules, "fake_student", module)
    return module


def _fails(fn, reason):
    with pytest.raises(checks.CheckFailed) as caught:
        checks.expect_same(fn, task="Task 9.9", hint="a hint", file="mytensor/x.py", student="fake_student")
    assert reason in str(caught.value)
    return str(caught.value)


def test_the_reference_passes():
    checks.expect_same(lambda m: m.arange(12, dtype=m.float32).reshape(3, 4)[1:, ::2])
    checks.expect_same(lambda m: m.ones(2, 3) + m.ones(3, 2))  # the same error on both sides


def test_values(student):
    student.arange = lambda n: mytensor.arange(n) + 1
    _fails(lambda m: m.arange(3), "values differ")


def test_dtype(student):
    student.arange = lambda n: mytensor.arange(n).to(mytensor.int32)
    _fails(lambda m: m.arange(3), "dtype int64 vs int32")


def test_shape(student):
    student.zeros = lambda *s: mytensor.zeros(s[::-1])
    _fails(lambda m: m.zeros(2, 3), "shape (2, 3) vs (3, 2)")


def test_strides_of_views(student):
    def column(t):
        return mytensor.tensor(t[:, 0].numpy())  # right values, but a copy, not a view

    student.arange = mytensor.arange
    student.column = column
    _fails(lambda m: m.arange(6).reshape(2, 3)[:, 0] if m is not student else column(m.arange(6).reshape(2, 3)),
           "stride() (3,) vs (1,)")


def test_exception_type_and_message(student):
    def zeros(*size):
        raise ValueError("no")

    student.zeros = zeros
    _fails(lambda m: m.zeros(2), "mytensor raised ValueError")
    student.ones = lambda *s: mytensor.ones(2, 2)
    _fails(lambda m: m.ones(2, 3) @ m.ones(2, 3), "torch raised RuntimeError but mytensor did not")


def test_exception_message_words(student):
    def mm(a, b):
        raise RuntimeError("shapes do not fit")

    student.ones, student.mm = mytensor.ones, mm
    _fails(lambda m: m.mm(m.ones(2, 3), m.ones(2, 3)), "exception messages differ")


def test_scalar_type(student):
    class Wrong:
        def item(self):
            return np.float32(3.5)

    student.tensor = lambda data: Wrong()
    _fails(lambda m: m.tensor([3.5]).item(), "type float vs float32")


def test_grad_fn_name(student):
    def arange(n, dtype=None):
        return mytensor.arange(n, dtype=dtype).requires_grad_()

    student.arange = arange
    _fails(lambda m: m.arange(3, dtype=m.float32).requires_grad_() * 1 if m is not student
           else arange(3, dtype=mytensor.float32) + 0, "grad_fn MulBackward0 vs AddBackward0")


def test_torch_is_hidden_from_the_student(student):
    def zeros(*size):
        import torch

        return torch.zeros(*size)

    student.zeros = zeros
    text = _fails(lambda m: m.zeros(2), "mytensor raised ImportError")
    assert "must not use torch" in text
    assert "torch" in sys.modules  # hidden only while the student's code ran


def test_a_layout_outside_the_storage_is_refused(student):
    def zeros(*size):
        t = mytensor.zeros(2)
        t._shape, t._strides = (5,), (1,)
        return t

    student.zeros = zeros
    _fails(lambda m: m.zeros(5), "mytensor raised IndexError")


def test_student_result_is_frozen_before_torch_runs(student):
    """Plain data is taken from the student's tensor before torch's side is computed."""
    made = []

    def zeros(*size):
        made.append(mytensor.zeros(*size))
        return made[-1]

    student.zeros = zeros
    _, snapshot = checks.run_both(lambda m: m.zeros(2), student="fake_student")
    made[0][0] = 7.0
    assert isinstance(snapshot, checks.Snapshot) and snapshot.values.tolist() == [0.0, 0.0]


def test_failure_message_reads_well(student):
    student.arange = lambda n: mytensor.arange(n) + 1
    text = _fails(lambda m: m.arange(3), "Task 9.9")
    lines = text.splitlines()
    assert lines[0] == "Task 9.9: mytensor does not match torch (values differ)."
    assert lines[3].split() == ["torch", "mytensor"]
    assert lines[4].split("    ") == [repr(torch.arange(3)), repr(mytensor.arange(3) + 1)]
    assert "hint:     a hint" in lines and "edit:     mytensor/x.py" in lines
    error = checks.CheckFailed(text)
    assert error._render_traceback_() == ["\x1b[31mCheckFailed\x1b[0m: " + text]


def test_the_torch_column_shows_torch_own_words(student):
    student.ones = lambda *size, dtype=None: mytensor.zeros(*size, dtype=dtype)
    student.int16 = mytensor.int16
    text = _fails(lambda m: m.ones(2, dtype=m.int16), "values differ")
    assert repr(torch.ones(2, dtype=torch.int16)) in text  # dtype=torch.int16, as torch prints it
    assert repr(mytensor.zeros(2, dtype=mytensor.int16)) in text


def test_an_error_message_that_names_torch_gets_a_note(student):
    def cat(tensors, dim=0):
        raise ValueError("cat(): expected a non-empty list of Tensors")

    student.cat = cat
    text = _fails(lambda m: m.cat([]), "exception messages differ")
    torch_words = str(_raised_by(lambda: torch.cat([])))
    assert "torch" in torch_words and " ".join(torch_words.split()) in " ".join(_column(text, 0))
    assert "(mytensor's message says mytensor wherever torch's says torch)" in text


def _raised_by(fn):
    try:
        fn()
    except Exception as error:  # the error is what the test wants
        return error
    raise AssertionError("expected an exception")


def _column(text, which):
    """The words of one column of a side-by-side block (the lines between the blank lines)."""
    block = text.split("\n\n")[1].splitlines()
    start = block[0].index("mytensor")
    parts = [line[:start] if which == 0 else line[start:] for line in block[1:]]
    return " ".join(part.strip() for part in parts).split()


# ---------------------------------------------------------------- long values


def test_long_messages_wrap_inside_their_own_column():
    left = "RuntimeError: " + " ".join(f"word{i}" for i in range(30))
    right = "RuntimeError: " + " ".join(f"other{i}" for i in range(25))
    text = checks._side_by_side(left, right)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= checks._WIDTH and len(lines) > 2
    start = lines[0].index("mytensor")
    assert all(line[start - 1] == " " for line in lines[1:] if len(line) >= start), "a word crosses the columns"
    assert " ".join(line[:start].strip() for line in lines[1:]).split() == left.split()
    assert " ".join(line[start:].strip() for line in lines[1:]).split() == right.split()


def test_a_tensor_beside_a_long_message_keeps_its_rows_whole():
    tensor_text = repr(torch.ones(3, 4, dtype=torch.int16))
    message = "IndexError: " + "too many indices for tensor of dimension 2 " * 3
    lines = checks._side_by_side(tensor_text, message).splitlines()
    start = lines[0].index("mytensor")
    assert [line[:start].rstrip() for line in lines[1:4]] == tensor_text.splitlines()
    assert max(len(line) for line in lines) <= checks._WIDTH


def test_two_wide_values_are_stacked_not_torn_apart():
    wide = repr(torch.full((3, 8), 1 / 3))
    text = checks._side_by_side(wide, wide.replace("0.3333", "0.6667"))
    lines = text.splitlines()
    assert lines[0] == "torch:" and lines[len(wide.splitlines()) + 1] == "mytensor:"
    assert [line[4:] for line in lines[1:len(wide.splitlines()) + 1]] == wide.splitlines()
    assert max(len(line) for line in lines) <= checks._WIDTH


# ---------------------------------------------------------------- tasks not started

OLD_STUB = "Task 6.1: an ndarray over the same memory (element strides -> byte strides) (see notebooks/x6_conversion.ipynb)"
NEW_STUB = ("Task 6.1: an ndarray over the same memory (element strides -> byte strides) "
            "(replace this raise in mytensor/interop.py: numpy; see x6_conversion.ipynb)")


def _stub_failure(student, message, task="Task 6.1", file="mytensor/interop.py"):
    def ones(*size):
        raise NotImplementedError(message)

    student.ones = ones
    with pytest.raises(checks.CheckFailed) as caught:
        checks.expect_same(lambda m: m.ones(2), task=task, hint="a hint", file=file, student="fake_student")
    return str(caught.value)


@pytest.mark.parametrize("message, task, file, headline", [
    (NEW_STUB, "Task 6.1", "mytensor/interop.py",
     "Task 6.1 is not started yet: replace the `raise NotImplementedError` in mytensor/interop.py: numpy"),
    (OLD_STUB, "Task 6.1", "mytensor/interop.py",
     "Task 6.1 is not started yet: replace the `raise NotImplementedError` in mytensor/interop.py"),
    (OLD_STUB, "Task 6.1", None,
     "Task 6.1 is not started yet: replace its `raise NotImplementedError` (see x6_conversion.ipynb)"),
    (OLD_STUB, "Task 6.3", "mytensor/interop.py",
     "Task 6.3 needs Task 6.1, which is not started yet: replace its `raise NotImplementedError` "
     "(see x6_conversion.ipynb)"),
    (NEW_STUB, "Task 6.3", "mytensor/other.py",
     "Task 6.3 needs Task 6.1, which is not started yet: replace the `raise NotImplementedError` in "
     "mytensor/interop.py: numpy"),
])
def test_a_task_not_started_says_so_in_plain_words(student, message, task, file, headline):
    text = _stub_failure(student, message, task, file)
    lines = text.splitlines()
    assert lines[0] == headline
    assert "does not match" not in text and "edit:" not in text
    assert lines[2:4] == [f"torch:    {torch.ones(2)!r}", f"mytensor: NotImplementedError: {message}"]
    assert lines[-1] == "hint:     a hint"


def test_the_progress_table_still_counts_a_stub_as_not_started(student):
    from workbook import check as task_check

    status, message = task_check.describe(checks.CheckFailed(_stub_failure(student, NEW_STUB)))
    assert status == "not started" and message.startswith("Task 6.1 is not started yet")


def test_a_student_not_implemented_error_is_an_ordinary_failure(student):
    text = _stub_failure(student, "not finished")
    assert text.startswith("Task 6.1: mytensor does not match torch (mytensor raised NotImplementedError")
    assert "edit:     mytensor/interop.py" in text


def test_the_rendering_examples_run():
    results = doctest.testmod(checks, optionflags=doctest.ELLIPSIS)
    assert results.attempted and not results.failed


def test_exact_compares_floats_bit_for_bit(student):
    # One unit in the last place off: within the tolerance, but not the same float.
    student.tensor = lambda values: mytensor.from_numpy(np.nextafter(np.float32(values), np.float32(2)))

    def call(m):
        return m.tensor([0.7])

    with pytest.raises(checks.CheckFailed, match="values differ"):
        checks.expect_same(call, student="fake_student", exact=True)
    checks.expect_same(call, student="fake_student")


def test_a_checker_is_exact_unless_told(monkeypatch):
    seen = []
    monkeypatch.setattr(checks, "expect_same", lambda fn, **options: seen.append(options["exact"]))
    checks.checker("Task 9.9", "mytensor/x.py", "a hint")(lambda m: m.ones(1))
    checks.checker("Task 9.9", "mytensor/x.py", "a hint", exact=False)(lambda m: m.ones(1))
    assert seen == [True, False]
