"""The hidden tests' failing calls are concrete: a student can type each one, with ``m`` as the module.

The source notebooks' graded cells (hidden tests included) run in this
process, as ``workbook.release.mutants`` runs them, against libraries that fail many
checks: the student stubs, and the reference with bugs students write. Every
failure's call must compile and name nothing that it does not bind itself
(``m`` and the builtins aside).
"""

import builtins
import json
import re
import symtable

import pytest

from workbook import checks, check as task_check
from workbook.release import mutants, stubbing

SOLUTIONS = mutants.REPO / "solutions"
# Bugs that change results without reading outside a tensor's storage, in several sections.
BUGS = {
    "broadcasting.py": [("if a[dim] != b[dim] and a[dim] != 1 and b[dim] != 1:", "if a[dim] != b[dim] and b[dim] != 1:")],
    "reductions.py": [("    axes = [_layout.normalize_dim(d, ndim) for d in dims]", "    axes = [d for d in dims]")],
    "spacing.py": [("    values = np.where(index < max(steps // 2, 1), up, down)", "    values = first + step * index")],
}


def unbound(call):
    """The names ``call`` uses but binds nowhere (``m`` and the builtins are bound)."""
    table = symtable.symtable(call, "<call>", "exec")
    bound = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}
    used = set()
    tables = [table]
    while tables:
        current = tables.pop()
        used |= {s.get_name() for s in current.get_symbols()
                 if (current is table and s.is_referenced()) or s.is_global()}
        tables += current.get_children()
    return used - bound - {"m"} - set(dir(builtins))


def failing_calls(parent):
    """Every failure record of every graded cell, hidden tests included, against the package in ``parent``."""
    found = []
    with task_check.use_package(parent):
        for cell in mutants.graded_cells(SOLUTIONS):
            namespace = {"__name__": "__main__"}
            with mutants._in_folder(cell.notebook.parent):
                for number, source in enumerate(cell.setup):
                    task_check.run_source(source, namespace, f"<{cell.notebook.name} setup {number}>", 0)
                with checks.collecting() as failures:
                    error, _ = task_check.run_source(cell.part(hidden=True), namespace, f"<{cell.grade_id}>", 0)
            stopped = error.records if isinstance(error, checks.CheckFailed) else []  # a stub ends its cell
            found += [(cell, record) for record in failures.records + stopped]
    return found


def visible_names(notebook):
    """Names the student's copy of ``notebook`` binds at the top of a cell (hidden tests left out)."""
    cells = json.loads(notebook.read_text("utf-8"))["cells"]
    text = "\n".join("".join(c["source"]).split(mutants.HIDDEN)[0] for c in cells if c["cell_type"] == "code")
    found = set(re.findall(r"^def (\w+)", text, re.M))
    for targets in re.findall(r"^(\w+(?:\s*,\s*\w+)*)\s*=[^=]", text, re.M):
        found |= {name.strip() for name in targets.split(",")}
    return found


def from_notebook(call):
    """The names a call's first line says the notebook defines (``# features, labels: ...``)."""
    first = call.splitlines()[0]
    return {name.strip() for name in first[2:].split(":")[0].split(",")} if first.startswith("# ") else set()


@pytest.fixture
def every_failure(monkeypatch):
    monkeypatch.setattr(checks, "FAILURES_SHOWN", 10_000)


def _buggy_reference(parent):
    for file, changes in BUGS.items():
        path = parent / "mytensor" / file
        text = path.read_text("utf-8")
        for old, new in changes:
            assert text.count(old) == 1, f"{file} no longer holds {old!r}: update the bug to the reference"
            text = text.replace(old, new)
        path.write_text(text, "utf-8")


def _assert_concrete(found, tasks):
    assert {cell.grade_id for cell, _ in found} >= tasks, "the bugs no longer fail these tasks"
    for cell, record in found:
        if record["kind"] in ("mismatch", "not_started"):
            call = record["call"]
            noted = from_notebook(call)
            assert noted <= visible_names(cell.notebook), f"{cell.grade_id}: the notebook does not show {noted}"
            assert not unbound(call) - noted, f"{cell.grade_id}: {call}"
            assert not call.startswith(("check(", "lambda m")), f"{cell.grade_id}: the source, not a call"


def test_failing_hidden_calls_of_a_buggy_reference_are_concrete(every_failure):
    with mutants.reference_copy(SOLUTIONS) as parent:
        _buggy_reference(parent)
        found = failing_calls(parent)
    _assert_concrete(found, {"task-3-4", "task-4-1", "task-4-2", "task-8-1"})
    calls = [record["call"] for cell, record in found if cell.grade_id == "task-4-2"]
    # the hidden ``m.arange(n).reshape(cut) + m.ones(tuple(shape))``, with the values drawn
    assert any(re.fullmatch(r"m\.arange\(\d+\)\.reshape\(\([\d, ]*\)\) \+ m\.ones\(\([\d, ]*\)\)", c) for c in calls), calls


def test_failing_calls_of_the_student_stubs_are_concrete(every_failure, tmp_path):
    stubbing.write_files(stubbing.build_package(SOLUTIONS), tmp_path)
    found = failing_calls(tmp_path)
    _assert_concrete(found, {"task-1-1", "task-2-1", "task-3-1"})
    assert all(record["kind"] == "not_started" for cell, record in found if cell.grade_id == "task-1-1")
