"""Collect submissions from the nbgrader exchange's ``inbound/`` folder, which every student can write.

``nbgrader collect`` runs as the instructor and copies what it finds, links
followed: a submission holding a link to ``/proc/self/environ`` or to the
course's source notebook gets the grader's secrets or the hidden tests copied
in, for the student's code to print into its feedback. It also takes the
folder's name as the student's word. This collector trusts neither:

* an entry is ``<student>+<assignment>+<time>[+<random>]``; the student id
  follows the rule of :data:`workbook.names.STUDENT_ID`, as on the zip path;
* the entry must be a folder owned by the account the id names, and so must
  every file taken from it: links, FIFOs, devices, and files of another
  account (a hard link, or a file another student wrote into the folder) are
  left out and listed, never opened through a link;
* an entry written by another account is never graded: it is reported, and
  the named student's own latest entry is graded, with a flag on the row;
* only what a submission may hold is copied (:func:`workbook.grading.integrity.allowed`),
  within the zip path's limits.
"""

import datetime
import os
import pwd
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from workbook.grading import integrity
from workbook.names import STUDENT_ID

MAX_FILES = 500
MAX_BYTES = 32 * 2**20
MAX_DEPTH = 8
DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
# O_NONBLOCK: a FIFO swapped in after the lstat must not hang the open.
FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK


class Refused(Exception):
    """An inbound entry, or one file of it, that is not taken; the message says why."""


@dataclass
class Entry:
    """One folder of ``inbound/`` that names the assignment."""

    name: str
    student: str
    stamp: str
    moment: datetime.datetime
    uid: int


def owner_name(uid):
    """The account name of ``uid``, or ``uid N`` when it has none."""
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def account_uid(student):
    """The uid of the account named ``student``, or None."""
    try:
        return pwd.getpwnam(student).pw_uid
    except KeyError:
        return None


def read_entry(inbound_fd, name, assignment):
    """Parse and vet one name of ``inbound/``; return an :class:`Entry` or raise :class:`Refused`."""
    from nbgrader.utils import parse_utc

    student, _, rest = name.partition(f"+{assignment}+")
    if not STUDENT_ID.fullmatch(student):
        raise Refused(f"student id {student!r} must start with a letter or digit and hold at most "
                      f"100 of A-Z a-z 0-9 . _ -")
    stamp = rest.split("+")[0]
    try:
        moment = parse_utc(stamp)
    except (ValueError, OverflowError):
        raise Refused(f"{stamp!r} is not a time") from None
    info = os.lstat(name, dir_fd=inbound_fd)
    if not stat.S_ISDIR(info.st_mode):
        raise Refused("not a folder (a link or a file)")
    return Entry(name, student, stamp, moment, info.st_uid)


def list_entries(inbound, assignment):
    """Every entry of ``assignment`` in ``inbound``; return (entries, problems)."""
    entries, problems = [], []
    fd = os.open(inbound, DIRECTORY & ~os.O_NOFOLLOW)
    try:
        for name in sorted(os.listdir(fd)):
            if f"+{assignment}+" not in name:
                continue
            try:
                entries.append(read_entry(fd, name, assignment))
            except (Refused, OSError) as error:
                problems.append(f"inbound entry {name!r}: not collected: {error}")
    finally:
        os.close(fd)
    return entries, problems


UNCHECKED = "who wrote its inbound entry was not checked (--any-owner)"


def by_owner(entries, check=True):
    """Split entries into those owned by the account they name and the rest; return both and notes.

    Without ``check`` (accounts that are not the students', as in a container hub), every entry
    counts and says so.
    """
    if not check:
        return entries, {entry.student: [UNCHECKED] for entry in entries}, []
    honest, notes, problems = [], {}, []
    for entry in entries:
        expected = account_uid(entry.student)
        if expected == entry.uid:
            honest.append(entry)
        elif expected is None:
            problems.append(f"inbound entry {entry.name!r}: not collected: no account is named "
                            f"{entry.student!r} here (written by {owner_name(entry.uid)})")
        else:
            problems.append(_impostor(entry, notes))
    return honest, notes, problems


def _impostor(entry, notes):
    """Flag both rows of an entry written in another student's name; return the problem to report."""
    writer = owner_name(entry.uid)
    notes.setdefault(entry.student, []).append(
        f"an inbound entry in this name was written by {writer}, not graded: {entry.name!r}")
    notes.setdefault(writer, []).append(f"wrote an inbound entry in {entry.student}'s name: {entry.name!r}")
    return (f"inbound entry {entry.name!r} claims to be {entry.student}'s but belongs to {writer}: "
            f"not graded; check who sent it")


