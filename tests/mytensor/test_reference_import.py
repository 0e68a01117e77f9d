"""The reference library stands on numpy alone.

`PYTHONPATH=solutions python -c "import mytensor"` must import the reference
(solutions/mytensor) and leave torch out of sys.modules. Python puts the
working folder first for `-c`, and the repository root holds the student copy
(mytensor/), so the command is run from outside the root, and once more from
the root with PYTHONSAFEPATH=1 (Python 3.11's `-P`), which drops that entry.
"""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from workbook.names import REPO as ROOT

REFERENCE = ROOT / "solutions" / "mytensor"
PROBE = "import sys, mytensor; print(mytensor.__file__); print('torch' in sys.modules)"


@pytest.mark.parametrize("where", ["outside the root", "root with PYTHONSAFEPATH"])
def test_reference_imports_without_torch(tmp_path, where):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(ROOT / "solutions")
    cwd = tmp_path
    if where.startswith("root"):
        env["PYTHONSAFEPATH"] = "1"
        cwd = ROOT
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=cwd, env=env,
                          capture_output=True, text=True, check=True)
    module_file, torch_loaded = done.stdout.split()
    assert Path(module_file).parent == REFERENCE
    assert torch_loaded == "False"


@pytest.mark.parametrize("path", sorted(REFERENCE.glob("*.py")), ids=lambda p: p.name)
def test_no_module_imports_torch(path):
    tree = ast.parse(path.read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.split(".")[0] == "torch"}
