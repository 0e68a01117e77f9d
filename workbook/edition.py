"""How a notebook speaks: its edition's language, and a task not started yet as one sentence in it.

Each notebook's setup cell calls :func:`start` with its edition (``"en"`` in
the source; the release writes ``"zh"`` into the Chinese edition): checks,
hints, progress tables, pictures and printed lines then use that language,
whatever ``WORKBOOK_LANG`` says (see :func:`workbook.language.use_edition`).

A stub raises ``NotImplementedError("Task 1.1: ... (replace this raise in
mytensor/_layout.py: contiguous_strides; see x1_creating.ipynb)")``. Left
alone, a notebook cell that reaches it shows a traceback through the
student's library ending in that English message. :func:`start` makes the
kernel show instead::

    NotImplementedError: Task 1.1 还没有开始：把 mytensor/_layout.py: contiguous_strides 中的 ...

The cell still fails (nbgrader and Run All see an error as before); any other
exception keeps IPython's own traceback.
"""

import sys

from .checks import not_started_text
from .language import use_edition


def start(code):
    """Speak ``code`` (``"en"`` or ``"zh"``) in this notebook kernel and show stubs' errors in it."""
    use_edition(code)
    explain_stubs()


def explain_stubs():
    """In a notebook kernel, show a stub's error as the sentence of :func:`workbook.checks.not_started_text`."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython else None
    if shell is not None:
        shell.set_custom_exc((NotImplementedError,), _stub_traceback)


def _stub_traceback(shell, etype, value, tb, tb_offset=None):
    """Show a ``NotImplementedError``: one sentence for a stub, the usual traceback otherwise.

    IPython discards what a custom handler returns, so it shows the lines itself.
    """
    plain = not_started_text(str(value))
    if plain is None:
        lines = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    else:
        lines = [f"{etype.__name__}: {plain}"]
    shell._showtraceback(etype, value, lines)
    return lines
