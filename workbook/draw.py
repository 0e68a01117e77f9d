"""Pictures of live tensors: storage and strides, shared storage, autograd graphs.

Every function here reads a tensor as it is right now and returns one
matplotlib ``Figure``, which a notebook shows once (the figures are made
without pyplot, so pyplot never shows them a second time). Each function takes
a torch tensor or a mytensor tensor; ``side_by_side`` puts torch's picture
beside mytensor's.

A mytensor tensor is read only through its documented layout (``_storage``,
``_shape``, ``_strides``, ``_offset``) and its graph (``grad_fn`` and each
node's ``next_functions``), never through a method a student writes. A side
that cannot be drawn (a task not started yet, a broken layout) becomes a
panel with a note saying why, not an exception.

Examples
--------
>>> import torch
>>> from workbook import draw
>>> X = torch.arange(12).reshape(3, 4)
>>> draw.storage(X.t(), title="X.t()")
<Figure size ... with 1 Axes>
"""

import re
import sys
from collections import Counter

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from . import svg
from .language import display_width
from .language import text as _say

# A Chinese character (or full-width mark) alone, or a run of other characters with the spaces after it.
_TOKENS = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]|[^\s\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+\s*|\s+")

__all__ = ["storage", "shared", "step", "graph", "side_by_side"]

# Okabe and Ito's palette: its colours stay apart for the common kinds of colour blindness.
# Yellow comes last: as a thin arrow on white it is the hardest to see.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#F0E442")
_GREY, _INK, _PAPER = "#BBBBBB", "#222222", "#F4F4F4"
_INCH_PER_UNIT = 0.5  # one storage box, before a wide figure is scaled down
_MAX_WIDTH_INCHES = 11.0
_MAX_ELEMENTS = 48
_MAX_NODES = 40


class Unreadable(Exception):
    """A tensor (or graph) that cannot be drawn; its message is shown in the panel."""


# ---------------------------------------------------------------- reading tensors


class _Layout:
    """The plain data a storage picture needs: storage values, shape, strides, offset."""

    def __init__(self, values, shape, strides, offset, key):
        self.values = values  # the whole storage, as a 1-d numpy array
        self.shape, self.strides, self.offset = shape, strides, offset
        self.key = key  # equal for two tensors exactly when they share a storage

    def positions(self):
        """``{index: storage position}`` for every element, from the strides and offset."""
        return {
            index: self.offset + sum(i * s for i, s in zip(index, self.strides))
            for index in np.ndindex(*self.shape)
        }


def _is_torch(value):
    return type(value).__module__.startswith("torch")


def _torch_layout(t):
    flat = t.detach()
    size = flat.untyped_storage().nbytes() // max(flat.element_size(), 1)
    values = flat.as_strided((size,), (1,), 0).numpy(force=True).copy()
    key = ("torch", flat.untyped_storage().data_ptr())
    return _Layout(values, tuple(flat.shape), tuple(flat.stride()), flat.storage_offset(), key)


def _student_layout(t):
    """Read a mytensor tensor's documented fields, checking them as the grader does."""
    from workbook.checks import _read_layout

    missing = [name for name in ("_storage", "_shape", "_strides", "_offset") if not hasattr(t, name)]
    if missing:
        raise Unreadable(_say("draw.not_mytensor", kind=type(t).__name__, missing=", ".join(missing)))
    try:
        _read_layout(t._storage, t._shape, t._strides, t._offset)
    except (TypeError, ValueError, IndexError) as error:
        raise Unreadable(_say("draw.bad_layout", error=error)) from None
    shape, strides = tuple(int(n) for n in t._shape), tuple(int(s) for s in t._strides)
    key = ("numpy", t._storage.__array_interface__["data"][0], t._storage.size)
    return _Layout(np.array(t._storage), shape, strides, int(t._offset), key)


def _layout(t):
    """The layout of a torch or mytensor tensor; Unreadable when there is none."""
    if _is_torch(t):
        if not hasattr(t, "untyped_storage"):
            raise TypeError(f"expected a tensor, got {type(t).__name__}")
        return _torch_layout(t)
    return _student_layout(t)


def _value_text(value):
    """A storage value in a few characters: ``3``, ``2.5``, ``True``."""
    if isinstance(value, (bool, np.bool_)):
        return "T" if value else "F"
    if isinstance(value, (float, np.floating)):
        return f"{value:.3g}"
    return str(value)


def _name_finder():
    """``{id(object): name}`` for the variables of the code that called this module."""
    frame = sys._getframe()
    while frame is not None and frame.f_globals.get("__name__") == __name__:
        frame = frame.f_back
    if frame is None:
        return {}
    names = {**frame.f_globals, **frame.f_locals}
    found = {}
    for name in sorted(names, key=lambda n: (len(n), n)):  # the shortest name wins
        if name.isidentifier() and not name.startswith("_"):
            found.setdefault(id(names[name]), name)
    return found


# ---------------------------------------------------------------- drawing primitives


def _text(ax, x, y, text, size=0.32, **style):
    """Text whose height is ``size`` data units; the font size is set once the scale is known."""
    style = {"ha": "center", "va": "center", "color": _INK, **style}
    artist = ax.text(x, y, text, **style)
    artist._draw_units = size
    return artist


def _box(ax, x, y, text, fill, gid, width=1.0, text_colour=_INK):
    """A labelled square of ``width`` with its lower left corner at ``(x, y)``."""
    ax.add_patch(Rectangle((x, y), width, 1.0, facecolor=fill, edgecolor=_INK, linewidth=1.0, gid=gid))
    return _text(ax, x + width / 2, y + 0.5, text, color=text_colour)


def _arrow(ax, start, end, colour, gid=None, bend=0.0, width=1.2):
    arrow = FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=11, color=colour, linewidth=width,
                            connectionstyle=f"arc3,rad={bend}", shrinkA=2, shrinkB=2, gid=gid)
    ax.add_patch(arrow)
    return arrow


