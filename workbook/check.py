"""Check your mytensor against the notebooks' tests, task by task (``make check``).

Usage::

    python -m workbook check                 # or: make check
    python -m workbook check --section 3     # only the tasks of x.3
    python -m workbook check --lang zh       # in Chinese, on notebooks/zh/ (or: make check LANG=zh)

It reads the graded test cells (nbgrader ``grade: true``) of ``notebooks/*.ipynb``
and runs them in this one Python process against your ``mytensor/`` (torch is
imported once, no kernel starts), so it takes seconds. It prints a table by
section and task: passed, failed, or not started (the test reached a stub that
still raises ``NotImplementedError``), with points; then the first failure's
message in full: the task, the call, torch's and your result side by side, a
hint and the file to edit. The exit status is 1 unless every test passes.

The engine, ``run_graded_cells``, is shared by the tests and grading tools. Like
a notebook kernel, it runs each notebook's setup cells (``metadata.workbook.role
== "setup"``) first, in the notebook's folder, and, like nbgrader, it counts a
cell that raises or writes to stderr as failed.
"""

import contextlib
import importlib
import io
import json
import linecache
import os
import re
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from . import language
from .checks import grading_worker, not_started_text
from .language import text
from .names import REPO, PACKAGE

STATUSES = ("passed", "failed", "not started")


@dataclass(frozen=True)
class CellResult:
    """The outcome of one graded test cell."""

    notebook: str
    grade_id: str
    task: str
    section: int
    points: float
    status: str
    message: str = ""


class CellTimeout(Exception):
    """A test cell ran longer than its time limit."""


def cell_source(cell):
    """The source of a notebook cell (nbformat stores it as a string or a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _role(cell):
    return cell.get("metadata", {}).get("workbook", {}).get("role")


def _is_graded(cell):
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade"))


def _task_of(grade_id, notebook):
    """``("2.1", 2)`` from a grade id like ``task-2-1``; the notebook's section otherwise."""
    found = re.search(r"(\d+)[-_.](\d+)", grade_id)
    if found:
        return f"{found.group(1)}.{found.group(2)}", int(found.group(1))
    section = re.match(r"x(\d+)", Path(notebook).name)
    return grade_id, int(section.group(1)) if section else 0


def read_notebook(path):
    """Return ``(setup sources, graded cells)`` of a notebook file."""
    cells = json.loads(Path(path).read_text("utf-8")).get("cells", [])
    setup = [cell_source(c) for c in cells if c.get("cell_type") == "code" and _role(c) == "setup"]
    return setup, [c for c in cells if _is_graded(c)]


def _python_only(source):
    """Drop IPython-only lines (``%magic``, ``!shell``), which plain Python cannot run."""
    return "\n".join(line for line in source.split("\n") if not line.lstrip().startswith(("%", "!")))


def _pop_modules(name):
    return {key: sys.modules.pop(key) for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]}


@contextlib.contextmanager
def use_package(parent_dir, name=PACKAGE):
    """Import ``name`` afresh from ``parent_dir`` for the duration, then restore the old one.

    Yields the module, or the exception raised while importing it.

    Every ``mytensor*`` module is taken out of ``sys.modules`` first and put
    back afterwards, so the reference library imported by a test session
    survives; ``sys.path`` is restored too, even if a cell changed it.
    """
    saved_modules, saved_path = _pop_modules(name), list(sys.path)
    sys.path.insert(0, str(Path(parent_dir).resolve()))
    importlib.invalidate_caches()
    try:
        yield _import_fresh(name, parent_dir)
    finally:
        _pop_modules(name)
        sys.path[:] = saved_path
        sys.modules.update(saved_modules)


def _import_fresh(name, parent_dir):
    """The module, or the exception that importing it raised (a student's bug is a result)."""
    try:
        module = importlib.import_module(name)
    except Exception as error:  # reported as every test failing, with this error
        return error
    where = Path(module.__file__).resolve().parent.parent
    if where != Path(parent_dir).resolve():
        return ImportError(f"{name} was imported from {where}, not from {parent_dir}")
    return module


