"""What the class got wrong, task by task: failures grouped by behaviour.

A failure record (see :mod:`workbook.checks`) joins a cluster by its
misconception when the bank names one, else by what a reader would call the
same failure: the call (numbers and names kept, spacing normalised), the
error type and the first line of the message. A cluster counts students, not
calls: one student with three failing calls of the same kind counts once.
"""

import re
from dataclasses import dataclass, field

# Spacing next to punctuation carries no meaning in a call: "m.ones(2,3)" is "m.ones(2, 3)".
_SPACE = re.compile(r"\s+")
_AROUND = re.compile(r" ?([^\w ]) ?")


@dataclass
class Cluster:
    """One behaviour that several students got wrong in one task."""

    key: tuple
    name: str
    record: dict
    students: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.students)


def normalised_call(call):
    """``call`` with its spacing normalised.

    Examples
    --------
    >>> normalised_call("m.ones( 2,3 )  +  m.ones(3)")
    'm.ones(2,3)+m.ones(3)'
    """
    return _AROUND.sub(r"\1", _SPACE.sub(" ", str(call or "")).strip())


def first_line(text):
    """The first line of ``text`` (empty for None)."""
    return str(text or "").split("\n", 1)[0].strip()


def key_of(record):
    """The cluster a failure record belongs to."""
    misconception = record.get("misconception") or {}
    if misconception.get("id"):
        return ("misconception", misconception["id"])
    return ("call", normalised_call(record.get("call")), record.get("error_type") or "", first_line(record.get("message")))


def name_of(record):
    """A cluster's name: the misconception's name, or the call and its message."""
    misconception = record.get("misconception") or {}
    if misconception.get("id"):
        return misconception.get("name") or misconception["id"]
    error = record.get("error_type")
    message = first_line(record.get("message"))
    said = f"{error}: {message}" if error and not message.startswith(error) else message
    return f"{record.get('call') or '(no call)'} → {said}" if said else str(record.get("call") or "(no call)")


def of_task(rows, cell):
    """The clusters of task ``cell`` over ``rows``, largest first (then by name)."""
    found = {}
    for row in rows:
        detail = row.get("detail", {}).get(cell)
        if not detail or detail.get("status") != "failed":
            continue
        for record in detail.get("failures", []):
            if record.get("kind") == "not_started":
                continue
            cluster = found.setdefault(key_of(record), Cluster(key_of(record), name_of(record), record))
            if row["student_id"] not in cluster.students:
                cluster.students.append(row["student_id"])
    for cluster in found.values():
        cluster.students.sort()
    return sorted(found.values(), key=lambda c: (-c.count, c.name))


def by_task(table):
    """``{cell: [Cluster, ...]}`` for every task of ``table`` that has a failure cluster."""
    clusters = {cell: of_task(table.rows, cell) for cell in table.tasks}
    return {cell: found for cell, found in clusters.items() if found}
