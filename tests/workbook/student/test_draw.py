"""workbook/draw.py draws what the tensors hold: positions from strides, shared storages, graphs.

The expected values come from torch itself (``t[i, j].storage_offset()``,
``grad_fn.next_functions``), never from the drawing code. Every figure is also
saved under artifacts/draw/ to be looked at.
"""

import doctest
import re
import importlib.util
import sys

import nbformat
import numpy as np
import pytest
import torch
from matplotlib.patches import FancyArrowPatch, Rectangle
from nbclient import NotebookClient

import mytensor
from workbook import draw, svg
from workbook.names import REPO

ARTIFACTS = REPO / "artifacts" / "draw"

VIEWS = {
    "X": lambda X: X,
    "X.t()": lambda X: X.t(),
    "X[1:, ::2]": lambda X: X[1:, ::2],
    "X[1]": lambda X: X[1],
    "X.reshape(2, 2, 3)": lambda X: X.reshape(2, 2, 3),
}


def save(fig, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    fig.savefig(ARTIFACTS / f"{name}.png", facecolor="white")


def patches(ax, kind, prefix):
    return {p.get_gid(): p for p in ax.patches if isinstance(p, kind) and (p.get_gid() or "").startswith(prefix)}


def texts(ax):
    return [t.get_text() for t in ax.texts]


def storage_box_under(ax, point):
    """The storage position whose box the point touches (an arrow's tip ends on its top edge)."""
    x, y = point
    for gid, box in patches(ax, Rectangle, "storage ").items():
        if box.get_x() - 0.1 <= x <= box.get_x() + box.get_width() + 0.1 and abs(y - (box.get_y() + 1)) < 0.3:
            return int(gid.split()[1])
    return None


def drawn_targets(ax):
    """{element index: storage position its arrow ends at}, read from the drawn arrows."""
    found = {}
    for gid, arrow in patches(ax, FancyArrowPatch, "arrow ").items():
        index = tuple(int(n) for n in gid[len("arrow ("):gid.index(")")].split(",") if n.strip())
        found[index] = storage_box_under(ax, arrow._posA_posB[1])
    return found


def torch_positions(t):
    return {index: t[index].storage_offset() for index in np.ndindex(*t.shape)}


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("library", ["torch", "mytensor"])
def test_storage_arrows_end_where_torch_keeps_each_element(library, view):
    module = torch if library == "torch" else mytensor
    t = VIEWS[view](module.arange(12).reshape(3, 4))
    fig = draw.storage(t, title=view)
    save(fig, f"storage-{library}-{view}")
    (ax,) = fig.axes
    assert drawn_targets(ax) == torch_positions(VIEWS[view](torch.arange(12).reshape(3, 4)))
    assert len(patches(ax, Rectangle, "storage ")) == 12, "the whole storage is drawn, also what a view leaves out"


def test_storage_boxes_show_the_storage_values_and_the_heading_the_strides():
    X = torch.arange(12).reshape(3, 4)
    fig = draw.storage(X.t(), title="X.t()")
    (ax,) = fig.axes
    shown = texts(ax)
    assert f"X.t():   shape (4, 3)   stride {X.t().stride()}   offset 0" in shown
    boxes = patches(ax, Rectangle, "storage ")
    for position, box in boxes.items():
        centre = (box.get_x() + 0.5, box.get_y() + 0.5)
        labels = [t.get_text() for t in ax.texts if np.allclose(t.get_position(), centre)]
        assert labels == [str(X.flatten()[int(position.split()[1])].item())]


def test_an_expanded_view_sends_several_arrows_to_one_position():
    t = torch.arange(3).expand(2, 3)
    (ax,) = draw.storage(t).axes
    targets = drawn_targets(ax)
    assert targets == torch_positions(t) and targets[(0, 1)] == targets[(1, 1)] == 1


@pytest.mark.parametrize("bad, words", [
    (torch.zeros(2, 2, 2, 2), "up to 3 dimensions"),
    (torch.zeros(10, 10), "up to 48 elements; this tensor has 100"),
    (torch.arange(100)[:4], "up to 48 storage elements; this tensor has 100"),
])
def test_storage_refuses_what_it_cannot_draw_in_words(bad, words):
    with pytest.raises(ValueError, match=words):
        draw.storage(bad)


def load_stub_package():
    """The generated student package (every task a stub), imported as ``stub_mytensor``."""
    init = REPO / "mytensor" / "__init__.py"
    spec = importlib.util.spec_from_file_location("stub_mytensor", init, submodule_search_locations=[str(init.parent)])
    module = importlib.util.module_from_spec(spec)
    sys.modules["stub_mytensor"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def stubs():
    module = load_stub_package()
    yield module
    for name in [n for n in sys.modules if n == "stub_mytensor" or n.startswith("stub_mytensor.")]:
        del sys.modules[name]


def test_a_stub_side_is_a_note_and_torch_is_still_drawn(stubs):
    X = torch.arange(12).reshape(3, 4)
    fig = draw.side_by_side(draw.storage, X.t(), lambda: stubs.arange(12).reshape(3, 4).t())
    save(fig, "side-by-side-storage-stub")
    torch_ax, my_ax = fig.axes
    assert torch_ax.get_title() == "torch" and my_ax.get_title() == "mytensor"
    assert drawn_targets(torch_ax) == torch_positions(X.t())
    note = " ".join(texts(my_ax)[0].split())
    assert note.startswith("Nothing to draw: Task 1.1 is not started yet: replace the `raise NotImplementedError` "
                           "in mytensor/_layout.py: contiguous_strides")


def test_a_broken_layout_is_a_note_that_says_what_is_wrong():
    t = mytensor.arange(4)
    t._shape, t._strides = (9,), (1,)
    (ax,) = draw.storage(t).axes
    note = " ".join(texts(ax)[0].split())
    assert "its layout cannot be drawn: layout reads element 8 of a storage of 4" in note


def test_side_by_side_draws_both_libraries_alike():
    fig = draw.side_by_side(draw.storage, torch.arange(12).reshape(3, 4).t(), mytensor.arange(12).reshape(3, 4).t())
    save(fig, "side-by-side-storage")
    left, right = fig.axes
    assert drawn_targets(left) == drawn_targets(right)
    with pytest.raises(TypeError, match="draw.storage, draw.shared or draw.graph"):
        draw.side_by_side(print, 1, 2)


# ---------------------------------------------------------------- shared


def storage_letter_of(ax, name, step):
    (gid,) = patches(ax, FancyArrowPatch, f"step {step}: name {name} -> ")
    return gid.split()[-1]


def memory_story(m, record):
    """The seed's x.5 lines, recorded after each one; returns the steps."""
    X, Y = m.arange(12.0).reshape(3, 4), m.ones(3, 4)
    Z = m.zeros_like(Y)
    V = X[0]
    steps = [record("Z = zeros_like(Y); V = X[0]", X=X, V=V, Z=Z)]
    Z[:] = X + Y
    steps.append(record("Z[:] = X + Y", X=X, V=V, Z=Z))
    X += Y
    steps.append(record("X += Y", X=X, V=V, Z=Z))
    X = X + Y
    steps.append(record("X = X + Y", X=X, V=V, Z=Z))
    return steps


def torch_story():
    """For each step and name, the data pointer of torch's storage: the reference for sharing."""
    return [{name: t.untyped_storage().data_ptr() for name, t in s.tensors.items()}
            for s in memory_story(torch, draw.step)]


@pytest.mark.parametrize("library", ["torch", "mytensor"])
def test_shared_letters_follow_storage_identity(library):
    steps = memory_story(torch if library == "torch" else mytensor, draw.step)
    fig = draw.shared(steps)
    save(fig, f"shared-{library}")
    (ax,) = fig.axes
    pointers = torch_story()
    for number, step in enumerate(pointers, 1):
        letters = {name: storage_letter_of(ax, name, number) for name in step}
        for first in step:
            for second in step:
                assert (letters[first] == letters[second]) == (step[first] == step[second]), (number, first, second)
    notes = [t for t in texts(ax) if t.startswith("X: ")]
    expected = ["X: same storage as before" if before["X"] == after["X"] else "X: NEW storage"
                for before, after in zip(pointers, pointers[1:])]
    assert notes == expected and expected[-1] == "X: NEW storage"


def test_a_step_keeps_the_values_of_its_moment():
    X = torch.zeros(3)
    steps = [draw.step("before", X=X)]
    X += 1
    steps.append(draw.step("X += 1", X=X))
    (ax,) = draw.shared(steps).axes
    shown = texts(ax)
    assert shown.count("0") == 3 and shown.count("1") == 3


def test_shared_accepts_label_dict_pairs_and_names_bad_steps():
    X = torch.zeros(2)
    (ax,) = draw.shared([("start", {"X": X}), ("view", {"X": X, "W": X[:1]})]).axes
    assert storage_letter_of(ax, "W", 2) == storage_letter_of(ax, "X", 1) == "A"
    with pytest.raises(TypeError, match=r"draw.step\(label, name=tensor, ...\)"):
        draw.shared([X])
    with pytest.raises(ValueError, match="at least one step"):
        draw.shared([])


# ---------------------------------------------------------------- graph


def torch_graph_names(y):
    """Every grad_fn name reachable from y.grad_fn, the number of nodes, and of edges."""
    names, edges, seen, todo = [], 0, {id(y.grad_fn)}, [y.grad_fn]
    while todo:
        node = todo.pop()
        names.append(type(node).__name__)
        for child, _ in node.next_functions:
            if child is not None:
                edges += 1
                key = id(getattr(child, "variable", child))
                if key not in seen:
                    seen.add(key)
                    todo.append(child)
    return sorted(names), edges


def drawn_graph(ax):
    names = [t.get_text().split("\n")[0] for t in ax.texts if t.get_text().split("\n")[0].endswith(("0", "1", "Grad"))]
    assert len(names) == len([p for p in ax.patches if p.get_gid() == "node"])
    edges = len(patches(ax, FancyArrowPatch, "edge "))
    return sorted(names), edges - 1  # one arrow joins the output to its grad_fn


COMPUTATIONS = {
    "2 * dot(x, x)": lambda m, x: 2 * m.dot(x, x),
    "(x * x).sum() + x.mean()": lambda m, x: (x * x).sum() + x.mean(),
    "z = x * 2; z.sum() + z.mean()": lambda m, x: (lambda z: z.sum() + z.mean())(x * 2),
    "(x.reshape(2, 2).t() @ x.reshape(2, 2)).sum()": lambda m, x: m.mm(x.reshape(2, 2).t(), x.reshape(2, 2)).sum(),
}


@pytest.mark.parametrize("case", COMPUTATIONS)
def test_graph_nodes_are_torch_grad_fn_names(case):
    x = torch.arange(4.0, requires_grad=True)
    y = COMPUTATIONS[case](torch, x)
    xm = mytensor.arange(4.0).requires_grad_()
    ym = COMPUTATIONS[case](mytensor, xm)
    fig = draw.side_by_side(draw.graph, y, ym)
    save(fig, f"graph-{case}")
    expected = torch_graph_names(y)
    left, right = fig.axes
    assert drawn_graph(left) == expected
    assert drawn_graph(right) == expected
    assert "AccumulateGrad\nx" in texts(left) and "AccumulateGrad\nxm" in texts(right)


def test_graph_of_the_seed_example_reads_top_down():
    x = torch.arange(4.0, requires_grad=True)
    y = 2 * torch.dot(x, x)
    fig = draw.graph(y)
    save(fig, "graph-seed")
    (ax,) = fig.axes
    heights = {t.get_text().split("\n")[0]: t.get_position()[1] for t in ax.texts}
    assert heights[f"y = {y.item():g}"] > heights[y.grad_fn.name()] > heights[y.grad_fn.next_functions[0][0].name()] > heights["AccumulateGrad"]
    assert "×2" in texts(ax), "dot(x, x) sends two gradients to x"
    assert svg.to_svg(fig) == svg.to_svg(draw.graph(y)), "the same graph is drawn the same way every time"


def test_graph_names_can_be_given_and_long_chains_are_cut():
    x = torch.ones(1, requires_grad=True)
    y = x
    for _ in range(300):
        y = y * 1.5
    shown = texts(draw.graph(y, names={"out": y}).axes[0])
    assert "out  shape (1,)" in shown and shown.count("MulBackward0") == 40
    assert any("first 40 nodes only" in t for t in shown)
    short = x * 2
    assert "AccumulateGrad\nw" in texts(draw.graph(short, names={"w": x}).axes[0])


def test_graph_without_grad_fn_or_with_a_stub_is_a_note(stubs):
    (ax,) = draw.graph(mytensor.ones(2)).axes
    assert "this tensor has no grad_fn" in texts(ax)[0]
    fig = draw.side_by_side(draw.graph, 2 * torch.ones(2, requires_grad=True).sum(),
                            lambda: 2 * stubs.ones(2, requires_grad=True).sum())
    save(fig, "side-by-side-graph-stub")
    assert "Task 1.1 is not started yet" in " ".join(texts(fig.axes[1])[0].split())
    (ax,) = draw.graph(torch.ones(2)).axes
    assert "this tensor has no grad_fn" in texts(ax)[0]


# ---------------------------------------------------------------- in a notebook


def test_the_examples_in_the_docstrings_run():
    results = doctest.testmod(draw, optionflags=doctest.ELLIPSIS)
    assert results.attempted and not results.failed


def test_a_notebook_cell_shows_one_image():
    """Without pyplot and after ``import matplotlib.pyplot``: one image each, never two."""
    nb = nbformat.v4.new_notebook()
    drawing = "import torch\nfrom workbook import draw\ndraw.storage(torch.arange(6).reshape(2, 3))"
    nb.cells = [nbformat.v4.new_code_cell(drawing),
                nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\n" + drawing)]
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(REPO)}}).execute()
    for cell in nb.cells:
        images = [o for o in cell.outputs if "image/svg+xml" in o.get("data", {})]
        assert len(images) == 1, cell.outputs
        assert images[0]["data"]["text/plain"].startswith("<Figure size ")


