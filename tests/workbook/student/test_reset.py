"""`make reset ARGS="1.3"`: one task's stub comes back, the student's version is kept."""

import shutil
import subprocess
from pathlib import Path

import pytest

from workbook.release import stubbing
from workbook import reset
from workbook_fixtures import make_repo


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A temp repository that committed its release; its student package is then finished through Task 2.3."""
    root = make_repo(tmp_path_factory.mktemp("reset"))
    stubbing.write_files(stubbing.build_package(root / "solutions"), root)
    identity = ["-c", "user.name=t", "-c", "user.email=t@localhost"]
    for args in (["init", "-q"], ["add", "mytensor"], [*identity, "commit", "-q", "-m", "release"]):
        subprocess.run(["git", "-C", str(root), *args], check=True)
    stubbing.write_files(stubbing.build_package(root / "solutions", done_through="2.3"), root)
    return root


@pytest.fixture
def student(repo, tmp_path):
    shutil.copytree(repo / "mytensor", tmp_path / "mytensor")
    return tmp_path


def test_reset_restores_one_task_and_keeps_a_backup(repo, student, capsys):
    layout = student / "mytensor" / "_layout.py"
    before = layout.read_text()
    assert reset.main(["1.3", "--root", str(repo), "--package", str(student)]) == 0
    out = capsys.readouterr().out
    after = layout.read_text()
    assert 'raise NotImplementedError("Task 1.3:' in after
    assert 'raise NotImplementedError("Task 2.3:' not in after and "def view_strides" in after
    assert after.count("NotImplementedError(\"Task") == 1
    backup = next(line.split(" in ", 1)[1] for line in out.splitlines() if line.startswith("Your version"))
    assert (Path(backup) / "mytensor" / "_layout.py").read_text() == before


def test_reset_of_a_task_in_two_files(repo, student):
    reset.reset("1.2", repo, student)
    assert 'NotImplementedError("Task 1.2:' in (student / "mytensor" / "creation.py").read_text()


def test_unknown_task_and_broken_file_change_nothing(repo, student, capsys):
    assert reset.main(["9.9", "--root", str(repo), "--package", str(student)]) == 1
    assert "there is no Task 9.9; the tasks are 1.1, 1.2" in capsys.readouterr().err
    layout = student / "mytensor" / "_layout.py"
    broken = layout.read_text().replace("def infer_size(shape, count):", "def infer_size(shape, count:")
    layout.write_text(broken)
    assert reset.main(["1.3", "--root", str(repo), "--package", str(student)]) == 1
    err = capsys.readouterr().err
    assert "mytensor/_layout.py does not parse" in err and "Nothing was changed" in err
    assert layout.read_text() == broken
    assert reset.main(["one", "--root", str(repo)]) == 2


def test_reset_of_a_task_whose_functions_are_methods(repo, student):
    optim = student / "mytensor" / "optim.py"
    optim.write_text(stubbing.build_package(repo / "solutions", keep_sections=99)["mytensor/optim.py"].decode())
    done, _ = reset.reset("9.2", repo, student)
    assert done == ["mytensor/optim.py: SGD.step, SGD.zero_grad"]
    text = optim.read_text()
    assert 'NotImplementedError("Task 9.2: the SGD update' in text and 'NotImplementedError("Task 9.2: clearing' in text


def test_reset_without_a_kit_copy_or_a_committed_release_says_where_it_looked(tmp_path, capsys):
    (tmp_path / "mytensor").mkdir()
    assert reset.main(["1.1", "--root", str(tmp_path), "--package", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert ".stubs/mytensor" in err and "git history" in err and "Traceback" not in err
