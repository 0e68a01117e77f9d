"""Turn a folder of submission zips (an LMS download) into nbgrader's ``submitted/``.

A zip made by ``python -m workbook submit`` is named
``<student>__mytensor-workbook.zip`` and holds the notebooks at its top,
``mytensor/`` beside them and ``submission.json`` (the student id and the
time). LMSs rename files, so the id is read from ``submission.json`` first and
from the name second. Only allowed files are written (see
:func:`workbook.integrity.allowed`); a previous, different copy of a student's
submission is moved to ``superseded/``, never deleted.
"""

import json
import re
import shutil
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from workbook import integrity
from workbook.course import ASSIGNMENT

NAME = re.compile(r"(?P<student>[A-Za-z0-9._-]+?)__" + re.escape(ASSIGNMENT))
RESUBMIT_HINT = "ask the student to run `make submit` (python -m workbook submit) and upload the new zip"


class BadSubmission(Exception):
    """A zip that cannot be graded; the message names the file and the fix."""


@dataclass
class Unpacked:
    """One student's submission, read from a zip."""

    student: str
    archive: Path
    created: str
    files: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)


def find_zips(folder):
    """Return the zips under ``folder``; raise SystemExit with the fix if there are none."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SystemExit(
            f"error: {folder} is not a folder. Pass the folder that holds the students' "
            f".zip files (the LMS download, unzipped once), or --exchange."
        )
    zips = sorted(folder.rglob("*.zip"))
    if not zips:
        raise SystemExit(f"error: no .zip files in {folder}. Expected <student>__{ASSIGNMENT}.zip files.")
    return zips


def read_zip(archive):
    """Read one submission zip into an :class:`Unpacked`; raise :class:`BadSubmission`."""
    try:
        with zipfile.ZipFile(archive) as zf:
            members = {info.filename: info for info in zf.infolist() if not info.is_dir()}
            manifest = _manifest(zf, members, archive)
            top = _top_folder(members, archive)
            files, notes = _allowed_members(zf, members, top)
    except zipfile.BadZipFile as error:
        raise BadSubmission(f"{archive}: not a readable zip ({error}); {RESUBMIT_HINT}") from None
    student = manifest.get("student_id") or _name_student(archive)
    if not NAME.fullmatch(f"{student}__{ASSIGNMENT}"):
        raise BadSubmission(f"{archive}: student id {student!r} has characters other than A-Z a-z 0-9 . _ -")
    if not any(name.startswith(f"{integrity.PACKAGE}/") for name in files):
        notes.append("no mytensor/ package in the zip: every test will fail")
    return Unpacked(student, Path(archive), manifest.get("created", ""), files, notes)


def _manifest(zf, members, archive):
    name = next((n for n in members if n.rsplit("/", 1)[-1] == "submission.json"), None)
    if name is None:
        return {}
    try:
        return json.loads(zf.read(name))
    except ValueError:
        raise BadSubmission(f"{archive}: {name} is not valid JSON; {RESUBMIT_HINT}") from None


def _top_folder(members, archive):
    """The folder the notebooks sit in: '' (the top) or one wrapping folder."""
    tops = {n.split("/", 1)[0] + "/" for n in members if "/" in n}
    if any("/" not in n and n.endswith(".ipynb") for n in members):
        return ""
    if len(tops) == 1 and any(n.count("/") == 1 and n.endswith(".ipynb") for n in members):
        return tops.pop()
    raise BadSubmission(
        f"{archive}: no notebook at the top of the zip. The notebooks (x1_....ipynb) must sit at "
        f"the top, with mytensor/ beside them; {RESUBMIT_HINT}"
    )


def _allowed_members(zf, members, top):
    files, notes = {}, []
    for name, info in members.items():
        relative = name[len(top):] if name.startswith(top) else name
        if relative == "submission.json":
            continue
        bad_path = relative.startswith("/") or ".." in relative.split("/")
        if bad_path or not integrity.allowed(relative) or info.file_size > integrity.MAX_FILE_BYTES:
            notes.append(f"left out {name}")
            continue
        files[relative] = zf.read(name)
    return files, notes


def _name_student(archive):
    match = NAME.search(Path(archive).name)
    if match is None:
        raise BadSubmission(
            f"{archive}: no submission.json and the name does not say the student: "
            f"rename it <student>__{ASSIGNMENT}.zip or {RESUBMIT_HINT}"
        )
    return match["student"]


def latest_per_student(unpacked):
    """Keep each student's newest zip; return it and notes about the ones dropped."""
    best, notes = {}, []
    for item in sorted(unpacked, key=lambda u: (u.created, u.archive.stat().st_mtime)):
        if item.student in best:
            notes.append(f"{best[item.student].archive}: superseded by {item.archive}")
        best[item.student] = item
    return [best[s] for s in sorted(best)], notes


def write_submitted(item, root, assignment=ASSIGNMENT):
    """Write one submission to ``root/submitted/<student>/<assignment>``; return the folder.

    A different earlier copy there is moved to ``root/superseded/`` first.
    """
    dest = Path(root) / "submitted" / item.student / assignment
    if dest.exists() and _same_files(dest, item.files):
        return dest
    if dest.exists():
        aside = Path(root) / "superseded" / f"{item.student}-{time.strftime('%Y%m%d-%H%M%S')}"
        aside.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(dest), str(aside))
        item.notes.append(f"an earlier submission was moved to {aside}")
    for relative, data in item.files.items():
        (dest / relative).parent.mkdir(parents=True, exist_ok=True)
        (dest / relative).write_bytes(data)
    if item.created:
        (dest / "timestamp.txt").write_text(item.created)
    return dest


def _same_files(folder, files):
    present = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} - {"timestamp.txt"}
    return present == set(files) and all((folder / n).read_bytes() == d for n, d in files.items())
