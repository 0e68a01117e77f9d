"""Turn the reference library into the student package: solution regions become task stubs.

A solution region sits between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
inside a function body, with a ``# Task N.M: <what>`` comment right above.
``build_package`` replaces each region by
``raise NotImplementedError("Task N.M: <what> (replace this raise in mytensor/<file>.py:
<function>; see xN_<topic>.ipynb)")``, indented like the marker, using
nbgrader's own ClearSolutions code.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path

from workbook import tasks
from workbook.tasks import task_key

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
IGNORED_PARTS = {"__pycache__", ".ipynb_checkpoints"}
STUB_PLACEHOLDER = "__WORKBOOK_STUB__"


class ReleaseError(Exception):
    """Bad input or a refused release; the message says what to do."""


@dataclass(frozen=True)
class Region:
    """One solution region of a source file; line numbers count from 1."""

    begin: int
    end: int
    section: int
    task: str
    what: str
    indent: str
    function: str


def _enclosing_function(lines, index, indent):
    """The name of the function whose body holds ``lines[index]``, or ``"?"``."""
    for line in reversed(lines[:index]):
        found = re.match(r"^(\s*)def (\w+)\(", line)
        if found and len(found.group(1)) < len(indent):
            return found.group(2)
    return "?"


def _where(path, number):
    return f"{path}:{number}"


def _marker_problem(line):
    """Why ``line`` mentions a solution marker without being one, or None."""
    words = [word for word in ("BEGIN SOLUTION", "END SOLUTION") if word in line]
    if words and line.strip() not in (BEGIN, END):
        return f"'{words[0]}' must be a whole line, exactly '### {words[0]}'"
    return None


def _region_start(lines, index, path):
    """Check the marker at ``lines[index]`` and its Task comment; return a Region stub."""
    line = lines[index]
    indent = line[: len(line) - len(line.lstrip())]
    if not indent:
        raise ReleaseError(f"{_where(path, index + 1)}: a solution region must sit inside a function body, not at module level")
    task = tasks.TASK_COMMENT.match(lines[index - 1]) if index else None
    if task is None or task.group(1) != indent:
        raise ReleaseError(
            f"{_where(path, index + 1)}: '{BEGIN}' needs a '# Task N.M: <what>' comment on the line "
            "directly above it, indented like the marker"
        )
    section, minor, what = int(task.group(2)), task.group(3), task.group(4)
    function = _enclosing_function(lines, index, indent)
    return Region(index + 1, 0, section, f"{section}.{minor}", what, indent, function)


def find_regions(text, path):
    """Return the solution regions of a source file, checking every marker.

    Parameters
    ----------
    text : str
        The content of a ``.py`` file of the reference library.
    path : str or Path
        Named in error messages.

    Returns
    -------
    list of Region

    Raises
    ------
    ReleaseError
        For a marker that is not a whole line, nested, unmatched or unclosed
        markers, a region at module level, or a region without its Task comment,
        naming the file and line.
    """
    lines = text.split("\n")
    regions, open_region = [], None
    for index, line in enumerate(lines):
        problem = _marker_problem(line)
        if problem:
            raise ReleaseError(f"{_where(path, index + 1)}: {problem}")
        if line.strip() == BEGIN:
            if open_region:
                raise ReleaseError(f"{_where(path, index + 1)}: nested '{BEGIN}' (the region opened on line {open_region.begin} is not closed)")
            open_region = _region_start(lines, index, path)
        elif line.strip() == END:
            if open_region is None:
                raise ReleaseError(f"{_where(path, index + 1)}: '{END}' without a '{BEGIN}' before it")
            regions.append(Region(**{**open_region.__dict__, "end": index + 1}))
            open_region = None
    if open_region:
        raise ReleaseError(f"{_where(path, open_region.begin)}: '{BEGIN}' is never closed: add '{END}' after the solution")
    return regions


def notebook_names(solutions):
    """Map each section number to its notebook's file name, from ``solutions/xN_*.ipynb``."""
    names = {}
    for path in sorted(Path(solutions).glob("x*_*.ipynb")):
        found = re.match(r"x(\d+)_", path.name)
        if found:
            names.setdefault(int(found.group(1)), path.name)
    return names


