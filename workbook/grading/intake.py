"""Turn a folder of submission zips (an LMS download) into nbgrader's ``submitted/``.

A zip made by ``python -m workbook submit`` is named
``<student>__mytensor-workbook.zip`` and holds the notebooks at its top,
``mytensor/`` beside them and ``submission.json`` (the student id and the
time). LMSs rename files, so the id is read from ``submission.json`` first and
from the name second. Only allowed files are written (see
:func:`workbook.grading.integrity.allowed`), up to :data:`MAX_FILES` files and
:data:`MAX_BYTES` in all; a previous, different copy of a student's
submission is moved to ``superseded/``, never deleted. The newest zip of a
student counts, by the real time of ``created`` (time zones included).
"""

import datetime
import json
import re
import shutil
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from workbook.grading import integrity
from workbook.grading.course import ASSIGNMENT
from workbook.names import STUDENT_ID

NAME = re.compile(r"(?P<student>[A-Za-z0-9._-]+?)__" + re.escape(ASSIGNMENT))
# A whole honest submission (notebooks of both editions and the package) is
# about 0.8 MB in 40 files; these limits stop a zip that unpacks to gigabytes.
MAX_FILES = 500
MAX_BYTES = 32 * 2**20
# What zipfile raises for a damaged, encrypted or oddly compressed zip, or one that cannot be opened.
UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError)
EARLIEST = datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)
# Where each graded submission came from, one JSON file per student: an LMS's bulk feedback
# upload finds the student by the ids in that zip's name and folder (workbook.grading.handback).
SOURCES = Path("grading") / "sources"
RESUBMIT_HINT = "ask the student to run `make submit` (python -m workbook submit) and upload the new zip"


class BadSubmission(Exception):
    """A zip that cannot be graded; the message names the file and the fix."""


@dataclass
class Unpacked:
    """One student's submission, read from a zip."""

    student: str
    archive: Path
    created: str
    moment: datetime.datetime = EARLIEST
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
    zips = sorted(path for path in folder.rglob("*.zip") if not path.is_dir())
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
            files, notes = _allowed_members(zf, members, top, archive)
    except UNREADABLE as error:
        raise BadSubmission(f"{archive}: not a readable zip ({error}); {RESUBMIT_HINT}") from None
    student = _student_id(manifest, archive)
    notes += _name_disagrees(archive, student)
    if not any(name.startswith(f"{integrity.PACKAGE}/") for name in files):
        notes.append("no mytensor/ package in the zip: every test will fail")
    created = manifest.get("created", "")
    moment = _moment(created, archive)
    if moment > datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1):
        notes.append(f"submission.json says the zip was made at {created}, in the future; it wins over "
                     f"every other zip of this student")
    return Unpacked(student, Path(archive), created, moment, files, notes)


def _student_id(manifest, archive):
    """The id from the manifest, else from the zip's name; refused unless it is a safe folder name."""
    student = manifest.get("student_id") or _name_student(archive)
    if not STUDENT_ID.fullmatch(student):
        raise BadSubmission(
            f"{archive}: student id {student!r} must start with a letter or digit and hold at most "
            f"100 of A-Z a-z 0-9 . _ -; {RESUBMIT_HINT} with --student set to the id"
        )
    return student


def _name_disagrees(archive, student):
    """A note when the zip's name says another student than its manifest (one student filing as another).

    An LMS may put its own prefix before the name (Canvas: ``name_id_id_<file>``), so a
    name that ends in ``_<student>`` agrees.
    """
    match = NAME.search(Path(archive).name)
    named = match["student"] if match else student
    if named == student or named.endswith(f"_{student}"):
        return []
    return [f"the zip's name says {named!r} but its submission.json says {student!r}: check who sent it"]


