"""Shared helpers for the parity tests: run an expression with torch and mytensor."""

import numpy as np

from workbook.checks import difference, run_both


def same(fn):
    """Assert that ``fn(torch)`` and ``fn(mytensor)`` agree (values, layout, errors)."""
    expected, actual = run_both(fn)
    why = difference(expected, actual)
    assert why is None, f"{why}\ntorch:    {expected!r}\nmytensor: {actual!r}"


def same_expr(expr, **names):
    """``same`` for an expression in ``m`` (the module) and ``np``, given as text."""
    same(lambda m: eval(expr, {"m": m, "np": np, **names}))


def run(statements):
    """A check function that runs ``statements`` (using ``m``) and returns ``result``."""

    def fn(m):
        scope = {"m": m, "np": np}
        exec(statements, scope)
        return scope["result"]

    return fn
