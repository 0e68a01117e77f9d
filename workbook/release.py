"""Build the student copies, ``notebooks/`` and ``mytensor/``, from ``solutions/``.

Usage::

    python -m workbook release            # or: make release
    python -m workbook release --force    # overwrite files a student edited (backed up first)
    python -m workbook release --check    # CI: fail on drift or on a solution leak

What it writes:

* ``mytensor/``: every file of ``solutions/mytensor``. In ``.py`` files each
  region between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` becomes
  ``raise NotImplementedError("Task N.M: <what> (replace this raise in mytensor/<file>.py: <function>;
  see notebooks/xN_<topic>.ipynb)")``,
  indented like the marker; the ``# Task N.M: <what>`` comment line directly
  above the region, the signature and the docstring stay.
* ``notebooks/``: the student notebooks made by ``nbgrader generate_assignment``
  (assignment ``mytensor-workbook``) in a temporary course directory: solution
  regions, hidden tests and outputs removed.
* ``.release-manifest.json``: the SHA-256 of every generated file.

A generated file whose content no longer matches its recorded hash was edited
by someone; the release refuses to overwrite it, names it and exits 1. Pass
``--force`` to overwrite anyway (the edited copies are saved first under
``build/release-backup/``). Deleted files are simply regenerated.

``--check`` rebuilds in memory and compares with the tree on disk: any missing,
different or extra file, any nbgrader marker, and any line of a solution region
or hidden test found in the student tree make it exit 1. A non-trivial line of
a library solution region counts even when provided code repeats it (see
``answer_lines``): then the answer would be on the student's page.
"""

import argparse
import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ASSIGNMENT = "mytensor-workbook"
MANIFEST = ".release-manifest.json"
GENERATED = ("mytensor", "notebooks")
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
MARKER_WORDS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
IGNORED_PARTS = {"__pycache__", ".ipynb_checkpoints"}
TASK_LINE = re.compile(r"^(\s*)# Task (\d+)\.(\d+): (\S.*?)\s*$")
STUB_PLACEHOLDER = "__WORKBOOK_STUB__"
ROOT = Path(__file__).resolve().parent.parent


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


def task_key(task):
    """``(section, number)`` of a task id such as ``"7.2"``, for ordering tasks."""
    section, number = str(task).split(".")
    return int(section), int(number)


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
    task = TASK_LINE.match(lines[index - 1]) if index else None
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
    where = f"{_student_path(path)}: {region.function}"
    message = (f"Task {region.task}: {region.what} "
               f"(replace this raise in {where}; see notebooks/{notebooks[region.section]})")
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


def task_ids(solutions):
    """Every task id of the reference library, in notebook order (``["1.1", "1.2", ...]``)."""
    found = set()
    for path in sorted((Path(solutions) / "mytensor").rglob("*.py")):
        found.update(region.task for region in find_regions(path.read_text("utf-8"), path))
    return sorted(found, key=task_key)


def write_files(files, directory):
    """Write ``{relative path: bytes}`` under ``directory``."""
    for relative, data in files.items():
        target = Path(directory) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _import_error(directory):
    """The last lines of the error raised by ``import mytensor`` in ``directory``, or None."""
    code = "import sys, mytensor; sys.exit('mytensor imported torch' if 'torch' in sys.modules else 0)"
    done = subprocess.run([sys.executable, "-c", code], cwd=directory, capture_output=True, text=True)
    return None if done.returncode == 0 else "\n".join(done.stderr.strip().splitlines()[-6:])


def verify_imports(package_files, solutions):
    """Import the stubbed package in a fresh interpreter; raise ReleaseError if it fails."""
    with tempfile.TemporaryDirectory() as tmp:
        write_files(package_files, tmp)
        error = _import_error(tmp)
    if error is None:
        return
    reference_error = _import_error(solutions)
    if reference_error:
        raise ReleaseError(f"solutions/mytensor itself does not import:\n{reference_error}\nFix the reference library first.")
    raise ReleaseError(
        f"the stubbed package does not import, although the reference does:\n{error}\n"
        "A stub probably replaced code needed at import time: keep solution regions inside function bodies."
    )


def _nbgrader_error(output):
    lines = [line for line in output.splitlines() if "ERROR" in line or "Error" in line]
    return "\n".join(lines[-8:]) or "\n".join(output.splitlines()[-8:])


