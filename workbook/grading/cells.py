"""Run a released notebook's cells in the grading process, with student code kept out.

Grading needs no Jupyter kernel: the cells of a *released* notebook are
trusted code (checks, hidden tests, torch). They run here, one fresh namespace
per notebook, so torch and the checks are imported once per submission rather
than once per notebook. ``mytensor`` in that namespace is a
:class:`StudentModule`: it holds none of the student's code. Every check sends
its student side to the submission's sandboxed worker
(:func:`workbook.sandbox.host.using`), and a direct use such as
``mytensor.linspace(0, 1, 5)`` or ``help(mytensor.linspace)`` goes there too and
returns plain data.
"""

import ast
import builtins
import contextlib
import io
import linecache
import sys
import traceback
import types

from nbformat.v4 import new_output

from workbook import checks
from workbook.names import PACKAGE
from workbook.sandbox import host as sandbox

# The failure records of the graded cells run in this process, by grade id
# (``{"notebook", "task", "failures", "more"}``); the grader empties it per job.
RECORDS = {}
OUTPUT_LIMIT = 200_000
ERROR_TEXT = 20_000  # characters of an error a cell shows: a check's failure, a submission's message


class StudentModule(types.ModuleType):
    """Stands for the submitted ``mytensor`` in the grading process; it runs nothing here."""

    def __init__(self, worker):
        super().__init__(PACKAGE, "the submitted mytensor (it runs in the sandbox while grading)")
        self._worker = worker

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        found = self._worker.run(lambda m: _describe(m, name))
        if getattr(found, "type_name", None):
            raise AttributeError(f"module 'mytensor' has no attribute {name!r} (in the sandbox: {found!r:.300})")
        is_callable, doc = found
        return _remote_function(self._worker, name, doc) if is_callable else StudentAttribute(name)


def _describe(m, name):
    value = getattr(m, name)
    doc = getattr(value, "__doc__", None)
    return callable(value), doc if isinstance(doc, str) else None


class StudentAttribute:
    """A non-callable attribute of the submitted package (a dtype, say), named, not copied."""

    def __init__(self, name):
        self._student_attribute = name

    def __repr__(self):
        return f"mytensor.{self._student_attribute}"


def _remote_function(worker, name, doc):
    def call(*args, **kwargs):
        result = worker.run(lambda m: getattr(m, name)(*args, **kwargs))
        if getattr(result, "type_name", None) and hasattr(result, "message"):
            raise _exception(result.type_name, result.message)
        return result

    call.__name__ = call.__qualname__ = name
    call.__doc__, call.__module__ = doc, PACKAGE
    return call


# The errors a notebook cell may catch from a direct call (``except RuntimeError``).
# Any other name stays a name: no class of this process is looked up or made
# from it, so a submission cannot raise StopIteration, SystemExit or an
# AssertionError (which a check is) through the trusted code.
ERRORS = {kind.__name__: kind for kind in (
    RuntimeError, ValueError, TypeError, IndexError, KeyError, AttributeError, NotImplementedError,
    ZeroDivisionError, OverflowError, ArithmeticError, LookupError, MemoryError, RecursionError, TimeoutError)}


class StudentError(Exception):
    """An error of the submission whose type is not one of :data:`ERRORS`; it shows the type's name."""

    def __init__(self, type_name, message):
        super().__init__(f"{type_name}: {message}")
        self.type_name = type_name


def _exception(type_name, message):
    message = message[:ERROR_TEXT]
    kind = ERRORS.get(type_name)
    return kind(message) if kind else StudentError(type_name, message)


class _Shell:
    """What ``get_ipython()`` gives the cells: line magics of the notebooks are not needed here."""

    def run_line_magic(self, name, line, *args, **kwargs):
        return None

    def run_cell_magic(self, name, line, cell, *args, **kwargs):
        raise NotImplementedError(f"%%{name} does not run while grading")


class CappedText(io.StringIO):
    """Text output that stops growing after ``OUTPUT_LIMIT`` characters."""

    def write(self, text):
        room = OUTPUT_LIMIT - self.tell()
        if room > 0:
            super().write(text[:room] if len(text) <= room else text[:room] + "\n... output cut\n")
        return len(text)


