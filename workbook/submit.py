"""``python -m workbook submit``: pack your notebooks and ``mytensor/`` into one zip.

The zip is named ``<student>__mytensor-workbook.zip``; upload it to your
course page as it is. It holds the notebooks at its top, ``mytensor/`` beside
them and ``submission.json`` (your id and the time).
"""

import datetime
import json
import sys
import zipfile
from pathlib import Path

from workbook import language
from workbook.language import text
from workbook.names import ASSIGNMENT, STUDENT_ID
from .names import REPO



def student_id(given):
    """Return a valid student id from ``--student`` or a prompt; exit with the fix otherwise."""
    if given is None and sys.stdin.isatty():
        given = input(text("submit.prompt")).strip()
    if not given:
        raise SystemExit(text("submit.no_id"))
    if not STUDENT_ID.fullmatch(given):
        raise SystemExit(text("submit.bad_id", given=given))
    return given


def submission_files(notebooks, package):
    """Map archive names to files: ``*.ipynb`` at the top and ``mytensor/**.py``."""
    found = {p.name: p for p in sorted(Path(notebooks).glob("*.ipynb"))}
    if not found:
        raise SystemExit(text("submit.no_notebooks", folder=notebooks))
    if not (Path(package) / "__init__.py").is_file():
        raise SystemExit(text("submit.no_package", package=package))
    for path in sorted(Path(package).rglob("*.py")):
        if "__pycache__" not in path.parts:
            found[f"mytensor/{path.relative_to(package).as_posix()}"] = path
    return found


def write_zip(student, files, out):
    """Write the submission zip into ``out``; return its path."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{student}__{ASSIGNMENT}.zip"
    manifest = {"student_id": student, "assignment": ASSIGNMENT,
                "created": datetime.datetime.now(datetime.timezone.utc).isoformat()}
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, path in files.items():
            zf.write(path, name)
        zf.writestr("submission.json", json.dumps(manifest, indent=1))
    return target


def main(argv=None):
    """Pack the submission zip and say where it is."""
    language.take_lang_option(argv)
    parser = language.parser("python -m workbook submit", "submit.description")
    parser.add_argument("--student", help=text("submit.student"))
    parser.add_argument("--notebooks", type=Path, help=text("submit.notebooks"))
    parser.add_argument("--package", type=Path, default=REPO / "mytensor", help=text("submit.package"))
    parser.add_argument("--out", type=Path, default=REPO / "submission", help=text("submit.out"))
    parser.add_argument("--lang", choices=language.LANGUAGES, help=text("submit.lang"))
    args = parser.parse_args(argv)
    args.notebooks = args.notebooks or REPO / ("notebooks/zh" if language.current() == "zh" else "notebooks")
    student = student_id(args.student)
    files = submission_files(args.notebooks, args.package)
    target = write_zip(student, files, args.out)
    notebooks = sum(name.endswith(".ipynb") for name in files)
    print(text("submit.wrote", target=target, notebooks=notebooks, files=len(files) - notebooks))
    print(text("submit.upload"))
    return 0
