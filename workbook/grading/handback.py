"""``python -m workbook feedback --lms canvas|moodle OUT``: the graded feedback, packed for an LMS's bulk upload.

Both LMSs take one zip and find each student by the ids that they put in the
names of the files the instructor downloaded; ``workbook grade`` records where
each graded zip sat in its download (:func:`workbook.grading.intake.record_source`).

- **Canvas** ("Re-Upload Submissions" on the assignment's page) attaches each
  file of the zip to a comment on one student's submission: the first
  all-digit part of the file's name between underscores is the student's
  Canvas user id, the second the id of a file of that submission, as in the
  downloaded ``doejane_12345_67890_ada__mytensor-workbook.zip``. Each student
  gets one file, ``doejane_12345_67890_feedback.zip``, holding the pages.
- **Moodle** ("Upload multiple feedback files in a zip" on the assignment's
  submissions page) makes each file under a folder named
  ``<full name>_<participant id>_assignsubmission_file`` a feedback file of
  that participant: the folder that "Download all submissions" made. Each
  student gets that folder with the pages in it.

The pages are the HTML files at the top of the student's feedback folder
(``index.html`` and the notebooks' pages): what ``nbgrader release_feedback``
sends, not nbgrader's copy of the student's ``mytensor/``. A student left out
of the zip is listed with the reason.
"""

import argparse
import io
import os
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from workbook.grading import course, intake
from workbook.names import ASSIGNMENT

# Moodle puts a student's files in "<full name>_<participant id>_assignsubmission_file" (a folder
# since Moodle 3.1, ending in "_" before 4.1) or at the front of each file's name.
MOODLE_PART = re.compile(r"(?P<name>[^_/]*)_(?P<id>[0-9]+)_assignsubmission_file(?:_.*)?")


class LeftOut(Exception):
    """Why a student's feedback cannot go into the LMS's zip, and the fix."""


def canvas_name(zip_path):
    """The file Canvas attaches to this zip's student: the name up to its two ids, then ``_feedback.zip``."""
    parts = PurePosixPath(zip_path).name.split("_")
    ids = [n for n, part in enumerate(parts) if re.fullmatch(r"[0-9]+", part)]
    if len(ids) < 2:
        raise LeftOut(f"its zip {zip_path!r} does not carry Canvas's ids (<name>_<user id>_<file id>_...): "
                      f"give grade the folder unzipped from the assignment's Download Submissions, unrenamed")
    return "_".join(parts[:ids[1] + 1]) + "_feedback.zip"


def moodle_folder(zip_path):
    """The folder Moodle files under this zip's participant: ``<full name>_<participant id>_assignsubmission_file``."""
    for part in reversed(PurePosixPath(zip_path).parts):
        match = MOODLE_PART.fullmatch(part)
        if match:
            return f"{match['name']}_{match['id']}_assignsubmission_file"
    raise LeftOut(f"neither its zip {zip_path!r} nor a folder above it is named <full name>_<participant id>_"
                  f"assignsubmission_file: give grade the folder unzipped from Download all submissions, unrenamed")


def canvas_entries(target, files, assignment):
    """One zip per student; its pages sit in a folder of their own so that unzipping it meets nothing else."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as inner:
        for relative, path in files.items():
            inner.write(path, f"{assignment}-feedback/{relative}")
    return {target: buffer.getvalue()}


def moodle_entries(target, files, assignment):
    """The pages, in the participant's folder."""
    return {f"{target}/{relative}": path.read_bytes() for relative, path in files.items()}


@dataclass(frozen=True)
class Lms:
    """What one LMS's bulk upload needs: the name it matches and the entries of the zip."""

    name: str
    page: str
    target: object
    entries: object


LMSES = {
    "canvas": Lms("Canvas", "the assignment's Re-Upload Submissions", canvas_name, canvas_entries),
    "moodle": Lms("Moodle", "Upload multiple feedback files in a zip", moodle_folder, moodle_entries),
}


def feedback_files(root, assignment, student):
    """A student's feedback pages (the ``*.html`` at the top of the folder, as release_feedback sends), by name."""
    folder = Path(root) / "feedback" / student / assignment
    return {p.name: p for p in sorted(folder.glob("*.html")) if p.is_file()}


def students(root, assignment):
    """Every student with a submission, feedback or recorded zip of ``assignment`` in the course."""
    found = {p.stem for p in (Path(root) / intake.SOURCES / assignment).glob("*.json")}
    for kind in ("submitted", "feedback"):
        found |= {p.parent.name for p in (Path(root) / kind).glob(f"*/{assignment}")}
    return sorted(found)


def plan(root, assignment, lms, only=()):
    """``({student: (name in the LMS's zip, files)}, {student: why it is left out})``, for ``only`` or everyone."""
    packed, left, known = {}, {}, students(root, assignment)
    for student in sorted(set(only)) if only else known:
        try:
            if student not in known:
                raise LeftOut(f"no submission of {assignment} in {root}: check the id (the student_id of grades.csv)")
            packed[student] = _entry(root, assignment, lms, student)
        except LeftOut as why:
            left[student] = str(why)
    return _without_shared_targets(packed, left, lms)


