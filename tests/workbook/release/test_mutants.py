"""Mutation analysis of the checks (``make mutants``): the tool, and the bugs it must catch.

The full run grades every mutant (docs/maintainer.md); here a fixed
sample runs, and each bug that students actually wrote must fail a visible check.
"""

import pytest
from cosmic_ray.mutating import mutate_code

from workbook.release import mutants

SOLUTIONS = mutants.REPO / "solutions"

# (task, file, [(reference text, buggy text)], what the bug is): each must fail a visible check.
NAMED_BUGS = [
    ("2.1", "indexing.py", [("    start = start + size if start < 0 else start\n", "")],
     "a negative slice start is not wrapped: X[-2:] takes every row"),
    ("2.1", "indexing.py", [("    stop = min(max(stop, start), size)", "    stop = min(stop, size)")],
     "stop < start gives a negative size"),
    ("2.1", "indexing.py", [("    if not -size <= i < size:", "    if not -size < i < size:")],
     "X[-3] is refused on a dimension of size 3"),
    ("2.1", "indexing.py", [("if dim < len(shape) else 1", "if dim < len(shape) else 2")],
     "a trailing None gets stride 2"),
    ("2.3", "_layout.py", [("        return (1,) * len(new_shape)", "        return (0,) * len(new_shape)")],
     "view of a 0-d tensor gets stride 0"),
    ("3.3", "joining.py", [("    _check_shapes(tensors, dim)", "    _check_shapes(used, dim)")],
     "cat's tensor number counted after empty tensors are dropped"),
    ("3.3", "joining.py", [("    if not used:\n        return _tensor.Tensor._wrap(np.empty(0, dtype.numpy_type)), 0\n", ""),
                           ("    used = [t for t in tensors if t._shape != (0,)]", "    used = [t for t in tensors if t._shape != (0,)] or list(tensors[:1])")],
     "cat of only empty tensors checks dim against them"),
    ("3.4", "reductions.py", [("    axes = [_layout.normalize_dim(d, ndim) for d in dims]\n    for i, axis in enumerate(axes):\n        if axis in axes[:i]:",
                               "    axes = []\n    for d in dims:\n        axis = _layout.normalize_dim(d, ndim)\n        if axis in axes:"),
                              ("            raise RuntimeError(f\"dim {axis} appears multiple times in the list of dims\")\n",
                               "            raise RuntimeError(f\"dim {axis} appears multiple times in the list of dims\")\n        axes.append(axis)\n")],
     "sum's repeated-dim error comes before a later dim's IndexError"),
    ("4.1", "broadcasting.py", [("    for dim in reversed(range(ndim)):\n        if a[dim] != b[dim]", "    for dim in range(ndim):\n        if a[dim] != b[dim]")],
     "the broadcast error scans from the left"),
    ("4.1", "broadcasting.py", [("if a[dim] != b[dim] and a[dim] != 1 and b[dim] != 1:", "if a[dim] != b[dim] and b[dim] != 1:")],
     "broadcast_pair accepts size 1 only on the right"),
    ("6.3", "interop.py", [("        raise ValueError(\"only one element tensors can be converted to Python scalars\")\n    return float(",
                            "        raise RuntimeError(\"only one element tensors can be converted to Python scalars\")\n    return float(")],
     "float(t) raises RuntimeError"),
    ("6.3", "interop.py", [("        raise ValueError(\"only one element tensors can be converted to Python scalars\")\n    return int(",
                            "        raise RuntimeError(\"only one element tensors can be converted to Python scalars\")\n    return int(")],
     "int(t) raises RuntimeError"),
    ("7.1", "ops.py", [("np.where(y == 0, 0, y * x ** (y - 1))", "np.where(y == 1, 0, y * x ** (y - 1))")],
     "pow's derivative is 0 for exponent 1"),
    ("7.3", "autograd.py", [("stretched = tuple(extra + i for i,", "stretched = tuple(i for i,")],
     "a broadcast gradient is summed over the wrong axis when the input has fewer dimensions"),
    ("8.1", "spacing.py", [("    values = np.where(index < max(steps // 2, 1), up, down)",
                            "    values = first + step * index")],
     "linspace computes every value as start + step * i"),
]


