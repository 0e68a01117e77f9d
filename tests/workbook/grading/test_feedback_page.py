"""The feedback page of each graded student (workbook/feedback.py).

Unit tests render pages from hand-made results that follow issue 21's
contract (``result.tasks``, ``result.edition``); the last test reads the page
that a real ``grade`` run writes for a partial submission of the tiny
assignment (tests/grading/tiny.py).
"""

import html
import json
import re
from dataclasses import dataclass, field

import nbformat
import pytest

from tests.grading import tiny
from tests.workbook.release.test_zh_punctuation import half_width_marks
from workbook.grading import course, feedback, grade
from workbook import language

REPO = course.REPO


@dataclass
class Result:
    """A grading result as the contract describes it."""

    student: str
    tasks: list
    edition: str = "en"
    graded: bool = True
    notes: list = field(default_factory=list)


def record(task, call, torch="RuntimeError: The size of tensor a (3) must match the size of tensor b (2) at "
           "non-singleton dimension 1", mytensor="tensor([[2., 2., 2.],\n        [2., 2., 2.]])", **extra):
    found = {"task": task, "kind": "mismatch", "call": call, "torch": torch, "mytensor": mytensor,
             "why": "torch raised RuntimeError but mytensor did not", "error_type": None,
             "message": "torch raised RuntimeError but mytensor did not",
             "hint": "pad with 1s on the left, then every axis needs equal sizes or a 1.",
             "file": "mytensor/broadcasting.py", "function": "broadcast_pair", "misconception": None, "text": "..."}
    return {**found, **extra}


def stub_record(task, stub_task, file, function):
    message = (f"Task {stub_task}: something (replace this raise in {file}: {function}; "
               f"see x{stub_task[0]}_topic.ipynb)")
    return record(task, "m.ones(2)", torch="tensor([1., 1.])", mytensor=f"NotImplementedError: {message}",
                  kind="not_started", error_type="NotImplementedError", message=message, why=message)


def cell(task, points, most, status, failures=(), more=0):
    return {"cell": "task-" + task.split()[1].replace(".", "-"), "task": task, "notebook": f"x{task[5]}_topic",
            "points": points, "max": most, "status": status, "failures": list(failures), "more": more}


def rows(page):
    """``[(task, data-status, points)]`` of the summary table."""
    table = re.search(r'<table id="summary">(.*?)</table>', page, re.S).group(1)
    found = re.findall(r'<tr data-status="(\w+)".*?<td>(?:<a [^>]*>)?([^<]+)(?:</a>)?</td>.*?'
                       r'<td class="points">([^<]+)</td>', table)
    return [(name, status, points) for status, name, points in found]


def section(page, task_cell):
    return re.search(rf'<section id="cell-{task_cell}".*?</section>', page, re.S).group(0)


def visible_text(page):
    """The words a reader sees: no markup, no style sheet, entities decoded."""
    body = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def said(key, lang="en", **fields):
    """The catalog's sentence as the page shows it: its `code` spans are set in code, without backticks."""
    return language.text(key, lang, **fields).replace("`", "")


FULL = [cell("Task 1.1", 2, 2, "passed"), cell("Task 4.1", 1.5, 1.5, "passed")]


def test_full_marks_shows_the_total_and_every_task_passed():
    page = feedback.render("ada", FULL, "en", {}, ["x1_creating.html", "x4_broadcasting.html"])
    assert rows(page) == [("Task 1.1", "passed", "2 / 2"), ("Task 4.1", "passed", "1.5 / 1.5")]
    assert language.text("page.total", "en", points="3.5", max="3.5") in page
    assert language.text("page.all_passed", "en") in page and "<section" not in page
    assert 'href="x1_creating.html"' in page and 'href="x4_broadcasting.html"' in page
    assert "<script" not in page and "http" not in page  # self-contained: nothing to fetch, nothing to run


PARTIAL = [
    cell("Task 1.1", 2, 2, "passed"),
    cell("Task 4.1", 0, 2, "failed", [record("Task 4.1", f"m.broadcast_shapes((2, {n}), (3,))") for n in range(5)], 3),
    cell("Task 5.1", 0, 1, "not_started", [stub_record("Task 5.1", "5.1", "mytensor/inplace.py", "_write_result")]),
]


