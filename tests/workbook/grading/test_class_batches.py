"""Two batches graded into one class with the real ``workbook grade``: the later batch updates the class.

The tiny assignment (tests/grading/tiny.py): two students on time, then one
late zip in a folder of its own, with a Canvas roster that also names a
student who never submitted. Expected scores come from the notebooks' points.
"""

import csv
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.grading import tiny
from workbook.grading import course, grade

pytestmark = pytest.mark.slow
PARTIAL = {**tiny.REFERENCE, "ops.py": "def double(x):\n    return 2 * x\n\n\ndef triple(x):\n    raise NotImplementedError\n"}
ROSTER = (
    "Student,ID,SIS User ID,SIS Login ID,Section\n"
    "    Points Possible,,,,\n"
    "\"Ref, Ada\",11,900011,ref,A\n\"Stub, Bo\",12,900012,stub,A\n"
    "\"Late, Cy\",13,900013,late,A\n\"Absent, Dee\",14,900014,absent,A\n"
)
EXPECTED = {"ref": tiny.points(2), "stub": 0.0, "late": tiny.points(1)}


def _zips(root, folder, packages):
    for student, files in packages.items():
        tiny.make_zip(folder / f"{student}__mytensor-workbook.zip", root / "release" / tiny.ASSIGNMENT, files, student)
    return folder


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    """Grade ref and stub with a roster into OUT, then the late zip into the same OUT, without the roster."""
    tmp = tmp_path_factory.mktemp("batches")
    notebooks, package = tiny.write_source(tmp / "src")
    root = course.build(tmp / "course", notebooks, package, assignment=tiny.ASSIGNMENT)
    (tmp / "roster.csv").write_text(ROSTER)
    out, common = tmp / "out", ["--course", str(root), "--assignment", tiny.ASSIGNMENT]
    first = _zips(root, tmp / "on-time", {"ref": tiny.REFERENCE, "stub": tiny.STUB})
    codes = [grade.main([str(first), *common, "--out", str(out), "--jobs", "2", "--roster", str(tmp / "roster.csv")])]
    before = (out / "grades.csv").read_text()
    late = _zips(root, tmp / "late-zips", {"late": PARTIAL})
    codes.append(grade.main([str(late), *common, "--out", str(out)]))
    return tmp, root, out, codes, before


def rows_of(text):
    return {row["student_id"]: row for row in csv.DictReader(text.splitlines())}


def test_the_first_batch_lists_who_has_not_submitted(batches):
    _, _, _, codes, before = batches
    rows = rows_of(before)
    assert codes == [0, 0]
    assert {s: row["status"] for s, row in rows.items()} == {"absent": "not submitted", "late": "not submitted",
                                                            "ref": "graded", "stub": "graded"}
    assert rows["absent"]["total"] == "" and rows["absent"]["max_score"] == f"{tiny.points():g}"


def test_a_late_batch_is_merged_into_the_class(batches):
    _, _, out, _, before = batches
    rows = rows_of((out / "grades.csv").read_text())
    assert {s: float(rows[s]["total"]) for s in EXPECTED} == EXPECTED
    assert rows["absent"]["status"] == "not submitted", "the roster of the first batch is kept"
    assert {s: rows[s] for s in ("ref", "stub")} == {s: rows_of(before)[s] for s in ("ref", "stub")}
    report = (out / "report.html").read_text()
    assert "late-zips" in report and "on-time" in report, "the report says which batch each row comes from"


def test_grades_csv_has_one_column_per_task_with_its_points(batches):
    _, _, out, _, _ = batches
    rows = rows_of((out / "grades.csv").read_text())
    for name, tasks in tiny.TASKS.items():
        for cell, points, _ in tasks:
            column = "Task " + cell[len("task-"):].replace("-", ".")
            assert float(rows["ref"][column]) == points and float(rows["stub"][column]) == 0
            assert float(rows["late"][column]) == (points if name == "x1_double" else 0)


def test_tasks_csv_counts_the_whole_class(batches):
    _, _, out, _, _ = batches
    with open(out / "tasks.csv", newline="") as handle:
        tasks = {row["task"]: row for row in csv.DictReader(handle)}
    assert tasks["Task 1.1"]["passed"] == "2" and tasks["Task 2.1"]["passed"] == "1"
    assert sum(int(tasks["Task 2.1"][s]) for s in ("passed", "failed", "not_started")) == len(EXPECTED)
    assert (out / "clusters.csv").read_text().startswith("task,count,cluster")


def test_each_graded_student_links_to_their_feedback(batches):
    _, root, out, _, _ = batches
    report = (out / "report.html").read_text()
    for student in EXPECTED:
        href = report.split(f">{student}</a>")[0].rsplit("href='", 1)[1].rstrip("'")
        target = (out / unquote(href)).resolve()
        assert target.is_relative_to(root / "feedback" / student / tiny.ASSIGNMENT) and target.exists(), href


def test_a_bad_roster_stops_before_grading_and_names_the_fix(batches):
    tmp, root, out, _, _ = batches
    bad = tmp / "grades.xlsx"
    bad.write_bytes(b"PK\x03\x04\x14\x00\xff\xfe")
    argv = [str(tmp / "late-zips"), "--course", str(root), "--assignment", tiny.ASSIGNMENT, "--out", str(out),
            "--roster", str(bad)]
    stamp = (out / "class" / "late.json").stat().st_mtime_ns
    with pytest.raises(SystemExit, match=f"{bad}.*export it as CSV"):
        grade.main(argv)
    assert (out / "class" / "late.json").stat().st_mtime_ns == stamp
    assert Path(out / "grades.csv").is_file()