class Runner:
    """Runs the cells of one notebook in one namespace; each cell becomes nbformat outputs."""

    def __init__(self, worker, cell_timeout):
        self.worker = worker
        self.cell_timeout = cell_timeout
        self.namespace = {"__name__": "__main__", "__builtins__": builtins, "get_ipython": _Shell}
        self.count = 0
        self.records, self.more = [], 0

    def run_cell(self, source, task=None):
        """Run one cell's source; return ``(outputs, execution_count)``.

        Every failing check of the cell is recorded and the cell goes on; at
        its end one CheckFailed lists them (so nbgrader scores it 0). The
        records, and one for an error outside a check, are left in
        ``records`` (the first :data:`checks.FAILURES_SHOWN`) and ``more``.
        """
        self.count += 1
        self.worker.start_cell(self.cell_timeout)
        out, err, result, error = CappedText(), CappedText(), None, None
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), checks.collecting() as failures:
            try:
                result = self._execute(source)
            except BaseException as caught:  # a failing cell is recorded, as a kernel would
                error = caught
        _close_figures()
        error = self._recorded(failures, error, task)
        return _outputs(out.getvalue(), err.getvalue(), result, error, self.count), self.count

    def _recorded(self, failures, error, task):
        """Keep the cell's failure records; return the error the cell shows."""
        if isinstance(error, checks.CheckFailed) and error.records:  # raised while not collecting
            for record in error.records:
                failures.add(record)
        elif error is not None:
            failures.add(checks.error_record(task, error))
        self.records, self.more = failures.records, failures.more
        return failures.error() if failures.records and failures.records[0]["kind"] != "error" else error

    def _execute(self, source):
        from IPython.core.inputtransformer2 import TransformerManager

        text = TransformerManager().transform_cell(source)
        # As in IPython, the cell's text goes to linecache: inspect.getsource then
        # works, so failure messages show the call and Hypothesis derandomizes
        # from the function's source, drawing the same examples as a kernel.
        name = f"<cell-{id(self)}-{self.count}>"
        linecache.cache[name] = (len(text), None, text.splitlines(True), name)
        tree = ast.parse(text, name)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, name, "exec"), self.namespace)
        if last is not None:
            return eval(compile(ast.Expression(last.value), name, "eval"), self.namespace)
        return None


def _close_figures():
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")


def _outputs(out, err, result, error, count):
    outputs = [new_output("stream", name=name, text=text) for name, text in (("stdout", out), ("stderr", err)) if text]
    if result is not None:
        text = repr(result)
        outputs.append(new_output("execute_result", data={"text/plain": text[:OUTPUT_LIMIT]}, execution_count=count))
    if error is not None:
        outputs.append(_error_output(error))
    return outputs


def _error_output(error):
    """The error output of a cell, its text cut to :data:`ERROR_TEXT` characters in all."""
    render = getattr(error, "_render_traceback_", None)
    lines = render() if callable(render) else traceback.format_exception(error)
    kept, room = [], ERROR_TEXT
    for line in lines:
        kept.append(line[:room])
        room -= len(kept[-1])
        if room <= 0:
            kept.append("\n... error text cut\n")
            break
    return new_output("error", ename=type(error).__name__, evalue=str(error)[:ERROR_TEXT], traceback=kept)


@contextlib.contextmanager
def session(package, config):
    """Inside: ``import mytensor`` gives a :class:`StudentModule` and checks use the sandbox.

    ``config`` (:mod:`workbook.settings`) gives each cell's time, the sandbox mode and its memory.
    """
    cell_timeout = config.cell_timeout
    worker = sandbox.worker_for(package, config)
    saved = sys.modules.get(PACKAGE)
    sys.modules[PACKAGE] = StudentModule(worker)
    try:
        with sandbox.using(worker):
            yield Runner(worker, cell_timeout)
    finally:
        worker.start_cell(None)
        if not sandbox.reuse_workers:
            worker.stop()
        if saved is None:
            sys.modules.pop(PACKAGE, None)
        else:
            sys.modules[PACKAGE] = saved
