"""Hostile entries in the nbgrader exchange's ``inbound/`` folder, graded beside an honest student.

Two real Unix accounts, alice (honest) and mallory, own the entries, as they
would after ``nbgrader submit`` on a shared machine (tests/hub_support.py makes
and removes them). Mallory hands in her own work with links to the grader's
environment and the course's hidden tests, a hard link, a FIFO, a device, a folder that
is a link; she writes an entry in alice's name with a later time and a file
into alice's entry; she names entries with a spreadsheet formula, terminal
escapes and a newline, and for a student who has no account. One
``workbook grade --exchange --jobs 2`` grades the class, and the test checks
both grades, the gradebook's exports, what was filed on disk, what was
printed, and that no process of the run is left.
"""

import contextlib
import csv
import io
import os
import secrets
import shutil
import stat
from pathlib import Path

import pytest

import hub_support as hs
from tests.grading import tiny
from workbook.grading import course, grade
from workbook.grading.plaintext import FORMULA

pytestmark = pytest.mark.slow
EARLY, LATE = "2026-01-01 10:00:00.000000 UTC", "2026-01-02 10:00:00.000000 UTC"
FORMULA_ID = '=HYPERLINK(CONCATENATE("http",CHAR(58),CHAR(47),CHAR(47),"evil.example"),"details")'
ESCAPES_ID = "eve\x1b]52;c;ZXZpbA==\x07\x1b]0;owned\x07\rflagged\u202e\nalice: fine"
SECRET = "WORKBOOK_TEST_SECRET"


def _own(path, uid):
    for folder, dirs, files in os.walk(path):
        for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
            os.lchown(name, uid, uid)


def _entry(inbound, name, uid, package, release):
    """An entry as ``nbgrader submit`` leaves it, owned by ``uid``."""
    entry = inbound / name
    entry.mkdir()
    for notebook in release.glob("*.ipynb"):
        shutil.copyfile(notebook, entry / notebook.name)
    tiny.write_package(entry / "mytensor", package)
    (entry / "timestamp.txt").write_text(name.split("+")[2])
    (entry / "submission_secret.txt").write_text(secrets.token_hex(8))
    _own(entry, uid)
    return entry


def _mallorys_own(inbound, mallory, root, release):
    """Her real work, with everything of the grader's machine she can point at."""
    uid = mallory.pw_uid
    entry = _entry(inbound, f"{mallory.pw_name}+{tiny.ASSIGNMENT}+{EARLY}+m1", uid, tiny.REFERENCE, release)
    package = entry / "mytensor"
    (package / "environ.py").symlink_to("/proc/self/environ")
    (package / "hidden.py").symlink_to(root / "source" / tiny.ASSIGNMENT / "x1_double.ipynb")
    os.link(root / "source" / tiny.ASSIGNMENT / "x2_triple.ipynb", package / "hard.py")
    os.mkfifo(package / "fifo.py")
    os.mknod(package / "zero.py", 0o600 | stat.S_IFCHR, os.makedev(1, 5))  # /dev/zero: a read never ends
    (package / "course").symlink_to(root / "source" / tiny.ASSIGNMENT)
    (entry / "timestamp.txt").unlink()
    (entry / "timestamp.txt").symlink_to("/etc/shadow")
    for link in ("environ.py", "hidden.py", "fifo.py", "zero.py", "course"):
        os.lchown(package / link, uid, uid)


def _hostile_names(inbound, uid, release):
    for name in (FORMULA_ID, ESCAPES_ID, "ghost"):
        _entry(inbound, f"{name}+{tiny.ASSIGNMENT}+{EARLY}+x", uid, tiny.REFERENCE, release)
    (inbound / f"bob+{tiny.ASSIGNMENT}+{EARLY}+l").symlink_to(inbound)
    os.mkfifo(inbound / f"fifo+{tiny.ASSIGNMENT}+{EARLY}+f")


@pytest.fixture(scope="module")
def accounts():
    if os.geteuid() != 0 or not shutil.which("useradd"):
        pytest.skip("the exchange attacks need two Unix accounts: run as root (CI does)")
    import pwd

    names, _ = hs.unique_names("alice", "mallory")
    try:
        for name in names.values():
            hs.add_account(name)
        yield {role: pwd.getpwnam(name) for role, name in names.items()}
    finally:
        for name in names.values():
            hs.remove_account(name)


@pytest.fixture(scope="module")
def graded(accounts, tmp_path_factory):
    """The class graded once: (course, out folder, (exit code, printed), the grader's secret, alice, mallory)."""
    tmp = tmp_path_factory.mktemp("exchange")
    notebooks, package = tiny.write_source(tmp / "src")
    root = course.build(tmp / "course", notebooks, package, assignment=tiny.ASSIGNMENT)
    release = root / "release" / tiny.ASSIGNMENT
    inbound = tmp / "exchange" / course.COURSE_ID / "inbound"
    inbound.mkdir(parents=True)
    alice, mallory = accounts["alice"], accounts["mallory"]
    honest = _entry(inbound, f"{alice.pw_name}+{tiny.ASSIGNMENT}+{EARLY}+a1", alice.pw_uid, tiny.REFERENCE, release)
    (honest / "mytensor" / "planted.py").write_text("raise SystemExit('planted by another student')\n")
    os.lchown(honest / "mytensor" / "planted.py", mallory.pw_uid, mallory.pw_uid)
    _entry(inbound, f"{alice.pw_name}+{tiny.ASSIGNMENT}+{LATE}+m2", mallory.pw_uid, tiny.STUB, release)
    _mallorys_own(inbound, mallory, root, release)
    _hostile_names(inbound, mallory.pw_uid, release)
    secret = secrets.token_hex(16)
    out = tmp / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKBOOK_EXCHANGE", str(tmp / "exchange"))
        patch.setenv(SECRET, secret)
        printed = _run(["--exchange", "--course", str(root), "--out", str(out), "--assignment", tiny.ASSIGNMENT,
                        "--jobs", "2"])
    return root, out, printed, secret, alice.pw_name, mallory.pw_name


