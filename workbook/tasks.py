"""Tasks: their ids, and the stub message that stands for an unwritten task.

One grammar, used by the release that writes the stubs, by the checks that
read a stub's message, and by ``make check`` and ``make reset``:

* a task id is ``<section>.<number>``, e.g. ``"4.1"``; shown as ``Task 4.1``;
  its graded cell has the nbgrader grade id ``task-4-1``;
* a stub is the body of a function (or method) of the released library:
  ``raise NotImplementedError("Task 4.1: <what> (replace this raise in
  mytensor/<file>.py: <function>; see x4_<topic>.ipynb)")``.

Examples
--------
>>> message = stub_message("6.1", "an ndarray", "mytensor/interop.py", "numpy", "x6_conversion.ipynb")
>>> message
'Task 6.1: an ndarray (replace this raise in mytensor/interop.py: numpy; see x6_conversion.ipynb)'
>>> parse_stub_message(message)["where"]
'mytensor/interop.py: numpy'
>>> sorted(["9.2", "10.1", "1.3"], key=task_key)
['1.3', '9.2', '10.1']
"""

import ast
import re

TASK_ID = re.compile(r"\d+\.\d+")
# The line above a solution region in solutions/mytensor: ``# Task 4.1: <what>``.
TASK_COMMENT = re.compile(r"^(\s*)# Task (\d+)\.(\d+): (\S.*?)\s*$")
# A stub's message; older releases wrote the notebook as ``notebooks/x6_....ipynb`` and no place to edit.
_STUB = re.compile(
    r"^Task (?P<task>\d+(?:\.\d+)*): (?P<what>.*?)"
    r"(?: \((?:replace this raise in (?P<where>[^;()]+); )?see (?:notebooks/)?(?P<notebook>x\d+_\w+\.ipynb)\))?$",
    re.S,
)
_STUB_RAISE = re.compile(r'NotImplementedError\("Task (\d+\.\d+):')


def is_task_id(text):
    """Whether ``text`` is a task id such as ``"4.1"``."""
    return TASK_ID.fullmatch(str(text)) is not None


def task_key(task):
    """``(section, number)`` of a task id such as ``"7.2"``, for ordering tasks."""
    section, number = str(task).split(".")
    return int(section), int(number)


def task_of_cell(grade_id):
    """The task a graded cell checks: ``Task 2.3`` for the grade id ``task-2-3``; any other id as it is.

    >>> task_of_cell("task-2-3"), task_of_cell("summary")
    ('Task 2.3', 'summary')
    """
    found = re.fullmatch(r"task-(\d+)-(\d+)", str(grade_id))
    return f"Task {found[1]}.{found[2]}" if found else grade_id


def shown_key(shown):
    """The order of a task as shown (``"Task 4.2"``) among tasks: anything else sorts last.

    >>> sorted(["Task 10.1", "summary", "Task 4.2"], key=shown_key)
    ['Task 4.2', 'Task 10.1', 'summary']
    """
    found = re.fullmatch(r"Task (\d+\.\d+)", str(shown))
    return task_key(found[1]) if found else (10**6, 0)


def stub_message(task, what, file, function, notebook):
    """The message of the ``NotImplementedError`` that stubs ``function`` of ``file`` for ``task``."""
    return f"Task {task}: {what} (replace this raise in {file}: {function}; see {notebook})"


def parse_stub_message(message):
    """The parts of a stub's message (``task``, ``what``, ``where``, ``notebook``), or None for any other message.

    >>> parse_stub_message("not implemented") is None
    True
    """
    found = _STUB.match(message.strip())
    return found.groupdict() if found else None


def stubbed_tasks(source):
    """The task ids whose stubs appear in the Python ``source``, in task order."""
    return sorted(set(_STUB_RAISE.findall(source)), key=task_key)


def stub_functions(source, task):
    """``{name: source lines}`` of the functions in ``source`` that stub ``task``.

    Module-level functions are named as they are; methods as
    ``Class.method`` (Task 9.2's functions are methods of a class).
    """
    lines = source.split("\n")
    marker = f'NotImplementedError("Task {task}:'
    found = {}
    for name, node in functions(ast.parse(source)).items():
        text = lines[first_line(node) - 1:node.end_lineno]
        if any(marker in line for line in text):
            found[name] = text
    return found


def functions(tree):
    """``{name: node}`` of the module's functions and of its classes' methods (``Class.method``)."""
    found = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found[node.name] = node
        elif isinstance(node, ast.ClassDef):
            found.update({f"{node.name}.{item.name}": item for item in node.body
                          if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))})
    return found


def first_line(node):
    """The first line of a function, its decorators included."""
    return min([node.lineno] + [d.lineno for d in node.decorator_list])
