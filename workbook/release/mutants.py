"""Mutation analysis of the checks: does a plausible bug in a solution lose marks? (``make mutants``)

Usage::

    python -m workbook mutants                # every mutant of every solution region
    python -m workbook mutants --sample 25    # a fixed sample of them (tests/test_mutants.py)
    python -m workbook mutants --task 3.4     # only the regions of one task
    python -m workbook mutants --list         # print the mutants without grading them

A mutant is the reference library (``solutions/mytensor``) with one change
inside one solution region, made by cosmic-ray's mutation operators: an
operator swapped, a number +1 or -1, a comparison loosened or tightened, a
boolean flipped, a loop run zero times; and two of the workbook's own in
cosmic-ray's form, a statement dropped and ``reversed()`` removed.

Each mutant is graded twice, in this process, as ``make check`` grades:
first with the visible checks of the graded cells (each cell up to
``### BEGIN HIDDEN TESTS``), then, if it survived those, with the whole cells
as nbgrader grades them (hidden tests included). Only the cells that call the
mutated function on the reference run: a trace of one reference run finds them.

A mutant that behaves exactly like torch's rule is *equivalent*: no check can
kill it. Those are listed in ``tests/equivalent_mutants.txt``, one a line as
``<mutant id>  # <reason>``, and left out of the figures. The command prints
every survivor and the two kill rates, and exits 1 unless the hidden tests
kill every other mutant and the visible checks kill at least 90%.
"""

import argparse
import contextlib
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import parso
from cosmic_ray.mutating import mutate_code
from cosmic_ray.operators.operator import Example, Operator
from cosmic_ray.plugins import get_operator

from workbook import check as task_check
from workbook.release import stubbing
from workbook.names import REPO

EQUIVALENTS = REPO / "tests" / "equivalent_mutants.txt"
HIDDEN = "### BEGIN HIDDEN TESTS"
VISIBLE_TARGET = 0.90
# cosmic-ray's operators that make the bugs students write; the full set
# (every operator into every other) would be thousands of unlikely mutants.
CORE = (
    "ReplaceBinaryOperator_Add_Sub", "ReplaceBinaryOperator_Sub_Add", "ReplaceBinaryOperator_Mul_Div",
    "ReplaceBinaryOperator_Div_Mul", "ReplaceBinaryOperator_FloorDiv_Div", "ReplaceBinaryOperator_Mod_FloorDiv",
    "ReplaceComparisonOperator_Lt_LtE", "ReplaceComparisonOperator_LtE_Lt", "ReplaceComparisonOperator_Gt_GtE",
    "ReplaceComparisonOperator_GtE_Gt", "ReplaceComparisonOperator_Eq_NotEq", "ReplaceComparisonOperator_NotEq_Eq",
    "ReplaceUnaryOperator_USub_UAdd", "ReplaceAndWithOr", "ReplaceOrWithAnd", "ReplaceTrueWithFalse",
    "ReplaceFalseWithTrue", "NumberReplacer", "ZeroIterationForLoop",
)


class ReferenceFails(Exception):
    """The reference library fails a graded cell, so no mutant can be measured against it."""


class DropStatement(Operator):
    """Replace one simple statement (an assignment, a call, a raise, an early return) by ``pass``."""

    def mutation_positions(self, node):
        if node.type == "simple_stmt" and len(node.children) == 2 and not _is_last_return(node):
            yield node.start_pos, node.end_pos

    def mutate(self, node, index):
        statement = node.children[0]
        node.children[0] = parso.python.tree.Keyword("pass", statement.start_pos, statement.get_first_leaf().prefix)
        return node

    @classmethod
    def examples(cls):
        return (Example("x = 1\n", "pass\n"),)


def _is_last_return(node):
    """A function's final ``return``: dropping it only makes every call return None."""
    suite = node.parent
    return (node.children[0].type == "return_stmt" and suite.parent is not None
            and suite.parent.type == "funcdef" and suite.children[-1] is node)