def _run(argv):
    """``workbook grade`` with ``argv``: its exit code and what it printed."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = grade.main(argv)
    return code, buffer.getvalue()


def _rows(path):
    with open(path, newline="") as table:
        return list(csv.reader(table))


def test_the_honest_student_keeps_her_grade_and_the_impostor_is_flagged(graded):
    _, out, (code, printed), _, alice, mallory = graded
    rows = {row[0]: row for row in _rows(out / "grades.csv")[1:]}
    assert sorted(rows) == sorted([alice, mallory]), printed
    assert float(rows[alice][1]) == float(rows[mallory][1]) == tiny.points(), rows
    assert f"written by {mallory}, not graded" in rows[alice][-1], rows[alice]
    assert f"wrote an inbound entry in {alice}'s name" in rows[mallory][-1], rows[mallory]
    assert f"claims to be {alice}'s but belongs to {mallory}: not graded" in printed
    assert code == 1, "problems in the exchange make the run's exit code 1"


def test_nothing_of_the_graders_machine_reaches_a_students_folder(graded):
    root, _, (_, printed), secret, alice, mallory = graded
    filed = [p for p in (root / "submitted").rglob("*") if not p.is_dir()]
    assert sorted({p.relative_to(root / "submitted").parts[0] for p in filed}) == sorted([alice, mallory])
    assert all(p.is_file() and not p.is_symlink() for p in filed)
    names = sorted(str(p.relative_to(root / "submitted" / mallory / tiny.ASSIGNMENT)) for p in filed
                   if p.is_relative_to(root / "submitted" / mallory))
    assert names == ["mytensor/__init__.py", "mytensor/ops.py", "submission_secret.txt", "timestamp.txt",
                     "x1_double.ipynb", "x2_triple.ipynb"]
    for place in ("submitted", "feedback"):
        for path in (root / place).rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                assert secret.encode() not in data and tiny.HIDDEN_MARKER.encode() not in data, path
    assert (root / "submitted" / mallory / tiny.ASSIGNMENT / "timestamp.txt").read_text() == EARLY


@pytest.mark.parametrize("left_out, why", [
    ("mytensor/environ.py", "a symbolic link"), ("mytensor/hidden.py", "a symbolic link"),
    ("mytensor/course", "a symbolic link"), ("mytensor/hard.py", "it belongs to root"),
    ("mytensor/fifo.py", "not a regular file"), ("mytensor/zero.py", "not a regular file"),
])
def test_each_link_and_special_file_is_left_out_and_said(graded, left_out, why):
    _, out, _, _, _, mallory = graded
    rows = {row[0]: row for row in _rows(out / "grades.csv")[1:]}
    assert f"left out {left_out}: {why}" in rows[mallory][-1]


def test_a_file_another_student_wrote_into_an_entry_is_left_out(graded):
    root, out, _, _, alice, mallory = graded
    rows = {row[0]: row for row in _rows(out / "grades.csv")[1:]}
    assert f"left out mytensor/planted.py: it belongs to {mallory}" in rows[alice][-1]
    assert not (root / "submitted" / alice / tiny.ASSIGNMENT / "mytensor" / "planted.py").exists()


@pytest.mark.parametrize("claimed, words", [
    (FORMULA_ID[:20], "student id"), ("eve\\x1b]52;c;", "student id"), ("'ghost", "no account is named 'ghost'"),
    ("'bob+", "not a folder"), ("'fifo+", "not a folder"),
])
def test_entries_that_name_no_student_are_refused_and_reported(graded, claimed, words):
    _, out, (_, printed), _, _, _ = graded
    found = [line for line in printed.splitlines() if claimed in line and "not collected" in line]
    assert len(found) == 1 and words in found[0], printed
    assert claimed in (out / "report.html").read_text().replace("&#x27;", "'").replace("&quot;", '"')


def test_no_formula_and_no_control_character_reaches_a_csv_or_the_terminal(graded):
    _, out, (_, printed), _, _, _ = graded
    for table in ("grades.csv", "nbgrader_grades.csv"):
        text = (out / table).read_text()
        assert not any(c in text for c in "\x1b\x07\r\u202e"), table
        cells = [cell for row in _rows(out / table) for cell in row]
        assert not [cell for cell in cells if cell.startswith(FORMULA) and not _number(cell)], table
    assert not any(c in printed for c in "\x1b\x07\r\u202e")
    assert not any(line.startswith("alice: fine") for line in printed.splitlines())


def _number(cell):
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_no_process_of_the_run_is_left(graded):
    _, _, _, secret, _, _ = graded
    left = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if secret.encode() in environ.read_bytes():
                left.append(environ.parent.name)
        except OSError:
            continue
    assert left == [str(os.getpid())] or left == [], left