@contextlib.contextmanager
def _time_limit(seconds):
    """Raise CellTimeout in the main thread after ``seconds`` (no limit elsewhere)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise CellTimeout(f"the test took longer than {seconds} s (an endless loop?)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_source(source, namespace, label, timeout=30):
    """Run one cell's source in ``namespace``; return ``(error or None, stderr text)``."""
    err = io.StringIO()
    text = _python_only(source)
    linecache.cache[label] = (len(text), None, text.splitlines(True), label)
    try:
        code = compile(text, label, "exec")
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err), _time_limit(timeout):
            exec(code, namespace)
    except Exception as error:  # the cell's failure is the result being measured
        return error, err.getvalue()
    return None, err.getvalue()


def _is_stub(error):
    if isinstance(error, NotImplementedError):
        return True
    text = str(error)
    started = language.variants("stub.not_started")
    return type(error).__name__ == "CheckFailed" and ("NotImplementedError: Task " in text or any(s in text for s in started))


def describe(error, stderr=""):
    """Classify a cell's outcome: ``(status, message)``."""
    if error is None:
        if stderr.strip():
            return "failed", f"{text('progress.stderr')}\n{stderr.strip()}"
        return "passed", ""
    if isinstance(error, NotImplementedError):
        return "not started", not_started_text(str(error)) or f"NotImplementedError: {error}"
    if _is_stub(error):
        return "not started", str(error)
    if type(error).__name__ == "CheckFailed":
        return "failed", str(error)
    status = "failed"
    frames = traceback.format_exception(type(error), error, error.__traceback__.tb_next if error.__traceback__ else None)
    return status, "".join(frames).rstrip()


def _run_notebook(path, timeout):
    setup, graded = read_notebook(path)
    namespace = {"__name__": "__main__"}
    setup_error = None
    for number, source in enumerate(setup, 1):
        setup_error, _ = run_source(source, namespace, f"<{path.name} setup cell {number}>", timeout)
        if setup_error:
            break
    results = []
    for cell in graded:
        meta = cell["metadata"]["nbgrader"]
        grade_id = meta.get("grade_id", "?")
        task, section = _task_of(grade_id, path)
        if setup_error:
            status, message = "failed", text("progress.setup") + "\n" + describe(setup_error)[1]
        else:
            status, message = describe(*run_source(cell_source(cell), dict(namespace), f"<{path.name} {grade_id}>", timeout))
        results.append(CellResult(path.name, grade_id, task, section, float(meta.get("points", 0)), status, message))
    return results


def _import_failure(paths, error):
    message = text("progress.import") + "\n" + describe(error)[1]
    results = []
    for path in paths:
        for cell in read_notebook(path)[1]:
            meta = cell["metadata"]["nbgrader"]
            task, section = _task_of(meta.get("grade_id", "?"), path)
            results.append(CellResult(path.name, meta.get("grade_id", "?"), task, section, float(meta.get("points", 0)), "failed", message))
    return results


def run_graded_cells(notebook_paths, package_parent_dir, timeout=30):
    """Run every graded test cell of ``notebook_paths`` against one copy of mytensor.

    Parameters
    ----------
    notebook_paths : iterable of path
        Notebooks whose cells with nbgrader metadata ``grade: true`` are run.
    package_parent_dir : path
        The folder holding the ``mytensor`` package to test (imported afresh).
    timeout : float
        Seconds allowed per cell, as nbgrader's default.

    Returns
    -------
    list of CellResult
        In notebook order.
    """
    paths = [Path(p).resolve() for p in notebook_paths]
    with use_package(package_parent_dir) as module:
        if isinstance(module, Exception):
            return _import_failure(paths, module)
        return [result for path in paths for result in _in_folder(path.parent, _run_notebook, path, timeout)]


def _in_folder(folder, function, *args):
    """Run ``function`` with the working directory set to ``folder``, as a kernel would."""
    previous = os.getcwd()
    os.chdir(folder)
    try:
        return function(*args)
    finally:
        os.chdir(previous)


def by_task(results):
    """Merge cell results per task: ``[(section, task, status, points earned, points)]``."""
    merged = {}
    for result in results:
        key = (result.section, result.task)
        statuses, earned, total = merged.get(key, ([], 0.0, 0.0))
        earned += result.points if result.status == "passed" else 0.0
        merged[key] = (statuses + [result.status], earned, total + result.points)
    rows = []
    for (section, task), (statuses, earned, total) in merged.items():
        status = "passed" if set(statuses) == {"passed"} else "not started" if set(statuses) == {"not started"} else "failed"
        rows.append((section, task, status, earned, total))
    return rows


