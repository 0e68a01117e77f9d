"""The edition decides: a notebook of ``notebooks/zh/`` speaks Chinese under an English setting.

The student's x.1 (all tasks still stubs) runs in a real kernel with
``WORKBOOK_LANG=en`` and ``LANG=en_US.UTF-8``. Everything it prints is then
Chinese: the check cells, the side-by-side cells that reach a stub, the
pictures and the progress table. The English x.1 under ``WORKBOOK_LANG=zh``
stays English.
"""

import os
import re
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from workbook.release import translation
from workbook_fixtures import REPO

pytestmark = pytest.mark.slow
NOTEBOOK = "x1_creating.ipynb"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _run(folder, setting, monkeypatch, tmp_path):
    """Run the student's x.1 of ``folder`` in a kernel whose setting is ``setting``; return its cells."""
    work = tmp_path / folder
    work.mkdir(parents=True)
    shutil.copy(REPO / folder / NOTEBOOK, work / NOTEBOOK)
    monkeypatch.setenv("WORKBOOK_LANG", setting)
    monkeypatch.setenv("LANG", "en_US.UTF-8" if setting == "en" else "zh_CN.UTF-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    notebook = nbformat.read(work / NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(work)}}).execute()
    return notebook.cells


def _shown(cell):
    """What a cell showed: streams, text results, error tracebacks and the text of SVG pictures."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type == "error":
            parts.append("\n".join(output.traceback))
        else:
            data = output.get("data", {})
            parts.append(data.get("text/plain", ""))
            parts += re.findall(r">([^<>]+)</text>", data.get("image/svg+xml", ""))
    return "\n".join(parts)


def _by_role(cells):
    roles = {}
    for cell in cells:
        meta = cell.metadata
        name = "check" if meta.get("nbgrader", {}).get("grade") else meta.get("workbook", {}).get("role")
        roles.setdefault(name, []).append(_shown(cell))
    return roles


def test_a_chinese_notebook_prints_chinese_under_an_english_setting(monkeypatch, tmp_path):
    shown = _by_role(_run(translation.STUDENT_DIR, "en", monkeypatch, tmp_path))
    checks = "\n".join(shown["check"])
    assert re.search(r"Task 1\.1 还没有开始：把 mytensor/_layout\.py: contiguous_strides 中的", checks), checks[:2000]
    assert "is not started yet" not in checks and "hint:" not in checks
    twins = "\n".join(shown["twin"])
    assert "还没有开始" in twins and "replace this raise" not in twins, twins[:2000]
    pictures = "\n".join(shown["picture"])
    assert {"存储", "位置"} <= set(pictures.split("\n")), pictures[:2000]
    assert "storage" not in pictures.split("\n")
    progress = shown["progress"][-1]
    assert "未开始" in progress and "not started" not in progress, progress
    assert "第一个未开始的任务：Task 1.1（zh/x1_creating.ipynb，测试 task-1-1）" in progress, progress


def test_an_english_notebook_stays_english_under_a_chinese_setting(monkeypatch, tmp_path):
    shown = _by_role(_run("notebooks", "zh", monkeypatch, tmp_path))
    everything = "\n".join(text for texts in shown.values() for text in texts)
    assert "Task 1.1 is not started yet" in everything
    assert not CJK.search(everything), CJK.findall(everything)[:20]


def test_side_by_side_cells_let_a_stub_through_rather_than_print_it_as_a_runtime_error():
    """NotImplementedError is a RuntimeError: a cell catching RuntimeError would print a stub as one, in English."""
    import ast

    from tests.workbook.release.test_notebooks import NOTEBOOKS, code_cells

    catching = 0
    for section in NOTEBOOKS:
        for cell in code_cells(section):
            if cell.metadata.get("workbook", {}).get("role") != "twin":
                continue
            for node in ast.walk(ast.parse(cell.source)):
                if isinstance(node, ast.Try):
                    caught = [ast.unparse(h.type) for h in node.handlers if h.type is not None]
                    if any("RuntimeError" in name for name in caught):
                        catching += 1
                        assert caught[0] == "NotImplementedError", cell.source
    assert catching >= 5
