"""The class list given with ``--roster``: who should have submitted.

A roster is either a plain list (one student id a line; blank lines and
lines starting with ``#`` are skipped) or an LMS's CSV export with a header
row. From a CSV, one column is read:

* ``--roster-column NAME`` when given;
* else, among the id columns an LMS writes, the one whose values match the
  most ids of submissions (so an id column that the students did not use
  loses to one that they did); with no match at all, the first present in
  :data:`ID_COLUMNS`' order.

Canvas (Grades > Export) writes ``Student, ID, SIS User ID, SIS Login ID,
Section, ...`` and a "Points Possible" row with no id, which is skipped, as
is Canvas' "Test Student". Moodle (Grades > Export > Plain text file) writes
``First name, Last name, ID number, Institution, Department, Email address,
...``, comma- or tab-separated. Every id must be a student id as
``make submit --student`` accepts it (:data:`workbook.names.STUDENT_ID`).
"""

import csv
from pathlib import Path

from workbook.names import STUDENT_ID
from workbook.grading.plaintext import printable

# Most specific first: the login a student types, then the institution's number, then the LMS's own id.
ID_COLUMNS = ("student_id", "SIS Login ID", "Username", "SIS User ID", "ID number", "ID")
TEST_STUDENTS = {"Student, Test", "Test Student"}
DELIMITERS = ",\t;"


class BadRoster(SystemExit):
    """A roster that cannot be read; the message names the file and the fix."""


def read(path, column=None, known=()):
    """The sorted student ids of the roster at ``path``; ``known`` are the ids of submissions.

    Raises
    ------
    BadRoster
        When the file cannot be read, no id column is found, or an id is not a student id.
    """
    lines = _text(path).splitlines()
    rows = [line for line in lines if line.strip()]
    if not rows:
        raise BadRoster(f"error: roster {path} is empty: give one student id a line, or an LMS's CSV export")
    if column is None and not _delimited(rows[0]):
        return _plain(path, lines)
    table = list(csv.reader(rows, dialect=_dialect(rows[0])))
    return _from_table(path, table, column, set(known))


def _text(path):
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise BadRoster(f"error: roster {path} is not UTF-8 text (a spreadsheet?): export it as CSV (UTF-8) "
                        f"or write one student id a line") from None
    except OSError as error:
        raise BadRoster(f"error: cannot read roster {path}: {error.strerror}; give the path of a CSV export "
                        f"or of a file with one student id a line") from None


def _delimited(line):
    return any(d in line for d in DELIMITERS)


def _dialect(header):
    """The header's delimiter: the one it holds most of."""
    delimiter = max(DELIMITERS, key=header.count)
    return type("Roster", (csv.excel,), {"delimiter": delimiter})


def _plain(path, lines):
    ids = []
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if text and not text.startswith("#") and not (number == 1 and text.lower() in {"id", "student_id"}):
            ids.append(_checked(path, f"line {number}", text))
    return sorted(set(ids))


def _checked(path, where, text):
    if not STUDENT_ID.fullmatch(text):
        raise BadRoster(f"error: roster {path}, {where}: {printable(text)!r} is not a student id "
                        f"(a letter or digit, then at most 99 of A-Z a-z 0-9 . _ -); correct it, "
                        f"or name the column that holds the ids with --roster-column")
    return text


def _from_table(path, table, column, known):
    header = [cell.strip() for cell in table[0]]
    index = _column(path, header, column, table[1:], known)
    named = {name.lower(): i for i, name in enumerate(header)}
    who = named.get("student")
    ids = []
    for number, row in enumerate(table[1:], 2):
        text = row[index].strip() if index < len(row) else ""
        if text and not (who is not None and who < len(row) and row[who].strip() in TEST_STUDENTS):
            ids.append(_checked(path, f"row {number}, column {header[index]!r}", text))
    return sorted(set(ids))


def _column(path, header, column, rows, known):
    """The index of the id column: the one asked for, else the best of :data:`ID_COLUMNS`."""
    lower = [name.lower() for name in header]
    if column is not None:
        if column.lower() not in lower:
            raise BadRoster(f"error: roster {path} has no column {printable(column)!r}; its columns are "
                            f"{', '.join(map(repr, header))}: give one of them to --roster-column")
        return lower.index(column.lower())
    present = [lower.index(name.lower()) for name in ID_COLUMNS if name.lower() in lower]
    if not present:
        raise BadRoster(f"error: roster {path} has none of the id columns {', '.join(ID_COLUMNS)}; its columns "
                        f"are {', '.join(map(repr, header))}: name the id column with --roster-column")
    matches = {i: sum(len(r) > i and r[i].strip() in known for r in rows) for i in present}
    return max(present, key=lambda i: (matches[i], -present.index(i)))