def _points(value):
    return f"{value:g}"


def _notebook_path(notebooks_dir, notebook):
    """Where ``notebook`` is, as a student finds it: ``notebooks/zh/x5_memory.ipynb`` in the repository or kit.

    Examples
    --------
    >>> _notebook_path("/somewhere/zh", "x5_memory.ipynb")
    'zh/x5_memory.ipynb'
    """
    folder = Path(notebooks_dir).resolve()
    if folder.is_relative_to(REPO):
        return (folder.relative_to(REPO) / notebook).as_posix()
    return f"{folder.name}/{notebook}"


def report(results, notebooks_dir):
    """The table a student reads, followed by the first failure in full."""
    rows, lines, current = by_task(results), [], None
    names = {r.section: r.notebook for r in results}
    for section, task, status, earned, total in rows:
        if section != current:
            lines.append(f"\n  {names.get(section, section)}")
            current = section
        shown = language.ljust(text(f"status.{status}"), 12)
        lines.append(f"    Task {task:<6} {shown} {_points(earned):>4}/{_points(total)}")
    counts = text("progress.comma").join(text("progress.count", count=sum(row[2] == s for row in rows), status=text(f"status.{s}"))
                       for s in STATUSES)
    earned, total = sum(r[3] for r in rows), sum(r[4] for r in rows)
    lines.append("\n  " + text("progress.points", earned=_points(earned), total=_points(total), counts=counts))
    first = next((r for r in results if r.status == "failed"), None) or next((r for r in results if r.status != "passed"), None)
    if first:
        key = "progress.first_failure" if first.status == "failed" else "progress.first_not_started"
        where = _notebook_path(notebooks_dir, first.notebook)
        lines.append("\n" + text(key, task=first.task, where=where, grade_id=first.grade_id) + "\n")
        lines.append(first.message)
    return "\n".join(lines)


def show_section(section, notebooks_dir=".", package=None):
    """Print the task table of one section for the ``mytensor`` a notebook imports.

    This is the table of ``make check --section k``; each notebook's last
    cell calls it.

    Parameters
    ----------
    section : int
    notebooks_dir : path
        The folder of the notebooks (the kernel's working directory).
    package : path, optional
        The folder holding ``mytensor/``; by default the one ``import mytensor`` finds.
    """
    # While grading, the table would run every check a second time, within
    # one cell's time limit, for output nobody reads.
    if grading_worker() is not None:
        print("(While grading, the grader scores each check cell itself; this table is for you.)")
        return
    if package is None:
        package = Path(importlib.import_module(PACKAGE).__file__).resolve().parent.parent
    paths = sorted(Path(notebooks_dir).glob(f"x{section}_*.ipynb"))
    print(report(run_graded_cells(paths, package), notebooks_dir))


def main(argv=None):
    """Entry point of ``python -m workbook check``; returns the exit status."""
    language.take_lang_option(argv)
    parser = language.parser("python -m workbook check", "check.description")
    parser.add_argument("--section", type=int, help=text("check.section"))
    parser.add_argument("--notebooks", help=text("check.notebooks"))
    parser.add_argument("--package", default=str(REPO), help=text("check.package"))
    parser.add_argument("--lang", choices=language.LANGUAGES, help=text("arg.lang", env=language.ENV))
    args = parser.parse_args(argv)
    args.notebooks = args.notebooks or str(REPO / ("notebooks/zh" if language.current() == "zh" else "notebooks"))
    paths = sorted(Path(args.notebooks).glob("x*.ipynb"))
    if args.section:
        paths = [p for p in paths if re.match(rf"x{args.section}_", p.name)]
    if not paths or not (Path(args.package) / PACKAGE).is_dir():
        print(text("progress.nothing", notebooks=args.notebooks, package=args.package), file=sys.stderr)
        return 2
    started = time.perf_counter()
    print(text("progress.checking", package=Path(args.package).resolve() / PACKAGE, notebooks=args.notebooks), flush=True)
    results = run_graded_cells(paths, args.package)
    print(report(results, args.notebooks))
    print(f"\n({time.perf_counter() - started:.1f} s)")
    return 0 if results and all(r.status == "passed" for r in results) else 1
