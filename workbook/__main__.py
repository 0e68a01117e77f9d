"""The workbook's command line: ``python -m workbook <command> [options]``.

:data:`COMMANDS` is the whole list: each command names the module of this
package whose ``main(argv)`` runs it and returns an exit status, and the line
shown by ``--help``. A module is imported only when its command runs. Adding a
command is one line in the table; internal entry points such as
``gradeworker`` and ``sandboxworker`` are not commands.
"""

import importlib
import sys

COMMANDS = {
    "lab": ("lab", "start JupyterLab on the workbook (make lab)"),
    "check": ("progress", "check your mytensor task by task (make check)"),
    "submit": ("submit", "pack your notebooks and mytensor/ into one zip (make submit)"),
    "reset": ("reset", "put one task's stub back, keeping your version as a backup (make reset)"),
    "kit": ("kit", "write the student kit: the workbook without its answers (make kit)"),
    "release": ("release", "build notebooks/ and mytensor/ from solutions/ (make release)"),
    "translations": ("translation", "list missing or stale Chinese text; --refresh records new hashes"),
    "course": ("course", "build the nbgrader course folder (build/course)"),
    "grade": ("grade", "grade submissions: grades.csv, feedback and a class report (make grade)"),
    "feedback": ("handback", "pack the feedback for Canvas's or Moodle's bulk upload: --lms canvas|moodle OUT (make feedback)"),
    "mutants": ("mutants", "grade mutants of the solutions with the checks: the kill rates (make mutants)"),
}


def usage():
    """The usage line and the list of commands, one a line."""
    width = max(len(name) for name in COMMANDS)
    rows = [f"  {name.ljust(width)}  {about}" for name, (_, about) in COMMANDS.items()]
    return "usage: python -m workbook <command> [options]\n\ncommands:\n" + "\n".join(rows)


def main(argv=None):
    """Run the command named by ``argv[0]`` and return its exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(usage(), file=sys.stdout if argv else sys.stderr)
        return 0 if argv else 2
    if argv[0] not in COMMANDS:
        print(f"python -m workbook: unknown command '{argv[0]}'\n\n{usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(f"workbook.{COMMANDS[argv[0]][0]}")
    return module.main(argv[1:]) or 0


if __name__ == "__main__":
    sys.exit(main())
