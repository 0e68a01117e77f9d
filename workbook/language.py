"""The student's language (English or 中文) and every message the student tools print, in both.

In a notebook the edition decides: the setup cell of each notebook calls
:func:`use_edition` with its edition's language, so a notebook of
``notebooks/zh/`` speaks Chinese whatever the setting in any Jupyter kernel
(JupyterLab, Validate, nbval). The commands (``make check``, ``make lab``, ``make
reset``, ``make submit``) follow one setting:

1. the environment variable ``WORKBOOK_LANG`` (``en`` or ``zh``), which
   ``make lab LANG=zh`` sets for the server and its kernels;
2. otherwise the file ``build/language``, which ``make lab LANG=...`` and
   ``--lang`` of ``make lab`` write, so that later commands remember it;
3. otherwise English.

``zh``, ``zh_CN``, ``zh-CN`` and ``zh_CN.UTF-8`` all mean Chinese. Task ids,
file names, code and torch's own error text are never translated.

:data:`MESSAGES` maps a key to its English and Chinese text; :data:`HINTS`
maps the English hint of a check cell to its Chinese. A test fails when a
message or a hint of a notebook lacks its Chinese, so new ones get translated.
"""

import argparse
import contextlib
import sys
import unicodedata

from . import settings
from .names import REPO

LANGUAGES = ("en", "zh")
ENV = settings.VARIABLES["language"]
SETTINGS = REPO / "build" / "language"


def normalise(value):
    """``"en"`` or ``"zh"`` for a language name such as ``zh_CN.UTF-8``; None when unknown.

    Examples
    --------
    >>> normalise("zh_CN.UTF-8"), normalise("EN"), normalise("fr")
    ('zh', 'en', None)
    """
    code = str(value or "").strip().lower().replace("-", "_").split(".")[0].split("_")[0]
    return code if code in LANGUAGES else None


_edition = None  # set by use_edition() in a notebook kernel
_option = None  # set by take_lang_option() from a command's --lang


def _in_kernel():
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython else None
    return type(shell).__name__ == "ZMQInteractiveShell"  # a notebook's kernel; a terminal IPython is none


def use_edition(code):
    """Speak ``code`` in this notebook kernel, whatever the setting: each notebook's setup cell calls it.

    The English source says ``use_edition("en")``; the release writes
    ``use_edition("zh")`` into the Chinese edition. Outside a kernel (``make
    check`` and the grader run the setup cells too) it does nothing, so the
    commands keep following the setting.
    """
    global _edition
    if normalise(code) is None:
        raise ValueError(f"unknown edition {code!r}: choose one of {', '.join(LANGUAGES)}")
    if _in_kernel():
        _edition = normalise(code)


@contextlib.contextmanager
def speaking(code):
    """Speak ``code`` inside this block, whatever the setting: the grader, for one submission of that edition."""
    global _edition
    if normalise(code) is None:
        raise ValueError(f"unknown edition {code!r}: choose one of {', '.join(LANGUAGES)}")
    saved, _edition = _edition, normalise(code)
    try:
        yield _edition
    finally:
        _edition = saved


def current():
    """The notebook's edition (see :func:`use_edition`), else ``WORKBOOK_LANG`` or the settings file, else English."""
    chosen = _edition or _option or normalise(settings.read().language)
    if chosen:
        return chosen
    try:
        return normalise(SETTINGS.read_text("utf-8")) or "en"
    except OSError:
        return "en"


def choose(value):
    """Remember ``value`` as the student's language (in the settings file) and return its code.

    Raises
    ------
    SystemExit
        For a language other than English or Chinese, naming the choices.
    """
    code = normalise(value)
    if code is None:
        raise SystemExit(f"error: unknown language {value!r}: choose one of {', '.join(LANGUAGES)} "
                         "(e.g. make lab LANG=zh)")
    SETTINGS.parent.mkdir(parents=True, exist_ok=True)
    SETTINGS.write_text(code + "\n", "utf-8")
    return code


