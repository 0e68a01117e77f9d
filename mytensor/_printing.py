"""Printing: ``repr(tensor)`` character for character as torch 2.13 prints it.

This module is provided code. It follows the core of torch's
``torch/_tensor_str.py`` with torch's default print options:

* a formatter makes one pass over the values that will be shown, decides the
  mode (integers, integer-valued floats such as ``1.``, fixed point with four
  decimals, or scientific notation) and the common width of a cell;
* a recursive builder nests the cells in brackets, indents them, wraps long
  rows at 80 characters and elides the middle of long dimensions with
  ``...`` once a tensor holds more than 1000 elements.

Only the elements that are shown are ever formatted, so printing a tensor of
a million elements costs about as much as printing one of a few dozen.
Complex, sparse, quantized and named tensors and devices are not part of the
workbook, so their special cases are left out.
"""

import math

import numpy as np

PRECISION = 4  # digits after the point
THRESHOLD = 1000  # more elements than this are summarised
EDGEITEMS = 3  # elements kept at each end of a summarised dimension
LINEWIDTH = 80  # characters per line before a row wraps

PREFIX = "tensor("
MODULE = "mytensor"
# torch leaves these dtypes out of the repr of a non-empty tensor, because the
# values already show them: ``1.`` is a float, ``1`` an integer.
_IMPLIED_DTYPES = ("float32", "int64", "bool")
_DEFAULT_DTYPE = "float32"


def tensor_repr(t):
    """Return the text ``repr`` and ``str`` show for the tensor ``t``.

    Parameters
    ----------
    t : mytensor.Tensor

    Returns
    -------
    str
        torch's text for the same tensor, with ``mytensor`` for ``torch``.

    Examples
    --------
    >>> import mytensor
    >>> mytensor.ones((2, 3), dtype=mytensor.int16)
    tensor([[1, 1, 1],
            [1, 1, 1]], dtype=mytensor.int16)
    """
    return format_values(t._array(), _grad_suffixes(t))


def _grad_suffixes(t):
    """The autograd note: a result names its grad_fn, a leaf its flag."""
    if t.grad_fn is not None:
        return (f"grad_fn=<{type(t.grad_fn).__name__}>",)
    if t.requires_grad:
        return ("requires_grad=True",)
    return ()


def format_values(array, suffixes=()):
    """Return the repr of a tensor holding ``array``, without needing a Tensor.

    Parameters
    ----------
    array : numpy.ndarray
        The elements; its numpy dtype stands for the tensor's dtype.
    suffixes : sequence of str
        Notes to add after the size and dtype ones, such as
        ``"requires_grad=True"``.

    Returns
    -------
    str

    Examples
    --------
    >>> import numpy as np
    >>> print(format_values(np.arange(4, dtype=np.float32) / 2))
    tensor([0.0000, 0.5000, 1.0000, 1.5000])
    >>> print(format_values(np.zeros((2, 0), dtype=np.int64)))
    tensor([], size=(2, 0), dtype=mytensor.int64)
    >>> print(format_values(np.array(28.0, dtype=np.float32), ["grad_fn=<MulBackward0>"]))
    tensor(28., grad_fn=<MulBackward0>)
    """
    dtype_name = array.dtype.name
    notes = []
    if array.size == 0:
        # No values to show, so torch spells out what the values cannot:
        # the shape unless it is (0,), and the dtype unless it is the default.
        if array.ndim != 1:
            notes.append(f"size={tuple(array.shape)}")
        if dtype_name != _DEFAULT_DTYPE:
            notes.append(f"dtype={MODULE}.{dtype_name}")
        body = "[]"
    else:
        if dtype_name not in _IMPLIED_DTYPES:
            notes.append(f"dtype={MODULE}.{dtype_name}")
        body = tensor_str(array, len(PREFIX))
    return add_suffixes(PREFIX + body, [*notes, *suffixes], len(PREFIX))


def tensor_str(array, indent):
    """Return the bracketed values of a non-empty ``array``, as torch lays them out.

    Parameters
    ----------
    array : numpy.ndarray
        At least one element.
    indent : int
        The column the opening bracket sits at (7 after ``tensor(``).

    Returns
    -------
    str

    Examples
    --------
    >>> import numpy as np
    >>> print(tensor_str(np.arange(6).reshape(2, 3), 0))
    [[0, 1, 2],
     [3, 4, 5]]
    >>> print(tensor_str(np.arange(2000), 0))
    [   0,    1,    2,  ..., 1997, 1998, 1999]
    """
    summarize = array.size > THRESHOLD
    cut = tuple(summarize and size > 2 * EDGEITEMS for size in array.shape)
    shown = _shown(array, cut)
    formatter = Formatter(shown)
    cells = np.array([formatter.format(v) for v in shown.ravel().tolist()], dtype=object)
    return _build(cells.reshape(shown.shape), cut, indent, formatter.width)


