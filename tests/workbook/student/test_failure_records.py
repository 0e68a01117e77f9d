"""A failing check makes a failure record (issue 21's contract); while collecting, a cell keeps five and counts the rest.

Each test fills a stand-in student module (``fake_student``) with functions
that are wrong in one way and runs ``expect_same`` against torch.
"""

import sys
import types

import pytest
import torch

import mytensor
from workbook import checks, language, misconceptions

FIELDS = {"task", "kind", "call", "torch", "mytensor", "why", "error_type", "message", "hint", "file", "function",
          "misconception", "text"}
STUB = ("Task 6.1: an ndarray that shares memory (replace this raise in mytensor/interop.py: numpy; "
        "see x6_conversion.ipynb)")


@pytest.fixture
def student(monkeypatch):
    module = types.ModuleType("fake_student")
    monkeypatch.setitem(sys.modules, "fake_student", module)
    return module


def _record(fn, **options):
    with pytest.raises(checks.CheckFailed) as caught:
        checks.expect_same(fn, task="Task 9.9", hint="a hint", file="mytensor/x.py", student="fake_student", **options)
    (record,) = caught.value.records
    assert set(record) == FIELDS and record["text"] == str(caught.value)
    return record


def test_a_mismatch_records_both_results_and_what_differs(student):
    student.arange = lambda n: mytensor.arange(n) + 1
    record = _record(lambda m: m.arange(3))
    assert record["kind"] == "mismatch" and record["task"] == "Task 9.9"
    assert record["call"] == "m.arange(3)"
    assert record["torch"] == repr(torch.arange(3))
    assert record["mytensor"] == repr(mytensor.arange(3) + 1)
    assert record["why"] == record["message"] == language.text("why.values")
    assert (record["error_type"], record["function"], record["misconception"]) == (None, None, None)
    assert (record["hint"], record["file"]) == ("a hint", "mytensor/x.py")


def test_an_error_of_the_student_side_gives_its_type_and_first_line(student):
    def zeros(*size):
        raise ValueError("bad size\nsecond line")

    student.zeros = zeros
    record = _record(lambda m: m.zeros(2))
    assert record["error_type"] == "ValueError" and record["message"] == "bad size"
    assert record["mytensor"] == "ValueError: bad size\nsecond line"


def test_a_stub_is_a_task_not_started_with_its_file_and_function(student):
    def numpy_of(t):
        raise NotImplementedError(STUB)

    student.ones = mytensor.ones
    student.numpy_of = numpy_of
    record = _record(lambda m: m.ones(2).numpy() if m is torch else m.numpy_of(m.ones(2)))
    assert record["kind"] == "not_started" and record["error_type"] == "NotImplementedError"
    assert (record["file"], record["function"]) == ("mytensor/interop.py", "numpy")
    assert record["why"] == checks.not_started_text(STUB, "Task 9.9", "mytensor/x.py")
    assert record["message"] == STUB


def test_a_recognised_misconception_is_named(student, monkeypatch):
    seen = []

    def recognise(task, call, expected, actual):
        seen.append((task, call))
        return types.SimpleNamespace(id="off-by-one", name="arange is off by one", about="Each value is one too big.")

    monkeypatch.setattr(misconceptions, "recognise", recognise)
    student.arange = lambda n: mytensor.arange(n) + 1
    record = _record(lambda m: m.arange(3))
    assert seen == [("Task 9.9", "m.arange(3)")]
    assert record["misconception"] == {"id": "off-by-one", "name": "arange is off by one", "about": "Each value is one too big."}


def test_records_are_in_the_language_spoken(student):
    student.arange = lambda n: mytensor.arange(n) + 1
    before = language.current()
    with language.speaking("zh"):
        record = _record(lambda m: m.arange(3))
    assert record["why"] == language.text("why.values", "zh") and "不一致" in record["text"]
    assert record["hint"] == language.hint("a hint", "zh")
    assert language.current() == before
    with language.speaking("en"):
        assert _record(lambda m: m.arange(3))["why"] == "values differ"


def test_a_hidden_call_in_a_loop_shows_its_values(student):
    student.arange = lambda n: mytensor.arange(n) + 1
    calls = []
    for shape, target in [((2, 3), [3, -1]), ([4], (2, 2))]:
        n = 6 if len(shape) == 2 else 4
        calls.append(_record(lambda m: m.arange(n).reshape(tuple(shape)).reshape(tuple(target)))["call"])
    assert calls == ["m.arange(6).reshape((2, 3)).reshape((3, -1))", "m.arange(4).reshape((4,)).reshape((2, 2))"]


def test_outside_collecting_the_first_failure_stops_the_cell(student):
    student.arange = lambda n: mytensor.arange(n) + 1
    ran = []
    with pytest.raises(checks.CheckFailed):
        for n in range(1, 4):
            ran.append(n)
            checks.expect_same(lambda m: m.arange(n), student="fake_student")
    assert ran == [1]


def test_collecting_keeps_five_failures_and_counts_the_rest(student):
    student.arange = lambda n: mytensor.arange(n) + 1
    with checks.collecting() as failures:
        for n in [1, 1, 2, 3, 4, 5, 6, 7, 8]:  # the same failure twice is kept once
            checks.expect_same(lambda m: m.arange(n), task="Task 9.9", student="fake_student")
    assert [r["call"] for r in failures.records] == [f"m.arange({n})" for n in range(1, 6)]
    assert failures.more == 3
    error = failures.error()
    message = str(error)
    assert message.startswith(failures.records[0]["text"])
    assert all(f"m.arange({n})" in message for n in range(1, 6)) and "m.arange(6)" not in message
    assert message.rstrip().endswith(language.text("check.more_failing", count=3))
    assert error.records == failures.records and error.more == 3


def test_a_crash_outside_a_check_is_an_error_record_without_traceback():
    try:
        {}["missing"]
    except KeyError as error:
        record = checks.error_record("Task 9.9", error)
    assert set(record) == FIELDS and record["kind"] == "error"
    assert (record["error_type"], record["message"]) == ("KeyError", "'missing'")
    assert "Traceback" not in record["text"] and "KeyError: 'missing'" in record["text"]
    stub = checks.error_record("Task 9.9", NotImplementedError(STUB))
    assert stub["kind"] == "not_started"
