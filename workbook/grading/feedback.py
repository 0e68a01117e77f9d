"""One feedback page per student: ``<course>/feedback/<student>/<assignment>/index.html``.

The page is one self-contained HTML file (no network, no script) in the
language of the edition the student submitted. At the top: the student, the
total and a table of every task (``id="summary"``, one row per graded cell
with ``data-status``). Below, for each task not passed: its failing calls,
torch's result beside the student's, the hint, the file and the function, the
misconception when one is recognised; or, for a task not started, which
function to replace. When a check uses a function of an earlier task that
failed or was not started, the page names that task and its first failing call.

Which task functions a graded cell uses comes from one traced run of the
reference (:func:`workbook.release.mutants.reach`), cached in
``<course>/grading/reach-<assignment>.json`` until the course's notebooks or
the reference change; which task a function belongs to comes from the
``Task N.M:`` messages of the course's stubs.

Everything shown is the text of the failure records (``result.tasks``; see
:mod:`workbook.grading.grade`), escaped, made printable, cut to a readable length,
with tracebacks and the grading machine's folders taken out.
"""

import ast
import hashlib
import html
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

from workbook.grading import course
from workbook import language
from workbook.tasks import parse_stub_message, shown_key
from workbook.grading.plaintext import printable

PAGE = "index.html"
REFERENCE = course.REPO / "solutions"
SHOWN_LINES = 40
SHOWN_CHARACTERS = 4000
BLAMED = 3  # earlier tasks named per task; more would bury the task's own failures
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_TRACEBACK = re.compile(r"^Traceback \(most recent call last\):?$|^\s+File \".*\", line \d+")
# A stub's task, also where its message says no more than "Task N.M" (the tiny test course's stubs).
_TASK_IN_STUB = re.compile(r"^Task (\d+(?:\.\d+)+)\b")
_CODE = re.compile(r"`([^`]+)`")
SANDBOX_PACKAGE = "/sandbox/submission/"  # where the sandbox shows the submission: its files are the student's own


def write_all(root, assignment, results, reference=None):
    """Write the page of every graded student of ``results`` (``{student: Result}``); return the pages.

    A page that cannot be written is a flag on that student's row, not the end of the class's grading.
    """
    if not any(result.graded for result in results.values()):
        return []
    uses, pages = task_uses(root, assignment, reference or REFERENCE), []
    for result in results.values():
        try:
            pages += [write(root, assignment, result, uses)] if result.graded else []
        except Exception as error:  # one student's page must not stop the others'
            result.notes.append(f"feedback page not written: {type(error).__name__}: {printable(error)}")
    return pages


def write(root, assignment, result, uses=None):
    """Write one student's page beside nbgrader's feedback files; return its path."""
    folder = Path(root) / "feedback" / result.student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    tasks = result.tasks
    page = render(result.student, tasks, getattr(result, "edition", None) or "en", uses or {},
                  sorted(p.name for p in folder.glob("*.html") if p.name != PAGE), _machine_roots(root))
    (folder / PAGE).write_text(page, "utf-8")
    return folder / PAGE


def _machine_roots(root):
    """The grading machine's folders that a record may name, longest first."""
    roots = {str(Path(root).resolve()), str(Path(root)), str(course.REPO), tempfile.gettempdir(), str(Path.home()),
             SANDBOX_PACKAGE.split("/submission")[0]}
    return sorted((r for r in roots if len(r) > 1), key=len, reverse=True)


# --- which task functions each graded cell uses


def task_uses(root, assignment, reference=REFERENCE):
    """``{grade id: [(task, function, file), ...]}``: the task functions each graded cell calls."""
    owners = stub_tasks(Path(root) / "source" / assignment / course.PACKAGE)
    uses = {}
    for cell, reached in reached_functions(root, assignment, reference).items():
        uses[cell] = [(owners[(file, name)], name, f"mytensor/{file}") for file, name in reached
                      if (file, name) in owners]
    return uses