def _buggy(file, changes):
    text = (SOLUTIONS / "mytensor" / file).read_text("utf-8")
    for old, new in changes:
        assert text.count(old) == 1, f"{file} no longer holds {old!r}: update the bug to the reference"
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def scratch():
    with mutants.reference_copy(SOLUTIONS) as parent:
        yield parent


@pytest.fixture(scope="module")
def cells():
    return mutants.graded_cells(SOLUTIONS)


@pytest.fixture(scope="module")
def every_mutant():
    return mutants.all_mutants(SOLUTIONS)


@pytest.mark.parametrize("task, file, changes, bug", NAMED_BUGS, ids=[bug[3] for bug in NAMED_BUGS])
def test_a_bug_students_wrote_fails_a_visible_check(scratch, cells, task, file, changes, bug):
    own = [c for c in cells if c.grade_id == "task-" + task.replace(".", "-")]
    target = scratch / "mytensor" / file
    original = target.read_text("utf-8")
    assert mutants.first_failure(own, scratch, hidden=False) is None, "the reference must pass"
    target.write_text(_buggy(file, changes), "utf-8")
    try:
        assert mutants.first_failure(own, scratch, hidden=False), f"no visible check of Task {task} catches: {bug}"
    finally:
        target.write_text(original, "utf-8")


def test_a_fixed_sample_of_mutants_is_killed_by_the_hidden_tests(scratch, cells, every_mutant):
    chosen = mutants.sample(every_mutant, 15)
    reached = mutants.reach(cells, scratch)
    equivalents = mutants.read_equivalents()
    outcomes = [mutants.grade(m, reached, scratch) for m in chosen if m.id not in equivalents]
    survivors = [o.mutant.id for o in outcomes if o.hidden is None]
    assert outcomes and not survivors, "mutants no check kills:\n" + "\n".join(survivors)


def test_mutants_change_solution_regions_only():
    found = mutants.all_mutants(SOLUTIONS, tasks={"1.1"})
    assert found and all(m.file == "_layout.py" and m.function == "contiguous_strides" for m in found)
    operators = {m.operator for m in found}
    assert {"RemoveReversed", "DropStatement", "NumberReplacer"} <= operators, operators


@pytest.mark.parametrize("operator", [mutants.DropStatement, mutants.RemoveReversed])
def test_the_workbooks_operators_make_their_examples(operator):
    for example in operator.examples():
        assert mutate_code(example.pre_mutation_code, operator(), example.occurrence) == example.post_mutation_code


def test_a_final_return_is_not_dropped():
    code = "def f(a):\n    if a:\n        return 1\n    return 2\n"
    assert mutate_code(code, mutants.DropStatement(), 0) == "def f(a):\n    if a:\n        pass\n    return 2\n"
    assert mutate_code(code, mutants.DropStatement(), 1) is None


def test_every_listed_equivalent_mutant_exists_and_says_why(every_mutant):
    listed = mutants.read_equivalents()
    ids = {m.id for m in every_mutant}
    stale = [key for key in listed if key not in ids]
    assert not stale, f"{mutants.EQUIVALENTS} lists mutants that no longer exist:\n" + "\n".join(stale)


def test_an_equivalent_without_a_reason_is_refused(tmp_path):
    path = tmp_path / "equivalent.txt"
    path.write_text("_layout.py:f: a => b\n", "utf-8")
    with pytest.raises(ValueError, match="equivalent.txt:1"):
        mutants.read_equivalents(path)


def test_figures_leave_out_equivalent_mutants():
    mutant = mutants.Mutant("f.py", "1.1", "f", "op", "a", "b", "")
    other = mutants.Mutant("f.py", "1.1", "f", "op", "a", "c", "")
    outcomes = [mutants.Outcome(mutant, None, None), mutants.Outcome(other, None, "task-1-1 failed")]
    found = mutants.figures(outcomes, {mutant.id: "why"})
    assert (found.counted, found.visible, found.hidden) == (1, 0, 1)
    assert not found.met


def test_a_reference_that_fails_a_cell_stops_the_run(scratch):
    cell = mutants.GradedCell(SOLUTIONS / "x1_creating.ipynb", "task-9-9", (), "assert False")
    with pytest.raises(mutants.ReferenceFails, match="solutions/x1_creating.ipynb: the reference fails task-9-9"):
        mutants.reach([cell], scratch)
