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


def _public_api():
    """Every public function of the package and every public Tensor method or property."""
    for name in sorted(n for n in dir(mytensor) if not n.startswith("_")):
        obj = getattr(mytensor, name)
        if callable(obj) and not isinstance(obj, mytensor.dtype):
            yield f"mytensor.{name}", obj
    for name, obj in sorted(vars(mytensor.Tensor).items()):
        if not name.startswith("_"):
            yield f"Tensor.{name}", obj.fget if isinstance(obj, property) else obj


@pytest.mark.parametrize("name, obj", list(_public_api()), ids=lambda v: v if isinstance(v, str) else "")
def test_public_api_has_a_runnable_example(name, obj):
    examples = doctest.DocTestFinder(recurse=False).find(obj, name)
    assert any(test.examples for test in examples), f"{name} has no docstring example"
