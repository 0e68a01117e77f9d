"""Grades out of the gradebook: ``grades.csv``, ``tasks.csv``, ``clusters.csv`` and the HTML class report."""

import base64
import csv
import html
import io
import os
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from workbook.grading import clusters, gradebook
from workbook.grading.classbook import NOT_SUBMITTED
from workbook.grading.plaintext import CELL, csv_cell, printable
from workbook.tasks import task_of_cell

STATUSES = ("passed", "failed", "not_started")
# Not started is grey, not red: a stub is work to do, not a bug.
COLOURS = {"passed": "#2ca02c", "failed": "#d62728", "not_started": "#9e9e9e"}
# What a failure record keeps in the class's rows: enough to group it and to name the group.
RECORD_FIELDS = ("kind", "call", "error_type", "message")


@dataclass
class Table:
    """Scores of a class: per student, per section (notebook) and per task."""

    sections: list
    section_max: dict
    tasks: list
    task_max: dict
    rows: list = field(default_factory=list)
    # student id -> href of their feedback page, relative to the report when possible
    links: dict = field(default_factory=dict)


def section_of(notebook):
    """``x3_operations`` -> ``x3``."""
    return notebook.split("_", 1)[0]


def collect(root, assignment, results):
    """The batch's table: the assignment's layout from the course gradebook, each row from a student's result."""
    table = _layout(gradebook.layout(root, assignment))
    for student in sorted(results):
        table.rows.append(_with_result(table, _row(student, results[student]), results[student]))
    return table


def _with_result(table, row, result):
    """The row with what grading said beyond the scores: edition, and per task its status and failures."""
    if not result.graded:
        row["status"] = "not graded"
    row["edition"] = getattr(result, "edition", None)
    given = {t.get("cell"): t for t in getattr(result, "tasks", None) or [] if isinstance(t, dict)}
    row["detail"] = {cell: _detail(table, cell, points, given.get(cell)) for cell, points in row["tasks"].items()
                     if cell in table.task_max}
    return row


def _detail(table, cell, points, given):
    """One task of a row; without the grader's word (``given``), its status comes from the points alone.

    The gradebook's points win over the grader's status: a zeroed submission passed no task.
    """
    given, points = given or {}, points or 0
    full = points >= table.task_max[cell]
    status = given.get("status") if given.get("status") in STATUSES else "failed"
    status = "passed" if full else ("failed" if status == "passed" else status)
    failures = [_kept(record) for record in given.get("failures") or [] if isinstance(record, dict)]
    return {"points": points, "max": table.task_max[cell], "status": status, "failures": failures,
            "more": given.get("more") or 0}


def _kept(record):
    """The part of a failure record the class report uses, made printable (it holds the student's text).

    The call keeps its words on one line and the message its first line: that is what a cluster shows.
    """
    text = {"call": " ".join(str(record.get("call") or "").split()), "message": clusters.first_line(record.get("message"))}
    kept = {name: printable(text.get(name, record[name])) for name in RECORD_FIELDS if record.get(name) is not None}
    misconception = record.get("misconception")
    if isinstance(misconception, dict) and misconception.get("id"):
        kept["misconception"] = {k: printable(misconception[k]) for k in ("id", "name", "about") if misconception.get(k)}
    return kept


def feedback_links(table, root, assignment, out):
    """Link each student of ``table`` to their feedback page (else its folder), when it exists."""
    for row in table.rows:
        folder = Path(root) / "feedback" / row["student_id"] / assignment
        page = folder / "index.html"
        target = page if page.is_file() else folder if folder.is_dir() else None
        if target is not None:
            table.links[row["student_id"]] = _href(target, Path(out)) + ("/" if target == folder else "")


def _href(target, out):
    """``target`` relative to ``out`` when the two share a folder below the root, else a file URL."""
    target, out = Path(target).resolve(), Path(out).resolve()
    if os.path.commonpath([target, out]) != target.anchor:
        return urllib.parse.quote(os.path.relpath(target, out))
    return target.as_uri()


def _layout(notebooks):
    sections = [section_of(name) for name, _ in notebooks]
    cells = [cell for _, cells in notebooks for cell in cells]
    return Table(
        sections, {section_of(name): sum(m for _, m in cells) for name, cells in notebooks},
        [name for name, _ in cells], dict(cells),
    )


def _row(student, result):
    """A student's scores (from the grader's reply); the id and flags are the submission's text, made printable here."""
    row = {"student_id": printable(student), "sections": {}, "tasks": {}, "flags": [printable(f) for f in result.flags],
           "status": "graded" if result.graded else "not graded"}
    for notebook, cell, score, _ in result.scores if result.graded else ():
        section = section_of(notebook)
        row["sections"][section] = row["sections"].get(section, 0) + score
        row["tasks"][cell] = score
    row["total"] = sum(row["sections"].values())
    return row


