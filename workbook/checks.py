"""Trusted checks: run one function with torch and with mytensor, compare.

A check is a function of a module, ``fn(m)``. It runs once as ``fn(mytensor)``
and once as ``fn(torch)``, and the two results must agree:

* tensors by shape, dtype, values, ``requires_grad`` and the ``grad_fn`` name,
  and, when torch's result is a view, by ``stride()`` and ``storage_offset()``;
* scalars by type and value; tuples and lists element by element;
* exceptions by type and message, with ``mytensor`` standing in for ``torch``.

This module is grading logic, so it trusts nothing the student wrote:

* the student's side runs first, with torch hidden, and its result is turned
  into plain data (a :class:`Snapshot`) before torch runs, so student code
  never sees torch's answer;
* tensor values are read straight from the documented representation
  (``_storage``, ``_shape``, ``_strides``, ``_offset``) with numpy, never
  through the student's ``numpy()`` or ``__eq__``; so section 1 can be graded
  before section 6 (conversion) is written.
"""

import contextlib
import importlib
import inspect
import math
import re
import sys
import textwrap

import numpy as np

from . import language, misconceptions
from .concrete import concrete_call
from .language import text
from .compare import Raised, Snapshot, _cut, _safe_repr, _short, difference  # Raised, Snapshot, difference: API too
from .tasks import parse_stub_message

__all__ = ["CheckFailed", "expect_same", "run_both", "difference", "snapshot", "torch_hidden"]




class CheckFailed(AssertionError):
    """A check's results differ; the message is meant for a student to read.

    ``records`` holds the failure records (see :func:`failure_record`) the
    message describes; ``more`` counts failing calls beyond them.
    """

    def __init__(self, message, records=(), more=0):
        super().__init__(message)
        self.records = list(records)
        self.more = more

    def _render_traceback_(self):
        """What IPython shows instead of a traceback: only the message.

        The frames would lead through this module, which is not where the
        student has anything to fix; the message names the file that is.
        """
        return ["\x1b[31mCheckFailed\x1b[0m: " + str(self)]