def _tint(colour, amount=0.55):
    """``colour`` mixed with white, light enough for black text on it."""
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    return tuple(rgb + (1 - rgb) * (1 - amount))


def _wrap(line, columns=48):
    """``line`` broken into lines of at most ``columns`` terminal columns: at spaces, or between Chinese characters."""
    lines, current = [], ""
    for token in _TOKENS.findall(line):
        if current.strip() and display_width(current + token.rstrip()) > columns:
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current += token
    return "\n".join(lines + [current.rstrip()])


def _note(ax, text):
    """A panel that explains, in words, why there is no picture."""
    text = "\n".join(_wrap(part) for part in text.splitlines())
    _text(ax, 0.0, 0.0, text, size=0.34, ha="left", va="top")
    lines = text.count("\n") + 1
    width = max(display_width(line) for line in text.splitlines()) * 0.21
    ax.set_xlim(-0.3, width + 0.3)
    ax.set_ylim(-0.62 * lines - 0.3, 0.3)
    return width + 0.6, 0.62 * lines + 0.6


# ---------------------------------------------------------------- storage


def _grid_origin(shape):
    """Lower left corner of element ``index``'s box in the grid; 3-d tensors become blocks side by side."""
    shape = (1,) * (3 - len(shape)) + tuple(shape)
    blocks, rows, cols = shape

    def origin(index):
        k, i, j = (0,) * (3 - len(index)) + tuple(index)
        return k * (cols + 1) + j, (rows - 1 - i)

    width = blocks * (cols + 1) - 1 if blocks else 0
    return origin, max(width, 0), rows


def _paint_grid(ax, layout, origin, left, bottom):
    """The tensor's elements as a grid, each coloured by its first index; returns its box centres."""
    centres = {}
    for index, position in layout.positions().items():
        x, y = origin(index)
        x, y = left + x, bottom + y
        colour = PALETTE[(index[0] if index else 0) % len(PALETTE)]
        value = _box(ax, x, y, _value_text(layout.values[position]), _tint(colour), gid=f"element {index}")
        value.set_position((x + 0.5, y + 0.6))
        _text(ax, x + 0.5, y + 0.17, str(index).replace(",)", ")"), size=0.22, color="#444444")
        centres[index] = (x + 0.5, y, colour)
    return centres


