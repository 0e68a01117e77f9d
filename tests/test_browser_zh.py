"""The Chinese edition in a real browser: `make lab LANG=zh` shows Chinese notebooks and menus.

One notebook (x.1) in headless Chromium: the lab opens ``notebooks/zh/``, the
menu bar reads 文件, 编辑, 运行 (the zh_CN language pack), Run All runs every
cell with the checks speaking Chinese, and with section 1 done Validate passes.
"""

import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest

import browser_support as bs
from test_browser import browser, chromium, lab, run_every_cell, save_notebook, source_repo, student_tree  # noqa: F401
from workbook import language
from workbook.release import translation
from workbook.release import stubbing

pytestmark = pytest.mark.browser
NOTEBOOK = "x1_creating.ipynb"
RUN_TIMEOUT_MS = 150_000
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


@pytest.fixture(scope="module")
def chinese_font():
    """A CJK font for the screenshots (apt-get, as root); the assertions read the page's text, not pixels."""
    if not CJK_FONT.exists() and shutil.which("apt-get") and os.geteuid() == 0:
        bs._run_logged(["apt-get", "install", "-y", "fonts-wqy-microhei"], 300)
    return CJK_FONT.exists()


def open_chinese_notebook(page, url, n_cells):
    """Open ``url``; wait for the cells and the status bar's idle kernel (空闲 in Chinese)."""
    page.goto(url)
    page.wait_for_function(
        """n => document.querySelectorAll('.jp-NotebookPanel .jp-Cell').length === n
            && /\\| 空闲/.test(document.querySelector('#jp-main-statusbar')?.textContent || '')""",
        arg=n_cells, timeout=60_000,
    )


def run_all_in_chinese(page, n_cells, monkeypatch):
    """test_browser's Run All, with the Chinese labels of the Run menu."""
    labels = {"Run": "运行", "Run All Cells": "运行所有单元格",
              "Run Selected Cell and All Below": "运行选中的单元格及以下所有"}
    english_click = bs.click_menu
    monkeypatch.setattr(bs, "click_menu", lambda page, *path: english_click(page, *(labels[p] for p in path)))
    run_every_cell(page, n_cells)


def test_student_runs_the_chinese_x1_with_chinese_menus_and_validates(chinese_font, browser, lab, tmp_path, monkeypatch):
    page = browser
    monkeypatch.setenv(language.ENV, "zh")  # what `make lab LANG=zh` passes on, without remembering it here
    solutions = source_repo(tmp_path)
    root = student_tree(solutions, tmp_path)
    server = lab(root, "--role", "student")
    assert server.url.endswith(f"/lab/tree/{translation.STUDENT_DIR}/{NOTEBOOK}?token={server.token}"), server.url
    assert "mytensor 练习册已经启动" in server.log_path.read_text()
    path = root / translation.STUDENT_DIR / NOTEBOOK
    student_copy = nbformat.read(path, as_version=4)
    open_chinese_notebook(page, server.url, len(student_copy.cells))
    menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
    assert {"文件", "编辑", "运行"} <= set(menus), menus
    assert "张量" in page.locator(".jp-Notebook .jp-MarkdownCell").first.inner_text()
    bs.screenshot(page, "zh-1-opened")

    run_all_in_chinese(page, len(student_copy.cells), monkeypatch)
    save_notebook(page)
    graded = [i for i, c in enumerate(student_copy.cells) if c.metadata.get("nbgrader", {}).get("grade")]
    failures = "\n".join(page.locator(".jp-Notebook .jp-Cell").nth(i).inner_text() for i in graded)
    assert re.search(r"Task 1\.\d 还没有开始：把 mytensor/\S+: \w+ 中的 `raise NotImplementedError` 换成你的代码", failures), \
        failures[:3000]
    page.locator(".jp-Notebook .jp-Cell").nth(graded[0]).scroll_into_view_if_needed()
    bs.screenshot(page, "zh-2-task-not-started")

    stubbing.write_files(stubbing.build_package(solutions, keep_sections=1), root)
    bs.validate_passes(page, "zh-3-validated", RUN_TIMEOUT_MS)


# ---------------------------------------------------------------- a Chinese picture


def chinese_picture_svg(monkeypatch):
    """x.1's first picture (torch beside a mytensor stub), drawn for the Chinese edition, as the notebook stores it."""
    import torch
    import warnings

    from workbook import draw, svg

    monkeypatch.setenv(language.ENV, "zh")

    def stub():
        raise NotImplementedError("Task 1.1: strides of a contiguous layout (replace this raise in "
                                  "mytensor/_layout.py: contiguous_strides; see x1_creating.ipynb)")

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a glyph missing from the fonts matplotlib measures with would fail here
        return svg.to_svg(draw.side_by_side(draw.storage, torch.arange(12).reshape(3, 4), stub))


def _label_box(page, label):
    """The on-screen box of the SVG ``<text>`` that reads ``label``."""
    return page.locator("svg text", has_text=label).first.bounding_box()


def _shot_of(page, label, font_family):
    """Pixels of ``label`` drawn alone in ``font_family`` at 40 px."""
    page.set_content(f"<span id=probe style=\"font: 40px {font_family}\">{label}</span>")
    return page.locator("#probe").screenshot()


def test_a_chinese_picture_shows_real_glyphs_in_the_browser(chinese_font, chromium, tmp_path, monkeypatch):
    """The picture's labels are SVG text in the page, and the browser draws them as glyphs, not boxes.

    Boxes (a font without the characters) look the same for every character, so two different
    labels of two characters draw the same pixels; real glyphs differ. The font is the picture's
    own CSS list, so the browser picks whichever Chinese font the machine has.
    """
    from playwright.sync_api import sync_playwright

    from workbook import svg

    if not chinese_font:
        pytest.skip("no Chinese font to draw with (apt-get install fonts-wqy-microhei)")
    picture = chinese_picture_svg(monkeypatch)
    with sync_playwright() as playwright:
        context = bs.launch_browser(playwright, tmp_path / "chromium-profile")
        page = context.new_page()
        watch = bs.ConsoleWatch(page)
        page.set_content(f"<html><body style='margin:0;background:white'>{picture[picture.index('<svg'):]}</body></html>")
        texts = page.locator("svg text").evaluate_all("nodes => nodes.map(node => node.textContent)")
        assert {"存储", "位置"} <= set(texts), texts
        assert any(text.startswith("形状 (3, 4)") for text in texts), texts
        assert any("Task 1.1 还没有开始" in text for text in texts), texts
        storage = _label_box(page, "存储")
        size = float(page.locator("svg text", has_text="存储").first.evaluate(
            "node => getComputedStyle(node).fontSize").rstrip("px"))
        assert storage["width"] > 1.6 * size, (storage, size)  # two full-width glyphs, not two narrow boxes
        assert _shot_of(page, "存储", svg.FONT_STACK) != _shot_of(page, "位置", svg.FONT_STACK)
        assert _shot_of(page, "\ue000\ue001", svg.FONT_STACK) == _shot_of(page, "\ue002\ue003", svg.FONT_STACK), \
            "characters without a glyph should draw identical boxes, or the comparison above proves nothing"
        context.close()
    assert not watch.errors, watch.errors
