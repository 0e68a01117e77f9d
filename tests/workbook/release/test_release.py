"""The release: student copies equal a fresh build, never leak solutions, and never lose a student's edit."""

import ast
import importlib
import inspect
import json
import re
import shutil
import subprocess
import sys

import pytest

from workbook import __main__ as cli
from workbook.release import audit, command as release
from workbook.release import stubbing
from workbook.release import writing
from workbook import check as task_check
from workbook_fixtures import REPO, make_repo, released_repo_fixture

released_repo = pytest.fixture(scope="session")(released_repo_fixture)


@pytest.fixture(scope="module")
def fresh_real_release():
    """What `python -m workbook release` would write for the real repository (built in memory)."""
    if not (REPO / "notebooks").is_dir() or not list((REPO / "solutions").glob("x*_*.ipynb")):
        pytest.skip("no released notebooks yet: solutions/x*.ipynb or notebooks/ missing")
    return release.build_release(REPO, quiet=True)


def test_committed_tree_equals_a_fresh_release(fresh_real_release):
    assert audit.drift(REPO, fresh_real_release) == [], "run `make release` and commit its output"


def test_committed_tree_leaks_no_solution(fresh_real_release):
    on_disk = {p: (REPO / p).read_bytes() for p in audit.on_disk(REPO)}
    assert audit.leaks(REPO, on_disk) == []


def _stub_raises(path):
    """``{function name: task message}`` for each stub raise in a stubbed module."""
    found = {}
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for raised in ast.walk(node):
                if isinstance(raised, ast.Raise) and isinstance(raised.exc, ast.Call):
                    args = raised.exc.args
                    if getattr(raised.exc.func, "id", "") == "NotImplementedError" and args and isinstance(args[0], ast.Constant):
                        if str(args[0].value).startswith("Task "):
                            found.setdefault(node.name, []).append(args[0].value)
    return found


def test_every_region_becomes_a_stub_naming_its_task(released_repo):
    root, _ = released_repo
    for source in sorted((root / "solutions" / "mytensor").glob("*.py")):
        regions = stubbing.find_regions(source.read_text(), source)
        messages = [m for ms in _stub_raises(root / "mytensor" / source.name).values() for m in ms]
        assert [m.split(":")[0] for m in messages] == [f"Task {r.task}" for r in regions], source.name
        for message in messages:
            # the file name only: both editions, notebooks/ and notebooks/zh/, hold a notebook of that name
            notebook = re.search(r"see (x\d+_\w+\.ipynb)\)$", message).group(1)
            assert (root / "notebooks" / notebook).is_file() and (root / "notebooks" / "zh" / notebook).is_file(), message


def _first_statement_is_stub(function):
    body = ast.parse(inspect.cleandoc("\n" + inspect.getsource(function))).body[0].body
    body = body[1:] if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) else body
    return bool(body) and isinstance(body[0], ast.Raise)


def test_stubbed_package_imports_and_stubs_raise_their_task(released_repo):
    root, _ = released_repo
    called = 0
    with task_check.use_package(root) as package:
        assert not isinstance(package, Exception), package
        assert "torch" not in {m.split(".")[0] for m in sys.modules if m.startswith("mytensor")}
        for module_file in sorted((root / "mytensor").glob("*.py")):
            module = importlib.import_module(f"mytensor.{module_file.stem}")
            for name, messages in _stub_raises(module_file).items():
                function = getattr(module, name, None)
                if not inspect.isfunction(function) or not _first_statement_is_stub(function):
                    continue
                arguments = [None] * sum(p.default is p.empty and p.kind == p.POSITIONAL_OR_KEYWORD
                                         for p in inspect.signature(function).parameters.values())
                with pytest.raises(NotImplementedError, match=re.escape(messages[0])):
                    function(*arguments)
                called += 1
    assert called >= 3


def _edit(root, relative, text="# my own work\n"):
    path = root / relative
    path.write_text(path.read_text() + text)
    return path.read_text()


@pytest.fixture
def scratch(tmp_path, released_repo):
    """A private copy of the released temp repository, safe to edit."""
    root = tmp_path / "repo"
    shutil.copytree(released_repo[0], root, ignore=shutil.ignore_patterns("__pycache__"))
    return root, released_repo[1]


