"""The trusted comparator (workbook/checks.py) catches each kind of mismatch.

Each test builds a small stand-in "student" module whose functions are wrong in
one way, registers it in sys.modules, and runs `expect_same` against torch.
"""

import sys
import types

import numpy as np
import pytest

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
    _fails(lambda m: m.arange(3, dtype=m.float32).requires_grad_() * 2 if m is not student
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
    assert "torch" in text.splitlines()[3] and "mytensor" in text.splitlines()[3]
    assert "hint:  a hint" in text and "edit:  mytensor/x.py" in text
    error = checks.CheckFailed(text)
    assert error._render_traceback_() == ["\x1b[31mCheckFailed\x1b[0m: " + text]
