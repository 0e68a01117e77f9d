"""Figures as SVG whose text stays text, so the browser's own fonts draw every label, Chinese included.

A notebook shows a matplotlib ``Figure`` of :mod:`workbook.draw` or
:mod:`workbook.plots` as ``image/svg+xml``. Its labels are ``<text>``
elements (``svg.fonttype = 'none'``) with a CSS font list that ends in
Chinese fonts every system has (PingFang on macOS, Microsoft YaHei on
Windows, Noto Sans CJK or WenQuanYi on Linux) and the generic
``sans-serif``. So a picture needs no font on the machine that ran the
notebook, and a stored output reads right on any student's machine.

matplotlib still measures each label to lay the picture out. It measures
with a Chinese font when one is installed; without one, it would warn about
each "missing" glyph that the browser draws all the same, so that warning is
silenced here, and only here.

Examples
--------
>>> from matplotlib.figure import Figure
>>> fig = Figure(figsize=(2, 1))
>>> _ = fig.text(0.5, 0.5, "存储", ha="center")
>>> picture = to_svg(fig)
>>> ">存储</text>" in picture, FONT_STACK in picture
(True, True)
"""

import io
import re
import sys
import warnings

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure

# Latin first (matplotlib's own), then a Chinese font of each common system, then the browser's default.
LATIN_FONTS = ("DejaVu Sans", "Arial", "Helvetica")
CJK_FONTS = ("PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC",
             "Source Han Sans SC", "WenQuanYi Micro Hei", "SimHei")
MONO_FONTS = ("DejaVu Sans Mono", "Menlo", "Consolas")
FONT_STACK = ", ".join([*(repr(name) for name in LATIN_FONTS + CJK_FONTS), "sans-serif"])
MONO_STACK = ", ".join([*(repr(name) for name in MONO_FONTS + CJK_FONTS), "monospace"])
_FAMILY = re.compile(r"font-family: [^;\"]+")
_MISSING_GLYPH = r"Glyph \d+ .* missing from font"


def measuring_fonts(first):
    """The fonts matplotlib lays text out with: ``first``, then each installed Chinese font."""
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return [first, *(name for name in CJK_FONTS if name in installed)]


def _css_family(found):
    return "font-family: " + (MONO_STACK if "monospace" in found.group(0) else FONT_STACK)


def to_svg(fig):
    """``fig`` as SVG text: labels as ``<text>`` in :data:`FONT_STACK`, the same bytes on every run."""
    buffer = io.StringIO()
    settings = {"svg.fonttype": "none", "svg.hashsalt": "workbook", "font.family": "sans-serif",
                "font.sans-serif": measuring_fonts("DejaVu Sans"), "font.monospace": measuring_fonts("DejaVu Sans Mono")}
    with matplotlib.rc_context(settings), warnings.catch_warnings():
        warnings.filterwarnings("ignore", _MISSING_GLYPH, UserWarning)  # the browser draws those glyphs
        fig.savefig(buffer, format="svg", bbox_inches="tight", facecolor="white", metadata={"Date": None})
    return _FAMILY.sub(_css_family, buffer.getvalue())


def show_in_notebooks():
    """Let IPython show a returned Figure as SVG (one image per figure, even beside pyplot's PNG)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython else None
    if shell is None:
        return
    formatters = shell.display_formatter.formatters
    formatters["image/svg+xml"].for_type(Figure, to_svg)
    formatters["image/png"].type_printers.pop(Figure, None)