def test_partial_shows_each_failing_call_beside_torch_and_the_count_beyond_five():
    misconception = {"id": "broadcast-left-aligned", "name": "Shapes aligned on the left",
                     "about": "Broadcasting lines shapes up from the right."}
    tasks = [dict(PARTIAL[1], failures=[dict(PARTIAL[1]["failures"][0], misconception=misconception)]
                  + PARTIAL[1]["failures"][1:]), *PARTIAL[::2]]
    page = feedback.render("bo", tasks, "en", {}, [])
    details = section(page, "task-4-1")
    assert re.findall(r"<code>(m\.broadcast_shapes[^<]*)</code>", details) == [
        f"m.broadcast_shapes((2, {n}), (3,))" for n in range(5)]
    assert details.count('<div class="pair">') == 5
    pair = re.search(r'<div class="pair">(.*?)</div></div>', details, re.S).group(1)
    torch_side, mytensor_side = re.findall(r"<pre>(.*?)</pre>", pair, re.S)
    assert torch_side.startswith("RuntimeError: The size of tensor a (3)") and mytensor_side.startswith("tensor([[2.")
    assert language.text("page.more_calls", "en", count=3) in details
    assert "pad with 1s on the left" in details and "mytensor/broadcasting.py" in details
    assert "<code>broadcast_pair</code>" in details
    assert "Shapes aligned on the left" in details and "Broadcasting lines shapes up from the right." in details
    assert rows(page)[0] == ("Task 4.1", "failed", "0 / 2") and 'href="#cell-task-4-1"' in page


def test_not_started_says_which_function_to_replace_and_nothing_side_by_side():
    empty = [cell("Task 1.1", 0, 2, "not_started", [stub_record("Task 1.1", "1.1", "mytensor/_layout.py",
                                                                "contiguous_strides")]),
             cell("Task 4.2", 0, 2, "not_started", [stub_record("Task 4.2", "4.1", "mytensor/broadcasting.py",
                                                                "broadcast_pair")])]
    page = feedback.render("cy", empty, "en", {}, [])
    assert [status for _, status, _ in rows(page)] == ["not_started", "not_started"]
    own, needs = section(page, "task-1-1"), section(page, "task-4-2")
    assert visible_text(own).count(said("page.start", function="contiguous_strides", file="mytensor/_layout.py")) == 1
    assert "Task 4.1" in needs and "broadcast_pair" in needs and "mytensor/broadcasting.py" in needs
    assert '<div class="pair">' not in page and "<pre>" not in page
    assert language.text("page.total", "en", points="0", max="4") in page


def test_a_cell_that_crashed_outside_a_check_shows_its_error_in_one_line():
    crashed = record("Task 3.1", None, torch=None, mytensor=None, kind="error", error_type="NameError",
                     message="name 'x' is not defined", why=None, hint=None, file=None, function=None)
    page = feedback.render("gus", [cell("Task 3.1", 0, 2, "failed", [crashed])], "en", {}, [])
    assert "<code>NameError: name &#x27;x&#x27; is not defined</code>" in section(page, "task-3-1")
    assert '<div class="pair">' not in page and "None" not in visible_text(page)


def test_a_call_of_several_lines_keeps_its_lines():
    call = "def pair(m, a, b):\n    return m.broadcast_shapes(a, b)\npair(m, (3, 1), (1, 2))"
    page = feedback.render("hal", [cell("Task 4.1", 0, 2, "failed", [record("Task 4.1", call)])], "en", {}, [])
    assert f'<pre class="call">{html.escape(call)}</pre>' in section(page, "task-4-1")


def test_the_three_statuses_differ_in_word_and_in_colour():
    page = feedback.render("dd", PARTIAL, "en", {}, [])
    badges = dict(re.findall(r'<span class="badge (\w+)">([^<]+)</span>', page))
    assert set(badges) == {"passed", "failed", "not_started"} and len(set(badges.values())) == 3
    colours = {status: re.search(rf"\.badge\.{status} {{([^}}]*)}}", page).group(1) for status in badges}
    assert len(set(colours.values())) == 3


def test_a_chinese_edition_gets_a_chinese_page():
    hint = "pad with 1s on the left, then every axis needs equal sizes or a 1."
    chinese = {"hint": language.hint(hint, "zh"), "why": language.text("why.not_raised", "zh", name="RuntimeError")}
    tasks = [dict(task, failures=[dict(r, **chinese) for r in task["failures"]]) for task in PARTIAL]
    page = feedback.render("zh1", tasks, "zh", {}, ["x1_creating.html"])
    assert '<html lang="zh-CN">' in page
    for key in ("page.title", "page.task", "page.status", "page.points", "status.passed", "status.failed",
                "status.not started", "page.torch", "page.yours", "label.hint", "label.call"):
        assert html.escape(language.text(key, "zh")) in page, key
    assert language.text("page.total", "zh", points="2", max="5") in page
    assert language.text("page.more_calls", "zh", count=3) in page and language.hint(hint, "zh") in page
    words = visible_text(page)
    for english in ("Total", "Student", "Status", "Points", "passed", "failed", "Not started", "gives", "hint",
                    "What differs", "Replace", "more failing", "notebooks"):
        assert english not in words, english
    # torch's text and the calls are code, which keeps its own punctuation
    ours = re.sub(r"<pre>.*?</pre>|<code>.*?</code>", " ", page, flags=re.S)
    assert half_width_marks(visible_text(ours)) == []


