"""The class so far, kept beside ``grades.csv``: one JSON file per graded student.

``workbook grade`` grades one batch at a time (the LMS download, then a
folder of late zips). Each batch writes its students' rows to
``OUT/class/<student>.json``, replacing the rows of the same students, and
the class report is made from every file there: a later batch updates the
class instead of replacing it. A row remembers the course and the
assignment it was graded in, so rows of another class are never mixed in.
The roster given last is kept in ``OUT/roster.json``.
"""

import json
from pathlib import Path

from workbook.names import STUDENT_ID

FOLDER = "class"
ROSTER = "roster.json"
NOT_SUBMITTED = "not submitted"
# A graded id that the roster lacks is most often a student who typed another id into `make submit`.
OFF_ROSTER = "not on the roster: check the id"


def folder(out):
    return Path(out) / FOLDER


def save(out, rows, origin):
    """Write each row of this batch (with ``origin``: course, assignment, batch) over the student's old one."""
    place = folder(out)
    place.mkdir(parents=True, exist_ok=True)
    for row in rows:
        if not STUDENT_ID.fullmatch(row["student_id"]):
            raise ValueError(f"not a student id: {row['student_id']!r}")
        path = place / f"{row['student_id']}.json"
        path.write_text(json.dumps({**row, **origin}, indent=1, sort_keys=True))


def load(out, origin):
    """Every stored row of the class, by student id; refuse rows of another course or assignment."""
    rows = []
    for path in sorted(folder(out).glob("*.json")):
        row = json.loads(path.read_text())
        _same_class(path, row, origin)
        rows.append(row)
    return sorted(rows, key=lambda row: row["student_id"])


def _same_class(path, row, origin):
    for what in ("course", "assignment"):
        if row.get(what) != origin[what]:
            raise SystemExit(
                f"error: {path} is a row of {what} {row.get(what)!r}, not {origin[what]!r}: grade into "
                f"another --out, or remove {path.parent} to start this class's report afresh")


def save_roster(out, ids):
    Path(out).mkdir(parents=True, exist_ok=True)
    (Path(out) / ROSTER).write_text(json.dumps(sorted(ids)))


def load_roster(out):
    """The roster given last, or None when none was ever given."""
    try:
        ids = json.loads((Path(out) / ROSTER).read_text())
    except FileNotFoundError:
        return None
    return [i for i in ids if isinstance(i, str) and STUDENT_ID.fullmatch(i)]


def stored_ids(out):
    """The ids of the students with a stored row."""
    return {path.stem for path in folder(out).glob("*.json")}


def not_submitted(student):
    """The row of a student on the roster with no submission: no scores."""
    return {"student_id": student, "status": NOT_SUBMITTED, "sections": {}, "tasks": {}, "detail": {},
            "flags": [], "total": None}


def merge(table, out, origin, roster=None):
    """The whole class: ``table``'s rows (this batch) over the stored ones, and the roster's missing students.

    ``roster`` (a list of ids) replaces the stored roster; None keeps the last one given.
    A graded student missing from the roster is flagged (not stored: a later roster may list them).
    """
    save(out, table.rows, origin)
    if roster is not None:
        save_roster(out, roster)
    rows, listed = load(out, origin), load_roster(out)
    graded = {row["student_id"] for row in rows}
    missing = [not_submitted(s) for s in listed or [] if s not in graded]
    for row in rows if listed is not None else []:
        if row["student_id"] not in listed:
            row["flags"] = [*row["flags"], OFF_ROSTER]
    table.rows = sorted(rows + missing, key=lambda row: row["student_id"])
    return table