def use_utf8_output():
    """Make stdout and stderr take Chinese text whatever the locale (``LANG=zh`` names no real locale)."""
    for stream in (sys.stdout, sys.stderr):
        if (getattr(stream, "encoding", "") or "").lower().replace("-", "") != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")


def take_lang_option(argv):
    """Apply ``--lang X`` of a command's ``argv`` before its parser is made, so that ``--help`` speaks X too."""
    global _option
    argv = list(sys.argv[1:] if argv is None else argv)
    for index, arg in enumerate(argv):
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else (
            argv[index + 1] if arg == "--lang" and index + 1 < len(argv) else None)
        if normalise(value):
            _option = normalise(value)
    use_utf8_output()


class _HelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix=text("arg.usage") if prefix is None else prefix)

    def format_help(self):
        """argparse's help, with a Chinese section title followed by a full-width colon."""
        help_text = super().format_help()
        for key in ("arg.options", "arg.positionals"):
            title = text(key)
            help_text = help_text.replace(f"{title}:\n", f"{title}{colon(title)}\n")
        return help_text


def parser(prog, description_key):
    """An argument parser whose own words (usage, options, the -h help) are in the student's language."""
    made = argparse.ArgumentParser(prog=prog, description=text(description_key), add_help=False,
                                   formatter_class=_HelpFormatter)
    made._optionals.title = text("arg.options")
    made._positionals.title = text("arg.positionals")
    made.add_argument("-h", "--help", action="help", help=text("arg.help"))
    return made


def text(key, lang=None, **fields):
    """The message ``key`` in ``lang`` (default: :func:`current`), with ``fields`` filled in.

    Examples
    --------
    >>> text("status.passed", "zh")
    '通过'
    """
    entry = MESSAGES[key]
    return entry.get(lang or current(), entry["en"]).format(**fields)


def variants(key):
    """Every language's text of a message without fields, e.g. to recognise it in output."""
    return tuple(MESSAGES[key][code] for code in LANGUAGES)


def hint(english, lang=None):
    """The hint of a check cell in the student's language (the English one when untranslated)."""
    if (lang or current()) == "zh":
        return HINTS.get(english, english)
    return english


def colon(label):
    """The colon after ``label``: full-width after a Chinese character, as Chinese text writes it.

    Examples
    --------
    >>> "提示" + colon("提示"), "hint" + colon("hint")
    ('提示：', 'hint:')
    """
    return "：" if label and display_width(label[-1]) == 2 else ":"


