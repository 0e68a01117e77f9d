"""Text that came from a submission, made safe to print on a terminal and to write into a CSV.

A file name, a student id or an error message is the student's text. Printed
raw it can drive the instructor's terminal (an escape sequence that sets the
title or writes the clipboard, a carriage return that hides the line before
it, a bidi override that shows the line reversed); in a CSV cell that starts
with ``=``, ``+``, ``-`` or ``@`` a spreadsheet runs it as a formula.
"""

import unicodedata

# One flag or note; a row's whole flags cell is capped at CELL.
MAX_TEXT = 500
CELL = 4000
# Control characters, format characters (bidi overrides, zero-width marks), line and paragraph separators,
# private use, surrogates and unassigned code points: none of them belongs in a name or a note.
HIDDEN = {"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"}
FORMULA = ("=", "+", "-", "@")


def _escaped(char):
    if unicodedata.category(char) not in HIDDEN:
        return char
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text, limit=MAX_TEXT):
    """``text`` with every hidden character written as a Python escape, cut to ``limit`` characters.

    Examples
    --------
    >>> printable("ok\\x1b]52;c;ZWNobw==\\x07 done")
    'ok\\\\x1b]52;c;ZWNobw==\\\\x07 done'
    >>> printable("abc" * 4, limit=5)
    'abcab… (7 more characters)'
    """
    text = "".join(map(_escaped, str(text)))
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


def csv_cell(value):
    """A CSV cell that no spreadsheet reads as a formula (OWASP: a leading single quote).

    Numbers stay numbers: a cell that reads as one (``-1``, ``2.5e-3``) is
    written as it is.

    Examples
    --------
    >>> csv_cell('=HYPERLINK("http://x","details")')
    '\\'=HYPERLINK("http://x","details")'
    >>> csv_cell("-0.5"), csv_cell("alice")
    ('-0.5', 'alice')
    """
    text = str(value)
    if not text.startswith(FORMULA) or _is_number(text):
        return text
    return "'" + text


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text