def test_release_refuses_to_overwrite_an_edited_file(scratch, monkeypatch, capsys):
    root, files = scratch
    mine = _edit(root, "mytensor/_layout.py")
    monkeypatch.setattr(release, "build_release", lambda *args, **kwargs: files)
    assert release.main(["--root", str(root), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "mytensor/_layout.py" in err and "--force" in err and "move" in err
    assert (root / "mytensor/_layout.py").read_text() == mine


def test_deleted_files_are_regenerated(scratch):
    root, files = scratch
    (root / "mytensor/_layout.py").unlink()
    (root / "notebooks/x1_creating.ipynb").unlink()
    writing.write_release(root, files, quiet=True)
    assert audit.drift(root, files) == []


def test_force_overwrites_and_keeps_a_backup(scratch):
    root, files = scratch
    mine = _edit(root, "mytensor/_layout.py")
    writing.write_release(root, files, force=True, quiet=True)
    assert audit.drift(root, files) == []
    backups = list((root / "build" / "release-backup").glob("*/mytensor/_layout.py"))
    assert [b.read_text() for b in backups] == [mine]


def test_an_unrecorded_file_that_differs_counts_as_edited(scratch):
    root, files = scratch
    (root / writing.MANIFEST).unlink()
    _edit(root, "notebooks/x1_creating.ipynb", " ")
    assert writing.edited_files(root, files) == ["notebooks/x1_creating.ipynb"]


def test_check_reports_drift_and_leaks(scratch):
    root, files = scratch
    solution_line = "    return tuple(reversed(strides))\n"
    _edit(root, "mytensor/_layout.py", solution_line)
    _edit(root, "mytensor/views.py", "# ### BEGIN SOLUTION\n")
    (root / "notebooks/x2_slicing.ipynb").unlink()
    (root / "mytensor/extra.py").write_text("x = 1\n")
    on_disk = {p: (root / p).read_bytes() for p in audit.on_disk(root)}
    problems = audit.drift(root, files) + audit.leaks(root, on_disk)
    text = "\n".join(problems)
    for expected in ["differs:   mytensor/_layout.py", "missing:   notebooks/x2_slicing.ipynb", "extra:     mytensor/extra.py",
                     "mytensor/views.py", "BEGIN SOLUTION", "solution code: return tuple(reversed(strides))"]:
        assert expected in text


def test_manifest_records_every_generated_file(released_repo):
    root, files = released_repo
    recorded = json.loads((root / writing.MANIFEST).read_text())["files"]
    assert set(recorded) == set(files) - {writing.MANIFEST}
    assert all(p.startswith(("mytensor/", "notebooks/", "solutions/zh/")) for p in recorded)


BAD_SOURCES = {
    "unclosed": ("def f():\n    # Task 1.1: x\n    ### BEGIN SOLUTION\n    return 1\n", "f.py:3", "never closed"),
    "stray end": ("def f():\n    return 1\n    ### END SOLUTION\n", "f.py:3", "without a"),
    "nested": ("def f():\n    # Task 1.1: x\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n", "f.py:4", "nested"),
    "no task comment": ("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n", "f.py:2", "# Task N.M"),
    "not a whole line": ("def f():\n    # Task 1.1: x\n    return 1  ### BEGIN SOLUTION\n", "f.py:3", "whole line"),
    "module level": ("# Task 1.1: x\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n", "f.py:2", "function body"),
    "no notebook": ("def f():\n    # Task 9.1: x\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n", "f.py:3", "x9_"),
}


@pytest.mark.parametrize("case", sorted(BAD_SOURCES))
def test_bad_markers_give_file_line_and_fix(case):
    text, where, words = BAD_SOURCES[case]
    with pytest.raises(stubbing.ReleaseError) as raised:
        stubbing.stub_source(text, "f.py", {1: "x1_creating.ipynb"})
    assert where in str(raised.value) and words in str(raised.value)


def test_bad_marker_stops_the_release_with_a_short_message(tmp_path):
    root = make_repo(tmp_path)
    broken = root / "solutions" / "mytensor" / "_layout.py"
    broken.write_text(broken.read_text().replace("    ### END SOLUTION\n", "", 1))
    done = subprocess.run([sys.executable, "-m", "workbook", "release", "--root", str(root)], cwd=root,
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert "solutions/mytensor/_layout.py:" in done.stderr and "Traceback" not in done.stderr
    assert not (root / "mytensor").exists()


def test_cli_lists_commands_for_an_unknown_one(capsys):
    assert cli.main(["no-such-command"]) == 2
    err = capsys.readouterr().err
    assert "unknown command 'no-such-command'" in err and "release" in err and "check" in err


def test_a_solution_line_repeated_in_provided_code_is_a_leak(tmp_path):
    library = tmp_path / "solutions" / "mytensor"
    library.mkdir(parents=True)
    answer = "out = Tensor._wrap(np.matmul(x, y))"
    (library / "linalg.py").write_text(
        "def mm(x, y):\n    # Task 3.3: mm\n    ### BEGIN SOLUTION\n"
        f"    {answer}\n    return out\n    ### END SOLUTION\n\n\n"
        f"def mv(x, y):\n    {answer}\n    return out\n"
    )
    student = {"mytensor/linalg.py": stubbing.stub_source((library / "linalg.py").read_text(), "linalg.py",
                                                         {3: "x3_operations.ipynb"}).encode()}
    problems = audit.leaks(tmp_path, student)
    assert problems == [f"leak:      mytensor/linalg.py: line 7 is solution code: {answer}"]


def test_common_lines_are_not_answers():
    for line in ["if dtype is None:", "raise RuntimeError(", "return out", "dtype : mytensor.dtype, optional",
                 ">>> import mytensor as m, numpy as np", "# a comment that is long enough"]:
        assert not audit._is_answer(line), line
    assert audit._is_answer("strides=tuple(s * itemsize for s in self._strides),")


def _function_of(tree, line):
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.lineno < line <= n.end_lineno]
    return max(functions, key=lambda n: n.lineno)


def test_every_solution_region_is_a_whole_function_body():
    """A stub asks for one whole function: no provided code before or after the region in it."""
    partial = []
    for path in sorted((REPO / "solutions" / "mytensor").glob("*.py")):
        text = path.read_text()
        tree, lines = ast.parse(text), text.split("\n")
        for region in stubbing.find_regions(text, path):
            function = _function_of(tree, region.begin)
            body = function.body[1:] if isinstance(function.body[0], ast.Expr) else function.body
            before = [l for l in lines[body[0].lineno - 1:region.begin - 2] if l.strip() and not l.strip().startswith("#")]
            after = [l for l in lines[region.end:function.end_lineno] if l.strip()]
            if before or after:
                partial.append(f"{path.name}: {function.name} (Task {region.task})")
    assert partial == []
