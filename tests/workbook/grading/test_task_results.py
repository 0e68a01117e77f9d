"""After grading, each student's Result says, task by task, the points, the status and the failing calls.

Three students submit the real workbook: the reference (full marks), the
first three sections done in the Chinese edition, and the stubs only. They are
graded with two local jobs, as ``workbook grade --jobs 2`` grades them.
"""

import json
import re

import nbformat
import pytest

from tests.grading import tiny
from workbook.grading import course, grade, grader
from workbook import language, settings
from workbook.release import stubbing
from workbook.names import ASSIGNMENT

pytestmark = pytest.mark.slow
REPO = course.REPO
SOLUTIONS = REPO / "solutions"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
# student: (sections done, the notebooks submitted)
STUDENTS = {"reference": (99, REPO / "notebooks"), "partial": (3, REPO / "notebooks" / "zh"), "stub": (0, REPO / "notebooks"),
            "reversed": (99, REPO / "notebooks")}
# The reference with one plausible bug: contiguous strides listed backwards (Task 1.1).
REVERSED = ("    return tuple(reversed(strides))\n", "    return tuple(strides)\n")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("records")
    notebooks = sorted(SOLUTIONS.glob("x[0-9]_*.ipynb"))
    stubbing.write_files(stubbing.build_package(SOLUTIONS), tmp / "student")
    root = course.build(tmp / "course", notebooks, tmp / "student" / "mytensor")
    for student, (done, submitted) in STUDENTS.items():
        files = {k[len("mytensor/"):]: v.decode() for k, v in stubbing.build_package(SOLUTIONS, done).items()}
        if student == "reversed":
            assert files["_layout.py"].count(REVERSED[0]) == 1
            files["_layout.py"] = files["_layout.py"].replace(*REVERSED)
        tiny.make_zip(tmp / "in" / f"{student}__{ASSIGNMENT}.zip", submitted, files, student)
    config = settings.read()
    grade.check_sandbox(config)
    folders, problems, _ = grade.from_zips(root, tmp / "in")
    assert not problems
    return root, grade.grade_all(root, folders, config, jobs=2)


def graded_cells():
    """``[(notebook, grade id, points)]`` of the source notebooks, in order."""
    found = []
    for path in sorted(SOLUTIONS.glob("x[0-9]_*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade"):
                found.append((path.stem, meta["grade_id"], float(meta["points"])))
    return found


def test_every_graded_cell_is_a_task_in_notebook_order(graded):
    _, results = graded
    for result in results.values():
        assert result.graded, result.flags
        assert [(t["notebook"], t["cell"], t["max"]) for t in result.tasks] == graded_cells()
        assert all(t["task"] == "Task " + t["cell"][len("task-"):].replace("-", ".") for t in result.tasks)


def test_the_reference_passes_every_task(graded):
    _, results = graded
    tasks = results["reference"].tasks
    assert {t["status"] for t in tasks} == {"passed"}
    assert all(t["points"] == t["max"] and not t["failures"] and not t["more"] for t in tasks)
    assert results["reference"].edition == "en"


def test_stubs_only_are_not_started(graded):
    """A cell ends at its first stub: the one line that matters is which raise to replace."""
    _, results = graded
    tasks = results["stub"].tasks
    assert all(t["points"] == 0 and len(t["failures"]) == 1 and not t["more"] for t in tasks)
    assert {t["status"] for t in tasks} == {"not_started"}
    assert all(t["failures"][0]["file"].startswith("mytensor/") and t["failures"][0]["function"] for t in tasks)
    assert results["stub"].edition == "en"


def test_a_partial_submission_passes_its_sections_and_has_not_started_the_rest(graded):
    _, results = graded
    tasks = results["partial"].tasks
    for task in tasks:
        done = int(task["notebook"][1]) <= 3
        assert task["status"] == ("passed" if done else "not_started"), task["cell"]


def _error_of(root, student, notebook, grade_id):
    """The error a graded cell of the student's autograded notebook shows."""
    path = root / "autograded" / student / ASSIGNMENT / f"{notebook}.ipynb"
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            (error,) = [output for output in cell.outputs if output.output_type == "error"]
            return error
    raise AssertionError(f"{grade_id} is not in {path}")


def test_a_cell_shows_five_failing_calls_then_how_many_more(graded):
    root, results = graded
    (task,) = [task for task in results["reversed"].tasks if task["cell"] == "task-1-1"]
    assert task["status"] == "failed" and all(record["kind"] == "mismatch" for record in task["failures"])
    assert [record["misconception"]["id"] for record in task["failures"]][:1] == ["strides-reversed"]
    for task in [task]:
        assert len(task["failures"]) == 5 and task["more"] > 0, task["cell"]
        error = _error_of(root, "reversed", task["notebook"], task["cell"])
        assert error.ename == "CheckFailed"
        assert error.evalue.startswith(task["failures"][0]["text"])
        assert all(line in error.evalue for record in task["failures"] for line in record["call"].splitlines())
        assert error.evalue.endswith(language.text("check.more_failing", "en", count=task["more"]))


def test_records_are_plain_data_within_their_limits(graded):
    _, results = graded
    for result in results.values():
        assert json.loads(json.dumps(result.tasks)) == result.tasks
        for task in result.tasks:
            for record in task["failures"]:
                assert all(len(value) <= grader.RECORD_FIELD for value in record.values() if isinstance(value, str))
                assert record["task"] == task["task"] and record["call"] and "lambda m" not in record["call"]


def test_a_chinese_submission_is_graded_in_chinese(graded):
    root, results = graded
    result = results["partial"]
    assert result.edition == "zh"
    failing = [task for task in result.tasks if task["failures"]]
    assert failing and all(CHINESE.search(r["text"]) and CHINESE.search(r["why"]) for t in failing for r in t["failures"])
    error = _error_of(root, "partial", failing[0]["notebook"], failing[0]["cell"])
    assert error.evalue == failing[0]["failures"][0]["text"] and CHINESE.search(error.evalue)
    english = [r for t in results["stub"].tasks for r in t["failures"]]
    assert not any(CHINESE.search(r["why"]) for r in english)
