"""The class report from hand-made results: tasks counted apart, failure clusters, grades.csv, the roster.

Results follow issue 21's contract (``result.tasks``, ``result.edition``);
the scores stand in for the gradebook's. Expected counts and means are
computed from the rows given here, never typed by hand.
"""

import csv
import html
import json
import warnings
from pathlib import Path

import pytest

from workbook.grading import classbook, clusters, gradebook, report, roster, submission
from workbook.grading.course import COURSE_ID
from workbook.names import ASSIGNMENT, ASSIGNMENT_ZH
from workbook.tasks import task_of_cell

MAX = {"task-1-1": 2.0, "task-1-2": 1.0}
ORIGIN = {"course": "/course", "assignment": ASSIGNMENT, "batch": {"source": "in", "graded_at": "2026-01-01 10:00 UTC"}}


def record(call, message, error_type="RuntimeError", misconception=None, kind="mismatch"):
    return {"task": "Task 1.1", "kind": kind, "call": call, "torch": "tensor([1])", "mytensor": message,
            "why": "differs", "error_type": error_type, "message": message, "hint": None, "file": None,
            "function": None, "misconception": misconception, "text": message}


ALIGNED = {"id": "broadcast-left-aligned", "name": "shapes aligned on the left", "about": "Broadcasting aligns the right."}


def task(cell, points, status, failures=()):
    return {"cell": cell, "task": task_of_cell(cell), "notebook": "x1_creating", "points": points,
            "max": MAX[cell], "status": status, "failures": list(failures), "more": 0}


def result(student, tasks, edition="en"):
    made = scored(submission.Result(student, graded=True), tasks)
    made.tasks, made.edition = tasks, edition
    return made


def scored(made, tasks):
    """``made`` with the score rows the grader's reply gives for ``tasks`` (one notebook)."""
    made.scores = [["x1_creating", t["cell"], t["points"], t["max"]] for t in tasks]
    return made


def table_of(results):
    table = report.Table(["x1"], {"x1": sum(MAX.values())}, list(MAX), dict(MAX))
    for student, made in sorted(results.items()):
        row = report._row(student, made)
        table.rows.append(report._with_result(table, row, made))
    return table


CLASS = {
    "ada": result("ada", [task("task-1-1", 2.0, "passed"), task("task-1-2", 1.0, "passed")]),
    "bo": result("bo", [task("task-1-1", 0.0, "failed", [record("m.ones(2, 3) + m.ones(3)", "shape (2, 3) vs (3,)",
                                                                 misconception=ALIGNED)]),
                        task("task-1-2", 0.0, "not_started", [record("m.f()", "Task 1.2", "NotImplementedError",
                                                                    kind="not_started")])], "zh"),
    "cy": result("cy", [task("task-1-1", 1.0, "failed", [record("m.ones(4)+m.ones(1, 4)", "left", misconception=ALIGNED),
                                                         record("m.zeros( 2,3 )", "bad size\nmore"),
                                                         record("m.zeros(2, 3)", "bad size\nother")]),
                        task("task-1-2", 0.0, "failed", [record("m.zeros(2, 3)", "bad size")])]),
}


def read_csv(path):
    with open(path, newline="") as handle:
        return list(csv.reader(handle))


def test_each_task_counts_passed_failed_and_not_started_apart(tmp_path):
    table = table_of(CLASS)
    report.write_tasks_csv(table, tmp_path / "tasks.csv")
    header, *rows = read_csv(tmp_path / "tasks.csv")
    assert header == ["task", "max", "passed", "failed", "not_started", "mean_points"]
    for cell, row in zip(MAX, rows):
        tasks = [t for made in CLASS.values() for t in made.tasks if t["cell"] == cell]
        counts = [str(sum(t["status"] == s for t in tasks)) for s in ("passed", "failed", "not_started")]
        assert row == [task_of_cell(cell), f"{MAX[cell]:g}", *counts, f"{sum(t['points'] for t in tasks) / 3:.2f}"]
    assert rows[1][2:5] == ["1", "1", "1"], "Task 1.2 has one of each"


def test_not_started_is_grey_not_red_in_the_report(tmp_path):
    report.write_html(table_of(CLASS), [], tmp_path / "report.html")
    page = (tmp_path / "report.html").read_text()
    assert report.COLOURS["not_started"] != report.COLOURS["failed"]
    assert f".not_started{{background:{report.COLOURS['not_started']}}}" in page
    assert "<td>Task 1.2</td><td>1</td><td>1</td><td>1</td><td>1</td>" in page


def test_the_points_of_the_gradebook_win_over_the_graders_status():
    """A zeroed submission passed in the notebook but has no points: it failed."""
    made = result("z", [task("task-1-1", 2.0, "passed"), task("task-1-2", 1.0, "passed")])
    table = report.Table(["x1"], {"x1": 3.0}, list(MAX), dict(MAX))
    row = report._row("z", scored(submission.Result("z", graded=True), [{**t, "points": 0.0} for t in made.tasks]))
    assert {cell: d["status"] for cell, d in report._with_result(table, row, made)["detail"].items()} == dict.fromkeys(MAX, "failed")


