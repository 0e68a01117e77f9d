"""Grades out of the gradebook: ``grades.csv`` and the HTML class report."""

import base64
import csv
import html
import io
from dataclasses import dataclass, field

from workbook.grading import gradebook
from workbook.grading.plaintext import CELL, csv_cell, printable


@dataclass
class Table:
    """Scores of a class: per student, per section (notebook) and per task."""

    sections: list
    section_max: dict
    tasks: list
    task_max: dict
    rows: list = field(default_factory=list)


def section_of(notebook):
    """``x3_operations`` -> ``x3``."""
    return notebook.split("_", 1)[0]


def collect(root, assignment, results):
    """The class table: the assignment's layout from the course gradebook, each student's scores from their result."""
    table = _layout(gradebook.layout(root, assignment))
    for student in sorted(results):
        table.rows.append(_row(student, results[student]))
    return table


def _layout(notebooks):
    sections = [section_of(name) for name, _ in notebooks]
    cells = [cell for _, cells in notebooks for cell in cells]
    return Table(
        sections, {section_of(name): sum(m for _, m in cells) for name, cells in notebooks},
        [name for name, _ in cells], dict(cells),
    )


def _row(student, result):
    """A student's scores; the id and flags are the submission's text, so they are made printable here."""
    row = {"student_id": printable(student), "sections": {}, "tasks": {}, "flags": [printable(f) for f in result.flags]}
    for notebook, cell, score, _ in result.scores if result.graded else ():
        section = section_of(notebook)
        row["sections"][section] = row["sections"].get(section, 0) + score
        row["tasks"][cell] = score
    row["total"] = sum(row["sections"].values())
    return row


def write_csv(table, path):
    """One row per student: id, total, max, each section's score, flags."""
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["student_id", "total", "max_score", *table.sections, "flags"])
        maximum = sum(table.section_max.values())
        for row in table.rows:
            scores = [_number(row["sections"].get(s, 0)) for s in table.sections]
            flags = _flags(row, CELL)
            writer.writerow([csv_cell(row["student_id"]), _number(row["total"]), _number(maximum), *scores, csv_cell(flags)])


def _flags(row, limit):
    """A row's flags in one cell of at most about ``limit`` characters."""
    return printable("; ".join(row["flags"]), limit)


def _number(value):
    return f"{float(value):g}"


def task_counts(table):
    """For each task, how many students scored 0, part of, and all its points."""
    counts = {}
    for task in table.tasks:
        scores = [row["tasks"].get(task, 0) for row in table.rows]
        full = sum(s >= table.task_max[task] for s in scores)
        zero = sum(s <= 0 for s in scores)
        counts[task] = (zero, len(scores) - full - zero, full)
    return counts


def plot_png(table):
    """A PNG (bytes): per task, the students with no, some and all points; totals below."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    counts = task_counts(table)
    fig, (bars, hist) = plt.subplots(2, 1, figsize=(8, 3 + 0.3 * len(counts)), height_ratios=[3, 1])
    left = [0] * len(counts)
    for i, (label, colour) in enumerate([("0 points", "#d62728"), ("partial", "#ff7f0e"), ("full", "#2ca02c")]):
        widths = [c[i] for c in counts.values()]
        bars.barh(list(counts), widths, left=left, color=colour, label=label)
        left = [a + b for a, b in zip(left, widths)]
    bars.invert_yaxis()
    bars.set_xlabel("students")
    bars.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    bars.xaxis.get_major_locator().set_params(integer=True)
    bars.set_title("Score distribution per task")
    hist.hist([row["total"] for row in table.rows], bins=20, color="#1f77b4")
    hist.set_xlabel(f"total (max {sum(table.section_max.values()):g})")
    hist.set_ylabel("students")
    hist.yaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    return buffer.getvalue()


def write_html(table, problems, path):
    """The class report: plot, one row per student, flagged submissions, problems."""
    image = base64.b64encode(plot_png(table)).decode()
    head = "".join(f"<th>{html.escape(s)}</th>" for s in table.sections)
    rows = "".join(_html_row(table, row) for row in table.rows)
    issues = "".join(f"<li>{html.escape(p)}</li>" for p in _listed(problems, SHOWN_IN_REPORT)) or "<li>none</li>"
    path.write_text(
        "<!doctype html><meta charset='utf-8'><title>mytensor workbook: class report</title>"
        "<style>body{font-family:sans-serif} td,th{padding:2px 8px} .flag{color:#b00}</style>"
        f"<h1>Class report</h1><p>{len(table.rows)} submissions.</p>"
        f"<img alt='score distribution per task' src='data:image/png;base64,{image}'>"
        f"<h2>Intake: zips that could not be read, superseded zips, ids to check</h2><ul>{issues}</ul>"
        f"<h2>Scores</h2><table><tr><th>student</th><th>total</th>{head}<th>flags</th></tr>{rows}</table>"
    )


def _html_row(table, row):
    cells = "".join(f"<td>{_number(row['sections'].get(s, 0))}</td>" for s in table.sections)
    flags = html.escape(_flags(row, CELL))
    return f"<tr><td>{html.escape(row['student_id'])}</td><td>{_number(row['total'])}</td>{cells}<td class='flag'>{flags}</td></tr>"


# Problems can be as many as the junk a class folder or an exchange holds.
SHOWN_IN_REPORT = 1000
SHOWN_IN_SUMMARY = 50


def _listed(problems, most, where=None):
    """The first ``most`` problems, printable, then how many more (and ``where`` they are all listed)."""
    shown = [printable(p) for p in problems[:most]]
    rest = len(problems) - most
    return shown + ([f"{rest} more problems" + (f": see {where}" if where else "")] if rest > 0 else [])


def summary(table, problems, out, root):
    """The lines printed at the end of ``workbook grade``."""
    flagged = [row for row in table.rows if row["flags"]]
    lines = [f"graded {len(table.rows)} submissions: {out / 'grades.csv'}, {out / 'report.html'}"]
    lines += [f"  flagged {row['student_id']}: {_flags(row, CELL)}" for row in flagged]
    lines += [f"  intake: {p}" for p in _listed(problems, SHOWN_IN_SUMMARY, out / "report.html")]
    lines.append(f"feedback: {root / 'feedback'} (hand it back: LMS zips with `python -m workbook feedback --lms "
                 f"canvas|moodle OUT`; `nbgrader release_feedback` serves the exchange only)")
    return "\n".join(lines)