def _paint_storage_row(ax, layout, used, left):
    """The flat storage as a row of boxes at height 0, numbered by position below."""
    for position, value in enumerate(layout.values):
        colour = used.get(position)
        fill = _tint(colour) if colour else "white"
        ink = _INK if colour else "#999999"
        _box(ax, left + position, 0, _value_text(value), fill, gid=f"storage {position}", text_colour=ink)
        _text(ax, left + position + 0.5, -0.3, str(position), size=0.26, color="#444444")
    _text(ax, left - 0.2, 0.5, _say("draw.storage"), size=0.28, ha="right")
    _text(ax, left - 0.2, -0.3, _say("draw.position"), size=0.26, ha="right", color="#444444")


def _formula(layout):
    """How strides and offset give an element's position, in the tensor's own numbers."""
    letters = "ijk"[: len(layout.shape)] if len(layout.shape) < 3 else "kij"
    terms = [f"{s}·{c}" for s, c in zip(layout.strides, letters)]
    index = f"({', '.join(letters)})"
    return _say("draw.formula", index=index, sum=" + ".join([str(layout.offset), *terms]))


def _drawable(t):
    """The layout of ``t``, or ValueError in words when it is too big for one picture."""
    layout = _layout(t)
    if len(layout.shape) > 3:
        raise ValueError(_say("draw.too_many_axes", shape=layout.shape))
    for key, count in (("draw.too_many_elements", int(np.prod(layout.shape))),
                       ("draw.too_much_storage", layout.values.size)):
        if count > _MAX_ELEMENTS:
            raise ValueError(_say(key, limit=_MAX_ELEMENTS, count=count))
    return layout


def _paint_storage(ax, t, title=None):
    """Grid above, storage below, one arrow per element; returns the panel's size in units."""
    layout = _drawable(t)
    origin, grid_width, rows = _grid_origin(layout.shape)
    width = max(layout.values.size, grid_width)
    left = (width - layout.values.size) / 2
    centres = _paint_grid(ax, layout, origin, (width - grid_width) / 2, 3.2)
    positions = layout.positions()
    _paint_storage_row(ax, layout, {p: centres[index][2] for index, p in reversed(positions.items())}, left)
    for index, position in positions.items():
        x, y, colour = centres[index]
        _arrow(ax, (x, y), (left + position + 0.5, 1.0), colour, gid=f"arrow {index} -> {position}")
    heading = _say("draw.heading", shape=layout.shape, strides=layout.strides, offset=layout.offset)
    _text(ax, width / 2, 3.2 + rows + 0.55, f"{title}:   {heading}" if title else heading, size=0.34)
    _text(ax, width / 2, -0.85, _formula(layout), size=0.28, color="#444444")
    ax.set_xlim(-2.4, width + 0.4)
    ax.set_ylim(-1.3, 3.2 + rows + 1.0)
    return width + 2.8, rows + 5.5


# ---------------------------------------------------------------- shared storage


class Step:
    """A snapshot for :func:`shared`: a label and, per name, the tensor's layout right now.

    Made by :func:`step`. It keeps the tensors alive, so a storage freed later
    cannot be reused at the same address and look shared when it is not.
    """

    def __init__(self, label, tensors):
        self.label = str(label)
        self.tensors = dict(tensors)
        self.layouts = {}
        for name, t in self.tensors.items():
            try:
                self.layouts[name] = _layout(t)
            except Exception as error:  # a broken student tensor is shown as a note
                self.layouts[name] = Unreadable(f"{name}: {_reason(error)}")


def step(label, **tensors):
    """Record which storage each named tensor uses now, and its values, for :func:`shared`.

    Parameters
    ----------
    label : str
        What just happened, e.g. ``"X += Y"``; shown above the step.
    **tensors
        The tensors to show, by the names the picture gives them.

    Returns
    -------
    Step
        A snapshot: later changes to the tensors do not change it.
    """
    return Step(label, tensors)


def _as_step(item):
    if isinstance(item, Step):
        return item
    try:
        label, tensors = item
        return Step(label, tensors)
    except (TypeError, ValueError, AttributeError):
        raise TypeError("draw.shared takes a list of draw.step(label, name=tensor, ...) or of "
                        f"(label, {{name: tensor}}) pairs; got {type(item).__name__}") from None


