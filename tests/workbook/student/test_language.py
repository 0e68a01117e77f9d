"""Messages in the student's language: the catalog, the setting, and `make check ARGS="--lang zh"`.

Task ids, file names and torch's own error text stay as they are in Chinese.
"""

import ast
import os
import re
import string
import subprocess
import sys

import pytest

from workbook import checks, lab, language, check as task_check, submit
from workbook.release import translation
from workbook_fixtures import REPO, side_by_side_cells

CJK = re.compile(r"[\u4e00-\u9fff]")


def _hints():
    """Every hint of a check cell: the third argument of ``checker(...)`` in the source notebooks."""
    found = {}
    for path in translation.source_notebooks(REPO):
        for number, source in enumerate(side_by_side_cells(path) + _test_cells(path)):
            for node in ast.walk(ast.parse(task_check._python_only(source))):
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "checker" and len(node.args) == 3:
                    found[ast.literal_eval(node.args[2])] = f"{path.name}: {ast.literal_eval(node.args[0])}"
    return found


def _test_cells(path):
    return [task_check.cell_source(cell) for cell in task_check.read_notebook(path)[1]]


def test_every_hint_has_its_chinese_text_and_none_is_left_over():
    hints = _hints()
    assert len(hints) >= 20
    missing = [f"{where}: {hint!r}" for hint, where in hints.items() if hint not in language.HINTS]
    assert not missing, "add the Chinese of these hints to workbook/language.py HINTS:\n" + "\n".join(missing)
    unused = set(language.HINTS) - set(hints)
    assert not unused, f"HINTS has Chinese for hints no notebook uses (an English hint changed?): {unused}"
    assert all(CJK.search(text) for text in language.HINTS.values())


def _fields(template):
    return sorted(name for _, name, _, _ in string.Formatter().parse(template) if name)


@pytest.mark.parametrize("key", sorted(language.MESSAGES))
def test_every_message_has_chinese_with_the_same_fields(key):
    entry = language.MESSAGES[key]
    assert set(entry) == set(language.LANGUAGES)
    assert _fields(entry["en"]) == _fields(entry["zh"])
    assert CJK.search(entry["zh"]) or not re.search(r"[A-Za-z]{3}", entry["zh"]), entry["zh"]


@pytest.mark.parametrize("value, code", [("zh", "zh"), ("zh_CN.UTF-8", "zh"), ("zh-CN", "zh"), ("en_US.UTF-8", "en"),
                                         ("C.UTF-8", None), ("", None), ("fr", None)])
def test_language_names(value, code):
    assert language.normalise(value) == code


def test_the_setting_comes_from_the_environment_then_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(language, "SETTINGS", tmp_path / "build" / "language")
    monkeypatch.delenv(language.ENV)
    assert language.current() == "en"
    assert language.choose("zh_CN") == "zh" and language.current() == "zh"
    monkeypatch.setenv(language.ENV, "en")
    assert language.current() == "en"
    with pytest.raises(SystemExit, match="unknown language 'klingon'.*en, zh"):
        language.choose("klingon")


def _failure(fn, monkeypatch, lang):
    monkeypatch.setenv(language.ENV, lang)
    hint = "strides come from a running product of the sizes, taken from the right."
    check = checks.checker("Task 1.1", "mytensor/_layout.py", hint)
    with pytest.raises(checks.CheckFailed) as failed:
        check(fn)
    return str(failed.value)


def test_a_failure_reads_in_chinese_but_keeps_ids_files_and_torch_text(monkeypatch):
    def wrong(m):
        return m.zeros(2, 3).sum() if m.__name__ == "torch" else m.zeros(2, 3).reshape(7)

    english, chinese = (_failure(wrong, monkeypatch, lang) for lang in ("en", "zh"))
    assert "does not match torch" in english and "hint:" in english
    assert "Task 1.1：mytensor 的结果与 torch 不一致" in chinese
    assert "提示：" in chinese and "步幅是各轴大小从右往左的累乘" in chinese and "修改：" in chinese
    assert "mytensor/_layout.py" in chinese and "shape '[7]' is invalid for input of size 6" in chinese


def test_a_task_not_started_reads_in_chinese(monkeypatch):
    text = language.text("stub.own", "zh", task="6.1", action="x")
    message = "Task 6.1: an ndarray (replace this raise in mytensor/interop.py: numpy; see notebooks/x6_conversion.ipynb)"
    monkeypatch.setenv(language.ENV, "zh")
    said = checks.not_started_text(message, "Task 6.1", "mytensor/interop.py")
    assert task_check._is_stub(checks.CheckFailed(said))
    assert said == "Task 6.1 还没有开始：把 mytensor/interop.py: numpy 中的 `raise NotImplementedError` 换成你的代码"
    assert text.startswith("Task 6.1 还没有开始")


def _run(args, env=None, timeout=300):
    merged = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run(args, cwd=REPO, env=merged, capture_output=True, text=True, timeout=timeout)


@pytest.mark.slow
def test_make_check_with_lang_zh_prints_chinese():
    done = _run([sys.executable, "-m", "workbook", "check", "--lang", "zh", "--section", "8"])
    assert done.returncode == 1, done.stderr
    out = done.stdout
    assert "notebooks/zh" in out and "Task 8.1" in out and "未开始" in out and "得分 0/" in out
    assert "第一个未开始的任务：Task 8.1（notebooks/zh/x8_help.ipynb" in out and "mytensor/spacing.py" in out
    english = _run([sys.executable, "-m", "workbook", "check", "--section", "8"]).stdout
    assert "not started" in english and not CJK.search(english)