def write_csv(table, path):
    """One row per student: id, total, max, each section's score, each task's points, status, flags.

    A student on the roster who did not submit has a row with no scores.
    """
    labels = [task_of_cell(cell) for cell in table.tasks]
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["student_id", "total", "max_score", *table.sections, *labels, "status", "flags"])
        maximum = _number(sum(table.section_max.values()))
        for row in table.rows:
            scores = [row["total"], *(row["sections"].get(s, 0) for s in table.sections),
                      *(row["tasks"].get(t, 0) for t in table.tasks)]
            if row.get("status") == NOT_SUBMITTED:
                scores = [None] * len(scores)
            scores = ["" if score is None else _number(score) for score in scores]
            writer.writerow([csv_cell(row["student_id"]), scores[0], maximum, *scores[1:],
                             row.get("status", "graded"), csv_cell(_flags(row, CELL))])


def task_counts(table):
    """Per task: how many students passed, failed and did not start it, of how many, and the mean points."""
    counts = {}
    for cell in table.tasks:
        details = [row["detail"][cell] for row in table.rows if cell in row.get("detail", {})]
        counts[cell] = {status: sum(d["status"] == status for d in details) for status in STATUSES}
        counts[cell]["students"] = len(details)
        counts[cell]["mean"] = sum(d["points"] for d in details) / len(details) if details else None
    return counts


def write_tasks_csv(table, path):
    """``tasks.csv``: per task its maximum, the students who passed, failed and did not start it, the mean points."""
    counts = task_counts(table)
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["task", "max", "passed", "failed", "not_started", "mean_points"])
        for cell, count in counts.items():
            mean = "" if count["mean"] is None else f"{count['mean']:.2f}"
            writer.writerow([task_of_cell(cell), _number(table.task_max[cell]), *(count[s] for s in STATUSES), mean])


def write_clusters_csv(found, path):
    """``clusters.csv``: per task, each group of failures (largest first) with its students."""
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["task", "count", "cluster", "misconception", "call", "error_type", "message", "students"])
        for cell, groups in found.items():
            for group in groups:
                record = group.record
                misconception = (record.get("misconception") or {}).get("id", "")
                cells = [group.name, misconception, record.get("call", ""), record.get("error_type", ""),
                         clusters.first_line(record.get("message"))]
                writer.writerow([task_of_cell(cell), group.count, *map(csv_cell, cells), " ".join(group.students)])


def _flags(row, limit):
    """A row's flags in one cell of at most about ``limit`` characters."""
    return printable("; ".join(row["flags"]), limit)


def _number(value):
    return f"{float(value):g}"