def _storage_letters(steps):
    """A letter per distinct storage, in the order they first appear: A, B, C, ..."""
    letters = {}
    for s in steps:
        for layout in s.layouts.values():
            if isinstance(layout, _Layout) and layout.key not in letters:
                letters[layout.key] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[len(letters) % 26]
    return letters


def _change(name, layout, previous):
    """How ``name``'s storage compares with the step before, in words, or ''."""
    before = previous.layouts.get(name) if previous else None
    if not isinstance(before, _Layout):
        return ""
    return _say("draw.same") if before.key == layout.key else _say("draw.new")


def _values_row(ax, left, bottom, values, colour, gid):
    """Up to 16 values as a row of boxes; returns where the row (and its "… n more") ends."""
    for position, value in enumerate(values[:16]):
        _box(ax, left + position, bottom, _value_text(value), _tint(colour), gid=f"{gid} {position}")
    end = left + min(values.size, 16)
    if values.size > 16:
        _text(ax, end + 0.4, bottom + 0.5, _say("draw.more", count=values.size - 16), size=0.26, ha="left")
        end += 2.2
    return end


def _paint_storage_band(ax, top, layout, names, letter, notes, number):
    """One storage as a row of boxes at height ``top - 1``, with its names pointing at it."""
    colour = PALETTE[(ord(letter) - ord("A")) % len(PALETTE)]
    end = _values_row(ax, 2.5, top - 1, layout.values, colour, gid=f"step {number}: storage {letter}")
    _text(ax, end + 0.3, top - 0.5, _say("draw.storage_letter", letter=letter), size=0.32, ha="left", weight="bold")
    for row, name in enumerate(names):
        y = top - 0.5 - row * 0.8
        _text(ax, 0.6, y, name, size=0.36, family="monospace", weight="bold")
        _arrow(ax, (1.0, y), (2.5, top - 0.5), _INK, gid=f"step {number}: name {name} -> storage {letter}")
        if notes.get(name):
            _text(ax, end + 2.6, y, f"{name}: {notes[name]}", size=0.28, ha="left",
                  color="#B34700" if notes[name] == _say("draw.new") else "#006B4F")
    return max(1.0, 0.8 * len(names)) + 0.5, end + 2.6 + 0.2 * max((len(n) for n in notes.values()), default=0)


def _paint_step(ax, top, current, previous, letters, number):
    """One step: its label, then each storage its names use; returns (height, width)."""
    _text(ax, 0.0, top - 0.35, current.label, size=0.36, ha="left", family="monospace", weight="bold")
    y, width = top - 0.9, 10.0
    groups = {}
    for name, layout in current.layouts.items():
        groups.setdefault(layout.key if isinstance(layout, _Layout) else ("note", name), []).append(name)
    for key, names in groups.items():
        layout = current.layouts[names[0]]
        if isinstance(layout, Unreadable):
            _text(ax, 0.6, y - 0.5, str(layout), size=0.28, ha="left", color="#B34700")
            y -= 1.2
            continue
        notes = {name: _change(name, layout, previous) for name in names}
        height, row_width = _paint_storage_band(ax, y, layout, names, letters[key], notes, number)
        y, width = y - height, max(width, row_width)
    return top - y + 0.3, width


def _paint_shared(ax, steps):
    """Every step under the one before, storages lettered the same way throughout."""
    steps = [_as_step(item) for item in steps]
    if not steps:
        raise ValueError("draw.shared needs at least one step, e.g. [draw.step('before', X=X)]")
    letters, top, width, previous = _storage_letters(steps), 0.0, 10.0, None
    for number, current in enumerate(steps, 1):
        height, step_width = _paint_step(ax, top, current, previous, letters, number)
        ax.axhline(top - height + 0.1, color=_GREY, linewidth=0.6)
        top, width, previous = top - height, max(width, step_width), current
    ax.set_xlim(-0.3, width)
    ax.set_ylim(top, 0.2)
    return width + 0.3, -top + 0.2


# ---------------------------------------------------------------- autograd graph