@pytest.mark.slow
def test_the_reference_passes_make_check_in_chinese(tmp_path):
    done = _run([sys.executable, "-m", "workbook", "check", "--lang", "zh", "--section", "4",
                 "--package", str(REPO / "solutions")])
    assert done.returncode == 0, done.stdout[-2000:]
    assert "通过 2 个，未通过 0 个，未开始 0 个" in done.stdout


@pytest.mark.slow
def test_lang_zh_on_the_make_command_line_keeps_a_real_locale(tmp_path):
    """`make check LANG=zh` and `make check ARGS="--lang zh"` print Chinese; LANG=zh breaks no program."""
    venv = os.path.dirname(os.path.dirname(sys.executable))
    done = _run(["make", "-s", "check", "LANG=zh", f"VENV={venv}", "ARGS=--section 8"])
    assert "未开始" in done.stdout, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    with_args = _run(["make", "-s", "check", f"VENV={venv}", "ARGS=--lang zh --section 8"])
    assert "未开始" in with_args.stdout and "得分 0/" in with_args.stdout, with_args.stdout + with_args.stderr
    env = {"LANG": "zh", "LC_ALL": ""}
    shown = _run([sys.executable, "-c", "print('张量')"], env)
    assert shown.returncode == 0 and shown.stdout.strip() == "张量"
    jupyter = _run([sys.executable, "-m", "jupyterlab", "--version"], env, timeout=120)
    assert jupyter.returncode == 0, jupyter.stderr


def test_lab_selects_the_chinese_interface_and_notebooks(tmp_path, monkeypatch):
    monkeypatch.setenv(language.ENV, "zh")
    lab.write_interface_language(tmp_path, "zh")
    settings = (tmp_path / lab.TRANSLATION_SETTINGS).read_text()
    assert '"locale": "zh_CN"' in settings
    assert lab.first_page(REPO) == "/lab/tree/notebooks/zh/x1_creating.ipynb"
    assert "mytensor 练习册已经启动" in lab.banner("http://127.0.0.1:8888/lab")
    monkeypatch.setenv(language.ENV, "en")
    lab.write_interface_language(tmp_path, "en")
    assert '"locale": "en"' in (tmp_path / lab.TRANSLATION_SETTINGS).read_text()
    assert lab.first_page(REPO) == "/lab/tree/notebooks/x1_creating.ipynb"


def test_the_chinese_language_pack_is_installed_and_translates_the_menus():
    from jupyterlab_server.translation_utils import get_language_pack

    data, message = get_language_pack("zh_CN")
    assert not message and data["jupyterlab"]["Edit"] == ["编辑"] and data["jupyterlab"]["Run"] == ["运行"]


def test_submit_in_chinese_packs_the_chinese_notebooks(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(language, "_option", None)  # restored after `--lang zh` sets it for this process
    assert submit.main(["--lang", "zh", "--student", "s1", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "已写出" in out and "s1__mytensor-workbook.zip" in out
    import zipfile

    with zipfile.ZipFile(tmp_path / "s1__mytensor-workbook.zip") as zf:
        x1 = zf.read("x1_creating.ipynb").decode()
    assert '"edition": "zh"' in x1
    with pytest.raises(SystemExit, match="学号"):
        submit.student_id("")


@pytest.mark.parametrize("command", ["check", "reset", "submit"])
def test_help_of_the_student_commands_follows_the_setting(command):
    """`make check --help` (and reset's, submit's) in Chinese: usage, titles and every option's help."""
    chinese = _run([sys.executable, "-m", "workbook", command, "--help"], {language.ENV: "zh"}, timeout=60)
    assert chinese.returncode == 0, chinese.stderr
    assert chinese.stdout.startswith("用法：") and "选项：" in chinese.stdout and "显示这条帮助信息并退出" in chinese.stdout
    english_words = [line for line in chinese.stdout.splitlines()
                     if re.search(r"\s{2}[a-z]+ [a-z]+ [a-z]+", line) and not CJK.search(line)]
    assert not english_words, english_words
    english = _run([sys.executable, "-m", "workbook", command, "--help", "--lang", "en"], {language.ENV: "zh"},
                   timeout=60)
    assert english.stdout.startswith("usage: ") and not CJK.search(english.stdout)


def test_make_reset_speaks_chinese(tmp_path):
    done = _run([sys.executable, "-m", "workbook", "reset", "9.9"], {language.ENV: "zh"}, timeout=120)
    assert done.returncode == 1
    assert done.stderr.startswith("reset：没有 Task 9.9；现有的任务是 1.1, 1.2") and "什么都没有改动" in done.stderr
    bad = _run([sys.executable, "-m", "workbook", "reset", "one"], {language.ENV: "zh"}, timeout=60)
    assert bad.returncode == 2 and "不是任务编号" in bad.stderr


def test_an_item_is_named_by_its_index_and_its_ordinal(monkeypatch):
    """Index 1 is the second item: 下标为 1（第 2 项）, never 第 1 项."""
    monkeypatch.setenv(language.ENV, "zh")
    assert checks.difference((1, 2, 3), (1, 5, 3)).startswith("下标为 1（第 2 项）：")
    monkeypatch.setenv(language.ENV, "en")
    assert checks.difference([0, 1], [0, 2]).startswith("item 2 (index 1): ")