def test_without_the_graders_tasks_the_status_comes_from_the_points():
    made = scored(submission.Result("old", graded=True), [task("task-1-1", 2.0, "x"), task("task-1-2", 0.5, "x")])
    table = report.Table(["x1"], {"x1": 3.0}, list(MAX), dict(MAX))
    row = report._row("old", made)
    detail = report._with_result(table, row, made)["detail"]
    assert {cell: d["status"] for cell, d in detail.items()} == {"task-1-1": "passed", "task-1-2": "failed"}
    assert clusters.by_task(table) == {}


def test_failures_cluster_by_misconception_then_by_call_type_and_first_line():
    found = clusters.by_task(table_of(CLASS))
    first = found["task-1-1"]
    assert [(c.name, c.students) for c in first] == [
        ("shapes aligned on the left", ["bo", "cy"]),
        ("m.zeros( 2,3 ) → RuntimeError: bad size", ["cy"]),
    ], "two calls that differ only in spacing, with the same first line, are one cluster"
    assert [c.count for c in first] == sorted((c.count for c in first), reverse=True)
    assert [c.students for c in found["task-1-2"]] == [["cy"]], "a not-started task makes no cluster"


def test_clusters_csv_and_report_name_each_cluster_with_its_students_and_their_feedback(tmp_path):
    table = table_of(CLASS)
    course = tmp_path / "course"
    for student in CLASS:
        (course / "feedback" / student / ASSIGNMENT).mkdir(parents=True)
        (course / "feedback" / student / ASSIGNMENT / "index.html").write_text("feedback")
    report.feedback_links(table, course, ASSIGNMENT, tmp_path / "out")
    report.write_clusters_csv(clusters.by_task(table), tmp_path / "clusters.csv")
    report.write_html(table, [], tmp_path / "report.html")
    header, *rows = read_csv(tmp_path / "clusters.csv")
    assert header[:3] == ["task", "count", "cluster"] and header[-1] == "students"
    assert rows[0][:4] == ["Task 1.1", "2", ALIGNED["name"], ALIGNED["id"]] and rows[0][-1] == "bo cy"
    page = (tmp_path / "report.html").read_text()
    link = f"<a href='../course/feedback/bo/{ASSIGNMENT}/index.html'>bo</a>"
    assert link in page and (tmp_path / "out" / html.unescape(link.split("'")[1])).resolve().is_file()
    assert ALIGNED["about"] in page


def test_a_feedback_page_out_of_reach_of_a_relative_link_gets_a_file_url(tmp_path):
    page = tmp_path / "feedback" / "a b" / "index.html"
    assert report._href(page, tmp_path / "grades") == "../feedback/a%20b/index.html"
    assert report._href(page, Path("/nonexistent-top/grades")) == page.resolve().as_uri()


def test_grades_csv_keeps_its_first_columns_and_gains_one_per_task(tmp_path):
    table = table_of(CLASS)
    report.write_csv(table, tmp_path / "grades.csv")
    header, *rows = read_csv(tmp_path / "grades.csv")
    assert header == ["student_id", "total", "max_score", "x1", "Task 1.1", "Task 1.2", "status", "flags"]
    by_student = {row[0]: dict(zip(header, row)) for row in rows}
    for student, made in CLASS.items():
        assert [float(by_student[student][task_of_cell(t["cell"])]) for t in made.tasks] == [t["points"] for t in made.tasks]
        assert float(by_student[student]["total"]) == sum(t["points"] for t in made.tasks)


def test_the_students_text_is_escaped_and_the_page_stands_alone(tmp_path):
    hostile = "m.f('<script>alert(1)</script>')\x1b]0;x\x07"
    made = result("eve", [task("task-1-1", 0.0, "failed", [record(hostile, "<img src=x onerror=alert(1)>")]),
                          task("task-1-2", 1.0, "passed")])
    report.write_html(table_of({"eve": made}), [], tmp_path / "report.html")
    page = (tmp_path / "report.html").read_text()
    assert "<script" not in page and "<img src=x" not in page and "\x1b" not in page
    assert "&lt;script&gt;" in page and "\\x1b]0;x\\x07" in page
    assert "http://" not in page and "https://" not in page


