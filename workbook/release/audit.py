"""Audit the student tree: drift from a fresh release, nbgrader markers and solution leaks.

Notebooks are read with nbformat.
"""

import re
from pathlib import Path

import nbformat

from workbook.release.stubbing import BEGIN, END, IGNORED_PARTS

GENERATED = ("mytensor", "notebooks")
# Generated too, but not student files: the Chinese source notebooks (solutions inside).
GENERATED_SOURCES = ("solutions/zh",)
MARKER_WORDS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def on_disk(root, tops=GENERATED):
    """Relative paths of the files under the folders ``tops`` of ``root``."""
    found = set()
    for top in tops:
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
    # In solutions/zh/ only notebooks are generated; tools leave caches there (.hypothesis/ of nbval's kernel).
    sources = {p for p in on_disk(root, GENERATED_SOURCES) if p.endswith(".ipynb")}
    for relative in sorted((on_disk(root) | sources) - set(files)):
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
        texts += [_cell_text(cell) for cell in nbformat.read(path, as_version=4).cells]
    return texts


def _cell_text(cell):
    """A cell's source; a solution cell without markers is all solution, so it is wrapped in them."""
    text = cell.source
    whole = cell.metadata.get("nbgrader", {}).get("solution") and "BEGIN SOLUTION" not in text
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
    cells = nbformat.reads(text, as_version=4).cells
    return [line for cell in cells for line in cell.source.split("\n")]


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