def build_notebooks(solutions):
    """Return ``{relative path: bytes}`` of the student notebooks made by nbgrader."""
    sources = sorted(Path(solutions).glob("*.ipynb"))
    if not sources:
        return {}
    with tempfile.TemporaryDirectory() as course:
        assignment = Path(course) / "source" / ASSIGNMENT
        assignment.mkdir(parents=True)
        for path in sources:
            shutil.copy2(path, assignment / path.name)
        (Path(course) / "nbgrader_config.py").write_text(f"c = get_config()\nc.CourseDirectory.root = {course!r}\n")
        bin_dir = str(Path(sys.executable).parent)
        env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
        command = [sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT, "--force"]
        done = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise ReleaseError(f"nbgrader generate_assignment failed:\n{_nbgrader_error(done.stdout + done.stderr)}")
        released = Path(course) / "release" / ASSIGNMENT
        return {f"notebooks/{path.name}": path.read_bytes() for path in sorted(released.glob("*.ipynb"))}


def _sha(data):
    return hashlib.sha256(data).hexdigest()


def manifest_bytes(files):
    """The manifest for ``files``: the hash of each, as sorted JSON."""
    record = {"assignment": ASSIGNMENT, "files": {path: _sha(data) for path, data in sorted(files.items())}}
    return (json.dumps(record, indent=1, sort_keys=True) + "\n").encode("utf-8")


def _progress(message, quiet):
    if not quiet:
        print(f"release: {message}", file=sys.stderr, flush=True)


def build_release(root, quiet=False):
    """Build the whole student tree in memory: ``{path relative to root: bytes}``, manifest included."""
    solutions = Path(root) / "solutions"
    started = time.perf_counter()
    package = build_package(solutions)
    _progress(f"stubbed {sum(p.endswith('.py') for p in package)} modules of solutions/mytensor", quiet)
    verify_imports(package, solutions)
    _progress("the stubbed package imports without torch", quiet)
    notebooks = build_notebooks(solutions)
    _progress(f"nbgrader generated {len(notebooks)} student notebooks ({time.perf_counter() - started:.1f} s so far)", quiet)
    files = {**package, **notebooks}
    files[MANIFEST] = manifest_bytes(files)
    return files


def _recorded(root):
    path = Path(root) / MANIFEST
    try:
        return json.loads(path.read_text()).get("files", {})
    except (OSError, ValueError):
        return {}


def edited_files(root, files):
    """Generated files on disk that someone changed since the last release.

    A file counts as edited when it differs from what the release would write
    and its hash is not the one the manifest recorded (or it was never recorded).
    Files the manifest lists that the release no longer makes count too, when
    changed.
    """
    recorded = _recorded(root)
    edited = []
    for relative in sorted(set(files) | set(recorded)):
        target = Path(root) / relative
        if relative == MANIFEST or not target.is_file():
            continue
        current = target.read_bytes()
        if current != files.get(relative) and recorded.get(relative) != _sha(current):
            edited.append(relative)
    return edited


def _back_up(root, paths):
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    backup = Path(root) / "build" / "release-backup" / stamp
    for relative in paths:
        target = backup / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(Path(root) / relative, target)
    return backup


def _refusal(paths):
    listed = "\n".join(f"  {path}" for path in paths)
    return (
        f"refusing to overwrite {len(paths)} generated file(s) that were edited since the last release:\n{listed}\n"
        "Your work is untouched. Either move these files somewhere safe and run the release again,\n"
        "or run `python -m workbook release --force` (`make release ARGS=--force`), which saves a copy\n"
        "of each under build/release-backup/ before overwriting it."
    )


def write_release(root, files, force=False, quiet=False):
    """Write ``files`` under ``root``, refusing to clobber edited files unless ``force``."""
    edited = edited_files(root, files)
    if edited and not force:
        raise ReleaseError(_refusal(edited))
    if edited:
        _progress(f"--force: saved the edited files under {_back_up(root, edited)}", quiet)
    stale = [path for path in _recorded(root) if path not in files and (Path(root) / path).is_file()]
    for relative in stale:
        (Path(root) / relative).unlink()
    changed = 0
    for relative, data in sorted(files.items()):
        target = Path(root) / relative
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        changed += 1
    _progress(f"wrote {changed} file(s), removed {len(stale)}, {len(files) - changed} already up to date", quiet)


def _on_disk(root):
    found = set()
    for top in GENERATED:
        for path in (Path(root) / top).rglob("*"):
            relative = path.relative_to(root)
            if path.is_file() and not IGNORED_PARTS & set(relative.parts) and path.suffix != ".pyc":
                found.add(relative.as_posix())
    return found


def drift(root, files):
    """Describe every way the tree on disk differs from ``files``; empty when equal."""
    problems = []
    for relative, data in sorted(files.items()):
        target = Path(root) / relative
        if not target.is_file():
            problems.append(f"missing:   {relative}")
        elif target.read_bytes() != data:
            problems.append(f"differs:   {relative}")
    for relative in sorted(_on_disk(root) - set(files)):
        problems.append(f"extra:     {relative}")
    return problems


