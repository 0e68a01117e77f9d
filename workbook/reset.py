"""Put one task's stub back in your mytensor/, keeping your version (``make reset``).

Usage::

    python -m workbook reset 1.3        # or: make reset ARGS="1.3"

Every function of the task (those whose stub raises ``NotImplementedError("Task
1.3: ...")``) goes back to the stub the release made: signature, docstring and
the ``raise``. Nothing else in the file changes. Before writing, the whole file
as it was is copied to ``build/reset-backup/<time>/mytensor/<file>.py``, and the
command prints that path. The stub comes from the student kit's pristine copy
(``.stubs/mytensor``), or in the repository is rebuilt from ``solutions/mytensor``
as the release last committed it.
"""

import ast
import datetime
import shutil
import subprocess
import sys
from pathlib import Path

from . import language, tasks
from .names import REPO



class ResetError(Exception):
    """The reset cannot be done; the message says why and what to do."""


def replace_functions(text, functions, path):
    """``text`` with each top-level function named in ``functions`` replaced by its lines there."""
    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        raise ResetError(language.text("reset.no_parse", path=path, line=error.lineno, msg=error.msg)) from None
    spans = {name: (tasks.first_line(node), node.end_lineno) for name, node in tasks.functions(tree).items()}
    missing = sorted(set(functions) - set(spans))
    if missing:
        raise ResetError(language.text("reset.no_function", path=path, names=", ".join(missing)))
    lines = text.split("\n")
    for name in sorted(functions, key=lambda n: spans[n][0], reverse=True):
        start, end = spans[name]
        lines[start - 1:end] = functions[name]
    return "\n".join(lines)


# The student kit carries a pristine copy of the released stubs here; the
# repository rebuilds them from solutions/ instead.
PRISTINE = ".stubs"


def stub_files(root):
    """``{relative path: text}`` of the released stub package under ``root``.

    A kit keeps them in :data:`PRISTINE`; the course repository has them in
    its history, as the release last committed ``mytensor/``.
    """
    pristine = Path(root) / PRISTINE
    if (pristine / "mytensor").is_dir():
        return {p.relative_to(pristine).as_posix(): p.read_text("utf-8") for p in sorted(pristine.rglob("*.py"))}
    committed = _committed_stubs(root)
    if not committed:
        raise ResetError(language.text("reset.no_stubs", pristine=pristine / "mytensor", root=root))
    return committed


def _committed_stubs(root):
    """The ``.py`` files of ``mytensor/`` as the repository's last commit holds them; {} without git."""
    def git(*args):
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
        return done.stdout if done.returncode == 0 else None

    listed = shutil.which("git") and git("ls-tree", "-r", "--name-only", "HEAD", "--", "mytensor")
    paths = [path for path in (listed or "").splitlines() if path.endswith(".py")]
    found = {path: git("show", f"HEAD:{path}") for path in paths}
    return {path: text for path, text in found.items() if text is not None}


def _stubs(root, task):
    """``{relative path: functions}`` for the files that hold ``task``."""
    stubs = {relative: text for relative, text in stub_files(root).items() if relative.endswith(".py")}
    found = {relative: tasks.stub_functions(text, task) for relative, text in stubs.items()}
    found = {relative: functions for relative, functions in found.items() if functions}
    if not found:
        known = sorted({t for text in stubs.values() for t in tasks.stubbed_tasks(text)}, key=tasks.task_key)
        raise ResetError(language.text("reset.no_task", task=task, tasks=", ".join(known)))
    return found


def reset(task, root=REPO, package=None):
    """Restore the stubs of ``task`` in ``package/mytensor``; return ``(restored lines, backup folder)``."""
    package = Path(package or root)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    backup = Path(root) / "build" / "reset-backup" / stamp
    planned = []
    for relative, functions in _stubs(root, task).items():
        target = package / relative
        if not target.is_file():
            raise ResetError(language.text("reset.missing_file", target=target))
        planned.append((target, relative, replace_functions(target.read_text("utf-8"), functions, relative), functions))
    done = []
    for target, relative, text, functions in planned:
        (backup / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(target, backup / relative)
        target.write_text(text, "utf-8")
        done.append(f"{relative}: {', '.join(functions)}")
    return done, backup


def main(argv=None):
    """Entry point of ``python -m workbook reset``; returns the exit status."""
    language.take_lang_option(argv)
    parser = language.parser("python -m workbook reset", "reset.description")
    parser.add_argument("task", help=language.text("reset.task"))
    parser.add_argument("--package", default=str(REPO), help=language.text("reset.package"))
    parser.add_argument("--root", default=str(REPO), help=language.text("reset.root"))
    parser.add_argument("--lang", choices=language.LANGUAGES, help=language.text("arg.lang", env=language.ENV))
    args = parser.parse_args(argv)
    if not tasks.is_task_id(args.task):
        print(language.text("reset.not_a_task", task=args.task), file=sys.stderr)
        return 2
    try:
        done, backup = reset(args.task, args.root, args.package)
    except ResetError as error:
        print(language.text("reset.failed", why=error), file=sys.stderr)
        return 1
    print(language.text("reset.done", task=args.task, where="; ".join(done)))
    print(language.text("reset.saved", backup=backup))
    return 0