class RemoveReversed(Operator):
    """``reversed(x)`` becomes ``list(x)``: the same items, in the original order."""

    def mutation_positions(self, node):
        if node.type == "name" and node.value == "reversed" and node.get_next_sibling() is not None:
            yield node.start_pos, node.end_pos

    def mutate(self, node, index):
        return parso.python.tree.Name("list", node.start_pos, node.prefix)

    @classmethod
    def examples(cls):
        return (Example("y = reversed(x)", "y = list(x)"),)


class _InLines(Operator):
    """Another operator, restricted to nodes that start on the given lines."""

    def __init__(self, inner, lines):
        self.inner, self.lines = inner, lines

    def mutation_positions(self, node):
        if node.start_pos[0] in self.lines:
            yield from self.inner.mutation_positions(node)

    def mutate(self, node, index):
        return self.inner.mutate(node, index)

    @classmethod
    def examples(cls):
        return ()


def operators():
    """``{name: operator instance}``: cosmic-ray's chosen core operators and the workbook's two."""
    found = {name: get_operator(f"core/{name}")() for name in CORE}
    return {**found, "DropStatement": DropStatement(), "RemoveReversed": RemoveReversed()}


@dataclass(frozen=True)
class Mutant:
    """One changed line of one solution region."""

    file: str
    task: str
    function: str
    operator: str
    before: str
    after: str
    source: str
    nth: int = 1

    @property
    def id(self):
        """Stable across edits elsewhere in the file: the file, function and the line before and after.

        The same change on a second identical line of the function gets `` #2``.
        """
        return f"{self.file}:{self.function}: {self.before} => {self.after}" + (f" #{self.nth}" if self.nth > 1 else "")


def _changed_line(original, mutated):
    """``(before, after)``: the first line that differs, stripped."""
    for old, new in zip(original.split("\n"), mutated.split("\n")):
        if old != new:
            return old.strip(), new.strip()
    return None


def _region_mutants(path, text, region, named_operators):
    """Every mutant of one region that still compiles, one per operator occurrence."""
    lines = set(range(region.begin + 1, region.end))
    found = []
    for name, operator in named_operators.items():
        occurrence, limited = 0, _InLines(operator, lines)
        while (mutated := mutate_code(text, limited, occurrence)) is not None:
            occurrence += 1
            changed = _changed_line(text, mutated)
            if changed and _compiles(mutated, path):
                found.append(Mutant(path.name, region.task, region.function, name, *changed, mutated))
    return found


def _compiles(source, path):
    try:
        compile(source, str(path), "exec")
    except SyntaxError:
        return False
    return True


def all_mutants(solutions=REPO / "solutions", tasks=None):
    """Every mutant of every solution region (of ``tasks`` when given), one per id, sorted by id."""
    named, found = operators(), {}
    for path in sorted((Path(solutions) / "mytensor").glob("*.py")):
        text = path.read_text("utf-8")
        for region in stubbing.find_regions(text, path):
            if tasks is None or region.task in tasks:
                for mutant in _region_mutants(path, text, region, named):
                    while mutant.id in found and found[mutant.id].source != mutant.source:
                        mutant = replace(mutant, nth=mutant.nth + 1)
                    found.setdefault(mutant.id, mutant)
    return [found[key] for key in sorted(found)]


def sample(mutants, size, seed=0):
    """A fixed sample of ``size`` mutants (the same one on every run)."""
    return sorted(random.Random(seed).sample(mutants, min(size, len(mutants))), key=lambda m: m.id)


