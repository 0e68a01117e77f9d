"""Chinese text uses full-width punctuation: no half-width colon (or comma, ...) right after a Chinese character.

It reads the Chinese prose of the notebooks (``metadata.workbook.zh`` of
``solutions/x*.ipynb``), every Chinese message and hint of the catalog
(workbook/language.py), README.zh.md and the 中文 section of the kit's README.
Code spans are left out: code keeps its own punctuation.
"""

import re

import pytest

from tests.workbook.release.test_glossary import translated_cells
from workbook import language
from workbook.names import REPO as ROOT

HALF_WIDTH_AFTER_CHINESE = re.compile(r"[\u4e00-\u9fff\u3001-\u303f\uff01-\uff5e][:;,!?]")
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)


def half_width_marks(text):
    """Each half-width mark written right after a Chinese character, with what surrounds it."""
    prose = CODE.sub(" ", text)
    return [prose[max(0, m.start() - 8):m.end() + 8] for m in HALF_WIDTH_AFTER_CHINESE.finditer(prose)]


def test_the_check_finds_half_width_colons_after_chinese():
    assert half_width_marks("提示: 先检查形状") == ["提示: 先检查形状"]
    assert half_width_marks("调用:check(x)") == ["调用:check(x)"]
    assert half_width_marks("调用：`check(x)`, 和 `a:b`") == []  # code keeps its punctuation
    assert half_width_marks("先检查,再赋值") == ["先检查,再赋值"]
    assert half_width_marks("提示：`a: int`，再赋值") == []


def _kit_chinese_section():
    text = (ROOT / "kit" / "README.md").read_text("utf-8")
    return text.split("## 中文", 1)[1] if "## 中文" in text else ""


@pytest.mark.parametrize("path", sorted((ROOT / "solutions").glob("x*.ipynb")), ids=lambda p: p.stem)
def test_the_chinese_prose_uses_full_width_punctuation(path):
    found = {index: marks for index, _, chinese in translated_cells(path) if (marks := half_width_marks(chinese))}
    assert not found, f"{path.name}: write ：，；！？ after Chinese: {found}"


def test_the_catalog_and_the_hints_use_full_width_punctuation():
    texts = [entry["zh"] for entry in language.MESSAGES.values()] + list(language.HINTS.values())
    found = [mark for text in texts for mark in half_width_marks(text)]
    assert not found, f"workbook/language.py: write ：，；！？ after Chinese: {found}"


@pytest.mark.parametrize("text, where", [(lambda: (ROOT / "README.zh.md").read_text("utf-8"), "README.zh.md"),
                                         (_kit_chinese_section, "kit/README.md, 中文")], ids=["README.zh", "kit"])
def test_the_chinese_readmes_use_full_width_punctuation(text, where):
    found = half_width_marks(text())
    assert not found, f"{where}: write ：，；！？ after Chinese: {found}"