def _student_path(path):
    """``mytensor/<file>.py`` for a path of the reference library (the part from ``mytensor`` on)."""
    parts = Path(path).parts
    start = max((i for i, part in enumerate(parts) if part == "mytensor"), default=0)
    return Path(*parts[start:]).as_posix()


def _stub_call(region, notebooks, path):
    if region.section not in notebooks:
        raise ReleaseError(
            f"{_where(path, region.begin)}: Task {region.task} belongs to section {region.section}, "
            f"but there is no notebook solutions/x{region.section}_<topic>.ipynb"
        )
    # The notebook by file name only: both editions (notebooks/ and notebooks/zh/) have it under that name.
    message = tasks.stub_message(region.task, region.what, _student_path(path), region.function,
                                 notebooks[region.section])
    return f"raise NotImplementedError({json.dumps(message, ensure_ascii=False)})"


def _drop_markers(text, regions):
    """Remove the marker lines of ``regions``, keeping their bodies as plain code."""
    lines = text.split("\n")
    doomed = {r.begin - 1 for r in regions} | {r.end - 1 for r in regions}
    return "\n".join(line for i, line in enumerate(lines) if i not in doomed)


def _clear_with_nbgrader(text):
    """Replace every region by a placeholder stub using nbgrader's own ClearSolutions code."""
    from nbformat.v4 import new_code_cell
    from nbgrader.preprocessors import ClearSolutions

    cell = new_code_cell(text)
    clearer = ClearSolutions(code_stub={"python": STUB_PLACEHOLDER})
    clearer._replace_solution_region(cell, "python")
    return cell.source


def _is_kept(region, keep_sections, done_through):
    if done_through is not None:
        return task_key(region.task) <= task_key(done_through)
    return region.section <= keep_sections


def stub_source(text, path, notebooks, keep_sections=0, done_through=None):
    """Return ``text`` with its solution regions turned into task stubs.

    Parameters
    ----------
    text : str
        A ``.py`` file of the reference library.
    path : str or Path
        Named in error messages.
    notebooks : dict
        Section number -> notebook file name (see ``notebook_names``).
    keep_sections : int
        Regions of sections ``1..keep_sections`` keep their reference body
        (used to build "finished up to section k" packages in tests).
    done_through : str, optional
        A task id such as ``"3.2"``: regions of that task and every earlier
        one keep their reference body (overrides ``keep_sections``).

    Returns
    -------
    str
    """
    regions = find_regions(text, path)
    kept = [r for r in regions if _is_kept(r, keep_sections, done_through)]
    stubbed = [r for r in regions if not _is_kept(r, keep_sections, done_through)]
    calls = iter([_stub_call(r, notebooks, path) for r in stubbed])
    cleared = _clear_with_nbgrader(_drop_markers(text, kept)) if stubbed else _drop_markers(text, kept)
    return "\n".join(line.replace(STUB_PLACEHOLDER, next(calls)) if STUB_PLACEHOLDER in line else line for line in cleared.split("\n"))


def build_package(solutions, keep_sections=0, done_through=None):
    """Return ``{relative path: bytes}`` of the student package built from ``solutions/mytensor``.

    ``keep_sections`` and ``done_through`` keep the reference body of early
    tasks, as in ``stub_source``: a package "finished up to" a point.
    """
    source = Path(solutions) / "mytensor"
    if not source.is_dir():
        raise ReleaseError(f"{source} does not exist: the reference library must be in solutions/mytensor")
    notebooks = notebook_names(solutions)
    files = {}
    for path in sorted(source.rglob("*")):
        if path.is_dir() or IGNORED_PARTS & set(path.parts) or path.suffix == ".pyc":
            continue
        relative = Path("mytensor") / path.relative_to(source)
        data = path.read_bytes()
        if path.suffix == ".py":
            shown = Path("solutions") / relative
            data = stub_source(data.decode("utf-8"), shown, notebooks, keep_sections, done_through).encode("utf-8")
        files[relative.as_posix()] = data
    return files


def write_files(files, directory):
    """Write ``{relative path: bytes}`` under ``directory``."""
    for relative, data in files.items():
        target = Path(directory) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
