"""The Chinese edition's text: every prose cell translated, and no translation stale.

Each markdown cell of ``solutions/x*_*.ipynb`` carries its Chinese in
``metadata.workbook.zh`` with the hash of the English it translates
(:mod:`workbook.release.translation`). The release swaps the prose and nothing else.
"""

import hashlib
import copy
import json
import re
import shutil

import nbformat
import pytest

from workbook import check as task_check
from workbook.release import command as release, translation
from workbook_fixtures import REPO, make_repo

SOURCES = translation.source_notebooks(REPO)
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_prose_cell_has_fresh_chinese_text():
    problems = translation.all_problems(REPO)
    assert SOURCES and not problems, "\n".join(map(str, problems))


def test_the_hash_is_the_first_16_hex_digits_of_sha256_of_the_english():
    text = "# x.1 Creating tensors\n\nA **tensor** is ...\n"
    assert translation.en_sha256(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    cell = next(c for c in nbformat.read(SOURCES[0], as_version=4).cells if c.cell_type == "markdown")
    assert cell.metadata.workbook.zh.en_sha256 == translation.en_sha256(cell.source)


@pytest.fixture
def copy_of_x1(tmp_path):
    """A repository holding a copy of x.1's source notebook, safe to edit."""
    (tmp_path / "solutions").mkdir()
    shutil.copy2(SOURCES[0], tmp_path / "solutions" / SOURCES[0].name)
    return tmp_path, tmp_path / "solutions" / SOURCES[0].name


def _markdown_index(path):
    return next(i for i, c in enumerate(nbformat.read(path, as_version=4).cells) if c.cell_type == "markdown")


def _edit_cell(path, index, change):
    notebook = nbformat.read(path, as_version=4)
    change(notebook.cells[index])
    nbformat.write(notebook, path)


def test_an_english_edit_makes_its_translation_stale_until_refreshed(copy_of_x1):
    root, path = copy_of_x1
    index = _markdown_index(path)
    assert translation.all_problems(root) == []
    _edit_cell(path, index, lambda cell: setattr(cell, "source", cell.source + "\nOne more English sentence."))
    [problem] = translation.all_problems(root)
    text = str(problem)
    assert problem.state == "stale" and f"cell {index}" in text and path.name in text
    assert f"--refresh {path.name}:{index}" in text
    assert translation.main(["--root", str(root)]) == 1
    assert translation.main(["--root", str(root), "--refresh", f"{path.name}:{index}"]) == 0
    assert translation.all_problems(root) == []


def test_a_prose_cell_without_chinese_is_reported(copy_of_x1, capsys):
    root, path = copy_of_x1
    index = _markdown_index(path)
    _edit_cell(path, index, lambda cell: cell.metadata.workbook.pop("zh"))
    [problem] = translation.all_problems(root)
    assert problem.state == "missing" and "no Chinese text" in str(problem)
    with pytest.raises(SystemExit, match="no Chinese text to refresh"):
        translation.main(["--root", str(root), "--refresh", f"{path.name}:{index}"])
    with pytest.raises(SystemExit, match="NOTEBOOK:CELL"):
        translation.main(["--root", str(root), "--refresh", "x1_creating.ipynb"])


def test_a_new_markdown_cell_counts_as_missing(copy_of_x1):
    root, path = copy_of_x1
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_markdown_cell("## A new paragraph"))
    nbformat.write(notebook, path)
    assert [p.state for p in translation.all_problems(root)] == ["missing"]


def _grade_ids(path):
    return [c["metadata"]["nbgrader"].get("grade_id") for c in json.loads(path.read_text())["cells"]
            if "nbgrader" in c["metadata"]]


def _code_cells(cells):
    """The code cells as the English edition has them: the Chinese one differs only where it names its edition.

    Its setup cell says ``edition.start("zh")``, and the cells that print in
    the student's language carry nbval's ``nbval-ignore-output`` tag (and only those).
    """
    english, chinese = (translation.EDITION_CALL.format(code=code) for code in ("en", "zh"))
    shared = []
    for cell in (copy.deepcopy(dict(c)) for c in cells if c["cell_type"] == "code"):
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        cell["source"] = source.replace(chinese, english)
        tags = cell["metadata"].get("tags", [])
        if "nbval-ignore-output" in tags:
            assert cell["metadata"]["workbook"].get("role") == "progress" or translation.PRINTS_IN_LANGUAGE.search(source)
            tags.remove("nbval-ignore-output")
            if not tags:
                del cell["metadata"]["tags"]
        shared.append(cell)
    return shared


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_both_editions_share_every_code_cell_and_grade_id(source):
    english = REPO / "notebooks" / source.name
    chinese = REPO / translation.STUDENT_DIR / source.name
    en_cells, zh_cells = (json.loads(p.read_text())["cells"] for p in (english, chinese))
    assert _code_cells(en_cells) == _code_cells(zh_cells)
    assert _grade_ids(english) == _grade_ids(chinese) and _grade_ids(english)
    prose = [task_check.cell_source(c) for c in zh_cells if c["cell_type"] == "markdown"]
    assert prose and all(CJK.search(text) for text in prose), "a prose cell of the Chinese edition is not Chinese"
    assert not any(translation.KEY in c["metadata"].get("workbook", {}) for c in en_cells + zh_cells)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_the_chinese_source_notebook_keeps_the_stored_outputs(source):
    """solutions/zh/ is the nbgrader source of the Chinese assignment: the English code, outputs and all.

    Only the setup cell names the other edition, and the cells that print in
    the student's language are not compared by nbval.
    """
    english = nbformat.read(source, as_version=4)
    chinese = nbformat.read(REPO / translation.SOURCE_DIR / source.name, as_version=4)
    starts = [translation.EDITION_CALL.format(code=code) for code in ("en", "zh")]
    assert starts[1] in chinese.cells[1].source and starts[0] in english.cells[1].source
    assert _code_cells(english.cells) == _code_cells(chinese.cells)
    assert translation.edition_of(chinese) == "zh" and translation.edition_of(english) == "en"


@pytest.mark.slow
def test_release_warns_and_check_fails_on_a_stale_translation(tmp_path, capsys):
    """A maintainer who edits English prose can still release; `release --check` (CI) names the cell."""
    root = make_repo(tmp_path)
    path = next((root / "solutions").glob("x1_*.ipynb"))
    notebook = nbformat.read(path, as_version=4)
    cell = notebook.cells[0]
    cell.metadata["workbook"] = {"zh": {"source": "# 旧的标题", "en_sha256": translation.en_sha256("# old title")}}
    nbformat.write(notebook, path)
    assert release.main(["--root", str(root)]) == 0
    assert re.search(r"warning: \d+ prose cell\(s\) have no fresh Chinese text", capsys.readouterr().err)
    assert (root / translation.STUDENT_DIR / path.name).is_file()
    assert release.main(["--root", str(root), "--check", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert f"translation: solutions/{path.name}, cell 0 ('# " in err and "has Chinese text for an older" in err
    assert f"--refresh {path.name}:0" in err