def plot_png(table):
    """A PNG (bytes): per task, the students who passed, failed and did not start it; totals below."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    counts = task_counts(table)
    fig, (bars, hist) = plt.subplots(2, 1, figsize=(8, 3 + 0.3 * len(counts)), height_ratios=[3, 1])
    names, left = [task_of_cell(cell) for cell in counts], [0] * len(counts)
    for status in STATUSES:
        widths = [count[status] for count in counts.values()]
        bars.barh(names, widths, left=left, color=COLOURS[status], label=status.replace("_", " "))
        left = [a + b for a, b in zip(left, widths)]
    bars.invert_yaxis()
    bars.set_xlabel("students")
    bars.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    bars.xaxis.get_major_locator().set_params(integer=True)
    bars.set_title("Per task: passed, failed, not started")
    _histogram(hist, table)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    return buffer.getvalue()


def _histogram(axes, table):
    axes.hist([row["total"] for row in table.rows if row.get("status") != NOT_SUBMITTED], bins=20, color="#1f77b4")
    axes.set_xlabel(f"total (max {sum(table.section_max.values()):g})")
    axes.set_ylabel("students")
    axes.yaxis.get_major_locator().set_params(integer=True)


STYLE = (
    "body{font-family:sans-serif;max-width:70em} td,th{padding:2px 8px;text-align:left} .flag{color:#b00}"
    " .bar{display:flex;width:12em;height:1em;background:#eee} .bar span{display:block;height:100%}"
    + "".join(f" .{status}{{background:{colour}}}" for status, colour in COLOURS.items())
    + " .students a{margin-right:.5em} li{margin-bottom:.4em}"
)


def write_html(table, problems, path):
    """The class report, one file that needs no network and no JavaScript.

    Per task: passed, failed and not started counts and the failure clusters with their
    students; who did not submit; what intake found; one row per student.
    """
    image = base64.b64encode(plot_png(table)).decode()
    submitted = [row for row in table.rows if row.get("status") != NOT_SUBMITTED]
    issues = "".join(f"<li>{html.escape(p)}</li>" for p in _listed(problems, SHOWN_IN_REPORT)) or "<li>none</li>"
    Path(path).write_text(
        "<!doctype html><meta charset='utf-8'><title>mytensor workbook: class report</title>"
        f"<style>{STYLE}</style><h1>Class report</h1>"
        f"<p>{_count_line(table, submitted)}</p>"
        f"<img alt='per task: passed, failed, not started; the totals' src='data:image/png;base64,{image}'>"
        f"{_tasks_html(table)}{_clusters_html(table)}{_missing_html(table)}"
        f"<h2>Intake: zips that could not be read, superseded zips, ids to check</h2><ul>{issues}</ul>"
        f"{_scores_html(table)}", encoding="utf-8"
    )


def _count_line(table, submitted):
    missing = len(table.rows) - len(submitted)
    return f"{len(submitted)} submissions" + (f"; {missing} students of the roster did not submit." if missing else ".")


def _tasks_html(table):
    """Per task: the counts apart, as numbers and as one bar in their colours."""
    rows = []
    for cell, count in task_counts(table).items():
        bar = "".join(f"<span class='{s}' style='width:{100 * count[s] / max(count['students'], 1):.1f}%'></span>"
                      for s in STATUSES)
        mean = "" if count["mean"] is None else f"{count['mean']:.2f}"
        numbers = "".join(f"<td>{count[s]}</td>" for s in STATUSES)
        rows.append(f"<tr><td>{html.escape(task_of_cell(cell))}</td><td>{_number(table.task_max[cell])}</td>{numbers}"
                    f"<td>{mean}</td><td><div class='bar'>{bar}</div></td></tr>")
    head = "".join(f"<th><span class='{s}'>&nbsp;&nbsp;</span> {s.replace('_', ' ')}</th>" for s in STATUSES)
    return (f"<h2>Tasks</h2><table><tr><th>task</th><th>max</th>{head}<th>mean points</th><th></th></tr>"
            f"{''.join(rows)}</table>")


def _clusters_html(table):
    """Per task, what failed, grouped by behaviour, largest group first."""
    parts = ["<h2>What failed, by task</h2>"]
    for cell, groups in clusters.by_task(table).items():
        items = "".join(f"<li>{_cluster_html(table, group)}</li>" for group in groups)
        parts.append(f"<h3 id='{html.escape(cell)}'>{html.escape(task_of_cell(cell))}</h3><ol>{items}</ol>")
    return "".join(parts) if len(parts) > 1 else parts[0] + "<p>no failing call recorded.</p>"


def _cluster_html(table, group):
    about = (group.record.get("misconception") or {}).get("about")
    students = " ".join(_student_html(table, student) for student in group.students)
    said = f"<br><small>{html.escape(about)}</small>" if about else ""
    count = f"{group.count} student{'s' if group.count != 1 else ''}"
    return f"<b>{html.escape(group.name)}</b> ({count}){said}<div class='students'>{students}</div>"


def _student_html(table, student):
    """A student's id, linked to their feedback page when there is one."""
    href = table.links.get(student)
    name = html.escape(student)
    return f"<a href='{html.escape(href)}'>{name}</a>" if href else name


def _missing_html(table):
    missing = [row["student_id"] for row in table.rows if row.get("status") == NOT_SUBMITTED]
    if not missing:
        return ""
    return f"<h2>Not submitted ({len(missing)})</h2><p>{html.escape(', '.join(missing))}</p>"


def _scores_html(table):
    head = "".join(f"<th>{html.escape(s)}</th>" for s in table.sections)
    rows = "".join(_html_row(table, row) for row in table.rows)
    return (f"<h2>Scores</h2><table><tr><th>student</th><th>status</th><th>total</th>{head}"
            f"<th>edition</th><th>graded in</th><th>flags</th></tr>{rows}</table>")


def _html_row(table, row):
    missing = row.get("status") == NOT_SUBMITTED
    scores = [row["total"], *(row["sections"].get(s, 0) for s in table.sections)]
    cells = "".join(f"<td>{'' if missing or v is None else _number(v)}</td>" for v in scores)
    status, edition, batch = (html.escape(v) for v in (row.get("status", "graded"), *_edition_and_batch(row)))
    flags = html.escape(_flags(row, CELL))
    return (f"<tr><td>{_student_html(table, row['student_id'])}</td><td>{status}</td>{cells}<td>{edition}</td>"
            f"<td>{batch}</td><td class='flag'>{flags}</td></tr>")


def _edition_and_batch(row):
    """A row's edition and the batch it was graded in (the folder and the time), for the report."""
    batch = row.get("batch") or {}
    when = " ".join(filter(None, [batch.get("source"), batch.get("graded_at")]))
    return row.get("edition") or "", when


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