def _entry(root, assignment, lms, student):
    files = feedback_files(root, assignment, student)
    if not files:
        raise LeftOut(f"no feedback pages in {Path(root) / 'feedback' / student / assignment}: it was not graded "
                      f"(see {Path(root) / 'grading' / 'logs' / student}.log); grade its zip again")
    zip_path = intake.source_of(root, assignment, student)
    if zip_path is None:
        raise LeftOut("no LMS zip is recorded for it: collected from the exchange (hand back with "
                      "`nbgrader release_feedback`), or graded before grade recorded zip names (grade the download again)")
    return lms.target(zip_path), files


def _without_shared_targets(packed, left, lms):
    """Leave out students whose zips name the same LMS user: one of them would get the other's feedback."""
    by_target = {}
    for student, (target, _) in packed.items():
        by_target.setdefault(target, []).append(student)
    for target, sharing in by_target.items():
        for student in sharing if len(sharing) > 1 else []:
            del packed[student]
            left[student] = (f"its zip names the same {lms.name} user ({target}) as "
                             f"{', '.join(s for s in sharing if s != student)}: check in {lms.name} who sent which zip")
    return packed, left


def write_bundle(out, packed, assignment, lms):
    """Write the LMS's zip to ``out`` (through a temporary file, so a failed run leaves no half zip)."""
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as bundle:
        for target, files in packed.values():
            for name, data in lms.entries(target, files, assignment).items():
                bundle.writestr(name, data)
    os.replace(partial, out)


def listing(out, packed, left, lms):
    """The lines printed: each student and the entry written for them, then each student left out and why."""
    lines = [f"wrote {out}: feedback of {len(packed)} students for {lms.name} ({lms.page}; docs/instructor.md)"]
    lines += [f"  {student} -> {target} ({len(files)} files)" for student, (target, files) in packed.items()]
    if left:
        lines.append(f"not in {out.name}, {len(left)} students:")
        lines += [f"  {student}: {why}" for student, why in left.items()]
    return lines


def check_course(root, assignment):
    """Stop with the fix when ``root`` is no graded course."""
    if not root.is_dir():
        raise SystemExit(f"error: no course folder {root}: pass --course with the folder that "
                         f"`python -m workbook grade` graded into (its --course; default {course.course_root()})")
    if not (root / "feedback").is_dir():
        raise SystemExit(f"error: {root} has no feedback/ folder: grade the submissions first "
                         f"(python -m workbook grade FOLDER --course {root}), or pass the --course that was graded")
    if not students(root, assignment):
        raise SystemExit(f"error: {root} holds no graded submission of {assignment}: grade it first, "
                         f"or pass --assignment with the assignment that was graded")


def check_out(out, root):
    """Stop with the fix when ``out`` is no place for the zip."""
    if out.is_dir():
        raise SystemExit(f"error: OUT {out} is a folder: give the path of the .zip to write, e.g. {out / 'feedback.zip'}")
    if out.suffix != ".zip":
        raise SystemExit(f"error: OUT {out} must end in .zip: it is the zip to upload, e.g. {out.with_suffix('.zip')}")
    if out.is_relative_to(root / "feedback"):
        raise SystemExit(f"error: OUT {out} is inside the feedback folder {root / 'feedback'}, which it packs: "
                         f"write it elsewhere, e.g. {course.REPO / 'build' / out.name}")


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m workbook feedback", description=__doc__.split("\n")[0])
    parser.add_argument("out", metavar="OUT", type=Path, help="the .zip to write, for the LMS's bulk upload")
    parser.add_argument("--lms", required=True, choices=sorted(LMSES), help="the LMS the zips came from")
    parser.add_argument("--course", type=Path, default=course.course_root(), help="course folder (default %(default)s)")
    parser.add_argument("--assignment", default=ASSIGNMENT, help="assignment name (default %(default)s)")
    parser.add_argument("--student", action="append", default=[], metavar="ID",
                        help="only this student (repeat it; e.g. a late batch): an upload adds to what the LMS has")
    return parser.parse_args(argv)


def main(argv=None):
    """Write the bundle; 1 when a student is left out of it."""
    args = parse(argv)
    root, out, lms = args.course.resolve(), args.out.resolve(), LMSES[args.lms]
    check_course(root, args.assignment)
    check_out(out, root)
    packed, left = plan(root, args.assignment, lms, args.student)
    if not packed:
        print("\n".join(f"  {student}: {why}" for student, why in left.items()), file=sys.stderr)
        raise SystemExit(f"error: no student's feedback can go to {lms.name}; nothing written to {out}")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_bundle(out, packed, args.assignment, lms)
    except OSError as error:
        raise SystemExit(f"error: cannot write {out} ({error.strerror}): give an OUT in a folder you can write to") from None
    print("\n".join(listing(out, packed, left, lms)))
    return 1 if left else 0