class _TorchBlocker:
    """A meta-path finder that refuses to import torch."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ImportError("mytensor must not use torch: it is built on numpy alone")
        return None


@contextlib.contextmanager
def torch_hidden():
    """Hide torch from the code run inside: importing it raises ImportError.

    Modules already imported leave ``sys.modules`` for the duration, so
    ``sys.modules["torch"]`` and ``importlib`` find nothing either.
    """
    names = [k for k in sys.modules if k == "torch" or k.startswith("torch.")]
    hidden = {k: sys.modules.pop(k) for k in names}
    sys.meta_path.insert(0, _TorchBlocker)
    try:
        yield
    finally:
        sys.meta_path.remove(_TorchBlocker)
        sys.modules.update(hidden)


def run_both(fn, student="mytensor"):
    """Return ``(torch_result, student_snapshot)``; exceptions become values.

    While grading, the student side runs in the submission's sandboxed worker
    (:mod:`workbook.sandbox.host`) and comes back as plain data; elsewhere it runs
    here, with torch hidden.
    """
    actual = _student_side(fn, student)
    torch = importlib.import_module("torch")
    # The CPU generator only: torch.manual_seed also seeds every accelerator
    # back end, which costs milliseconds per check even without one.
    torch.random.default_generator.manual_seed(0)
    return _run(fn, torch), actual


# While grading, the submission's sandboxed worker (``workbook.sandbox.host``) is
# pushed here for the time its notebooks run; on a student's own machine the
# stack stays empty and the student side runs in this process.
_workers = []


def grading_worker():
    """The worker that the student side of every check goes to, or None."""
    return _workers[-1] if _workers else None


@contextlib.contextmanager
def student_side_in(worker):
    """Send the student side of every check to ``worker`` inside this block."""
    _workers.append(worker)
    try:
        yield worker
    finally:
        _workers.pop()


def _student_side(fn, student):
    worker = grading_worker()
    if worker is not None:
        return worker.run(fn)
    with torch_hidden():
        return snapshot(_run(fn, importlib.import_module(student)))


def _run(fn, module):
    try:
        return fn(module)
    except Exception as error:  # the error itself is the result to compare
        return Raised(error)


def _has_tensor_layout(value):
    return all(hasattr(value, name) for name in ("_storage", "_shape", "_strides", "_offset"))


def snapshot(value):
    """Turn a student result into plain data (tensors, nested in tuples/lists too)."""
    if isinstance(value, (tuple, list)) and type(value).__name__ != "Size":
        return type(value)(snapshot(v) for v in value)
    if not _has_tensor_layout(value):
        return value
    try:
        return _tensor_snapshot(value)
    except Exception as error:  # a broken student tensor is a result, not a crash
        return Raised(error)


def _tensor_snapshot(t):
    values = _read_layout(t._storage, t._shape, t._strides, t._offset)
    grad_fn = getattr(t, "grad_fn", None)
    return Snapshot(
        shape=tuple(int(n) for n in t._shape),
        dtype=values.dtype.name,
        values=values,
        stride=tuple(t.stride()),
        offset=t.storage_offset(),
        requires_grad=bool(getattr(t, "requires_grad", False)),
        grad_fn=type(grad_fn).__name__ if grad_fn is not None else None,
        text=_safe_repr(t),
    )


def _read_layout(storage, shape, strides, offset):
    """Copy out the elements a layout describes, refusing one that reads outside."""
    if not isinstance(storage, np.ndarray) or storage.ndim != 1:
        raise TypeError("_storage must be a one-dimensional numpy array")
    shape, strides = tuple(int(n) for n in shape), tuple(int(s) for s in strides)
    if len(shape) != len(strides) or min(shape, default=0) < 0 or min(strides, default=0) < 0:
        raise ValueError(f"invalid layout: shape {shape}, strides {strides}")
    if math.prod(shape) == 0:
        return np.empty(shape, storage.dtype)
    last = offset + sum((n - 1) * s for n, s in zip(shape, strides))
    if offset < 0 or last >= storage.size:
        raise IndexError(f"layout reads element {last} of a storage of {storage.size}")
    step = storage.itemsize
    view = np.lib.stride_tricks.as_strided(storage[offset:], shape, [s * step for s in strides])
    return view.copy()


_WIDTH = 92  # characters: fits JupyterLab's output at 1400 px and a wide terminal
_GAP = 4
def _column_widths(sides, titles, width):
    """Widths for two columns that fit in ``width``, or None when the sides must be stacked.

    A side of one line (an error message) can wrap inside its column; a side of
    several lines (a printed tensor) keeps its lines whole.
    """
    natural = [max(len(title), *(len(line) for line in lines)) for title, lines in zip(titles, sides)]
    room = width - _GAP
    if sum(natural) <= room:
        return natural
    wraps = [len(lines) == 1 for lines in sides]
    if all(wraps):
        narrow = min(*natural, room // 2)
        return [narrow, room - narrow] if natural[0] <= natural[1] else [room - narrow, narrow]
    if any(wraps):
        fixed = natural[wraps.index(False)]
        if fixed <= room - 24:
            return [room - fixed if wrap else fixed for wrap in wraps]
    return None


def _wrapped(lines, width):
    """``lines`` broken to ``width``, continuation lines indented by two spaces."""
    out = []
    for line in lines:
        out += textwrap.wrap(line, width, subsequent_indent="  ", break_on_hyphens=False) or [""]
    return out


def _stacked(sides, titles, width):
    rows = []
    for title, lines in zip(titles, sides):
        rows.append(f"{title}:")
        rows += ["    " + line for line in _wrapped(lines, width - 4)]
    return "\n".join(rows)


def _side_by_side(left, right, titles=("torch", "mytensor"), width=_WIDTH):
    """Two texts in columns under their titles, or one under the other when columns would not fit.

    Examples
    --------
    >>> print(_side_by_side("(4, 1)", "(1, 4)"))
    torch     mytensor
    (4, 1)    (1, 4)
    """
    sides = [left.splitlines() or [""], right.splitlines() or [""]]
    widths = _column_widths(sides, titles, width)
    if widths is None:
        return _stacked(sides, titles, width)
    columns = [[title] + _wrapped(lines, w) for title, lines, w in zip(titles, sides, widths)]
    height = max(len(column) for column in columns)
    left_column, right_column = (column + [""] * (height - len(column)) for column in columns)
    return "\n".join((a.ljust(widths[0] + _GAP) + b).rstrip() for a, b in zip(left_column, right_column))


def not_started_text(message, task=None, file=None):
    """One plain sentence for a stub's message: which task is not started and what to replace.

    ``task`` is the check's task and ``file`` the file its check names; they
    are used when the stub belongs to that task but does not say where it is.
    Returns None when ``message`` is not a stub's.

    Examples
    --------
    >>> not_started_text("Task 6.1: an ndarray (see notebooks/x6_conversion.ipynb)", "Task 6.1", "mytensor/interop.py")
    'Task 6.1 is not started yet: replace the `raise NotImplementedError` in mytensor/interop.py'
    """
    stub = parse_stub_message(message)
    if stub is None:
        return None
    named = bool(task) and re.fullmatch(r"Task \d+(\.\d+)*", task.strip()) is not None
    own = not named or task.strip() == f"Task {stub['task']}"
    where = stub["where"] or (file if named and own else None)
    action = text("stub.replace_in", where=where) if where else (
        text("stub.replace_see", notebook=stub["notebook"]) if stub["notebook"] else text("stub.replace"))
    if own:
        return text("stub.own", task=stub["task"], action=action)
    return text("stub.needs", task=task, stub=stub["task"], action=action)


def _labelled(label, text, width=10):
    """``label:`` and ``text`` beside it, later lines of ``text`` lined up under the first."""
    lines = (text or "").splitlines() or [""]
    head = language.ljust(label + language.colon(label), width)
    return "\n".join([head + lines[0]] + [" " * width + line for line in lines[1:]])


def _call_text(fn):
    """The call as a student can type it (:mod:`workbook.concrete`), else the function's source."""
    try:
        concrete = concrete_call(fn)
    except (RecursionError, ValueError, TypeError, AttributeError):  # an odd function keeps its source
        concrete = None
    if concrete:
        return concrete
    try:
        source = textwrap.dedent(inspect.getsource(fn)).strip()
    except (OSError, TypeError):
        return getattr(fn, "__name__", repr(fn))
    return source if len(source) < 300 else source[:297] + "..."