def display_width(value):
    """Columns ``value`` takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(value))


def ljust(value, width):
    """``value`` padded with spaces to ``width`` terminal columns."""
    return str(value) + " " * max(0, width - display_width(value))


def _m(en, zh):
    return {"en": en, "zh": zh}


MESSAGES = {
    # the checker (workbook/checks.py)
    "check.mismatch": _m("{task}: mytensor does not match torch ({why}).",
                         "{task}：mytensor 的结果与 torch 不一致（{why}）。"),
    "check.says_mytensor": _m("(mytensor's message says mytensor wherever torch's says torch)",
                              "（torch 的信息里写 torch 的地方，mytensor 的信息要写 mytensor）"),
    "check.misconception": _m("Known misconception: {name}. {about}", "常见误区：{name}。{about}"),
    "label.call": _m("call", "调用"),
    "check.also_failing": _m("{count} more failing call(s) of this cell:", "这个单元格还有 {count} 个调用不一致："),
    "check.more_failing": _m("and {count} more failing calls", "另外还有 {count} 个调用不一致"),
    "call.from_notebook": _m("# {names}: as the notebook defines them", "# {names}：与 notebook 中的定义相同"),
    "check.crashed": _m("the cell stopped with {error}", "这个单元格因 {error} 而中止"),
    "label.hint": _m("hint", "提示"),
    "label.edit": _m("edit", "修改"),
    "why.values": _m("values differ", "数值不同"),
    "why.array_values": _m("array values differ", "数组的数值不同"),
    "why.messages": _m("exception messages differ", "异常信息不同"),
    "why.raised": _m("mytensor raised {name} where torch returned a result",
                     "torch 返回了结果，mytensor 却抛出了 {name}"),
    "why.not_raised": _m("torch raised {name} but mytensor did not", "torch 抛出了 {name}，mytensor 却没有"),
    "why.exception_type": _m("exception type {want} vs {got}", "异常类型：{want} 与 {got}"),
    "why.not_tensor": _m("expected a tensor, got {got}", "应当得到张量，实际得到 {got}"),
    "why.field": _m("{name} {want} vs {got}", "{name}：{want} 与 {got}"),
    "why.type": _m("type {want} vs {got}", "类型：{want} 与 {got}"),
    "why.sequence": _m("expected a {kind} of {length}, got {got}", "应当得到长度为 {length} 的 {kind}，实际得到 {got}"),
    "why.item": _m("item {nth} (index {index}): {why}", "下标为 {index}（第 {nth} 项）：{why}"),
    "why.ndarray": _m("expected an ndarray of {dtype}, got {got}", "应当得到 {dtype} 的 ndarray，实际得到 {got}"),
    "stub.own": _m("Task {task} is not started yet: {action}", "Task {task} 还没有开始：{action}"),
    "stub.needs": _m("{task} needs Task {stub}, which is not started yet: {action}",
                     "{task} 要用到 Task {stub}，而它还没有开始：{action}"),
    "stub.not_started": _m("is not started yet", "还没有开始"),
    "stub.replace_in": _m("replace the `raise NotImplementedError` in {where}",
                          "把 {where} 中的 `raise NotImplementedError` 换成你的代码"),
    "stub.replace_see": _m("replace its `raise NotImplementedError` (see {notebook})",
                           "把它的 `raise NotImplementedError` 换成你的代码（见 {notebook}）"),
    "stub.replace": _m("replace its `raise NotImplementedError`", "把它的 `raise NotImplementedError` 换成你的代码"),
    "examples.none": _m("the docstring needs an Examples section with at least one >>> example calling {needle}...)",
                        "文档字符串需要一个 Examples 部分，其中至少有一个调用 {needle}...) 的 >>> 示例"),
    "examples.failures": _m("{count} docstring example(s) print something else (see the report above)",
                            "有 {count} 个文档字符串示例的输出不对（见上面的报告）"),
    "examples.crashed": _m("the examples could not run ({error})", "这些示例没能运行（{error}）"),
    "examples.help": _m("help() should show an Examples section", "help() 应当显示 Examples 部分"),
    # feedback (workbook/preprocessors.py)
    "feedback.demo_error": _m("(This cell is not graded. While grading, it runs outside your notebook's kernel,\n"
                              "so its error is left out here. Run the notebook to see its output; it costs no points.)",
                              "（这个单元格不计分。评分时它不在你的笔记本内核里运行，所以这里略去它的错误。\n"
                              "运行笔记本就能看到它的输出；它不影响得分。）"),
    "examples.failed": _m("{task}: {why}.\nedit:  {file}", "{task}：{why}。\n修改：{file}"),
    # make check (workbook/progress.py)
    "status.passed": _m("passed", "通过"),
    "status.failed": _m("failed", "未通过"),
    "status.not started": _m("not started", "未开始"),
    "progress.points": _m("{earned}/{total} points: {counts}", "得分 {earned}/{total}：{counts}"),
    "progress.count": _m("{count} {status}", "{status} {count} 个"),
    "progress.comma": _m(", ", "，"),
    "progress.first_failure": _m("First failure: Task {task} ({where}, test {grade_id})",
                                 "第一个未通过的任务：Task {task}（{where}，测试 {grade_id}）"),
    "progress.first_not_started": _m("First task not started: Task {task} ({where}, test {grade_id})",
                                     "第一个未开始的任务：Task {task}（{where}，测试 {grade_id}）"),
    "progress.checking": _m("Checking {package} against the tests of {notebooks}",
                            "正在用 {notebooks} 中的测试检查 {package}"),
    "progress.nothing": _m("check: no notebooks in {notebooks} or no mytensor/ in {package}; run `make release` first?",
                           "check：{notebooks} 中没有笔记本，或 {package} 中没有 mytensor/；先运行 `make release`？"),
    "progress.stderr": _m("the test wrote to stderr, which nbgrader counts as a failure:",
                          "测试向 stderr 写了内容，nbgrader 会把这算作未通过："),
    "progress.setup": _m("a setup cell of the notebook failed:", "笔记本的准备单元格出错了："),
    "progress.import": _m("`import mytensor` failed, so no test could run:", "`import mytensor` 出错，所以没有测试能运行："),
    # make lab (workbook/lab.py)
    "lab.banner": _m("The mytensor workbook is running. Open this address in your browser:",
                     "mytensor 练习册已经启动。请在浏览器中打开这个地址："),
    "lab.stop": _m("Stop it with Ctrl-C in this terminal.", "在这个终端里按 Ctrl-C 停止。"),
    "lab.not_started": _m("error: JupyterLab did not start; its messages above say why.",
                          "错误：JupyterLab 没有启动；原因见上面它的输出。"),
    "lab.stopping": _m("Stopping JupyterLab ...", "正在停止 JupyterLab ..."),
    "lab.no_notebook": _m("note: {notebook} does not exist yet under {root}; `make release` generates the student "
                          "notebooks. Opening the launcher instead.",
                          "注意：{root} 下还没有 {notebook}；`make release` 会生成学生笔记本。先打开启动器。"),
    "lab.port_in_use": _m("port {port} on {ip} is already in use (is another JupyterLab running?). "
                          "Stop that program or choose another port, e.g. --port {next}",
                          "{ip} 上的端口 {port} 已被占用（是不是另一个 JupyterLab 还在运行？）。"
                          "请停止那个程序，或换一个端口，例如 --port {next}"),
    # make submit (workbook/submit.py)
    "submit.prompt": _m("Your student id (as your course uses it): ", "你的学号（和课程里用的一致）："),
    "submit.no_id": _m("error: no student id. Run: make submit ARGS='--student YOUR_ID'",
                       "错误：没有学号。请运行：make submit ARGS='--student 你的学号'"),
    "submit.bad_id": _m("error: student id {given!r} may hold only letters, digits, '.', '_' and '-', at most 100, "
                        "and must start with a letter or digit",
                        "错误：学号 {given!r} 只能包含字母、数字、'.'、'_' 和 '-'，最多 100 个字符，且必须以字母或数字开头"),
    "submit.no_notebooks": _m("error: no notebooks in {folder}: pass --notebooks with the folder you worked in",
                              "错误：{folder} 中没有笔记本：请用 --notebooks 指定你做题的文件夹"),
    "submit.no_package": _m("error: {package} is not your mytensor package (no __init__.py): pass --package",
                            "错误：{package} 不是你的 mytensor 包（没有 __init__.py）：请用 --package 指定"),
    "submit.wrote": _m("wrote {target} ({notebooks} notebooks, {files} files of mytensor/).",
                       "已写出 {target}（{notebooks} 个笔记本，mytensor/ 中的 {files} 个文件）。"),
    "submit.upload": _m("Upload this file to your course page. Save your notebooks first: unsaved work is not in it.",
                        "请把这个文件上传到课程页面。先保存笔记本：没有保存的内容不会在里面。"),
    # the feedback page of each graded student (workbook/feedbackpage.py)
    "page.title": _m("Feedback on your mytensor workbook", "mytensor 练习册的反馈"),
    "page.student": _m("Student", "学号"),
    "page.total": _m("Total: {points} / {max} points", "总分：{points} / {max}"),
    "page.task": _m("Task", "任务"),
    "page.status": _m("Status", "状态"),
    "page.points": _m("Points", "得分"),
    "page.notebooks": _m("Your graded notebooks", "评分后的笔记本"),
    "page.all_passed": _m("Every task passed. Well done!", "所有任务都通过了。做得好！"),
    "page.torch": _m("torch gives", "torch 的结果"),
    "page.yours": _m("your mytensor gives", "你的 mytensor 的结果"),
    "page.why": _m("What differs", "差别"),
    "page.error": _m("The cell stopped with", "这个单元格因错误而停止"),
    "page.misconception": _m("Likely misconception", "可能的误解"),
    "page.where": _m("{file}, function `{function}`", "{file} 中的函数 `{function}`"),
    "page.more_calls": _m("… and {count} more failing calls.", "……还有 {count} 个调用未通过。"),
    "page.more_lines": _m("… ({count} more lines)", "……（还有 {count} 行）"),
    "page.more_characters": _m("… ({count} more characters)", "……（还有 {count} 个字符）"),
    "page.blame": _m("This check uses your `{function}` (Task {task}), which fails its own check:",
                     "这个检查用到了你的 `{function}`（Task {task}），而它没有通过自己的检查："),
    "page.blame_failed": _m("This check uses your `{function}` (Task {task}), which fails its own check: fix that "
                            "one first.",
                            "这个检查用到了你的 `{function}`（Task {task}），而它没有通过自己的检查：先改好它。"),
    "page.blame_stub": _m("This check uses your `{function}` (Task {task}), which is not started yet: start there.",
                          "这个检查用到了你的 `{function}`（Task {task}），而它还没有开始：先完成它。"),
    "page.blame_more": _m("… and {count} more earlier tasks that this check uses and that do not pass yet.",
                          "……这个检查还用到另外 {count} 个尚未通过的前面的任务。"),
    "page.start": _m("Not started: replace the `raise NotImplementedError` of `{function}` in {file}.",
                     "还没有开始：把 {file} 中 `{function}` 的 `raise NotImplementedError` 换成你的代码。"),
    "page.needs": _m("This task needs Task {task}, which is not started yet: replace the `raise NotImplementedError` "
                     "of `{function}` in {file}.",
                     "这个任务要用到 Task {task}，而它还没有开始：把 {file} 中 `{function}` 的 "
                     "`raise NotImplementedError` 换成你的代码。"),
    "page.start_here": _m("Not started: replace this task's `raise NotImplementedError` in mytensor/ (its notebook "
                          "names the function).",
                          "还没有开始：把 mytensor/ 中这个任务的 `raise NotImplementedError` 换成你的代码"
                          "（笔记本里写明了是哪个函数）。"),
    "page.see_notebook": _m("The details of this check are in your graded notebook, linked above.",
                            "这个检查的详情在上面链接的评分后的笔记本里。"),
    # pictures (workbook/draw.py, workbook/plots.py)
    "draw.storage": _m("storage", "存储"),
    "draw.position": _m("position", "位置"),
    "draw.heading": _m("shape {shape}   stride {strides}   offset {offset}",
                       "形状 {shape}   步幅 {strides}   偏移量 {offset}"),
    "draw.formula": _m("element {index} sits at position {sum}", "元素 {index} 位于位置 {sum}"),
    "draw.start": _m("start", "开始"),
    "draw.same": _m("same storage as before", "与上一步是同一个存储"),
    "draw.new": _m("NEW storage", "新的存储"),
    "draw.storage_letter": _m("storage {letter}", "存储 {letter}"),
    "draw.more": _m("… {count} more", "……还有 {count} 个"),
    "draw.leaf": _m("leaf of shape {shape}", "形状为 {shape} 的叶子"),
    "draw.output": _m("output", "输出"),
    "draw.output_shape": _m("{name}  shape {shape}", "{name}  形状 {shape}"),
    "draw.arrows": _m("arrows: where backward() sends the gradient", "箭头：backward() 把梯度传往何处"),
    "draw.cut": _m(" (first {count} nodes only)", "（只画出前 {count} 个节点）"),
    "draw.nothing": _m("Nothing to draw: {why}", "没有可画的内容：{why}"),
    "draw.no_graph": _m("this tensor has no grad_fn, so there is no graph to draw. Compute it from a tensor "
                        "that requires grad, e.g.\n    x = arange(4.0, requires_grad=True)\n    y = 2 * dot(x, x)",
                        "这个张量没有 grad_fn，所以没有计算图可画。请从一个需要梯度的张量算出它，例如\n"
                        "    x = arange(4.0, requires_grad=True)\n    y = 2 * dot(x, x)"),
    "draw.not_mytensor": _m("a {kind} has no {missing}: it is not a mytensor tensor",
                            "{kind} 没有 {missing}：它不是 mytensor 的张量"),
    "draw.too_many_axes": _m("draw.storage draws tensors of up to 3 dimensions; this one has shape {shape}",
                             "draw.storage 只画最多 3 维的张量；这个张量的形状是 {shape}"),
    "draw.too_many_elements": _m("draw.storage draws up to {limit} elements; this tensor has {count}: draw a smaller "
                                 "one, e.g. torch.arange(12).reshape(3, 4)",
                                 "draw.storage 最多画 {limit} 个元素；这个张量有 {count} 个：请画一个小一些的，"
                                 "例如 torch.arange(12).reshape(3, 4)"),
    "draw.too_much_storage": _m("draw.storage draws up to {limit} storage elements; this tensor has {count}: draw a "
                                "smaller one, e.g. torch.arange(12).reshape(3, 4)",
                                "draw.storage 最多画 {limit} 个存储元素；这个张量的存储有 {count} 个：请画一个小一些的，"
                                "例如 torch.arange(12).reshape(3, 4)"),
    "draw.bad_layout": _m("its layout cannot be drawn: {error}", "它的布局无法画出：{error}"),
    "plots.step": _m("step", "步"),
    "plots.loss": _m("loss", "损失"),
    "plots.loss_title": _m("loss per step", "每一步的损失"),
    "plots.linear_title": _m("linear regression: loss per step", "线性回归：每一步的损失"),
    "plots.boundary_title": _m("what your mytensor model learned", "你的 mytensor 模型学到了什么"),
    "plots.class": _m("class {label}", "类别 {label}"),
    # lines that x.9's cells print
    "x9.linear": _m("first loss {first:.2f}, last loss {last:.5f}", "第一步的损失 {first:.2f}，最后一步的损失 {last:.5f}"),
    "x9.classifier": _m("loss from {first:.3f} to {last:.3f}; {right} of {total} points classified right",
                        "损失从 {first:.3f} 降到 {last:.3f}；{total} 个点中有 {right} 个分类正确"),
    # command lines (--help of make check, make reset, make submit)
    "arg.usage": _m("usage: ", "用法："),
    "arg.options": _m("options", "选项"),
    "arg.positionals": _m("positional arguments", "位置参数"),
    "arg.help": _m("show this help message and exit", "显示这条帮助信息并退出"),
    "arg.lang": _m("language of the messages (default: your setting, ${env} or the one `make lab LANG=...` chose)",
                   "信息的语言（默认：你的设置，即 ${env}，或 `make lab LANG=...` 选定的语言）"),
    "check.description": _m("Check your mytensor against the notebooks' tests, task by task (make check).",
                            "用笔记本里的测试逐个任务检查你的 mytensor（make check）。"),
    "check.section": _m("only the tasks of this section (1 to 9)", "只检查这一节的任务（1 到 9）"),
    "check.notebooks": _m("folder of the student notebooks (default: notebooks/, or notebooks/zh/ in Chinese)",
                          "学生笔记本所在的文件夹（默认：notebooks/，中文版为 notebooks/zh/）"),
    "check.package": _m("folder that holds your mytensor/ package", "存放你的 mytensor/ 包的文件夹"),
    "reset.description": _m("Put one task's stub back in your mytensor/, keeping your version (make reset).",
                            "把一个任务的桩代码放回你的 mytensor/，并保存你的版本（make reset）。"),
    "reset.task": _m("the task id, e.g. 1.3", "任务编号，例如 1.3"),
    "reset.package": _m("folder that holds your mytensor/ (default: %(default)s)",
                        "存放你的 mytensor/ 的文件夹（默认：%(default)s）"),
    "reset.root": _m("the kit or repository root, with .stubs/ or solutions/ (default: %(default)s)",
                     "学生套件或仓库的根目录，其中有 .stubs/ 或 solutions/（默认：%(default)s）"),
    "reset.not_a_task": _m("reset: '{task}' is not a task id; write it like 1.3", "reset：'{task}' 不是任务编号；请写成 1.3 这样"),
    "reset.failed": _m("reset: {why}. Nothing was changed.", "reset：{why}。什么都没有改动。"),
    "reset.done": _m("Task {task} is a stub again in {where}", "Task {task} 已经恢复为桩代码：{where}"),
    "reset.saved": _m("Your version is saved in {backup}", "你的版本保存在 {backup}"),
    "reset.no_parse": _m("{path} does not parse (line {line}: {msg}); fix that line first, then run the reset again",
                         "{path} 无法解析（第 {line} 行：{msg}）；请先改好这一行，再运行一次 reset"),
    "reset.no_function": _m("{path} has no function {names} at the top level; put it back (any body) and run the reset again",
                            "{path} 的顶层没有函数 {names}；请把它放回去（函数体随意），再运行一次 reset"),
    "reset.no_stubs": _m("neither {pristine} (the kit's copy of the stubs) nor a git history of {root} with the "
                         "released mytensor/ is there to take the stub from",
                         "找不到可以取出桩代码的地方：既没有 {pristine}（学生套件里的桩代码副本），{root} 也没有记录了发布版 mytensor/ 的 git 历史"),
    "reset.no_task": _m("there is no Task {task}; the tasks are {tasks}", "没有 Task {task}；现有的任务是 {tasks}"),
    "reset.missing_file": _m("{target} is missing; put the file back (git checkout, or a copy from the kit's .stubs/)",
                             "{target} 不见了；请把这个文件放回去（git checkout，或从学生套件的 .stubs/ 复制一份）"),
    "submit.description": _m("Pack your notebooks and mytensor/ into one zip to upload (make submit).",
                             "把你的笔记本和 mytensor/ 打包成一个 zip，用来上传（make submit）。"),
    "submit.student": _m("your student id (asked for when missing)", "你的学号（没有给出时会询问）"),
    "submit.notebooks": _m("folder of your notebooks (default: notebooks/, or notebooks/zh/ in Chinese)",
                           "你的笔记本所在的文件夹（默认：notebooks/，中文版为 notebooks/zh/）"),
    "submit.package": _m("your mytensor package", "你的 mytensor 包"),
    "submit.out": _m("where the zip goes", "zip 文件放在哪里"),
    "submit.lang": _m("language of the messages and the default edition (default: your setting)",
                      "信息的语言和默认的版本（默认：你的设置）"),
}

# The hint of each check cell (checker("Task N.M", file, hint)), keyed by its English text.
HINTS = {
    "strides come from a running product of the sizes, taken from the right.":
        "步幅是各轴大小从右往左的累乘。",
    "check every list at one depth against the length of the first one.":
        "同一层的每个列表都要和这一层的第一个列表一样长。",
    "multiply the known sizes; the -1 is the element count divided by that product.":
        "把已知的大小相乘；写成 -1 的那个轴的大小等于元素总数除以这个乘积。",
    "an int drops its axis and adds i*stride to the offset; a slice a:b:s multiplies the stride by s.":
        "整数索引去掉这个轴，并把 i*stride 加到偏移量上；切片 a:b:s 把步幅乘以 s。",
    "_view_layout gives the layout; assign the values into _layout.strided(t._storage, *layout).":
        "_view_layout 给出布局；把值赋给 _layout.strided(t._storage, *layout)。",
    "a run of old axes can be merged only if stride[i] == stride[i+1] * size[i+1] inside the run.":
        "一段相邻的旧轴只有在其中每处都满足 stride[i] == stride[i+1] * size[i+1] 时才能合并。",
    "compare kinds (bool < int < float) first, then pick the wider dtype within the winning rank.":
        "先比较类别（bool < int < float），再在等级最高的那些操作数里选更宽的 dtype。",
    "promote, cast both arrays with astype, then apply one numpy function.":
        "先做类型提升，用 astype 转换两个数组，再调用一个 numpy 函数。",
    "np.concatenate does the joining; check the other sizes first with torch's message.":
        "连结交给 np.concatenate；先检查其他各轴的大小，出错时抛出 torch 的报错信息。",
    "normalise the dims, then one np.sum with the result dtype and keepdims.":
        "先把 dim 换算成非负的轴编号，再用结果的 dtype 和 keepdims 调用一次 np.sum。",
    "pad with 1s on the left, then every axis needs equal sizes or a 1.":
        "在左边补 1，然后每个轴上的两个大小必须相等，或其中一个为 1。",
    "walk the axes from the right: equal sizes keep the stride, a stretched 1 gets stride 0.":
        "从右往左逐轴处理：大小相等的轴保留步幅，被拉伸的大小为 1 的轴步幅为 0。",
    "check the cast with promotion.can_cast, then assign into t._array()[...] and return t.":
        "先用 promotion.can_cast 检查类型转换，再赋值给 t._array()[...] 并返回 t。",
    "check with _check_fits, then assign with astype into self._array()[...]; numpy broadcasts.":
        "先用 _check_fits 检查，再用 astype 赋值给 self._array()[...]；numpy 会自动广播。",
    "build np.ndarray over the storage with the byte offset and byte strides.":
        "用字节偏移量和字节步幅在存储上构造 np.ndarray。",
    "element stride = byte stride // itemsize; the provided _check_numpy has already refused negative strides.":
        "元素步幅 = 字节步幅 // itemsize；已提供的 _check_numpy 已经拒绝了负的步幅。",
    "check numel() first; numpy's .item() turns one element into a Python number.":
        "先检查 numel()；numpy 的 .item() 会把单个元素变成 Python 数字。",
    "each backward returns one gradient per input, in the forward's order; the engine sums a broadcast one back (7.3).":
        "每个反向函数按前向计算的顺序为每个输入返回一个梯度；被广播的梯度由引擎求和还原（7.3）。",
    "order: push (node, False) on a stack, append a node once its inputs are placed; "
    "pass: a dict from node to its gradient so far, leaves accumulate.":
        "排序：把 (node, False) 压入栈，等一个节点的输入都排好后再把它加入列表；"
        "传播：用字典记录每个节点目前的梯度，叶子节点累加梯度。",
    "sum over the leading extra axes, then with keepdims over the axes where the input has size 1.":
        "先对前面多出来的轴求和，再用 keepdims 对输入大小为 1 的轴求和。",
    "step = (end - start) / (steps - 1); the first half counts up from start, the rest down from end; cast the ends first.":
        "step = (end - start) / (steps - 1)；前一半从 start 往上数，其余的从 end 往回数；先转换两端。",
    "d/dx (x - y)**2 = 2 (x - y), times g; a mean over n elements divides the gradient by n; d/dy is the negative.":
        "d/dx (x - y)**2 = 2 (x - y)，再乘以 g；对 n 个元素求平均时梯度要除以 n；对 y 的导数是它的相反数。",
    "step changes each parameter in place inside mytensor.no_grad(); zero_grad leaves .grad None (or zeros).":
        "step 在 mytensor.no_grad() 之内原地修改每个参数；zero_grad 把 .grad 设为 None（或填充 0）。",
    "relu keeps positive elements (and nan) and zeroes the rest; its gradient is 0 where the output is 0, else g.":
        "relu 保留正的元素（以及 nan），其余置为 0；输出为 0 的位置梯度是 0，其他位置是 g。",
}