def _svg_texts(picture):
    """The text of every ``<text>`` element of an SVG picture."""
    return re.findall(r">([^<>]+)</text>", picture)


def test_every_label_of_a_picture_is_in_the_students_language(monkeypatch):
    """The labels come from the message catalog: 存储 and 位置 in Chinese, storage and position in English."""
    def stub():
        raise NotImplementedError("Task 1.1: strides (replace this raise in mytensor/_layout.py: "
                                  "contiguous_strides; see x1_creating.ipynb)")

    texts = {}
    for lang in ("en", "zh"):
        monkeypatch.setenv("WORKBOOK_LANG", lang)
        storage = svg.to_svg(draw.side_by_side(draw.storage, torch.arange(6).reshape(2, 3), stub))
        steps = [draw.step("X += Y", X=torch.ones(2)), draw.step("X = X + Y", X=torch.ones(2))]
        texts[lang] = _svg_texts(storage) + _svg_texts(svg.to_svg(draw.shared(steps)))
    assert {"storage", "position"} <= set(texts["en"]) and "NEW storage" in " ".join(texts["en"])
    assert {"存储", "位置"} <= set(texts["zh"]) and "新的存储" in " ".join(texts["zh"])
    assert any("Task 1.1 还没有开始" in text for text in texts["zh"])
    english_words = {"storage", "position", "shape", "stride", "offset", "element", "NEW", "same"}
    assert not [t for t in texts["zh"] for word in t.split() if word in english_words], texts["zh"]


def test_a_picture_needs_no_chinese_font_on_the_machine_that_draws_it(monkeypatch):
    """Without any Chinese font, matplotlib draws the picture without a warning; the text stays text for the browser."""
    import warnings

    monkeypatch.setenv("WORKBOOK_LANG", "zh")
    monkeypatch.setattr(svg, "CJK_FONTS", ())  # as on a machine with DejaVu only
    fig = draw.graph(2 * torch.dot(torch.arange(3.0, requires_grad=True), torch.ones(3)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        picture = svg.to_svg(fig)
    assert "箭头：backward() 把梯度传往何处" in _svg_texts(picture)
    assert svg.FONT_STACK.endswith("sans-serif") and f"font-family: {svg.FONT_STACK}" in picture
