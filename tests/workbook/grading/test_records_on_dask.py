"""Failure records travel back with a grading job: from a local grader and from a Dask worker, the same.

The tiny assignment (tests/grading/tiny.py) is graded with one local job and
on a real two-worker Dask cluster; each student's ``result.tasks`` must agree.
A worker's records are checked like the rest of its reply.
"""

import pytest

from tests.grading import tiny
from tests.grading.cluster import dask_cluster
from workbook import settings
from workbook.grading import cluster, course, grade, grader

pytestmark = pytest.mark.slow
STUDENTS = {"ref": tiny.REFERENCE, "stub": tiny.STUB}
GOOD = {"answer": {"code": 0, "times": {}, "findings": [], "scores": []}, "worker": "tcp://w",
        "files": {"gradebook.db": cluster.SQLITE + b"rows"}}
RECORD = {"task": "Task 1.1", "kind": "mismatch", "call": "m.double(1)", "torch": "2", "mytensor": "3", "why": "2 vs 3",
          "error_type": None, "message": "2 vs 3", "hint": None, "file": "mytensor/ops.py", "function": None,
          "misconception": None, "text": "Task 1.1: mytensor does not match torch (2 vs 3)."}


def _grade(root, tmp, remote=None):
    config = settings.read()
    grade.check_sandbox(config, here=remote is None)
    folders, problems, _ = grade.from_zips(root, tmp / "in", tiny.ASSIGNMENT)
    assert not problems
    return grade.grade_all(root, folders, config, 1, tiny.ASSIGNMENT, remote=remote)


def test_records_from_a_dask_worker_equal_a_local_jobs(tmp_path):
    notebooks, package = tiny.write_source(tmp_path / "src")
    root = course.build(tmp_path / "course", notebooks, package, assignment=tiny.ASSIGNMENT)
    for student, files in STUDENTS.items():
        tiny.make_zip(tmp_path / "in" / f"{student}__mytensor-workbook.zip", root / "release" / tiny.ASSIGNMENT, files, student)
    local = _grade(root, tmp_path)
    (tmp_path / "dask").mkdir()
    with dask_cluster(tmp_path / "dask") as (address, _):
        remote = cluster.connect(address, settings.read())
        try:
            on_dask = _grade(root, tmp_path, remote)
        finally:
            remote.close()
    assert {s: r.tasks for s, r in on_dask.items()} == {s: r.tasks for s, r in local.items()}
    stub = {task["cell"]: task for task in on_dask["stub"].tasks}
    assert [task["status"] for task in on_dask["ref"].tasks] == ["passed"] * 3
    assert stub["task-1-1"]["status"] == "failed" and stub["task-1-1"]["more"] == 0
    # the visible check(2), then the hidden loop's values, each folded into its call
    assert [r["call"] for r in stub["task-1-1"]["failures"]] == [
        f"m.double({value}) if m.__name__ == 'mytensor' else {2 * value}" for value in (2, 1, 5, 7)]


def _with_records(records):
    return {**GOOD, "answer": {**GOOD["answer"], "records": records}}


def test_a_workers_records_are_checked_and_kept_to_their_limits():
    reply = _with_records({"task-1-1": {"notebook": "x1_double", "task": "Task 1.1", "more": 4,
                                        "failures": [{**RECORD, "text": "x" * 5000}] * 7}})
    kept = cluster.check_reply(reply, "ada", "tiny")[0].records["task-1-1"]
    assert len(kept["failures"]) == grader.RECORDS_PER_CELL and kept["more"] == 4 + 2
    assert kept["failures"][0]["text"] == "x" * grader.RECORD_FIELD
    assert {k: v for k, v in kept["failures"][0].items() if k != "text"} == {k: v for k, v in RECORD.items() if k != "text"}
    assert cluster.check_reply(_with_records(["task-1-1"]), "ada", "tiny")[0].records == {}
    with pytest.raises(cluster.Rejected, match="not plain data"):
        cluster.check_reply(_with_records({"task-1-1": {1j}}), "ada", "tiny")


def test_records_count_towards_the_size_of_a_reply(monkeypatch):
    monkeypatch.setattr(cluster, "MAX_RESULT_BYTES", 1000)
    with pytest.raises(cluster.Rejected, match="larger than"):
        cluster.check_reply(_with_records({"task-1-1": {"failures": [RECORD] * 5}}), "ada", "tiny")