def collect(inbound, root, assignment, check_owner=True):
    """Copy each student's latest honest entry to ``root/submitted/<student>/<assignment>``.

    Returns
    -------
    tuple
        ``(students collected, problems, {student: notes})``.
    """
    entries, problems = list_entries(inbound, assignment)
    honest, notes, refused = by_owner(entries, check_owner)
    collected = []
    for student in sorted({entry.student for entry in honest}):
        mine = sorted((e for e in honest if e.student == student), key=lambda e: (e.moment, e.name), reverse=True)
        if _file_latest(inbound, root, assignment, mine, problems, notes.setdefault(student, [])):
            collected.append(student)
    return collected, problems + refused, notes


def _file_latest(inbound, root, assignment, entries, problems, notes):
    """File the first of ``entries`` (newest first) that can be copied; say why each one before it was not."""
    for entry in entries:
        dest = Path(root) / "submitted" / entry.student / assignment
        try:
            notes += copy_entry(inbound, entry, dest) + _future(entry)
            return True
        except (Refused, OSError) as error:
            shutil.rmtree(dest, ignore_errors=True)
            problems.append(f"inbound entry {entry.name!r}: not collected: {error}")
    return False


def _future(entry):
    """A note when the entry's time is in the future: it wins over every later entry of the student."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)  # parse_utc gives naive UTC
    if entry.moment <= now + datetime.timedelta(days=1):
        return []
    return [f"the inbound entry's name says it was submitted at {entry.stamp}, in the future: {entry.name!r}"]


def copy_entry(inbound, entry, dest):
    """Copy the allowed regular files of ``entry`` that its owner owns; return notes on what was left out."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    inbound_fd = os.open(inbound, DIRECTORY & ~os.O_NOFOLLOW)
    try:
        fd = _open_folder(inbound_fd, entry.name, entry.uid)
    finally:
        os.close(inbound_fd)
    budget = {"files": MAX_FILES, "bytes": MAX_BYTES}
    left_out = []
    try:
        _copy_folder(fd, Path(), dest, entry.uid, budget, left_out)
    finally:
        os.close(fd)
    # the time nbgrader's feedback is filed under is the one the entry's name gives
    (dest / "timestamp.txt").write_text(entry.stamp)
    return [f"left out {name}: {why}" for name, why in left_out[:integrity.LISTED]] + (
        [f"left out {len(left_out) - integrity.LISTED} more files"] if len(left_out) > integrity.LISTED else [])


def _open_folder(parent_fd, name, uid):
    fd = os.open(name, DIRECTORY, dir_fd=parent_fd)
    if os.fstat(fd).st_uid != uid:
        os.close(fd)
        raise Refused(f"{name!r} belongs to {owner_name(os.lstat(name, dir_fd=parent_fd).st_uid)}")
    return fd


def _copy_folder(fd, relative, dest, uid, budget, left_out):
    """Copy the folder open as ``fd`` (at ``relative`` in the entry) into ``dest``, opening nothing through a link."""
    for name in sorted(os.listdir(fd)):
        path = relative / name
        if str(path) == "timestamp.txt":  # written from the entry's name instead
            continue
        why = _why_not(fd, name, path, uid)
        if why:
            left_out.append((str(path), why))
        elif stat.S_ISDIR(os.lstat(name, dir_fd=fd).st_mode):
            child = _open_folder(fd, name, uid)
            try:
                _copy_folder(child, path, dest, uid, budget, left_out)
            finally:
                os.close(child)
        else:
            _copy_file(fd, name, dest / path, uid, budget, left_out, path)


def _why_not(fd, name, path, uid):
    """Why ``name`` (in the folder ``fd``) is left out without being opened, or None."""
    info = os.lstat(name, dir_fd=fd)
    if stat.S_ISLNK(info.st_mode):
        return "a symbolic link (not followed)"
    if info.st_uid != uid:
        return f"it belongs to {owner_name(info.st_uid)}, not to the submission's owner"
    if stat.S_ISDIR(info.st_mode):
        inside = len(path.parts) < MAX_DEPTH and path.parts[0] == integrity.PACKAGE
        return None if inside else "not part of a submission"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    if not (integrity.allowed(path) or str(path) == "submission_secret.txt"):
        return "not part of a submission"
    return f"over {integrity.MAX_FILE_BYTES // 2**20} MiB" if info.st_size > integrity.MAX_FILE_BYTES else None


def _copy_file(fd, name, target, uid, budget, left_out, path):
    """Copy one file, checked again once open: the student can swap it after the lstat."""
    file_fd = os.open(name, FILE, dir_fd=fd)
    try:
        info = os.fstat(file_fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != uid:
            left_out.append((str(path), "changed while it was collected"))
            return
        data = _read(file_fd, integrity.MAX_FILE_BYTES + 1)
    finally:
        os.close(file_fd)
    budget["files"] -= 1
    budget["bytes"] -= len(data)
    if budget["files"] < 0 or budget["bytes"] < 0 or len(data) > integrity.MAX_FILE_BYTES:
        raise Refused(f"over the limit of {MAX_FILES} files and {MAX_BYTES // 2**20} MiB")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def _read(fd, most):
    chunks, size = [], 0
    while size < most:
        chunk = os.read(fd, min(2**20, most - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)
