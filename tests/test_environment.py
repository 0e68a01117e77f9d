"""The project's set-up files agree with each other.

There is no conda on the CI machines, so environment.yml cannot be run here;
instead its pins are checked against requirements.txt, which CI does install.
"""

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([A-Za-z0-9_.+\-]+)$")


def _pins(lines):
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        match = PIN.match(line)
        assert match, f"not an exact pin: {line!r}"
        pins[match.group(1).lower()] = match.group(2)
    return pins


def _requirements():
    return _pins((ROOT / "requirements.txt").read_text().splitlines())


def _conda():
    spec = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = spec["dependencies"]
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict) and "pip" in d)
    conda_only = [d for d in deps if isinstance(d, str)]
    return spec, conda_only, _pins(pip_section)


def test_every_requirement_is_an_exact_pin():
    pins = _requirements()
    assert pins["torch"] == "2.13.0", "torch must stay pinned: an unpinned torch pulls a multi-GB CUDA build"
    assert {"numpy", "jupyterlab", "nbgrader", "nbval", "pytest", "hypothesis"} <= set(pins)


def test_environment_yml_mirrors_requirements():
    _, _, conda_pins = _conda()
    assert conda_pins == _requirements()


def test_environment_yml_python_matches_project():
    _, conda_only, _ = _conda()
    python = next(d for d in conda_only if d.startswith("python"))
    wanted = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert python == "python=" + wanted.removeprefix(">=")
    assert f"{sys.version_info.major}.{sys.version_info.minor}" == wanted.removeprefix(">=")


def test_installed_packages_match_the_pins():
    """The venv running the tests holds exactly the pinned versions."""
    from importlib.metadata import version

    for name, pinned in _requirements().items():
        assert version(name).split("+")[0] == pinned, name


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make lab" in readme
    assert re.search(r"^make test\b", ci, re.M)


@pytest.mark.parametrize("target", ["lab", "test"])
def test_make_targets_build_the_venv_first(target):
    dry = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=True)
    assert ".venv/bin/python" in dry.stdout
    rules = (ROOT / "Makefile").read_text()
    assert re.search(rf"^{target}: \$\(STAMP\)", rules, re.M)


IMPORTS = """
import importlib.metadata, json, sys
import workbook.grading.grade, nbformat
notebook = nbformat.v4.new_notebook()
notebook.cells.append(nbformat.v4.new_code_cell("1"))
broken = nbformat.v4.new_notebook()
broken.cells.append({"cell_type": "code"})
print(json.dumps({"installed": bool(importlib.metadata.version("rfc3987-syntax")),
                  "built": sys.modules.get("rfc3987_syntax") is not None, "lark": "lark" in sys.modules,
                  "valid": nbformat.validator.isvalid(notebook), "broken": nbformat.validator.isvalid(broken)}))
"""


def test_reading_notebooks_does_not_build_the_iri_grammar():
    """jsonschema would spend about 1.9 s per process building a grammar parser that no notebook schema uses."""
    done = subprocess.run([sys.executable, "-c", IMPORTS], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout)
    assert found["installed"], "jupyter-events requires rfc3987-syntax: without it this test proves nothing"
    assert not found["built"] and not found["lark"]
    assert found["valid"] and not found["broken"], "notebooks are still validated"