def test_a_failing_check_names_the_earlier_task_whose_function_it_uses():
    uses = {"task-4-2": [("Task 1.1", "contiguous_strides", "mytensor/_layout.py"),
                         ("Task 3.2", "_forward", "mytensor/pointwise.py"),
                         ("Task 4.1", "broadcast_pair", "mytensor/broadcasting.py"),
                         ("Task 4.2", "expand_strides", "mytensor/broadcasting.py"),
                         ("Task 9.1", "_mse_loss", "mytensor/functional.py")]}
    tasks = [cell("Task 1.1", 2, 2, "passed"),
             cell("Task 3.2", 0, 2, "not_started",
                  [stub_record("Task 3.2", "3.2", "mytensor/pointwise.py", "_forward")]),
             cell("Task 4.1", 0, 2, "failed", [record("Task 4.1", "m.broadcast_shapes((2, 3), (3, 2))"),
                                               record("Task 4.1", "m.broadcast_shapes((1,), (4,))")]),
             cell("Task 4.2", 0, 2, "failed", [record("Task 4.2", "m.ones(2, 3).expand(3, 2, 3)")]),
             cell("Task 9.1", 0, 1, "failed", [record("Task 9.1", "m.mse_loss(a, b)")])]
    page = feedback.render("eve", tasks, "en", uses, [])
    blamed = re.findall(r'<div class="blame">.*?</div>|<p class="blame">.*?</p>', section(page, "task-4-2"), re.S)
    assert len(blamed) == 2  # not Task 1.1 (passed), not 4.2 itself, not 9.1 (later)
    assert said("page.blame_stub", function="_forward", task="3.2") in visible_text(blamed[0])
    assert said("page.blame", function="broadcast_pair", task="4.1") in visible_text(blamed[1])
    assert "m.broadcast_shapes((2, 3), (3, 2))" in blamed[1] and "(1,), (4,)" not in blamed[1]
    assert 'class="blame"' not in section(page, "task-4-1") + section(page, "task-3-2")


HOSTILE_TRACEBACK = ("Traceback (most recent call last):\n"
                     f'  File "{REPO}/workbook/gradekernel.py", line 120, in run\n'
                     "    exec(code, namespace)\n"
                     f'  File "/tmp/mytensor-grading-x1/students/mal/work/x.py", line 3, in <module>\n'
                     "ValueError: bad value")


def test_hostile_text_is_escaped_printable_cut_and_holds_no_traceback_or_machine_path(tmp_path):
    root = tmp_path / "course"
    evil = {"call": "m.ones(2)</code><script>alert(1)</script>", "torch": HOSTILE_TRACEBACK,
            "mytensor": "\x1b]52;c;ZWNobw==\x07\x1b[31mred\x1b[0m \u202eevil\r" + "9" * 100_000,
            "why": "\n".join(f"line {n}" for n in range(5000)),
            "hint": f"see {root}/gradebook.db and {REPO}/workbook/checks.py",
            "file": "<img src=x onerror=alert(1)>", "function": "f</code>",
            "misconception": {"id": "x", "name": "<b onclick=alert(1)>name</b>", "about": "&amp; about\x00"}}
    tasks = [cell("Task 2.1", 0, 3, "failed", [record("Task 2.1", **evil)] * 5, more=10**6)]
    result = Result("mal", tasks)
    (root / "feedback" / "mal" / "tiny").mkdir(parents=True)
    page = feedback.write(root, "tiny", result, {}).read_text("utf-8")
    assert "<script" not in page and "<img" not in page and "<b onclick" not in page
    assert "&lt;script&gt;" in page
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202e]", page)
    assert "\\x1b]52" in page and "\\u202e" in page
    assert "Traceback" not in page and "exec(code" not in page and "ValueError: bad value" in page
    for path in (str(REPO), str(root), str(tmp_path), "/tmp/", "/root"):
        assert path not in page, path
    assert len(page) < 200_000 and language.text("page.more_lines", "en", count=5000 - feedback.SHOWN_LINES) in page
    assert "more characters" in page


