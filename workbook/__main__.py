"""The workbook's command line: ``python -m workbook <command> [options]``.

Two tables. :data:`STUDENT_COMMANDS` run from the top level of this package,
which is what the student kit ships. :data:`COURSE_COMMANDS` run from the
rooms below it (``release/``, ``grading/``), which only the course
repository has: in a kit they are neither listed nor run, and naming one
says where it belongs. Each command names the module whose ``main(argv)``
runs it and returns an exit status, and the line shown by ``--help``. A
module is imported only when its command runs. Internal entry points (the
grader process, the sandbox's inside) are not commands.
"""

import importlib
import importlib.util
import sys

STUDENT_COMMANDS = {
    "lab": ("workbook.lab", "start JupyterLab on the workbook (make lab)"),
    "check": ("workbook.check", "check your mytensor task by task (make check)"),
    "submit": ("workbook.submit", "pack your notebooks and mytensor/ into one zip (make submit)"),
    "reset": ("workbook.reset", "put one task's stub back, keeping your version as a backup (make reset)"),
}
COURSE_COMMANDS = {
    "kit": ("workbook.release.kit", "write the student kit: the workbook without its answers (make kit)"),
    "release": ("workbook.release.command", "build notebooks/ and mytensor/ from solutions/ (make release)"),
    "translations": ("workbook.release.translation", "list missing or stale Chinese text; --refresh records new hashes"),
    "mutants": ("workbook.release.mutants", "grade mutants of the solutions with the checks: the kill rates (make mutants)"),
    "course": ("workbook.grading.course", "build the nbgrader course folder (build/course)"),
    "grade": ("workbook.grading.grade", "grade submissions: grades.csv, feedback and a class report (make grade)"),
    "feedback": ("workbook.grading.handback",
                 "pack the feedback for Canvas's or Moodle's bulk upload: --lms canvas|moodle OUT (make feedback)"),
}


def _present(module):
    """Whether ``module``'s room ships here: the course repository has it, a kit does not."""
    return importlib.util.find_spec(module.rpartition(".")[0]) is not None


def commands():
    """The commands this copy can run: the student's, plus the course's where its rooms exist."""
    course = {name: row for name, row in COURSE_COMMANDS.items() if _present(row[0])}
    return {**STUDENT_COMMANDS, **course}


def usage():
    """The usage line and the list of commands, one a line."""
    table = commands()
    width = max(len(name) for name in table)
    rows = [f"  {name.ljust(width)}  {about}" for name, (_, about) in table.items()]
    return "usage: python -m workbook <command> [options]\n\ncommands:\n" + "\n".join(rows)


def main(argv=None):
    """Run the command named by ``argv[0]`` and return its exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(usage(), file=sys.stdout if argv else sys.stderr)
        return 0 if argv else 2
    table = commands()
    if argv[0] not in table:
        print(_unknown(argv[0]), file=sys.stderr)
        return 2
    module = importlib.import_module(table[argv[0]][0])
    return module.main(argv[1:]) or 0


def _unknown(name):
    if name in COURSE_COMMANDS:
        return (f"python -m workbook: `{name}` is an instructor's command; it runs in the course repository, "
                f"not in the student kit. Your commands:\n\n{usage()}")
    return f"python -m workbook: unknown command '{name}'\n\n{usage()}"


if __name__ == "__main__":
    sys.exit(main())