def _node_key(node):
    """Two edges to the same leaf are one node, even where each edge has its own AccumulateGrad."""
    leaf = getattr(node, "variable", None)
    return ("leaf", id(leaf)) if leaf is not None else ("node", id(node))


def _next_nodes(node):
    try:
        edges = node.next_functions
    except Exception as error:  # a broken student node is shown as a note
        raise Unreadable(f"{type(node).__name__}.next_functions failed: {_reason(error)}") from None
    return [edge[0] for edge in edges if edge and edge[0] is not None]


def _walk_graph(root):
    """Nodes in breadth-first order from ``root``, and the edges between them (as keys)."""
    nodes, edges, queue, cut = {_node_key(root): root}, [], [root], False
    while queue:
        node = queue.pop(0)
        for child in _next_nodes(node):
            key = _node_key(child)
            if key not in nodes and len(nodes) == _MAX_NODES:
                cut = True
                continue
            edges.append((_node_key(node), key))
            if key not in nodes:
                nodes[key] = child
                queue.append(child)
    return nodes, edges, cut


def _depths(nodes, edges):
    """Layer of each node: the longest path from the root, so every arrow points down."""
    depth = {key: 0 for key in nodes}
    for _ in range(len(nodes)):  # a DAG settles in at most len(nodes) rounds
        changed = False
        for parent, child in edges:
            if child in depth and depth[child] < depth[parent] + 1:
                depth[child], changed = depth[parent] + 1, True
        if not changed:
            break
    return depth


def _node_label(node, names):
    label = type(node).__name__
    leaf = getattr(node, "variable", None)
    if leaf is None:
        return label
    name = names.get(id(leaf))
    return f"{label}\n{name}" if name else f"{label}\n" + _say("draw.leaf", shape=tuple(leaf.shape))


def _graph_positions(nodes, depth):
    """Centre of each node: layer by layer downwards, each layer centred."""
    layers = {}
    for key in nodes:  # breadth-first order keeps the layout the same run after run
        layers.setdefault(depth[key], []).append(key)
    width = max(len(keys) for keys in layers.values()) * 3.6
    return {
        key: ((i - (len(keys) - 1) / 2) * 3.6, -1.6 * (level + 1))
        for level, keys in layers.items() for i, key in enumerate(keys)
    }, width


def _paint_node(ax, centre, label, colour, gid):
    x, y = centre
    ax.add_patch(FancyBboxPatch((x - 1.5, y - 0.45), 3.0, 0.9, boxstyle="round,pad=0.02,rounding_size=0.2",
                                facecolor=_tint(colour, 0.5), edgecolor=_INK, linewidth=1.0, gid=gid))
    return _text(ax, x, y, label, size=0.26 if "\n" in label else 0.3)


