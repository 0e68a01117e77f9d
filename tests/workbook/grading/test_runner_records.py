"""While grading, a cell goes on past a failing check and ends with one CheckFailed that lists its failures.

The cells run in the grading kernel's Runner with the reference library in a
real sandbox worker; the checks' torch side is made to differ from it.
"""

import pytest

from workbook import checks
from workbook.grading import course, cells
from workbook.sandbox import host as sandbox

CELL = """
from workbook.checks import expect_same
for n in (1, 2):
    expect_same(lambda m: n if m.__name__ == "mytensor" else -n, task="Task 9.9")
{last}
"""


@pytest.fixture(scope="module")
def runner():
    worker = sandbox.Worker(course.REPO / "solutions" / "mytensor", memory_mb=1024, timeout=20)
    with sandbox.using(worker):
        yield cells.Runner(worker, cell_timeout=20)
    worker.stop()


def _error(outputs):
    (error,) = [output for output in outputs if output.output_type == "error"]
    return error


def test_a_cell_goes_on_after_a_failing_check_and_lists_every_failure(runner):
    outputs, _ = runner.run_cell(CELL.format(last="print('reached')"), "Task 9.9")
    assert [o.text for o in outputs if o.output_type == "stream"] == ["reached\n"]
    assert [r["call"] for r in runner.records] == [f"{n} if m.__name__ == 'mytensor' else {-n}" for n in (1, 2)]
    error = _error(outputs)
    assert error.ename == "CheckFailed" and error.evalue.startswith(runner.records[0]["text"])
    assert "2 if m.__name__" in error.evalue and runner.more == 0


def test_a_crash_after_failing_checks_is_recorded_last_without_a_traceback(runner):
    outputs, _ = runner.run_cell(CELL.format(last="{}['gone']"), "Task 9.9")
    assert [r["kind"] for r in runner.records] == ["mismatch", "mismatch", "error"]
    crash = runner.records[-1]
    assert (crash["task"], crash["error_type"], crash["message"]) == ("Task 9.9", "KeyError", "'gone'")
    assert "Traceback" not in crash["text"] and _error(outputs).ename == "CheckFailed"


def test_a_cell_that_only_crashes_keeps_its_own_error(runner):
    outputs, _ = runner.run_cell("int('x')", "Task 9.9")
    assert [(r["kind"], r["error_type"]) for r in runner.records] == [("error", "ValueError")]
    assert _error(outputs).ename == "ValueError"


def test_a_passing_cell_has_no_records(runner):
    runner.run_cell("from workbook.checks import expect_same\nexpect_same(lambda m: 3)", "Task 9.9")
    assert runner.records == [] and runner.more == 0
    assert not checks._collecting, "the collector of a cell ends with it"
