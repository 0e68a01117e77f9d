"""The student kit: everything a student needs, and no answer.

The kit is built from this repository, then cloned as a student would clone a
GitHub Classroom template, and its own commands run in the clone with the
test's environment passed as ``VENV=...`` (no second 1.6 GB venv), which must
come out unchanged.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from workbook.release import kit
from workbook.release import audit
from workbook.release import writing
from workbook import pins
from workbook.names import REPO

POINTS = re.compile(r"^\s*(\d+(?:\.\d+)?)/(\d+(?:\.\d+)?) points", re.M)


def kit_files(root):
    """``{relative path: bytes}`` of every file under ``root`` outside ``.git``."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(root).parts}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The kit written by ``python -m workbook kit OUT --git``, as a student gets it."""
    out = tmp_path_factory.mktemp("kit") / "mytensor-kit"
    done = subprocess.run([sys.executable, "-m", "workbook", "kit", str(out), "--git"], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def clone(built, tmp_path_factory):
    """A fresh ``git clone`` of the kit."""
    target = tmp_path_factory.mktemp("student") / "workbook"
    subprocess.run(["git", "clone", "-q", str(built), str(target)], check=True, timeout=60)
    return target


def make(clone, *args, timeout=300):
    """Run ``make`` in the clone with this test's environment as VENV; nothing of the repository on the path."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(["make", "-s", *args, f"VENV={sys.prefix}"], cwd=clone, env=env,
                          capture_output=True, text=True, timeout=timeout)


def environment_snapshot():
    """``{path: (size, mtime)}`` of every file of the environment, to prove nothing wrote into it."""
    found = {}
    for folder, _, names in os.walk(sys.prefix):
        for name in names:
            path = os.path.join(folder, name)
            try:
                stat = os.lstat(path)
            except OSError:
                continue
            found[path] = (stat.st_size, stat.st_mtime_ns)
    return found


def test_kit_holds_no_solution_line_and_no_hidden_test(built):
    files = kit_files(built)
    assert audit.leaks(REPO, files) == []
    assert not any(p.startswith("solutions/") for p in files)
    # The same scan finds a solution line planted in a kit file.
    planted = sorted(audit.secret_lines(REPO))[0]
    files["mytensor/views.py"] = files["mytensor/views.py"] + f"\n    {planted}\n".encode()
    assert any("is solution code" in problem for problem in audit.leaks(REPO, files))


def test_kit_holds_the_release_and_only_the_student_tools(built):
    files = kit_files(built)
    # Everything the release made but the Chinese source notebooks (solutions/zh/, answers inside).
    released = {p for p in json.loads((REPO / writing.MANIFEST).read_text())["files"] if not p.startswith("solutions/")}
    assert released <= set(files)
    assert {p for p in files if p.startswith(("notebooks/", "mytensor/"))} == released
    for name in ("Makefile", "README.md", "requirements.txt", "venv.mk", "jupyter/jupyter_server_config.py"):
        assert name in files
    assert (built / "requirements.txt").read_bytes() == (REPO / "requirements.txt").read_bytes()
    modules = {Path(p).stem for p in files if p.startswith("workbook/")}
    assert {"lab", "check", "submit", "reset", "checks", "tasks"} <= modules
    # x.9 comes with its library files and the module that draws its pictures.
    assert {"notebooks/x9_training.ipynb", "mytensor/functional.py", "mytensor/optim.py"} <= set(files)
    assert {"plots", "draw"} <= modules
    # The kit's workbook/ is the top level: release/, grading/ and sandbox/ stay with the instructor.
    assert all(p.count("/") == 1 for p in files if p.startswith("workbook/")), sorted(files)
    assert {Path(p).name for p in files if p.startswith("workbook/")} == {
        path.name for path in (REPO / "workbook").glob("*.py")}
    assert "nbgrader_config.py" not in files and "tests" not in {p.split("/")[0] for p in files}


def test_kit_modules_import_with_no_other_workbook_module(built):
    modules = sorted(Path(p).stem for p in kit_files(built) if p.startswith("workbook/") and p.endswith(".py"))
    script = ("import importlib, sys\n"
              "for name in sys.argv[1:]:\n"
              "    module = importlib.import_module('workbook.' + name if name != '__init__' else 'workbook')\n"
              "    print(module.__file__)\n")
    env = {**os.environ, "PYTHONPATH": str(built)}
    done = subprocess.run([sys.executable, "-P", "-c", script, *modules], cwd=built, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert all(line.startswith(str(built)) for line in done.stdout.split()), done.stdout


def test_kit_is_one_commit_ready_to_push(built):
    log = subprocess.run(["git", "-C", str(built), "log", "--oneline"], capture_output=True, text=True, check=True)
    assert len(log.stdout.splitlines()) == 1
    status = subprocess.run(["git", "-C", str(built), "status", "--porcelain"], capture_output=True, text=True)
    assert status.stdout == ""


def test_fresh_clone_make_check_counts_stubs_then_the_reference(clone, tmp_path):
    before = environment_snapshot()
    stubs = make(clone, "check")
    assert stubs.returncode != 0, stubs.stdout + stubs.stderr
    got, total = POINTS.search(stubs.stdout).groups()
    assert float(got) == 0 and float(total) > 0, stubs.stdout[-2000:]
    assert "not started" in stubs.stdout

    shutil.rmtree(clone / "mytensor")
    shutil.copytree(REPO / "solutions" / "mytensor", clone / "mytensor", ignore=shutil.ignore_patterns("__pycache__"))
    solved = make(clone, "check")
    assert solved.returncode == 0, solved.stdout[-3000:] + solved.stderr
    assert POINTS.search(solved.stdout).groups() == (total, total), solved.stdout[-2000:]
    assert re.search(r"Task 9\.3\s+passed", solved.stdout), "x.9 is checked too"
    chinese = make(clone, "check", "LANG=zh")  # the Chinese edition: notebooks/zh/, the same points
    assert chinese.returncode == 0 and f"得分 {total}/{total}" in chinese.stdout, chinese.stdout[-2000:] + chinese.stderr
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", "--", "mytensor"], check=True)
    assert environment_snapshot() == before, "make check wrote into the environment given as VENV"
    assert not (clone / ".venv").exists()


def test_fresh_clone_make_submit(clone):
    done = make(clone, "submit", "ARGS=--student ada.l")
    assert done.returncode == 0, done.stderr
    assert (clone / "submission" / "ada.l__mytensor-workbook.zip").is_file()


def test_fresh_clone_make_reset_of_methods_takes_their_stubs_back(clone):
    from workbook.release import stubbing

    optim = clone / "mytensor" / "optim.py"
    solved = stubbing.build_package(REPO / "solutions", keep_sections=99)["mytensor/optim.py"].decode()
    assert "raise NotImplementedError" not in solved
    optim.write_text(solved)
    try:
        done = make(clone, "reset", "ARGS=9.2")
        assert done.returncode == 0, done.stdout + done.stderr
        assert optim.read_text() == (REPO / "mytensor" / "optim.py").read_text()
    finally:
        subprocess.run(["git", "-C", str(clone), "checkout", "-q", "--", "mytensor"], check=True)


def test_fresh_clone_make_reset_takes_the_stub_from_the_kit(clone):
    layout = clone / "mytensor" / "_layout.py"
    solved = (REPO / "solutions" / "mytensor" / "_layout.py").read_text()
    layout.write_text(solved)
    try:
        done = make(clone, "reset", "ARGS=1.1")
        assert done.returncode == 0, done.stdout + done.stderr
        after = layout.read_text()
        assert after.count('NotImplementedError("Task 1.1:') == 1 and 'NotImplementedError("Task 1.3:' not in after
        backup = next(line.split(" in ", 1)[1] for line in done.stdout.splitlines() if line.startswith("Your version"))
        assert (Path(backup) / "mytensor" / "_layout.py").read_text() == solved
    finally:
        subprocess.run(["git", "-C", str(clone), "checkout", "-q", "--", "mytensor"], check=True)


def _wait_for_banner(log_path, process, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        found = re.search(r"(http://127\.0\.0\.1:\d+)/\S*\?token=(\w+)", log_path.read_text())
        if found:
            return found.groups()
        time.sleep(0.25)
    raise AssertionError("make lab printed no address:\n" + log_path.read_text()[-3000:])


def _get(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def test_fresh_clone_make_lab_serves_the_notebooks_as_a_student_lab(clone, tmp_path):
    import browser_support as bs

    port, log_path = bs.free_port(), tmp_path / "lab.log"
    env = {k: v for k, v in bs.isolated_env(tmp_path / "home").items() if k != "PYTHONPATH"}
    command = ["make", "-s", "lab", f"VENV={sys.prefix}", f"ARGS=--port {port} --no-browser"]
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=clone, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        base, token = _wait_for_banner(log_path, process)
        listing = _get(f"{base}/api/contents/notebooks", token)
        names = sorted(item["name"] for item in listing["content"] if item["type"] == "notebook")
        assert names == sorted(p.name for p in (clone / "notebooks").glob("*.ipynb"))
        assert "zh" in {item["name"] for item in listing["content"]}  # the Chinese edition
        page = json.loads((clone / "build" / "jupyter" / "config-student" / "labconfig" / "page_config.json").read_text())
        assert page["disabledExtensions"]["@jupyter/nbgrader:formgrader"] is True
        with pytest.raises(urllib.error.HTTPError):
            _get(f"{base}/formgrader/api/assignments", token)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)
        try:
            os.killpg(process.pid, signal.SIGKILL)  # anything of the group still running
        except ProcessLookupError:
            pass


def test_kit_refuses_a_folder_with_files(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    done = subprocess.run([sys.executable, "-m", "workbook", "kit", str(tmp_path)], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert str(tmp_path) in done.stderr and "not empty" in done.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_kit_refuses_a_student_tree_edited_since_the_release(tmp_path):
    root = tmp_path / "repo"
    for name in ("notebooks", "mytensor"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(REPO / writing.MANIFEST, root / writing.MANIFEST)
    assert kit.released_files(root)
    with open(root / "mytensor" / "views.py", "a") as edited:
        edited.write("\n# edited by hand\n")
    with pytest.raises(kit.KitError, match=r"mytensor/views\.py.*make release"):
        kit.released_files(root)


def test_kit_lists_only_student_commands_and_names_the_home_of_the_others(built):
    def workbook(*args):
        return subprocess.run([sys.executable, "-P", "-m", "workbook", *args], cwd=built, capture_output=True,
                              text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(built)})

    listed = workbook("--help")
    assert listed.returncode == 0, listed.stderr
    commands = {line.split()[0] for line in listed.stdout.split("commands:\n", 1)[1].splitlines()}
    assert commands == {"lab", "check", "submit", "reset"}
    for command in ("grade", "release", "kit", "course", "translations", "mutants"):
        done = workbook(command)
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        assert f"`{command}` is an instructor's command" in done.stderr and "course repository" in done.stderr


def test_pins_name_each_difference(tmp_path):
    wanted = {"numpy": "0.0.1", "no-such-package-here": "1.0"}
    problems = pins.differences(wanted)
    assert any("numpy==0.0.1" in p and "is installed" in p for p in problems)
    assert any("no-such-package-here==1.0: not installed" in p for p in problems)
    assert pins.differences(pins.pins((REPO / "requirements.txt").read_text())) == []


def test_make_with_a_missing_environment_says_so(clone, tmp_path):
    done = subprocess.run(["make", "-s", "check", f"VENV={tmp_path / 'nothing'}"], cwd=clone,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "has no bin/python" in done.stderr and str(tmp_path / "nothing") in done.stderr