def _bend(count, x0, x1, drop):
    """Repeated edges fan out; an edge that skips a layer bows outwards, around the nodes it passes."""
    if count > 1:
        return 0.25 * (-1) ** count * (count // 2)
    if drop > 1.7:
        return 0.35 if x1 >= x0 else -0.35
    return 0.0


def _paint_edges(ax, edges, where):
    """An arrow per edge; ``dot(x, x)`` uses x twice, so two arrows lead to x, marked ×2."""
    totals, seen = Counter(edges), Counter()
    for number, edge in enumerate(edges):
        seen[edge] += 1
        (x0, y0), (x1, y1) = where[edge[0]], where[edge[1]]
        bend = _bend(seen[edge], x0, x1, y0 - y1)
        _arrow(ax, (x0, y0 - 0.45), (x1, y1 + 0.45), _INK, gid=f"edge {number}", bend=bend)
        if seen[edge] == totals[edge] > 1:
            _text(ax, (x0 + x1) / 2 + 0.55, (y0 + y1) / 2, f"×{totals[edge]}", size=0.24, color="#444444")


def _output_label(y, names):
    """The output's name, and its value when it has one element, e.g. ``y = 28``."""
    name = names.get(id(y), _say("draw.output"))
    try:
        layout = _layout(y)
    except Exception:  # a label without the value is still a label
        return name
    if layout.shape:
        return _say("draw.output_shape", name=name, shape=layout.shape)
    return f"{name} = {_value_text(layout.values[layout.offset])}"


def _paint_graph(ax, y, names):
    """The output on top, its grad_fn below it, then each node's inputs, down to the leaves."""
    root = getattr(y, "grad_fn", None)
    if root is None:
        raise Unreadable(_say("draw.no_graph"))
    nodes, edges, cut = _walk_graph(root)
    depth = _depths(nodes, edges)
    where, width = _graph_positions(nodes, depth)
    where["output"] = (0.0, 0.0)
    _paint_node(ax, where["output"], _output_label(y, names), PALETTE[2], gid="output")
    for key, node in nodes.items():
        colour = PALETTE[0] if key[0] == "leaf" else PALETTE[1]
        _paint_node(ax, where[key], _node_label(node, names), colour, gid="node")
    _paint_edges(ax, [("output", _node_key(root))] + edges, where)
    bottom = min(y for _, y in where.values()) - 1.0
    caption = _say("draw.arrows") + (_say("draw.cut", count=_MAX_NODES) if cut else "")
    _text(ax, 0.0, bottom, caption, size=0.26, color="#444444")
    ax.set_xlim(-max(width, 8.0) / 2, max(width, 8.0) / 2)
    ax.set_ylim(bottom - 0.4, 0.8)
    return max(width, 8.0), 1.2 - bottom


# ---------------------------------------------------------------- figures


def _reason(error):
    """An exception in a student's words: a stub says which task is not started."""
    from workbook.checks import not_started_text

    message = str(error)
    if isinstance(error, Unreadable):
        return message
    if type(error).__name__ == "NotImplementedError":
        plain = not_started_text(message)
        if plain:
            return plain
    return f"{type(error).__name__}: {message}"


def _paint(ax, painter, obj, **options):
    """Run ``painter``; a student object that cannot be drawn becomes a note instead."""
    try:
        if callable(obj) and not hasattr(obj, "shape"):
            obj = obj()
        return painter(ax, obj, **options)
    except Unreadable as why:
        ax.cla()
        return _note(ax, _say("draw.nothing", why=why))
    except Exception as error:
        if painter is _paint_shared or _is_torch(obj):
            raise
        ax.cla()
        return _note(ax, _say("draw.nothing", why=_reason(error)))


def _figure(painters, titles=None):
    """One figure, one panel per ``(painter, obj, options)``, side by side, sized to fit."""
    svg.show_in_notebooks()
    fig = Figure(facecolor="white")
    axes = [fig.add_axes((0, 0, 1, 1)) for _ in painters]
    sizes = [_paint(ax, painter, obj, **options) for ax, (painter, obj, options) in zip(axes, painters)]
    _arrange(fig, sizes, titles or [None] * len(axes))
    return fig


def _arrange(fig, sizes, titles):
    """Size the figure to its panels (in units) and place them left to right, titles above."""
    title_units = 1.0 if any(titles) else 0.0
    width, height = sum(w for w, _ in sizes) + 0.6 * (len(sizes) - 1), max(h for _, h in sizes) + title_units
    inch = min(_INCH_PER_UNIT, _MAX_WIDTH_INCHES / width)
    fig.set_size_inches(width * inch, height * inch)
    left = 0.0
    for ax, (w, h), title in zip(fig.axes, sizes, titles):
        ax.set_position((left / width, (height - title_units - h) / height, w / width, h / height))
        ax.set_axis_off()
        ax.set_aspect("equal", adjustable="datalim")
        if title:
            ax.set_title(title, fontsize=0.45 * inch * 72, weight="bold", pad=0.35 * inch * 72)
        left += w + 0.6
    _scale_text(fig, inch * 72)


def _scale_text(fig, points_per_unit):
    for ax in fig.axes:
        for artist in ax.texts:
            artist.set_fontsize(getattr(artist, "_draw_units", 0.3) * points_per_unit)


# ---------------------------------------------------------------- the pictures


def storage(t, title=None):
    """Draw a tensor's elements above its flat storage, an arrow from each element to its place.

    Parameters
    ----------
    t : torch.Tensor or mytensor.Tensor
        A tensor of 0 to 3 dimensions and at most 48 elements (or a function of
        no arguments that makes one: a stub's error then becomes a note).
    title : str, optional
        A name for the tensor, e.g. ``"X.t()"``.

    Returns
    -------
    matplotlib.figure.Figure
        Each element ``(i, j)`` is a box coloured by its row ``i``; its arrow ends
        at storage position ``offset + i * stride(0) + j * stride(1)``. Storage
        boxes that no element uses stay white.

    Examples
    --------
    >>> import torch
    >>> X = torch.arange(12).reshape(3, 4)
    >>> fig = storage(X.t(), title="X.t()")
    """
    return _figure([(_paint_storage, t, {"title": title})])


def shared(steps):
    """Draw which names point at which storage, step by step.

    Each step shows every distinct storage once, as a row of boxes with its
    values, with an arrow from each name that uses it. A storage keeps its
    letter (A, B, ...) in every step, and each name says whether its storage is
    the same as in the step before or new. So ``Z[:] = X + Y`` and ``X += Y``
    show "same storage as before", while ``X = X + Y`` shows "NEW storage".

    Parameters
    ----------
    steps : list
        Snapshots in order, each made by ``step(label, name=tensor, ...)``
        right after the line it describes. A ``(label, {name: tensor})`` pair is
        accepted too, but it is read when the picture is drawn, so it shows the
        values of that moment, not of its step.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import torch
    >>> X, Y = torch.arange(4.0), torch.ones(4)
    >>> steps = [step("before", X=X, Y=Y)]
    >>> X += Y
    >>> steps.append(step("X += Y", X=X, Y=Y))
    >>> X = X + Y
    >>> steps.append(step("X = X + Y", X=X, Y=Y))
    >>> fig = shared(steps)
    """
    return _figure([(_paint_shared, list(steps), {})])


def graph(y, names=None):
    """Draw the autograd graph that ``y.backward()`` would run through.

    The output sits on top, its ``grad_fn`` below, then the nodes of each
    node's inputs (``next_functions``), down to the ``AccumulateGrad`` nodes of
    the leaves. Nodes are named as ``type(node).__name__`` names them (torch's
    ``MulBackward0``, ...); a leaf is labelled with the variable that holds it.

    Parameters
    ----------
    y : torch.Tensor or mytensor.Tensor
        A tensor with a ``grad_fn`` (or a function of no arguments that makes one).
    names : dict, optional
        ``{name: tensor}`` to label leaves and the output; by default the
        variables of the calling code (a notebook's) are used.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import torch
    >>> x = torch.arange(4.0, requires_grad=True)
    >>> y = 2 * torch.dot(x, x)
    >>> fig = graph(y)
    """
    return _figure([(_paint_graph, y, {"names": _names(names)})])


def _names(names):
    if names is None:
        return _name_finder()
    return {id(t): name for name, t in names.items()}


_PAINTERS = {storage: (_paint_storage, {}), shared: (_paint_shared, {}), graph: (_paint_graph, {"names": None})}


def side_by_side(draw_fn, torch_obj, my_obj, titles=("torch", "mytensor")):
    """One figure with two panels: ``draw_fn``'s picture of torch's object, then of mytensor's.

    Parameters
    ----------
    draw_fn : function
        ``storage``, ``shared`` or ``graph`` from this module.
    torch_obj, my_obj
        What ``draw_fn`` takes: a tensor (or a function of no arguments that
        makes one), or for ``shared`` a list of steps. If making or reading the
        mytensor side fails, for example because a task is still a stub, its
        panel says so in words and torch's panel is drawn all the same.
    titles : pair of str
        The panels' titles.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import torch, mytensor
    >>> fig = side_by_side(storage, torch.arange(6).reshape(2, 3), lambda: mytensor.arange(6).reshape(2, 3))
    """
    if draw_fn not in _PAINTERS:
        raise TypeError("side_by_side draws with draw.storage, draw.shared or draw.graph; "
                        f"got {getattr(draw_fn, '__name__', draw_fn)!r}")
    painter, options = _PAINTERS[draw_fn]
    options = {key: _name_finder() for key in options}
    if len(titles) != 2:
        raise ValueError(f"titles must be two strings, one per panel; got {titles!r}")
    return _figure([(painter, torch_obj, options), (painter, my_obj, options)], titles=list(titles))