def test_a_later_batch_replaces_its_own_students_and_keeps_the_others(tmp_path):
    first = table_of({s: CLASS[s] for s in ("ada", "bo")})
    classbook.merge(first, tmp_path, ORIGIN, roster=["ada", "bo", "dee"])
    late = {"bo": result("bo", [task("task-1-1", 2.0, "passed"), task("task-1-2", 1.0, "passed")]), "cy": CLASS["cy"]}
    later = {**ORIGIN, "batch": {"source": "late", "graded_at": "2026-01-02 10:00 UTC"}}
    merged = classbook.merge(table_of(late), tmp_path, later)
    rows = {row["student_id"]: row for row in merged.rows}
    assert sorted(rows) == ["ada", "bo", "cy", "dee"]
    assert rows["bo"]["total"] == 3.0 and rows["bo"]["batch"]["source"] == "late"
    assert rows["ada"]["batch"]["source"] == "in" and rows["cy"]["batch"]["source"] == "late"
    assert rows["dee"]["status"] == classbook.NOT_SUBMITTED, "the roster given first is kept"
    assert [s for s, row in rows.items() if classbook.OFF_ROSTER in row["flags"]] == ["cy"]
    report.write_csv(merged, tmp_path / "grades.csv")
    dee = [row for row in read_csv(tmp_path / "grades.csv") if row[0] == "dee"][0]
    assert dee[1] == "" and dee[-2:] == [classbook.NOT_SUBMITTED, ""]


def test_rows_of_another_class_are_refused(tmp_path):
    classbook.merge(table_of({"ada": CLASS["ada"]}), tmp_path, ORIGIN)
    with pytest.raises(SystemExit, match="grade into another --out"):
        classbook.merge(table_of({"bo": CLASS["bo"]}), tmp_path, {**ORIGIN, "assignment": "other"})


CANVAS = (
    "\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Assignment 1 (1)\n"
    "    Points Possible,,,,,59\n"
    "\"Lovelace, Ada\",101,20230001,ada,A,59\n"
    "\"Student, Test\",999,,test,A,0\n"
    "\"Bo, Bo\",102,20230002,bo,A,\n"
)
MOODLE = (
    "First name\tLast name\tID number\tInstitution\tDepartment\tEmail address\tLast downloaded from this course\n"
    "Ada\tLovelace\ts1001\tUni\tCS\tada@example.org\t1700000000\n"
    "Bo\tBo\ts1002\tUni\tCS\tbo@example.org\t1700000000\n"
)


@pytest.mark.parametrize("text, column, known, expected", [
    ("# class A\nada\n\nbo \n", None, (), ["ada", "bo"]),
    ("student_id\nada\nbo\n", None, (), ["ada", "bo"]),
    (CANVAS, None, (), ["ada", "bo"]),
    (CANVAS, None, ("20230001",), ["20230001", "20230002"]),
    (CANVAS, "sis user id", (), ["20230001", "20230002"]),
    (MOODLE, None, (), ["s1001", "s1002"]),
])
def test_a_roster_is_a_list_or_an_lms_export(tmp_path, text, column, known, expected):
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    assert roster.read(path, column, known) == expected


@pytest.mark.parametrize("content, column, words", [
    (None, None, "cannot read roster"),
    (b"PK\x03\x04\x14\x00\xff\xfe", None, "export it as CSV"),
    (b"", None, "is empty"),
    (b"Name,Email\nAda,ada@example.org\n", None, "name the id column with --roster-column"),
    (b"Student,ID\nAda,101\n", "Login", "has no column 'Login'"),
    (b"ada\nada lovelace\n", None, "line 2: 'ada lovelace' is not a student id"),
    (MOODLE.encode(), "Email address", "row 2, column 'Email address': 'ada@example.org' is not a student id"),
])
def test_a_bad_roster_says_which_file_and_the_fix(tmp_path, content, column, words):
    path = tmp_path / "roster.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(SystemExit) as stopped:
        roster.read(path, column)
    assert str(path) in str(stopped.value) and words in str(stopped.value)


def test_nbgrader_grades_csv_has_no_row_for_the_edition_a_student_did_not_take(tmp_path):
    from nbgrader.api import Gradebook

    with warnings.catch_warnings(), Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}", COURSE_ID) as gb:
        warnings.simplefilter("ignore")  # SQLAlchemy's autoflush notes from nbgrader's own API
        for assignment in (ASSIGNMENT, ASSIGNMENT_ZH):
            gb.add_assignment(assignment)
        for student, assignment in (("ada", ASSIGNMENT), ("bo", ASSIGNMENT_ZH)):
            gb.add_student(student)
            gb.add_submission(assignment, student)
    gradebook.export_csv(tmp_path, tmp_path / "nbgrader_grades.csv")
    header, *rows = read_csv(tmp_path / "nbgrader_grades.csv")
    assert header[0] == "assignment" and header[3] == "student_id"
    assert sorted((row[0], row[3]) for row in rows) == [(ASSIGNMENT, "ada"), (ASSIGNMENT_ZH, "bo")]


def test_stored_rows_are_plain_json(tmp_path):
    classbook.merge(table_of({"ada": CLASS["ada"]}), tmp_path, ORIGIN)
    stored = json.loads((tmp_path / "class" / "ada.json").read_text())
    assert stored["course"] == ORIGIN["course"] and stored["detail"]["task-1-1"]["status"] == "passed"