def stub_tasks(package):
    """``{(file name, function): "Task N.M"}`` for each stub of ``package`` (its ``raise NotImplementedError``)."""
    owners = {}
    for path in sorted(Path(package).glob("*.py")):
        try:
            tree = ast.parse(path.read_text("utf-8"))
        except (OSError, SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            task = _stub_task(node) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
            if task:
                owners[(path.name, node.name)] = task
    return owners


def _stub_task(function):
    """The ``Task N.M`` of a function whose body raises a stub's NotImplementedError, else None."""
    for statement in function.body:
        call = statement.exc if isinstance(statement, ast.Raise) else None
        if (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "NotImplementedError"
                and call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)):
            found = _TASK_IN_STUB.match(call.args[0].value)
            return f"Task {found[1]}" if found else None
    return None


def reached_functions(root, assignment, reference=REFERENCE):
    """``{grade id: [[file name, function], ...]}`` from the cache, traced afresh when it is stale.

    A reference that cannot run the course's cells gives ``{}`` (no earlier task is named), and the
    cache says why; naming an earlier task is an extra that must not stop grading.
    """
    cache = Path(root) / "grading" / f"reach-{assignment}.json"
    key = _inputs_key(Path(root) / "source" / assignment, Path(reference) / course.PACKAGE)
    try:
        stored = json.loads(cache.read_text("utf-8"))
        if stored.get("key") == key and isinstance(stored.get("cells"), dict):
            return stored["cells"]
    except (OSError, ValueError, AttributeError):
        pass
    print("feedback pages: tracing which task functions each graded cell uses, once for this course "
          f"(cached in {cache})", file=sys.stderr, flush=True)
    try:
        found = {"key": key, "cells": _trace(Path(root) / "source" / assignment, reference)}
    except Exception as error:  # any failure of the reference run, whatever its type
        found = {"key": key, "cells": {}, "error": f"{type(error).__name__}: {error}"}
    cache.parent.mkdir(parents=True, exist_ok=True)
    scratch = cache.with_name(cache.name + ".part")
    scratch.write_text(json.dumps(found), "utf-8")
    scratch.replace(cache)  # whole or not at all, should two runs on one course meet
    return found["cells"]