def _stub_raised(actual):
    """The message of the stub ``actual`` raised, or None when it is not a stub's."""
    if isinstance(actual, Raised) and actual.type_name == "NotImplementedError":
        return actual.message if parse_stub_message(actual.message) else None
    return None


def _not_started_parts(task, call, expected, stub, file):
    return [not_started_text(stub, task, file), _labelled(text("label.call"), call),
            _labelled("torch", _safe_repr(expected)), _labelled("mytensor", f"NotImplementedError: {stub}")]


def _mismatch_parts(task, call, expected, actual, why, found):
    parts = [text("check.mismatch", task=task, why=why), _labelled(text("label.call"), call), "",
             _side_by_side(_safe_repr(expected), _safe_repr(actual)), ""]
    if why == text("why.messages") and "torch" in expected.message:
        parts.insert(-1, text("check.says_mytensor"))
    if found is not None:
        parts.insert(-1, text("check.misconception", name=found.name, about=found.about))
    return parts


def _misconception(task, call, expected, actual):
    """The known misconception this failure shows (``.id``, ``.name``, ``.about``), or None."""
    return misconceptions.recognise(task, call, expected, actual)


_LOOK_UP = object()


def failure_message(task, call, expected, actual, why, hint=None, file=None, found=_LOOK_UP):
    """The text a student sees when a check fails.

    torch's result is printed as torch prints it. A mytensor side that stopped
    at a stub's ``NotImplementedError`` reads as a task not started yet, with
    the file (and function) to edit; any other difference names what differs,
    then shows both results in columns, or one under the other when they are
    too wide, and the known misconception it shows (``found``, looked up in
    :mod:`workbook.misconceptions` unless given). The hint comes last.
    """
    stub = _stub_raised(actual)
    if stub is not None:
        parts = _not_started_parts(task, call, expected, stub, file)
    else:
        found = _misconception(task, call, expected, actual) if found is _LOOK_UP else found
        parts = _mismatch_parts(task, call, expected, actual, why, found)
    if hint:
        parts.append(_labelled(text("label.hint"), language.hint(hint)))
    if file and stub is None:  # a task not started names its file in the first line
        parts.append(_labelled(text("label.edit"), file))
    return "\n".join(parts)


def expect_same(fn, task="check", hint=None, file=None, call=None, student="mytensor", exact=False):
    """Run ``fn`` with the student's library and with torch; raise if they differ.

    Parameters
    ----------
    fn : callable
        A function of one argument, the module (``torch`` or ``mytensor``).
    task : str
        The task id shown on failure, e.g. ``"Task 2.1"``.
    hint : str, optional
        One hint, shown on failure.
    file : str, optional
        The file the student should edit, shown on failure.
    call : str, optional
        How to show the call; by default the source of ``fn``.
    student : str
        The module name of the library under test.
    exact : bool
        Compare floats bit for bit (else within a small tolerance).

    Returns
    -------
    The student's result as plain data (a :class:`Snapshot` for a tensor).

    Raises
    ------
    CheckFailed
        With the task id, the call, both results side by side, the hint and the file.
    """
    expected, actual = run_both(fn, student)
    why = difference(expected, actual, exact)
    if why is not None and _collecting and _collecting[-1].full():
        _collecting[-1].more += 1  # beyond the calls shown a failure is only counted: no message to build
    elif why is not None:
        shown = call or _call_text(fn)
        found = None if _stub_raised(actual) else _misconception(task, shown, expected, actual)
        message = failure_message(task, shown, expected, actual, why, hint, file, found)
        fail(failure_record(task, shown, expected, actual, why, hint, file, message, found))
    return actual


