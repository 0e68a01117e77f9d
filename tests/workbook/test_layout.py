"""The rooms of workbook/: the top level ships to students and imports nothing below it; no import cycle."""

import ast
import shutil

from workbook.names import REPO

PACKAGE = REPO / "workbook"
ROOMS = ("release", "grading", "sandbox")


def module_name(path, package_dir=PACKAGE):
    parts = path.relative_to(package_dir.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(package_dir=PACKAGE):
    return {module_name(path, package_dir): path for path in sorted(package_dir.rglob("*.py"))}


def imports(path, package_dir=PACKAGE):
    """Every workbook module ``path`` imports, at the top or inside a function, absolute or relative."""
    name = module_name(path, package_dir)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    known = modules(package_dir)
    return {module for module in found if module in known and module != "workbook"}


def graph(package_dir=PACKAGE):
    return {name: imports(path, package_dir) - {name} for name, path in modules(package_dir).items()}


def test_the_top_level_imports_nothing_below_it():
    below = {}
    for name, targets in graph().items():
        if name.count(".") == 1:  # workbook.<module>: what a student kit ships
            wrong = sorted(t for t in targets if t.split(".")[1] in ROOMS)
            if wrong:
                below[name] = wrong
    assert below == {}, f"top-level modules that import a room: {below}"


def test_the_rooms_exist_and_hold_what_the_layout_says():
    for room in ROOMS:
        assert (PACKAGE / room / "__init__.py").is_file(), room
    top = {path.stem for path in PACKAGE.glob("*.py")}
    assert {"checks", "draw", "plots", "strategies", "lab", "check", "submit", "reset", "tasks"} <= top
    assert not top & {"grade", "course", "release", "sandbox", "kit", "intake", "report"}


def test_there_is_no_import_cycle():
    edges, cycles = graph(), []

    def visit(node, path, seen):
        for target in sorted(edges.get(node, ())):
            if target in path:
                cycles.append(path[path.index(target):] + [target])
            elif target not in seen:
                seen.add(target)
                visit(target, path + [target], seen)

    for start in sorted(edges):
        visit(start, [start], {start})
    assert cycles == [], f"import cycles: {cycles[:5]}"


def test_the_checks_find_a_planted_import(tmp_path):
    """The graph sees a relative, a lazy and an absolute import (so the tests above can fail)."""
    copy = tmp_path / "workbook"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "planted.py").write_text("def f():\n    from .grading import grade\n    import workbook.sandbox.host\n")
    assert {"workbook.grading.grade", "workbook.sandbox.host"} <= graph(copy)["workbook.planted"]


def environment_uses(path):
    """``(line, what)`` for each read of a WORKBOOK_* variable and each write to ``os.environ`` in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        target = node.value if isinstance(node, ast.Subscript) else getattr(node, "func", None)
        if isinstance(target, ast.Attribute) and target.attr == "get":
            target = target.value
        if not (isinstance(target, ast.Attribute) and target.attr in ("environ", "getenv")):
            continue
        key = node.slice if isinstance(node, ast.Subscript) else (node.args[0] if node.args else None)
        if isinstance(key, ast.Constant) and str(key.value).startswith("WORKBOOK_"):
            found.append((node.lineno, f"reads {key.value}"))
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
            found.append((node.lineno, "writes os.environ"))
    return found


def test_settings_are_read_in_one_module_and_the_environment_is_not_state():
    allowed = {("workbook/grading/course.py", "writes os.environ")}  # nbgrader runs alembic from PATH
    found = {(path.relative_to(REPO).as_posix(), line, what) for path in PACKAGE.rglob("*.py")
             if path.name != "settings.py" for line, what in environment_uses(path)}
    assert {(path, what) for path, _, what in found} <= allowed, sorted(found)


def test_the_environment_scan_finds_a_read_and_a_write(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text("import os\nx = os.environ.get('WORKBOOK_X')\nos.environ['Y'] = '1'\n")
    assert environment_uses(planted) == [(2, "reads WORKBOOK_X"), (3, "writes os.environ")]
