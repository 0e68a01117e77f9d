"""The Chinese edition (中文版): one source notebook, two languages.

Every prose (markdown) cell of ``solutions/x*_*.ipynb`` carries its Chinese
text in its metadata, with a hash of the English text it translates::

    cell.metadata["workbook"]["zh"] = {"source": "<Chinese markdown>", "en_sha256": H}

``H`` is :func:`en_sha256` of the cell's English source as stored. When the
English changes, ``H`` no longer matches and the translation is *stale*.

The release makes both editions from the same source (:func:`editions`): the
English one without the Chinese metadata, and the Chinese one with every
prose cell swapped for its translation; code cells, graded cells and hidden
tests are the same objects, so both editions grade identically.

Usage (``make translations``)::

    python -m workbook translations                     # list missing and stale translations
    python -m workbook translations --refresh x1_creating.ipynb:5
                                                        # after updating cell 5's Chinese text:
                                                        # record the hash of its English text
"""

import argparse
import copy
import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from workbook.names import REPO

KEY = "zh"
# The nbgrader assignment of the Chinese edition, and the folders it lives in.
EDITION = "zh"
STUDENT_DIR = "notebooks/zh"
SOURCE_DIR = "solutions/zh"
# A call of workbook.language.text: the cell prints in the student's language.
PRINTS_IN_LANGUAGE = re.compile(r"\btext\(")
# How a notebook's setup cell names its edition (see workbook/edition.py).
EDITION_CALL = 'edition.start("{code}")'


def en_sha256(text):
    """The hash a translation records: the first 16 hex digits of SHA-256 of the English text.

    Examples
    --------
    >>> en_sha256("# Tensors\\n")
    'eff2fcdeec00a156'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def cell_text(cell):
    """A cell's source as one string (nbformat may hold it as a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def translation(cell):
    """The cell's ``{"source", "en_sha256"}`` translation record, or None."""
    record = cell.get("metadata", {}).get("workbook", {}).get(KEY)
    return record if isinstance(record, dict) else None


def state(cell):
    """``"fresh"``, ``"stale"`` or ``"missing"`` for a prose cell; None for any other cell."""
    if cell.get("cell_type") != "markdown":
        return None
    record = translation(cell)
    if record is None or not str(record.get("source", "")).strip():
        return "missing"
    return "fresh" if record.get("en_sha256") == en_sha256(cell_text(cell)) else "stale"


@dataclass(frozen=True)
class Problem:
    """A prose cell whose Chinese text is missing or stale."""

    notebook: str
    index: int
    state: str
    first_line: str

    def __str__(self):
        what = ("has no Chinese text (metadata.workbook.zh)" if self.state == "missing"
                else "has Chinese text for an older English text (the en_sha256 differs)")
        return (f"{self.notebook}, cell {self.index} ({self.first_line!r}) {what}. Fix: write its Chinese in "
                f"metadata.workbook.zh.source, then run `python -m workbook translations --refresh "
                f"{Path(self.notebook).name}:{self.index}`")


def problems(notebook, path):
    """Every prose cell of ``notebook`` (read from ``path``) whose translation is missing or stale."""
    found = []
    for index, cell in enumerate(notebook["cells"]):
        cell_state = state(cell)
        if cell_state in ("missing", "stale"):
            first = next((line for line in cell_text(cell).splitlines() if line.strip()), "")
            found.append(Problem(str(path), index, cell_state, first[:50]))
    return found


def source_notebooks(root=REPO):
    """The source notebooks ``solutions/x*_*.ipynb`` of the repository at ``root``."""
    return sorted((Path(root) / "solutions").glob("x*_*.ipynb"))


def all_problems(root=REPO):
    """Missing and stale translations of every source notebook under ``root``."""
    found = []
    for path in source_notebooks(root):
        shown = path.relative_to(root).as_posix()
        found += problems(nbformat.read(path, as_version=4), shown)
    return found


def _without_translation(cell):
    """A copy of ``cell`` without its Chinese record (and without an emptied ``workbook`` dict)."""
    cell = copy.deepcopy(cell)
    meta = cell.get("metadata", {}).get("workbook")
    if isinstance(meta, dict) and KEY in meta:
        del meta[KEY]
        if not meta:
            del cell["metadata"]["workbook"]
    return cell