def _split_regions(text):
    """``(lines inside marker regions, lines outside)`` of ``text``, stripped; markers dropped."""
    inside, secret, public = False, [], []
    for line in text.split("\n"):
        if "BEGIN SOLUTION" in line or "BEGIN HIDDEN TESTS" in line:
            inside = True
        elif "END SOLUTION" in line or "END HIDDEN TESTS" in line:
            inside = False
        else:
            (secret if inside else public).append(line.strip())
    return secret, public


def _source_texts(root):
    solutions = Path(root) / "solutions"
    texts = [path.read_text("utf-8") for path in sorted((solutions / "mytensor").rglob("*.py"))]
    for path in sorted(solutions.glob("*.ipynb")):
        texts += [_cell_text(cell) for cell in json.loads(path.read_text("utf-8")).get("cells", [])]
    return texts


def _cell_text(cell):
    """A cell's source; a solution cell without markers is all solution, so it is wrapped in them."""
    text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    whole = cell.get("metadata", {}).get("nbgrader", {}).get("solution") and "BEGIN SOLUTION" not in text
    return f"{BEGIN}\n{text}\n{END}" if whole else text


def secret_lines(root):
    """Distinctive lines of solution regions and hidden tests: they must never reach students.

    A line counts when, stripped, it is at least 16 characters long and does
    not also appear outside the regions (so ``return out`` or a bracket never
    counts).
    """
    split = [_split_regions(text) for text in _source_texts(root)]
    secret = {line for inside, _ in split for line in inside if len(line) >= 16}
    return secret - {line for _, outside in split for line in outside}


def _is_answer(line):
    """A stripped line of a solution region that must not appear in provided code.

    Short lines, block headers (``if x:``), opening brackets, comments,
    doctest lines and docstring parameter lines (``dtype : mytensor.dtype``)
    are common to any code, so they do not count.
    """
    if len(line) < 22 or line.endswith((":", "(", "[", "{")) or line.startswith(("#", ">>>")):
        return False
    return not re.match(r"\*{0,2}\w+ : ", line)


def answer_lines(root):
    """Every line of a library solution region that gives away part of an answer.

    Unlike ``secret_lines``, a line counts even when the reference also has
    it outside a region: that copy is provided code, so the answer would be
    on the student's page.
    """
    found = set()
    for path in sorted((Path(root) / "solutions" / "mytensor").rglob("*.py")):
        inside, _ = _split_regions(path.read_text("utf-8"))
        found.update(line for line in inside if _is_answer(line))
    return found


def _student_lines(data, relative):
    text = data.decode("utf-8", errors="replace")
    if not relative.endswith(".ipynb"):
        return text.split("\n")
    cells = json.loads(text).get("cells", [])
    return [line for cell in cells for line in "".join(cell["source"]).split("\n")]


def leaks(root, student_files):
    """Describe every marker or secret line found in ``student_files`` ({path: bytes})."""
    secret = secret_lines(root) | answer_lines(root)
    problems = []
    for relative, data in sorted(student_files.items()):
        for number, line in enumerate(_student_lines(data, relative), 1):
            word = next((w for w in MARKER_WORDS if w in line), None)
            if word:
                problems.append(f"leak:      {relative}: line {number} holds the marker '{word}'")
            elif line.strip() in secret:
                problems.append(f"leak:      {relative}: line {number} is solution code: {line.strip()[:60]}")
    return problems


def check_release(root, quiet=False):
    """Return the list of drift and leak problems of the student tree under ``root``."""
    files = build_release(root, quiet)
    on_disk = {p: (Path(root) / p).read_bytes() for p in _on_disk(root)}
    return drift(root, files) + leaks(root, on_disk)


def main(argv=None):
    """Entry point of ``python -m workbook release``; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m workbook release", description=__doc__.split("\n")[0])
    parser.add_argument("--force", action="store_true", help="overwrite edited generated files (a backup is kept)")
    parser.add_argument("--check", action="store_true", help="only compare the tree with a fresh release (CI)")
    parser.add_argument("--root", default=str(ROOT), help="the repository root (default: %(default)s)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    try:
        if args.check:
            return _report_check(check_release(args.root, args.quiet))
        write_release(args.root, build_release(args.root, args.quiet), args.force, args.quiet)
    except ReleaseError as error:
        print(f"release: error: {error}", file=sys.stderr)
        return 1
    return 0


def _report_check(problems):
    if not problems:
        print("release --check: notebooks/ and mytensor/ match a fresh release; no solution leaks.")
        return 0
    print("release --check: the student tree is not what `python -m workbook release` makes:", file=sys.stderr)
    print("\n".join(problems), file=sys.stderr)
    print("Fix: run `make release` (or fix the leak in solutions/) and commit notebooks/, mytensor/ and "
          f"{MANIFEST} together.", file=sys.stderr)
    return 1