FAILURES_SHOWN = 5  # failing calls of a cell that its record list and message show in full
RECORD_FIELD = 2_000  # characters of one field of a failure record


def failure_record(task, call, expected, actual, why, hint, file, message, found=None):
    """The failure as plain data; ``message`` is the text a student sees, ``found`` the misconception it names."""
    stub = _stub_raised(actual)
    where = (parse_stub_message(stub) or {}).get("where") if stub else None
    raised = actual if isinstance(actual, Raised) else None
    shown_why = not_started_text(stub, task, file) if stub else why
    return {
        "task": task, "kind": "not_started" if stub else "mismatch", "call": call,
        "torch": _safe_repr(expected), "mytensor": _safe_repr(actual), "why": shown_why,
        "error_type": raised.type_name if raised else None,
        "message": _first_line(raised.message if raised else shown_why),
        "hint": language.hint(hint) if hint else None,
        "file": where.split(":")[0].strip() if where else file,
        "function": where.split(":", 1)[1].strip() if where and ":" in where else None,
        "misconception": None if found is None else {"id": found.id, "name": found.name, "about": found.about},
        "text": message,
    }


def _first_line(value):
    return (str(value).strip().splitlines() or [""])[0]


def error_record(task, error):
    """The record of a cell that crashed outside a check: the error's type and first line, no traceback."""
    name = getattr(error, "type_name", None) or type(error).__name__
    words = str(error).removeprefix(f"{name}: ") if isinstance(error, Exception) else str(error)
    line = _first_line(words)
    kind = "not_started" if name == "NotImplementedError" and parse_stub_message(words) else "error"
    return {"task": task, "kind": kind, "call": None, "torch": None, "mytensor": f"{name}: {line}",
            "why": text("check.crashed", error=f"{name}: {line}"), "error_type": name, "message": line,
            "hint": None, "file": None, "function": None, "misconception": None,
            "text": text("check.crashed", error=f"{name}: {line}")}


class Failures:
    """The failing checks of one cell: the first :data:`FAILURES_SHOWN` records and how many more."""

    def __init__(self):
        self.records, self.more, self._seen = [], 0, set()

    def full(self):
        """True once :data:`FAILURES_SHOWN` records are kept: later failures are only counted."""
        return len(self.records) >= FAILURES_SHOWN

    def add(self, record):
        """Keep ``record`` unless the same failure is already kept; count it once shown are full."""
        if record["text"] in self._seen:
            return
        self._seen.add(record["text"])
        if len(self.records) < FAILURES_SHOWN:
            self.records.append(record)
        else:
            self.more += 1

    def error(self):
        """One CheckFailed for the whole cell: the first failure in full, then the others' first lines and calls."""
        first, *others = self.records
        parts = [first["text"]]
        if others:
            parts += ["", text("check.also_failing", count=len(others))]
        for other in others:
            call = _labelled("  " + text("label.call"), other["call"] or "", 12)
            parts += ["", "- " + _first_line(other["text"]), call]
        if self.more:
            parts += ["", text("check.more_failing", count=self.more)]
        return CheckFailed("\n".join(parts), self.records, self.more)


# While grading, each cell runs inside :func:`collecting`: a failing check adds
# its record and the cell goes on, so that feedback shows every failing call.
_collecting = []


@contextlib.contextmanager
def collecting():
    """Inside: failing checks add their records to the :class:`Failures` yielded instead of raising."""
    failures = Failures()
    _collecting.append(failures)
    try:
        yield failures
    finally:
        _collecting.pop()


def fail(record):
    """Report one failed check: kept while collecting, else raised at once as :class:`CheckFailed`.

    A check that met a stub ends its cell even while collecting: the rest of
    the cell would meet the same unwritten task, and the feedback of a task
    not started is the one stub to replace.
    """
    record = {k: v[:RECORD_FIELD] if isinstance(v, str) else v for k, v in record.items()}
    if _collecting and record["kind"] != "not_started":
        _collecting[-1].add(record)
        return
    raise CheckFailed(record["text"], [record])


