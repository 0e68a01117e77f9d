"""The workbook's command line: ``python -m workbook <command> [options]``.

A command is a module of this package that defines ``main(argv)`` returning an
exit status: ``python -m workbook grade`` runs ``workbook/grade.py``. Modules
are found by name and imported only when their command runs, so a new command
plugs in by adding its module. ``check`` is the one alias: it runs
``workbook/progress.py``.
"""

import ast
import importlib
import sys
from pathlib import Path

ALIASES = {"check": "progress"}
HERE = Path(__file__).resolve().parent


def _summary(path):
    """The first line of a module's docstring, without importing it."""
    docstring = ast.get_docstring(ast.parse(path.read_text("utf-8"))) or ""
    return docstring.split("\n")[0]


def commands():
    """Return ``{command: (module name, one-line summary)}`` for every command available."""
    modules = {path.stem: path for path in HERE.glob("*.py") if "\ndef main(" in path.read_text("utf-8")}
    modules.pop("__main__", None)
    command_of = {module: alias for alias, module in ALIASES.items()}
    names = {command_of.get(module, module): module for module in modules}
    return {name: (module, _summary(modules[module])) for name, module in sorted(names.items())}


def usage():
    """The usage line and the list of commands, one a line."""
    found = commands()
    width = max((len(name) for name in found), default=0)
    rows = [f"  {name.ljust(width)}  {about}" for name, (_, about) in found.items()]
    return "usage: python -m workbook <command> [options]\n\ncommands:\n" + "\n".join(rows)


def main(argv=None):
    """Run the command named by ``argv[0]`` and return its exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(usage(), file=sys.stdout if argv else sys.stderr)
        return 0 if argv else 2
    found = commands()
    if argv[0] not in found:
        print(f"python -m workbook: unknown command '{argv[0]}'\n\n{usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(f"{__package__ or 'workbook'}.{found[argv[0]][0]}")
    return module.main(argv[1:]) or 0


if __name__ == "__main__":
    sys.exit(main())
