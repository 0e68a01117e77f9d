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
from workbook import language, release, translation

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

    release.write_files(release.build_package(solutions, keep_sections=1), root)
    bs.validate_passes(page, "zh-3-validated", RUN_TIMEOUT_MS)