def _moment(created, archive):
    """The UTC time of ``created`` (ISO 8601; no offset means UTC), or :data:`EARLIEST` when empty."""
    if not created:
        return EARLIEST
    try:
        moment = datetime.datetime.fromisoformat(created)
    except ValueError:
        raise BadSubmission(
            f"{archive}: 'created' in submission.json is {created!r}, not an ISO 8601 time; {RESUBMIT_HINT}"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


def _manifest(zf, members, archive):
    name = next((n for n in members if n.rsplit("/", 1)[-1] == "submission.json"), None)
    if name is None:
        return {}
    try:
        manifest = json.loads(zf.read(name))
    except ValueError:
        raise BadSubmission(f"{archive}: {name} is not valid JSON; {RESUBMIT_HINT}") from None
    if not isinstance(manifest, dict) or not all(
        isinstance(manifest.get(key, ""), str) for key in ("student_id", "created")
    ):
        raise BadSubmission(
            f"{archive}: {name} is not a submission manifest (an object whose student_id and created "
            f"are text); {RESUBMIT_HINT}"
        )
    return manifest


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


def _allowed_members(zf, members, top, archive):
    kept, left_out = {}, []
    for name, info in members.items():
        relative = name[len(top):] if name.startswith(top) else name
        if relative == "submission.json":
            continue
        bad_path = relative.startswith("/") or ".." in relative.split("/")
        if bad_path or not integrity.allowed(relative) or info.file_size > integrity.MAX_FILE_BYTES:
            left_out.append(name)
            continue
        kept[relative] = info
    _check_size(kept.values(), archive)
    return {relative: zf.read(info) for relative, info in kept.items()}, integrity.left_out_notes(left_out)


def _check_size(infos, archive):
    """Refuse a zip whose kept files are too many or too big (sizes as declared; reading checks them)."""
    total = sum(info.file_size for info in infos)
    if len(infos) > MAX_FILES or total > MAX_BYTES:
        raise BadSubmission(
            f"{archive}: {len(infos)} files of {total / 2**20:.0f} MiB to unpack, over the limit of "
            f"{MAX_FILES} files and {MAX_BYTES // 2**20} MiB; a submission holds the notebooks and "
            f"mytensor/*.py only; {RESUBMIT_HINT}"
        )


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
    for item in sorted(unpacked, key=lambda u: (u.moment, u.archive.stat().st_mtime)):
        if item.student in best:
            notes.append(f"{best[item.student].archive}: superseded by {item.archive}")
        best[item.student] = item
    return [best[s] for s in sorted(best)], notes + _case_twins(best)


def _case_twins(students):
    """Notes for ids that differ only by case: two rows that may be one person (LMS ids often ignore case)."""
    by_folded = {}
    for student in sorted(students):
        by_folded.setdefault(student.casefold(), []).append(student)
    return [
        f"student ids {', '.join(map(repr, twins))} differ only by case: graded as {len(twins)} students; "
        f"check in the LMS whether they are one person"
        for twins in by_folded.values() if len(twins) > 1
    ]


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
    for relative, data in list(item.files.items()):
        try:
            (dest / relative).parent.mkdir(parents=True, exist_ok=True)
            (dest / relative).write_bytes(data)
        except OSError as error:  # a name too long, or a file where the zip also has a folder
            del item.files[relative]
            item.notes.append(f"left out {relative}: it cannot be written here ({error.strerror})")
    if item.created:
        (dest / "timestamp.txt").write_text(item.created)
    return dest


def _same_files(folder, files):
    present = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} - {"timestamp.txt"}
    return present == set(files) and all((folder / n).read_bytes() == d for n, d in files.items())


def record_source(item, download, root, assignment=ASSIGNMENT):
    """Record the path of the zip that ``item`` came from, relative to the ``download`` folder.

    The path keeps the names the LMS gave the file and its folder, which carry its own ids.
    """
    path = Path(root) / SOURCES / assignment / f"{item.student}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"zip": Path(item.archive).relative_to(download).as_posix()}))


def source_of(root, assignment, student):
    """The recorded path of a student's graded zip in its LMS download, or None when none is recorded."""
    try:
        recorded = json.loads((Path(root) / SOURCES / assignment / f"{student}.json").read_text())
    except (OSError, ValueError):
        return None
    return recorded.get("zip") if isinstance(recorded, dict) else None
