"""The glossary of docs/chinese.md (English <-> 中文) and the Chinese text of the prose cells.

A prose cell of solutions/x*.ipynb whose English uses a term of the glossary's first
table must use that term's Chinese in its translation (``metadata.workbook.zh``), so
that both editions, and every notebook of the Chinese one, say a thing the same way.
Code spans and task ids are left out on both sides: they stay in English.
"""

import json
import re

import pytest

from workbook.check import cell_source
from workbook.names import REPO as ROOT

HEADING = "## Glossary / 术语表"
ROW = re.compile(r"^\|\s*([^|]+?)\s*\|\s*([^|]+?)\s*\|$")
# a form as a whole word, plural allowed: "stride" finds "strides" but not "strided"
WORD = r"(?<![\w-]){}(s|es)?(?![\w-])"
NOT_PROSE = re.compile(r"`[^`]*`|Task \d+\.\d+")
D2L_TERMS = {"tensor": "张量", "shape": "形状", "stride": "步幅", "view": "视图",
             "broadcasting": "广播", "in-place": "原地", "automatic differentiation": "自动微分",
             "computational graph": "计算图", "gradient": "梯度", "backpropagation": "反向传播"}


def glossary(page=ROOT / "docs" / "chinese.md"):
    """The first table of the glossary section as ``[(english forms, chinese forms)]``.

    A cell lists its forms separated by commas; a parenthesised part is a gloss, not a form.
    """
    text = page.read_text("utf-8")
    assert HEADING in text, f"{page} has no '{HEADING}' section"
    rows, started = [], False
    for line in text.split(HEADING, 1)[1].splitlines():
        match = ROW.match(line.strip())
        if match and match.group(1) not in ("English", "---"):
            english, chinese = match.groups()
            rows.append((_forms(english, ",", r"\([^)]*\)"), _forms(chinese, "，", r"（[^）]*）")))
        started = started or bool(match)
        if started and not match:
            break
    return rows


def _forms(cell, separator, gloss):
    return [form.strip() for form in re.sub(gloss, "", cell).split(separator) if form.strip()]


def missing_terms(english, chinese, rows):
    """English terms used in ``english`` whose Chinese forms are all absent from ``chinese``."""
    english, chinese = NOT_PROSE.sub(" ", english), NOT_PROSE.sub(" ", chinese)
    missing = []
    for english_forms, chinese_forms in rows:
        used = [f for f in english_forms if re.search(WORD.format(re.escape(f)), english, re.I)]
        if used and not any(form in chinese for form in chinese_forms):
            missing.append(used[0])
    return missing


def translated_cells(path):
    """``(index, english, chinese)`` of every prose cell of a notebook that has a translation."""
    cells = json.loads(path.read_text("utf-8"))["cells"]
    for index, cell in enumerate(cells):
        zh = cell.get("metadata", {}).get("workbook", {}).get("zh")
        if cell["cell_type"] == "markdown" and zh:
            yield index, cell_source(cell), zh["source"]


def test_the_glossary_has_d2l_zh_words_for_the_core_terms():
    rows = glossary()
    chinese_of = {english: chinese for english_forms, chinese in rows for english in english_forms}
    for english, chinese in D2L_TERMS.items():
        assert chinese in chinese_of.get(english, []), f"docs/chinese.md glossary: {english} should read {chinese}"


def test_the_check_finds_a_term_translated_another_way():
    rows = glossary()
    assert missing_terms("The strides of a view.", "视图的步长。", rows) == ["stride"]
    assert missing_terms("The strides of a `view`.", "`view` 的步幅。", rows) == []
    assert missing_terms("Task 2.1 is done.", "Task 2.1 已完成。", rows) == []


@pytest.mark.parametrize("path", sorted((ROOT / "solutions").glob("x*.ipynb")), ids=lambda p: p.stem)
def test_translations_use_the_glossary(path):
    rows = glossary()
    wrong = {index: missing for index, english, chinese in translated_cells(path)
             if (missing := missing_terms(english, chinese, rows))}
    assert not wrong, f"{path.name}: cells whose Chinese lacks the glossary word for {wrong}"


# 轴 is an axis (d2l-zh: 沿轴 0 求和); 维 and 维度 count axes (一维、0 维张量). These say 维 where they mean one axis.
AXIS_AS_DIMENSION = re.compile(r"(每一|这一|那一|各|逐|某一|哪一|其他|其它|另一)维(?!度数)"
                               r"|(第 ?[0-9一二三四]+ ?|沿着?|哪个|那个|这个|每个|多出来的|为 1 的|旧)维度?(?![数张])"
                               r"|维度(上|求和)")


def axis_words(chinese):
    """The places where ``chinese`` calls a single axis 维 or 维度 instead of 轴."""
    prose = NOT_PROSE.sub(" ", chinese)
    return [prose[max(0, m.start() - 6):m.end() + 6] for m in AXIS_AS_DIMENSION.finditer(prose)]


def test_the_axis_check_finds_an_axis_called_wei():
    assert axis_words("从右往左逐维处理") and axis_words("对前面多出来的维度求和") and axis_words("每一维的大小")
    assert axis_words("沿轴 0 求和，得到一维张量；0 维张量没有轴") == []


@pytest.mark.parametrize("path", sorted((ROOT / "solutions").glob("x*.ipynb")), ids=lambda p: p.stem)
def test_the_prose_calls_an_axis_zhou(path):
    wrong = {index: found for index, _, chinese in translated_cells(path) if (found := axis_words(chinese))}
    assert not wrong, f"{path.name}: an axis is 轴 (docs/chinese.md glossary): {wrong}"


def test_the_hints_and_messages_call_an_axis_zhou():
    from workbook import language

    texts = list(language.HINTS.values()) + [entry["zh"] for entry in language.MESSAGES.values()]
    wrong = [found for text in texts for found in axis_words(text)]
    assert not wrong, f"workbook/language.py: an axis is 轴 (docs/chinese.md glossary): {wrong}"