def _inputs_key(source, package):
    digest = hashlib.sha256()
    for path in sorted(source.glob("*.ipynb")) + sorted(package.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _trace(source, reference):
    """One traced run of the course's graded cells on the reference: ``{grade id: [[file, function], ...]}``."""
    from workbook.release import mutants

    # the cells run in a copy of the notebooks' folder: what they leave behind (Hypothesis's cache) stays there
    with mutants.reference_copy(reference) as parent, tempfile.TemporaryDirectory(prefix="reach-") as scratch:
        for notebook in Path(source).glob("*.ipynb"):
            shutil.copyfile(notebook, Path(scratch) / notebook.name)
        reached = mutants.reach(mutants.graded_cells(scratch), parent)
    cells = {}
    for (file, name), users in reached.items():
        for cell in users:
            cells.setdefault(cell.grade_id, []).append([file, name])
    return cells


# --- the page


def render(student, tasks, lang, uses, notebooks, roots=()):
    """The page's HTML: the summary, then the details of every task not passed."""
    say = _Words(lang, roots)
    first = _first_failures(tasks)
    details = [_task_section(task, say, _blamed(task, uses, first)) for task in tasks if _status(task) != "passed"]
    got, most = sum(_number(t.get("points")) for t in tasks), sum(_number(t.get("max")) for t in tasks)
    body = [f"<h1>{say.text('page.title')}</h1>", _identity(student, got, most, say),
            _summary(tasks, say), _notebook_links(notebooks, say)]
    body += details or [f"<p>{say.text('page.all_passed')}</p>"]
    return _document(lang, say.text("page.title"), "\n".join(body))


class _Words:
    """The catalog's words in the page's language, and text from a record made safe to show."""

    def __init__(self, lang, roots):
        self.lang = lang if lang in language.LANGUAGES else "en"
        self.roots = roots

    def text(self, key, **fields):
        """The message ``key``, escaped, with its `code` spans as ``<code>``; the fields are made safe first."""
        said = language.text(key, self.lang, **{name: self.plain(value) for name, value in fields.items()})
        return _CODE.sub(r"<code>\1</code>", html.escape(said))

    def label(self, key):
        """``key``'s word and its colon, then a space in English (a full-width colon needs none)."""
        word = language.text(key, self.lang)
        colon = language.colon(word)
        return f'<b class="label">{html.escape(word + colon)}</b>' + (" " if colon == ":" else "")

    def clean(self, value):
        """``value`` from a record, made :meth:`plain` and escaped."""
        return html.escape(self.plain(value))

    def plain(self, value):
        """``value`` without escape sequences, tracebacks or the machine's folders; printable and cut."""
        value = _ANSI.sub("", str(value if value is not None else ""))
        value = _without_traceback(value)
        value = value.replace(SANDBOX_PACKAGE, "")
        for root in self.roots:
            value = value.replace(root + "/", "").replace(root, "…")
        # cut first, so that the cut says how much was left out in the page's language
        return "\n".join(_printable(line) for line in self._cut(value).splitlines())

    def _cut(self, value):
        lines = value.splitlines()
        if len(lines) > SHOWN_LINES:
            value = "\n".join(lines[:SHOWN_LINES] + [language.text("page.more_lines", self.lang,
                                                                   count=len(lines) - SHOWN_LINES)])
        if len(value) > SHOWN_CHARACTERS:
            value = value[:SHOWN_CHARACTERS] + language.text("page.more_characters", self.lang,
                                                             count=len(value) - SHOWN_CHARACTERS)
        return value


def _printable(line):
    # str.isprintable() is False for every character plaintext.printable escapes (and a few more): a fast test
    return line if line.isprintable() else printable(line, 10 * SHOWN_CHARACTERS)


def _without_traceback(value):
    """``value`` without a traceback's header and frames (each frame's indented lines too); the error line stays."""
    kept, in_frames = [], False
    for line in value.splitlines():
        if _TRACEBACK.match(line):
            in_frames = True
        elif not (in_frames and line[:1].isspace()):
            kept.append(line)
            in_frames = False
    return "\n".join(kept)


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _points(value):
    """``2`` for 2.0, ``1.5`` for 1.5."""
    return f"{_number(value):g}"


STATUS_MARKS = {"passed": "✓", "failed": "✗", "not_started": "○"}


def _status(task):
    return task.get("status") if task.get("status") in STATUS_MARKS else "failed"


def _anchor(task):
    return "cell-" + re.sub(r"[^A-Za-z0-9_-]", "_", str(task.get("cell", "")))


def _identity(student, got, most, say):
    return (f'<p class="who">{say.label("page.student")}<strong>{say.clean(student)}</strong></p>\n'
            f'<p class="total">{say.text("page.total", points=_points(got), max=_points(most))}</p>')


def _summary(tasks, say):
    head = "".join(f"<th>{say.text(key)}</th>" for key in ("page.task", "page.status", "page.points"))
    rows = [f'<table id="summary">\n<thead><tr>{head}</tr></thead>\n<tbody>']
    for task in tasks:
        status, name = _status(task), say.clean(task.get("task"))
        shown = name if status == "passed" else f'<a href="#{_anchor(task)}">{name}</a>'
        rows.append(f'<tr data-status="{status}" class="{status}"><td>{shown}</td><td>{_badge(status, say)}</td>'
                    f'<td class="points">{_points(task.get("points"))} / {_points(task.get("max"))}</td></tr>')
    return "\n".join(rows + ["</tbody>\n</table>"])


def _badge(status, say):
    word = say.text("status." + status.replace("_", " "))
    return f'<span class="badge {status}">{STATUS_MARKS[status]} {word}</span>'


def _notebook_links(notebooks, say):
    if not notebooks:
        return ""
    links = ", ".join(f'<a href="{html.escape(name)}">{html.escape(name)}</a>' for name in notebooks)
    return f'<p class="notebooks">{say.label("page.notebooks")}{links}</p>'


def _first_failures(tasks):
    """``{task id: (status, its first failure record or None)}`` over the tasks not passed, first cell first."""
    first = {}
    for task in tasks:
        if _status(task) != "passed" and task.get("task") not in first:
            records = task.get("failures") or [None]
            first[task.get("task")] = (_status(task), records[0])
    return first


def _blamed(task, uses, first):
    """``[(task, function, file, status, record)]``: earlier tasks, not passed, whose functions this cell uses."""
    if _status(task) != "failed":
        return []
    own, seen, found = shown_key(task.get("task")), set(), []
    for owner, function, file in uses.get(task.get("cell"), []):
        if shown_key(owner) < own and owner in first and owner not in seen:
            seen.add(owner)
            found.append((owner, function, file, *first[owner]))
    return sorted(found, key=lambda blamed: shown_key(blamed[0]))


def _task_section(task, say, blamed):
    status = _status(task)
    head = (f'<section id="{_anchor(task)}" class="task {status}">\n<h2>{say.clean(task.get("task"))} '
            f'{_badge(status, say)} <span class="points">{_points(task.get("points"))} / '
            f'{_points(task.get("max"))}</span></h2>')
    parts = [head] + [_blame(item, say) for item in blamed[:BLAMED]]
    if len(blamed) > BLAMED:
        parts.append(f'<p class="blame">{say.text("page.blame_more", count=len(blamed) - BLAMED)}</p>')
    parts += _not_started(task, say) if status == "not_started" else _failures(task, say)
    return "\n".join(parts + ["</section>"])


def _blame(item, say):
    owner, function, file, status, record = item
    fields = {"function": function, "task": owner.replace("Task ", "")}
    if status == "not_started" or record is None:
        key = "page.blame_stub" if status == "not_started" else "page.blame_failed"
        return f'<p class="blame">{say.text(key, **fields)}</p>'
    return "\n".join([f'<div class="blame"><p>{say.text("page.blame", **fields)}</p>', _call(record, say),
                      _why(record, say), "</div>"])


def _not_started(task, say):
    """One line per stub the task's checks reached: which function to replace, and where."""
    lines, seen = [], set()
    for record in task.get("failures") or []:
        stub = _stub_of(record)
        if stub and stub not in seen:
            seen.add(stub)
            lines.append(_replace_line(task, stub, say))
    return lines or [f'<p class="start">{say.text("page.start_here")}</p>']


def _stub_of(record):
    """``(task id, file, function)`` of the stub a not-started record reached, or None."""
    for field in ("mytensor", "message", "text"):
        value = str(record.get(field) or "")
        stub = parse_stub_message(value.split(": ", 1)[1] if value.startswith("NotImplementedError: ") else value)
        if stub and stub.get("where") and ": " in stub["where"]:
            file, function = stub["where"].split(": ", 1)
            return stub["task"], file, function
    if record.get("file") and record.get("function"):
        return None, record["file"], record["function"]
    return None


def _replace_line(task, stub, say):
    owner, file, function = stub
    own = owner is None or task.get("task") == f"Task {owner}"
    key, fields = ("page.start", {}) if own else ("page.needs", {"task": owner})
    return f'<p class="start">{say.text(key, file=file, function=function, **fields)}</p>'


def _failures(task, say):
    records = task.get("failures") or []
    parts = [_failure(record, say) for record in records]
    if _number(task.get("more")) > 0:
        parts.append(f'<p class="more">{say.text("page.more_calls", count=int(_number(task.get("more"))))}</p>')
    return parts or [f'<p>{say.text("page.see_notebook")}</p>']


def _failure(record, say):
    parts = ['<div class="failure">', _call(record, say)]
    if record.get("kind") == "error":
        error = ": ".join(str(part) for part in (record.get("error_type"), record.get("message")) if part)
        parts.append(f'<p>{say.label("page.error")}<code>{say.clean(error or record.get("mytensor"))}</code></p>')
    else:
        parts += [_pair(record, say), _why(record, say)]
    parts += [_where(record, say), _misconception(record.get("misconception"), say), "</div>"]
    return "\n".join(part for part in parts if part)


def _call(record, say):
    """The failing call: inline code, or a block under its label when it takes several lines (helpers first)."""
    call = say.clean(record.get("call")) if record.get("call") else ""
    if "\n" in call:
        return f'<p class="call">{say.label("label.call")}</p>\n<pre class="call">{call}</pre>'
    return f'<p class="call">{say.label("label.call")}<code>{call}</code></p>' if call else ""


def _pair(record, say):
    if record.get("torch") is None and record.get("mytensor") is None:
        return ""
    columns = [(say.text("page.torch"), record.get("torch")), (say.text("page.yours"), record.get("mytensor"))]
    cells = "".join(f'<div class="side"><h4>{title}</h4><pre>{say.clean(value)}</pre></div>'
                    for title, value in columns)
    return f'<div class="pair">{cells}</div>'


def _why(record, say):
    why = record.get("why")
    return f'<p class="why">{say.label("page.why")}{say.clean(why)}</p>' if why else ""


def _where(record, say):
    lines = []
    if record.get("hint"):
        lines.append(f'<p class="hint">{say.label("label.hint")}{say.clean(record["hint"])}</p>')
    if record.get("file"):
        where = (say.text("page.where", file=record["file"], function=record["function"])
                 if record.get("function") else say.clean(record["file"]))
        lines.append(f'<p class="file">{say.label("label.edit")}{where}</p>')
    return "\n".join(lines)


def _misconception(found, say):
    if not isinstance(found, dict) or not found.get("name"):
        return ""
    # The bank writes code as `code` spans, escaped first and then shown as code.
    about = "<br>" + _CODE.sub(r"<code>\1</code>", say.clean(found["about"])) if found.get("about") else ""
    return (f'<p class="misconception">{say.label("page.misconception")}'
            f'<strong>{say.clean(found["name"])}</strong>{about}</p>')


STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "PingFang SC", "Hiragino Sans GB",
       "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif;
       max-width: 70rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; line-height: 1.45; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Noto Sans Mono CJK SC", monospace; }
.total { font-size: 1.4rem; font-weight: bold; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: .3rem .7rem; text-align: left; }
td.points { text-align: right; font-variant-numeric: tabular-nums; }
.badge { padding: .05rem .5rem; border-radius: .8rem; font-weight: bold; white-space: nowrap; }
.badge.passed { background: #dff3e3; color: #14532d; }
.badge.failed { background: #fde2e1; color: #8a1c1c; }
.badge.not_started { background: #eceff3; color: #3b4350; border: 1px dashed #7b8492; }
section.task { border-top: 2px solid #ddd; margin-top: 2rem; }
.failure { border-left: 4px solid #c0392b; padding: .2rem 1rem; margin: 1rem 0; background: #fcfcfc; }
.blame { border-left: 4px solid #b7791f; padding: .2rem 1rem; background: #fffbeb; margin: 1rem 0; }
.pair { display: flex; gap: 1rem; flex-wrap: wrap; }
.side { flex: 1 1 20rem; min-width: 0; }
.side h4 { margin: .3rem 0; }
pre { background: #f4f4f4; padding: .5rem; white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
.label { display: inline-block; }
.label::first-letter { text-transform: uppercase; }
pre.call { background: none; border-left: 2px solid #ccc; padding: 0 .6rem; }
.misconception { background: #eef4ff; padding: .3rem .6rem; }
"""


def _document(lang, title, body):
    code = "zh-CN" if lang == "zh" else "en"
    return (f'<!DOCTYPE html>\n<html lang="{code}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{title}</title>\n'
            f'<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n')