def local_grads(m, y, grad=None):
    """The local derivatives of the op that made ``y``, as ``y.grad_fn(grad)`` gives them.

    ``grad`` is the gradient of the output (ones of ``y``'s shape by
    default). The result is a tuple with one detached tensor per input that
    requires a gradient, in the op's input order, so that torch's node call
    and mytensor's compare directly.
    """
    out = y.grad_fn(m.ones(y.shape, dtype=y.dtype) if grad is None else grad)
    out = out if isinstance(out, tuple) else (out,)
    return tuple(g.detach() for g in out if g is not None)


def checker(task, file, hint, exact=True):
    """Return ``check(fn, call=None)``: ``expect_same`` with this task's id, file and hint.

    Floats compare bit for bit, as torch and numpy round the same operations
    alike; ``exact=False`` allows a small tolerance where they do not (a
    transcendental function, or a sum added up in another order), and the
    cell says why next to it.

    A notebook's check cell makes one checker per task and then reads as a
    list of calls::

        check = checker("Task 1.1", "mytensor/_layout.py", "strides come from a running product")
        check(lambda m: m.zeros(3, 4).stride())
    """

    def check(fn, call=None):
        """Compare ``fn(torch)`` with ``fn(mytensor)``; silent when they agree."""
        expect_same(fn, task=task, hint=hint, file=file, call=call, exact=exact)

    return check


EXAMPLES_REPORT = 4_000  # characters of doctest's report a student sees; the rest is cut


def check_examples(function, needle, task, file, student="mytensor"):
    """Run the ``>>>`` examples of ``function``'s docstring; raise CheckFailed unless they hold.

    The examples run with doctest, torch hidden and the student's module
    bound to its name, as a reader of ``help(function)`` would type them.
    While grading they run in the submission's sandbox, which sends back only
    counts and doctest's report (text this process prints and nothing more).
    Doctest's report says which example printed something else.

    Parameters
    ----------
    function : callable
        The student's function.
    needle : str
        Text at least one example must contain, e.g. ``"linspace("``.
    task, file : str
        Shown in the failure message.

    Raises
    ------
    CheckFailed
        When no example contains ``needle``, when an example prints
        something else, when ``help`` shows no Examples section, or when the
        examples could not run at all.
    """
    worker, name = grading_worker(), function.__name__
    if worker is not None:
        found = worker.run(lambda m: examples_report(getattr(m, name), {student: m}, needle))
    else:
        with torch_hidden():
            found = examples_report(function, {student: importlib.import_module(student)}, needle)
    calls, failures, help_shows, report = _valid_report(found)
    if report:
        print(report)
    problems = [
        (isinstance(found, Raised), text("examples.crashed", error=_short(found))),
        (not calls, text("examples.none", needle=needle)),
        (failures, text("examples.failures", count=failures)),
        (not help_shows, text("examples.help")),
    ]
    for failed, why in problems:
        if failed:
            fail(_examples_record(task, name, why, file, report))
            return


def _examples_record(task, name, why, file, report):
    message = text("examples.failed", task=task, why=why, file=file)
    return {"task": task, "kind": "examples", "call": f"help(m.{name})", "torch": None, "mytensor": report or None,
            "why": why, "error_type": None, "message": _first_line(why), "hint": None, "file": file,
            "function": name, "misconception": None, "text": message}


def examples_report(function, globs, needle):
    """Run ``function``'s examples: ``(examples containing needle, failures, help shows them, report)``.

    Plain data only, so that it can cross from the sandbox; the report is cut
    at :data:`EXAMPLES_REPORT` characters.
    """
    import doctest
    import pydoc

    tests = doctest.DocTestFinder().find(function, getattr(function, "__name__", "function"), globs=globs)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report = []
    for test in tests:
        runner.run(test, out=report.append)
    calls = sum(needle in example.source for test in tests for example in test.examples)
    page = pydoc.render_doc(function)
    return calls, runner.failures, "Examples" in page and ">>>" in page, _cut("".join(report), EXAMPLES_REPORT)


def _valid_report(found):
    """``found`` as :func:`examples_report`'s four fields, or a failed run's when it is anything else."""
    fields = found if type(found) is tuple and len(found) == 4 else (0, 0, False, "")
    kinds = (int, int, bool, str)
    if not all(type(value) is kind for value, kind in zip(fields, kinds)):
        fields = (0, 0, False, "")
    calls, failures, shows, report = fields
    return max(calls, 0), max(failures, 0), shows, _cut(report, EXAMPLES_REPORT)