def _chinese_cell(cell):
    """``cell`` in the Chinese edition: fresh prose swapped; anything else as in English."""
    swapped = _without_translation(cell)
    if state(cell) == "fresh":
        swapped["source"] = translation(cell)["source"]
    return swapped


def editions(notebook):
    """``(english, chinese)`` notebooks made from one source notebook.

    A missing or stale translation keeps the English text in the Chinese
    edition (``release --check`` and the tests report it).
    """
    english, chinese = copy.deepcopy(notebook), copy.deepcopy(notebook)
    english["cells"] = [_without_translation(cell) for cell in notebook["cells"]]
    chinese["cells"] = [_chinese_cell(cell) for cell in notebook["cells"]]
    for cell in chinese["cells"]:
        _speak_chinese(cell)
    chinese["metadata"].setdefault("workbook", {})["edition"] = EDITION
    return english, chinese


def _speak_chinese(cell):
    """The Chinese edition's setup cell starts the notebook in Chinese; cells that print in it are not compared.

    nbval compares stored outputs, and the source stores the English run's, so
    a cell whose output is in the student's language (a progress table, a
    line printed through the message catalog) is tagged ``nbval-ignore-output``
    here.
    """
    if cell.get("cell_type") != "code":
        return
    english, chinese = EDITION_CALL.format(code="en"), EDITION_CALL.format(code=EDITION)
    source = cell_text(cell)
    if english in source:
        cell["source"] = source.replace(english, chinese)
    role = cell.get("metadata", {}).get("workbook", {}).get("role")
    if role == "progress" or PRINTS_IN_LANGUAGE.search(source):
        tags = cell["metadata"].setdefault("tags", [])
        if "nbval-ignore-output" not in tags:
            tags.append("nbval-ignore-output")


def edition_of(notebook):
    """``"zh"`` for a notebook of the Chinese edition, ``"en"`` otherwise."""
    return notebook.get("metadata", {}).get("workbook", {}).get("edition", "en")


def refresh(path, indices):
    """Record the hash of the current English text for cells ``indices`` of ``path``.

    Only cells that have Chinese text can be refreshed: the hash says "this
    Chinese translates that English", so a maintainer runs this after updating
    the Chinese, never instead of it.
    """
    notebook = nbformat.read(path, as_version=4)
    for index in indices:
        if not 0 <= index < len(notebook.cells) or notebook.cells[index].cell_type != "markdown":
            raise SystemExit(f"error: {path} has no markdown cell {index}; "
                             "`python -m workbook translations` lists the cells to fix")
        record = translation(notebook.cells[index])
        if record is None:
            raise SystemExit(f"error: {path}, cell {index} has no Chinese text to refresh: "
                             "write metadata.workbook.zh.source first")
        record["en_sha256"] = en_sha256(cell_text(notebook.cells[index]))
    nbformat.write(notebook, path)


def _refresh_targets(items, root):
    """``{path: [cell index, ...]}`` from ``["x1_creating.ipynb:5", ...]``."""
    targets = {}
    for item in items:
        name, _, number = item.rpartition(":")
        path = Path(root) / "solutions" / Path(name).name
        if not name or not number.isdigit() or not path.is_file():
            raise SystemExit(f"error: --refresh {item!r}: expected NOTEBOOK:CELL, e.g. x1_creating.ipynb:5, "
                             "naming a notebook of solutions/")
        targets.setdefault(path, []).append(int(number))
    return targets


def main(argv=None):
    """Entry point of ``python -m workbook translations``; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m workbook translations", description=__doc__.split("\n")[0])
    parser.add_argument("--refresh", nargs="+", metavar="NOTEBOOK:CELL", default=[],
                        help="record the current English hash for these cells (after updating their Chinese)")
    parser.add_argument("--root", type=Path, default=REPO, help="the repository root (default: %(default)s)")
    args = parser.parse_args(argv)
    for path, indices in _refresh_targets(args.refresh, args.root).items():
        refresh(path, indices)
        print(f"refreshed {len(indices)} cell(s) of {path.name}; run `make release` next")
    found = all_problems(args.root)
    for problem in found:
        print(problem, file=sys.stderr)
    cells = sum(1 for path in source_notebooks(args.root)
                for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "markdown")
    print(f"{cells - len(found)} of {cells} prose cells have fresh Chinese text.")
    return 1 if found else 0
