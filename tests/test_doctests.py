"""Run the doctests of every module of the reference library (solutions/mytensor)."""

import doctest
import importlib
import pkgutil

import pytest

import mytensor

MODULES = sorted(info.name for info in pkgutil.iter_modules(mytensor.__path__, "mytensor."))


@pytest.mark.parametrize("name", ["mytensor"] + MODULES)
def test_doctests(name):
    module = importlib.import_module(name)
    results = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert results.failed == 0, f"{results.failed} doctest(s) failed in {name} (run with -s to see them)"