def read_equivalents(path=EQUIVALENTS):
    """``{mutant id: reason}`` from the reviewed list; a line without a reason is an error."""
    found = {}
    if not Path(path).exists():
        return found
    for number, line in enumerate(Path(path).read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        key, _, reason = line.rpartition("  # ")
        if not key or not reason.strip():
            raise ValueError(f"{path}:{number}: write '<mutant id>  # <why no check can tell it from torch>'")
        found[key.strip()] = reason.strip()
    return found


@dataclass(frozen=True)
class GradedCell:
    """One graded cell of a source notebook, with the notebook's setup cells."""

    notebook: Path
    grade_id: str
    setup: tuple
    source: str

    def part(self, hidden):
        """The whole cell as nbgrader grades it, or only its visible checks."""
        return self.source if hidden else self.source.split(HIDDEN)[0]


def graded_cells(solutions=REPO / "solutions"):
    """Every graded cell of the source notebooks, in notebook order."""
    found = []
    for path in sorted(Path(solutions).glob("x*_*.ipynb")):
        setup, cells = task_check.read_notebook(path)
        for cell in cells:
            grade_id = cell["metadata"]["nbgrader"].get("grade_id", "?")
            found.append(GradedCell(path.resolve(), grade_id, tuple(setup), task_check.cell_source(cell)))
    return found


def _run_cell(cell, hidden, timeout):
    """``None`` when the cell passes, else a short reason (run in the notebook's folder)."""
    namespace = {"__name__": "__main__"}
    for number, source in enumerate(cell.setup, 1):
        error, _ = task_check.run_source(source, namespace, f"<{cell.notebook.name} setup {number}>", timeout)
        if error is not None:
            return f"{cell.notebook.name} setup cell {number}: {type(error).__name__}"
    status, message = task_check.describe(*task_check.run_source(cell.part(hidden), namespace, f"<{cell.grade_id}>", timeout))
    return None if status == "passed" else f"{cell.grade_id} {status}: {message.strip().splitlines()[0][:100] if message else ''}"


def first_failure(cells, package_parent, hidden, timeout=30):
    """The first of ``cells`` that fails against the ``mytensor`` in ``package_parent``, or None."""
    with task_check.use_package(package_parent) as module:
        if isinstance(module, Exception):
            return f"import mytensor: {type(module).__name__}"
        for cell in cells:
            with _in_folder(cell.notebook.parent):
                failure = _run_cell(cell, hidden, timeout)
            if failure:
                return failure
    return None


@contextlib.contextmanager
def _in_folder(folder):
    previous = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


def reach(cells, package_parent):
    """``{(file name, function): [cells that call it]}`` on the reference, from one traced run."""
    folder, seen, current = (Path(package_parent) / "mytensor").resolve(), {}, [None]

    def record(frame, event, arg):
        if event == "call" and frame.f_code.co_filename.startswith(str(folder)):
            key = (Path(frame.f_code.co_filename).name, frame.f_code.co_name)
            calls = seen.setdefault(key, [])
            if current[0] not in calls:
                calls.append(current[0])

    for cell in cells:
        current[0] = cell
        sys.setprofile(record)
        try:
            # No time limit: the profiler slows every call, and torch's first import most.
            failure = first_failure([cell], package_parent, hidden=True, timeout=0)
        finally:
            sys.setprofile(None)
        if failure:
            raise ReferenceFails(f"solutions/{cell.notebook.name}: the reference fails {failure}; "
                                 "fix solutions/mytensor or the check (`make check ARGS=--package solutions`) first")
    return seen


@dataclass(frozen=True)
class Outcome:
    """How one mutant fared: what killed it at each level (None: it survived)."""

    mutant: Mutant
    visible: str
    hidden: str


def grade(mutant, reached, package_parent):
    """Grade one mutant with the visible checks, then (if it survives) with the hidden tests too."""
    cells = reached.get((mutant.file, mutant.function), [])
    target = Path(package_parent) / "mytensor" / mutant.file
    original = target.read_text("utf-8")
    target.write_text(mutant.source, "utf-8")
    try:
        visible = first_failure(cells, package_parent, hidden=False)
        hidden = visible or first_failure(cells, package_parent, hidden=True)
    finally:
        target.write_text(original, "utf-8")
    return Outcome(mutant, visible, hidden)


@contextlib.contextmanager
def reference_copy(solutions=REPO / "solutions"):
    """A scratch copy of the reference library; no bytecode is cached, as its files change in place."""
    previous = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    with tempfile.TemporaryDirectory(prefix="mutants-") as scratch:
        for path in (Path(solutions) / "mytensor").glob("*.py"):
            (Path(scratch) / "mytensor").mkdir(exist_ok=True)
            (Path(scratch) / "mytensor" / path.name).write_bytes(path.read_bytes())
        try:
            yield Path(scratch)
        finally:
            sys.dont_write_bytecode = previous


def run(mutants, solutions=REPO / "solutions", progress_to=None):
    """Grade ``mutants``; return their outcomes in order."""
    cells = graded_cells(solutions)
    outcomes = []
    with reference_copy(solutions) as parent:
        reached = reach(cells, parent)
        for number, mutant in enumerate(mutants, 1):
            outcomes.append(grade(mutant, reached, parent))
            if progress_to:
                print(f"\r  {number}/{len(mutants)}", end="", file=progress_to, flush=True)
    if progress_to:
        print(file=progress_to)
    return outcomes


@dataclass(frozen=True)
class Figures:
    """Kill counts over the mutants that are not equivalent."""

    mutants: int
    equivalent: int
    visible: int
    hidden: int

    @property
    def counted(self):
        return self.mutants - self.equivalent

    def rate(self, killed):
        return killed / self.counted if self.counted else 1.0

    @property
    def met(self):
        return self.hidden == self.counted and self.rate(self.visible) >= VISIBLE_TARGET


def figures(outcomes, equivalents):
    """The kill counts of ``outcomes``, leaving out the listed equivalent mutants."""
    counted = [o for o in outcomes if o.mutant.id not in equivalents]
    return Figures(len(outcomes), len(outcomes) - len(counted),
                   sum(o.visible is not None for o in counted), sum(o.hidden is not None for o in counted))


def report(outcomes, equivalents):
    """The survivors, one a line with the level they survived, then the figures."""
    lines = []
    for outcome in outcomes:
        if outcome.mutant.id in equivalents:
            continue
        if outcome.hidden is None:
            lines.append(f"  SURVIVES ALL   [{outcome.mutant.task} {outcome.mutant.operator}] {outcome.mutant.id}")
        elif outcome.visible is None:
            lines.append(f"  hidden only    [{outcome.mutant.task} {outcome.mutant.operator}] {outcome.mutant.id}")
    found = figures(outcomes, equivalents)
    lines += [
        f"\nmutants: {found.mutants} ({found.equivalent} equivalent, listed in {EQUIVALENTS.relative_to(REPO)})",
        f"visible checks kill {found.visible} of {found.counted} ({100 * found.rate(found.visible):.1f}%; target 90%)",
        f"hidden tests kill   {found.hidden} of {found.counted} ({100 * found.rate(found.hidden):.1f}%; target 100%)",
    ]
    return "\n".join(lines)


def main(argv=None):
    """Entry point of ``python -m workbook mutants``; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m workbook mutants", description=__doc__.split("\n")[0])
    parser.add_argument("--sample", type=int, help="grade a fixed sample of this many mutants")
    parser.add_argument("--task", action="append", help="only the regions of this task (repeatable), e.g. 3.4")
    parser.add_argument("--list", action="store_true", help="print the mutants' ids and stop")
    args = parser.parse_args(argv)
    mutants = all_mutants(tasks=set(args.task) if args.task else None)
    mutants = sample(mutants, args.sample) if args.sample else mutants
    if args.list:
        print("\n".join(f"[{m.task} {m.operator}] {m.id}" for m in mutants))
        return 0
    equivalents = read_equivalents()
    started = time.perf_counter()
    print(f"Grading {len(mutants)} mutants of the solution regions with the notebooks' checks...", flush=True)
    try:
        outcomes = run(mutants, progress_to=sys.stderr)
    except ReferenceFails as error:
        print(f"python -m workbook mutants: {error}", file=sys.stderr)
        return 2
    print(report(outcomes, equivalents))
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0 if figures(outcomes, equivalents).met else 1