def test_task_uses_come_from_one_traced_reference_run_cached_in_the_course(tmp_path, monkeypatch):
    """A cell reaches the functions its checks call on the reference; the stubs say whose task each is."""
    reference = {**tiny.REFERENCE, "ops.py": tiny.REFERENCE["ops.py"].replace("return 3 * x", "return double(x) + x")}
    tiny.write_package(tmp_path / "reference" / "mytensor", reference)
    root = tmp_path / "course"
    notebooks, stub = tiny.write_source(tmp_path / "src")
    source = root / "source" / tiny.ASSIGNMENT
    for path in notebooks:
        (source / path.name).parent.mkdir(parents=True, exist_ok=True)
        (source / path.name).write_bytes(path.read_bytes())
    tiny.write_package(source / "mytensor", tiny.STUB)
    uses = feedback.task_uses(root, tiny.ASSIGNMENT, tmp_path / "reference")
    assert {cell: sorted(used) for cell, used in uses.items()} == {
        "task-1-1": [("Task 1.1", "double", "mytensor/ops.py")],
        "task-1-2": [("Task 1.1", "double", "mytensor/ops.py")],
        "task-2-1": [("Task 1.1", "double", "mytensor/ops.py"), ("Task 2.1", "triple", "mytensor/ops.py")]}
    cache = root / "grading" / f"reach-{tiny.ASSIGNMENT}.json"
    traced = json.loads(cache.read_text())["cells"]["task-2-1"]
    assert ["ops.py", "double"] in traced and ["ops.py", "triple"] in traced
    from workbook.release import mutants

    def no_trace(*args):
        raise AssertionError("traced again although nothing changed")

    monkeypatch.setattr(mutants, "reach", no_trace)
    assert feedback.task_uses(root, tiny.ASSIGNMENT, tmp_path / "reference") == uses
    nb = nbformat.read(source / "x2_triple.ipynb", as_version=4)
    nb.cells[0].source += " (edited)"
    nbformat.write(nb, source / "x2_triple.ipynb")
    assert feedback.task_uses(root, tiny.ASSIGNMENT, tmp_path / "reference") == {}  # retraced: reach refused
    assert "traced again" in json.loads(cache.read_text())["error"]
    monkeypatch.undo()
    tasks = [cell("Task 1.1", 0, 2, "failed", [record("Task 1.1", "m.double(5)")]), cell("Task 2.1", 0, 3, "failed")]
    page = feedback.render("fay", tasks, "en", uses, [])
    assert said("page.blame", function="double", task="1.1") in visible_text(section(page, "task-2-1"))


@pytest.mark.slow
def test_a_real_grading_run_writes_the_page_of_a_partial_submission(tmp_path, monkeypatch):
    notebooks, stub = tiny.write_source(tmp_path / "src")
    root = course.build(tmp_path / "course", notebooks, stub, assignment=tiny.ASSIGNMENT)
    reference = tiny.write_package(tmp_path / "reference" / "mytensor", tiny.REFERENCE).parent
    monkeypatch.setattr(feedback, "REFERENCE", reference)
    partial = {**tiny.REFERENCE, "ops.py": "def double(x):\n    return 2 * x\n\n\ndef triple(x):\n    return 4 * x\n"}
    tiny.make_zip(tmp_path / "in" / "pat__mytensor-workbook.zip", root / "release" / tiny.ASSIGNMENT, partial, "pat")
    assert grade.main([str(tmp_path / "in"), "--course", str(root), "--out", str(tmp_path / "out"),
                       "--assignment", tiny.ASSIGNMENT]) == 0
    folder = root / "feedback" / "pat" / tiny.ASSIGNMENT
    page = (folder / "index.html").read_text("utf-8")
    points = {grade_id: p for name in tiny.TASKS for grade_id, p, _ in tiny.TASKS[name]}
    found = rows(page)
    assert [(name, status) for name, status, _ in found[:2]] == [("Task 1.1", "passed"), ("Task 1.2", "passed")]
    assert found[2][:2] == ("Task 2.1", "failed")
    assert [p for _, _, p in found] == [f"{points['task-1-1']} / {points['task-1-1']}",
                                        f"{points['task-1-2']} / {points['task-1-2']}", f"0 / {points['task-2-1']}"]
    assert language.text("page.total", "en", points=tiny.points(1), max=tiny.points(2)) in page
    # the failing calls when grading recorded them (result.tasks), else a pointer to the graded notebook
    details = section(page, "task-2-1")
    assert "<code>m.triple(2)" in details or said("page.see_notebook") in visible_text(details)
    for name in ("x1_double.html", "x2_triple.html"):
        assert f'href="{name}"' in page and (folder / name).is_file()
    assert "Traceback" not in page and str(tmp_path) not in page and str(REPO) not in page
    assert tiny.HIDDEN_MARKER not in page
