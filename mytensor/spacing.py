"""Evenly spaced values: ``linspace``.

This module is the exercise of x.8: the student writes both the docstring and
the body, so ``help(mytensor.linspace)`` shows their own words and example.
"""

import numpy as np

from . import _dtypes, _tensor


def linspace(start, end, steps, dtype=None):
    # Task 8.1: a documented linspace, with a runnable example
    raise NotImplementedError("Task 8.1: a documented linspace, with a runnable example (replace this raise in mytensor/spacing.py: linspace; see x8_help.ipynb)")