def _shown(array, cut):
    """The elements that will be printed: the edges of every cut dimension."""
    if not any(cut):
        return array
    keep = [
        np.r_[0:EDGEITEMS, size - EDGEITEMS : size] if is_cut else np.arange(size)
        for size, is_cut in zip(array.shape, cut)
    ]
    return array[np.ix_(*keep)]


class Formatter:
    """One pass over the shown values: the display mode and the cell width.

    Floats are shown as integers with a trailing point (``1.``) when every
    nonzero finite value is whole, and in scientific notation when those
    values span more than three orders of magnitude or leave [1e-4, 1e8].
    Zeros, nan and inf take no part in either choice, nor in the width.

    Parameters
    ----------
    values : numpy.ndarray
        The values that will be printed (after summarisation).

    Examples
    --------
    >>> import numpy as np
    >>> f = Formatter(np.array([1.0, 10.0, 100.0]))
    >>> f.int_mode, f.sci_mode, f.width
    (True, False, 4)
    >>> f.format(1.0)
    '  1.'
    >>> Formatter(np.array([1e-5, 1.0])).format(1.0)
    '1.0000e+00'
    """

    def __init__(self, values):
        self.floating = values.dtype.kind == "f"
        self.int_mode, self.sci_mode = True, False
        if self.floating:
            values = values[np.isfinite(values) & (values != 0)]
            if values.size:
                self.int_mode = bool(np.all(values == np.ceil(values)))
                self.sci_mode = _needs_sci(np.abs(values).astype(np.float64))
        # Python's formatting of each value is the only per-element work left,
        # and summarisation keeps the number of values small.
        self.width = max([1, *(len(self._text(v)) for v in values.ravel().tolist())])

    def _text(self, value):
        if not self.floating:
            return f"{value}"
        if self.sci_mode:
            return f"{value:.{PRECISION}e}"
        if self.int_mode:
            # The point marks a float; nan and inf are clearly floats already.
            return f"{value:.0f}" + ("." if math.isfinite(value) else "")
        return f"{value:.{PRECISION}f}"

    def format(self, value):
        """Return ``value`` as a cell: its text right-aligned to the width."""
        return self._text(value).rjust(self.width)


def _needs_sci(magnitudes):
    """torch's rule for scientific notation, on nonzero finite magnitudes."""
    low, high = magnitudes.min(), magnitudes.max()
    with np.errstate(over="ignore"):  # a ratio past the float64 range is inf: sci
        return bool(high / low > 1000.0 or high > 1.0e8 or low < 1.0e-4)


def _build(cells, cut, indent, width):
    """Nest formatted cells in brackets; ``cut`` marks the elided dimensions."""
    if cells.ndim == 0:
        return cells.item()
    if cells.ndim == 1:
        return _vector_str(cells.tolist(), cut[0], indent, width)
    parts = [_build(row, cut[1:], indent + 1, width) for row in cells]
    if cut[0]:
        parts.insert(EDGEITEMS, "...")
    # Sub-tensors of a k-d tensor are separated by k - 1 newlines, so the
    # matrices of a 3-d tensor get a blank line between them.
    separator = "," + "\n" * (cells.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(parts) + "]"


def _vector_str(cells, is_cut, indent, width):
    """One row in brackets, wrapped to fit the line width."""
    if is_cut:
        cells = cells[:EDGEITEMS] + [" ..."] + cells[EDGEITEMS:]
    # Every cell takes its width plus ", "; torch counts " ..." as a cell too.
    per_line = max(1, (LINEWIDTH - indent) // (width + 2))
    lines = [", ".join(cells[i : i + per_line]) for i in range(0, len(cells), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def add_suffixes(text, suffixes, indent):
    """Close the repr, adding ``suffixes`` after the values as torch does.

    Each suffix follows ``", "`` on the last line, or starts a new line
    indented under the values when it would pass the line width.

    Parameters
    ----------
    text : str
        ``"tensor("`` and the values.
    suffixes : sequence of str
    indent : int
        The indent of a suffix that moves to a new line.

    Returns
    -------
    str

    Examples
    --------
    >>> add_suffixes("tensor([1, 2]", ["dtype=mytensor.int16"], 7)
    'tensor([1, 2], dtype=mytensor.int16)'
    """
    pieces = [text]
    # torch's count: len - rfind("\\n") + 1 is two more than the last line's
    # length (also when there is no newline, as rfind gives -1), and the
    # rule below is calibrated on it.
    last_line = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        length = _torch_len(suffix)
        if last_line + length + 2 > LINEWIDTH:
            pieces.append(",\n" + " " * indent + suffix)
            last_line = indent + length
        else:
            pieces.append(", " + suffix)
            last_line += length + 2
    pieces.append(")")
    return "".join(pieces)


def _torch_len(suffix):
    """The length ``suffix`` has in torch's repr, where the module is ``torch``.

    Measuring ``dtype=mytensor.int16`` as ``dtype=torch.int16`` makes the
    line breaks fall where torch's do, so the two reprs differ only by name.
    """
    return len(suffix.replace(MODULE, "torch"))
