"""Every read and write of an nbgrader gradebook, in one place.

A gradebook is nbgrader's database of scores. Grading uses two kinds: the
private one of each submission (``<work>/gradebook.db``, a copy of the
course's assignment-only template), written by autograde and read back here
as plain score rows; and the course's, into which each graded student is
copied by the one process that runs ``workbook grade``.
"""

import csv
import warnings
from pathlib import Path

from workbook.grading.course import db_url
from workbook.grading.plaintext import csv_cell, printable
from workbook.names import COURSE_ID


def private_url(work):
    """The private gradebook of one submission's course folder ``work``: always SQLite, in that folder."""
    return f"sqlite:///{Path(work) / 'gradebook.db'}"


def _open(url):
    from nbgrader.api import Gradebook

    return Gradebook(url, COURSE_ID)


def zero(work, student, assignment, reasons):
    """Give every graded cell of a submission a manual score of 0, with the reasons as its comment."""
    with _open(private_url(work)) as gb:
        for notebook in gb.find_submission(assignment, student).notebooks:
            for grade in notebook.grades:
                grade.manual_score = 0
            for comment in notebook.comments:
                comment.manual_comment = "Zeroed: mytensor must not use torch. " + "; ".join(reasons)
        gb.db.commit()


def scores(work, student, assignment):
    """``[[notebook, grade id, score, max score], ...]`` of one graded submission, in notebook order."""
    with _open(private_url(work)) as gb:
        notebooks = sorted(gb.find_submission(assignment, student).notebooks, key=lambda n: n.name)
        return [[n.name, g.name, float(g.score), float(g.max_score)] for n in notebooks for g in n.grades]


def layout(root, assignment):
    """``[(notebook, [(grade id, max score), ...]), ...]`` of the assignment, in notebook order."""
    with _open(db_url(root)) as gb:
        notebooks = sorted(gb.find_assignment(assignment).notebooks, key=lambda n: n.name)
        return [(n.name, [(c.name, float(c.max_score)) for c in n.grade_cells]) for n in notebooks]


def copy_student(work, root, assignment, student):
    """Copy a student's scores and comments from the private gradebook of ``work`` into the course's."""
    with warnings.catch_warnings(), _open(private_url(work)) as src, _open(db_url(root)) as dst:
        warnings.simplefilter("ignore")  # SQLAlchemy's autoflush notes from nbgrader's own API
        submitted = src.find_submission(assignment, student)
        dst.update_or_create_student(student)
        extra = {"timestamp": submitted.timestamp} if submitted.timestamp else {}
        dst.update_or_create_submission(assignment, student, **extra)
        for notebook in submitted.notebooks:
            for grade in notebook.grades:
                target = dst.find_grade(grade.name, notebook.name, assignment, student)
                for name in ("auto_score", "manual_score", "extra_credit", "needs_manual_grade"):
                    setattr(target, name, getattr(grade, name))
            for comment in notebook.comments:
                target = dst.find_comment(comment.name, notebook.name, assignment, student)
                target.auto_comment, target.manual_comment = comment.auto_comment, comment.manual_comment
        dst.db.commit()


def export_csv(root, path):
    """nbgrader's own grades export (what ``nbgrader export`` writes), in this process, with safe cells.

    nbgrader writes a zero row for every assignment a student did not submit; a
    student takes one edition (English or Chinese), so those rows are dropped.
    """
    from nbgrader.plugins import CsvExportPlugin

    with _open(db_url(root)) as gb:
        CsvExportPlugin(to=str(path)).export(gb)
        submitted = {(a.name, s.student.id) for a in gb.assignments for s in a.submissions}
    with open(path, newline="") as exported:
        header, *rows = list(csv.reader(exported))
    rows = [row for row in rows if (row[0], row[3]) in submitted]
    with open(path, "w", newline="") as out:
        csv.writer(out).writerows([[csv_cell(printable(cell)) for cell in row] for row in [header, *rows]])
