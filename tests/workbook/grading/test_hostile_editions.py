"""Hostile or careless submission zips at intake, before any grading runs.

A class folder of crafted zips goes through ``grade.from_zips`` once (no
notebook runs, so this is cheap). For every case the promise is the same:
the run goes on, an honest student beside the bad zips is filed intact,
nothing is written outside ``submitted/``, and a zip that cannot be filed is
reported with its file name and the fix.
"""

import csv
import json
import os
import struct
import zipfile
from pathlib import Path

import pytest

from workbook.names import REPO

from tests.grading import tiny
from workbook import settings
from workbook.grading import course, grade, intake, integrity, report, submission
from workbook.names import ASSIGNMENT

NOTEBOOK = json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
PACKAGE = {f"mytensor/{name}": text for name, text in tiny.REFERENCE.items()}
STUB_PACKAGE = {f"mytensor/{name}": text for name, text in tiny.STUB.items()}
ALLOWED = {"x1_double.ipynb": NOTEBOOK, **PACKAGE}


def _zip(path, entries, manifest=None, method=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", method) as zf:
        for name, data in entries:
            zf.writestr(name, data)
        if manifest is not None:
            zf.writestr("submission.json", manifest if isinstance(manifest, str) else json.dumps(manifest))
    return path


def _student(student, created="2025-01-01T00:00:00+00:00"):
    return {"student_id": student, "created": created}


def _non_utf8_name(path):
    """A zip whose entry name is cp437 bytes without the UTF-8 flag, as old zip tools write."""
    _zip(path, [*ALLOWED.items(), ("mytensor/cafX.py", "")], _student("oldzip"))
    path.write_bytes(path.read_bytes().replace(b"cafX", b"caf\xe9"))


def _patch_headers(path, local_offset, central_offset, value):
    """Set one 2-byte field in every local and central header of a zip."""
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", local_offset), (b"PK\x01\x02", central_offset)):
        at = data.find(signature)
        while at >= 0:
            data[at + offset:at + offset + 2] = struct.pack("<H", value)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


def _deflated(path):
    return _zip(path, ALLOWED.items(), _student(path.parent.name), zipfile.ZIP_DEFLATED)


def _encrypted(path):
    _patch_headers(_deflated(path), 6, 8, 0x1)  # general purpose flag bit 0: encrypted


def _deflate64(path):
    _patch_headers(_deflated(path), 8, 10, 9)  # compression method 9, which zipfile cannot read


def _corrupt_stream(path):
    data = bytearray(_deflated(path).read_bytes())
    start = data.find(b"x1_double.ipynb") + len("x1_double.ipynb")
    data[start:start + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))


def _symlink_entry(path):
    """A zip entry stored as a symbolic link (mode 0o120777) to the course's gradebook."""
    link = zipfile.ZipInfo("mytensor/gradebook.py")
    link.external_attr = 0o120777 << 16
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in ALLOWED.items():
            zf.writestr(name, data)
        zf.writestr(link, "../../../../gradebook.db")
        zf.writestr("submission.json", json.dumps(_student("links")))


def _dangling_link(path):
    path.symlink_to(path.parent / "gone.zip")


# Files that look like zips but cannot be read: each is reported, the run goes on.
DAMAGED = {"encrypted": _encrypted, "deflate64": _deflate64, "corrupt-stream": _corrupt_stream,
           "dangling-link": _dangling_link}


# Zips that must be refused: (file name, entries, manifest, words the problem must hold).
REFUSED = {
    "manifest-list": ("a__mytensor-workbook.zip", ALLOWED, [1, 2], "submission.json"),
    "id-number": ("b__mytensor-workbook.zip", ALLOWED, {"student_id": 123}, "submission.json"),
    "created-number": ("c__mytensor-workbook.zip", ALLOWED, {"student_id": "c", "created": 5}, "submission.json"),
    "created-not-time": ("d__mytensor-workbook.zip", ALLOWED, _student("d", "yesterday"), "created"),
    "id-dotdot": ("e__mytensor-workbook.zip", ALLOWED, _student(".."), "student id"),
    "id-dot": ("f__mytensor-workbook.zip", ALLOWED, _student("."), "student id"),
    "name-dotdot": ("..__mytensor-workbook.zip", ALLOWED, None, "student id"),
    "id-slash": ("g__mytensor-workbook.zip", ALLOWED, _student("../../x"), "student id"),
    "id-too-long": ("j__mytensor-workbook.zip", ALLOWED, _student("a" * 101), "student id"),
    "id-fullwidth": ("k__mytensor-workbook.zip", ALLOWED, _student("\uff41\uff44\uff41"), "student id"),
    "id-combining": ("l__mytensor-workbook.zip", ALLOWED, _student("ada\u0301"), "student id"),
    "name-fullwidth": ("\uff41\uff44\uff41__mytensor-workbook.zip", ALLOWED, None, "name does not say"),
    "bomb-bytes": ("h__mytensor-workbook.zip",
                   {"x1_double.ipynb": NOTEBOOK, **{f"mytensor/m{i}.py": "#" * (2 * 2**20 - 1) for i in range(20)}},
                   _student("h"), "limit"),
    "bomb-files": ("i__mytensor-workbook.zip",
                   {"x1_double.ipynb": NOTEBOOK, **{f"mytensor/m{i}.py": "" for i in range(intake.MAX_FILES + 1)}},
                   _student("i"), "limit"),
}


@pytest.fixture(scope="module")
def filed(tmp_path_factory):
    """File one class folder holding every case beside an honest student."""
    tmp = tmp_path_factory.mktemp("intake")
    zips, root = tmp / "zips", tmp / "course"
    zips.mkdir()
    root.mkdir()
    _zip(zips / "honest__mytensor-workbook.zip", ALLOWED.items(), _student("honest"))
    for case, (name, entries, manifest, _) in REFUSED.items():
        (zips / case).mkdir()
        _zip(zips / case / name, entries.items(), manifest, zipfile.ZIP_DEFLATED)
    _zip(zips / "long__mytensor-workbook.zip", [*ALLOWED.items(), (f"mytensor/{'a' * 300}.py", "")], _student("long"))
    _zip(zips / "clash__mytensor-workbook.zip",
         [*ALLOWED.items(), ("mytensor/a.py", ""), ("mytensor/a.py/b.py", "")], _student("clash"))
    with pytest.warns(UserWarning, match="Duplicate name"):
        _zip(zips / "twice__mytensor-workbook.zip",
             [*ALLOWED.items(), ("mytensor/ops.py", "# first\n"), ("mytensor/ops.py", "# second\n")], _student("twice"))
    _zip(zips / "editions__mytensor-workbook.zip",
         [*ALLOWED.items(), ("zh/x1_double.ipynb", NOTEBOOK), ("zh/mytensor/ops.py", "")], _student("editions"))
    _non_utf8_name(zips / "oldzip__mytensor-workbook.zip")
    _symlink_entry(zips / "links__mytensor-workbook.zip")
    _zip(zips / "junk__mytensor-workbook.zip", [*ALLOWED.items(), *((f"junk/{i}.txt", "") for i in range(3000))],
         _student("junk"))
    for case, make in DAMAGED.items():
        (zips / case).mkdir()
        make(zips / case / "s__mytensor-workbook.zip")
    (zips / "folder.zip").mkdir()
    _zip(zips / "folder.zip" / "inner__mytensor-workbook.zip", ALLOWED.items(), _student("inner"))
    _editions_with_offsets(zips)
    _zip(zips / "mallory__mytensor-workbook.zip", [("x1_double.ipynb", NOTEBOOK), *STUB_PACKAGE.items()],
         _student("victim", "2025-06-01T00:00:00Z"))
    _zip(zips / "victim__mytensor-workbook.zip", ALLOWED.items(), _student("victim", "2025-05-01T00:00:00Z"))
    _zip(zips / "\u5f20\u4e09_42_7_canvas__mytensor-workbook.zip", ALLOWED.items(), _student("canvas"))
    _zip(zips / "future__mytensor-workbook.zip", ALLOWED.items(), _student("future", "2999-01-01T00:00:00+00:00"))
    _zip(zips / "Ada__mytensor-workbook.zip", ALLOWED.items(), _student("Ada"))
    _zip(zips / "ada__mytensor-workbook.zip", ALLOWED.items(), _student("ada"))
    folders, problems, notes = grade.from_zips(root, zips)
    return root, folders, problems, notes


def _editions_with_offsets(zips):
    """One student, two editions: the later zip (UTC) must win over the earlier one written at +08:00.

    As text, "09:00+08:00" sorts after "02:00+00:00", but it is 01:00 UTC; the
    earlier zip is also given the later file time, so only the real times decide.
    """
    english = _zip(zips / "both__mytensor-workbook-en.zip", [("x1_double.ipynb", NOTEBOOK), *STUB_PACKAGE.items()],
                   _student("both", "2025-03-01T09:00:00+08:00"))
    chinese = _zip(zips / "both__mytensor-workbook-zh.zip", ALLOWED.items(), _student("both", "2025-03-01T02:00:00Z"))
    os.utime(chinese, (1_000_000_000, 1_000_000_000))
    os.utime(english, (2_000_000_000, 2_000_000_000))


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_bad_zip_is_refused_with_its_file_and_the_fix(filed, case):
    _, _, problems, _ = filed
    name, _, _, words = REFUSED[case]
    found = [p for p in problems if f"/{case}/{name}" in p]
    assert len(found) == 1, (case, problems)
    assert words in found[0] and "make submit" in found[0], found[0]


@pytest.mark.parametrize("case", sorted(DAMAGED))
def test_unreadable_zip_is_reported_with_its_file_and_the_fix(filed, case):
    _, _, problems, _ = filed
    found = [p for p in problems if f"/{case}/s__mytensor-workbook.zip: not a readable zip" in p]
    assert len(found) == 1 and "make submit" in found[0], (case, problems)


def test_a_folder_named_like_a_zip_is_searched_not_read(filed):
    _, folders, problems, _ = filed
    assert "inner" in folders and not any("folder.zip:" in p for p in problems)


def test_honest_student_is_filed_intact(filed):
    _, folders, _, notes = filed
    folder = folders["honest"]
    assert (folder / "mytensor" / "ops.py").read_text() == tiny.REFERENCE["ops.py"]
    assert notes["honest"] == []


def test_nothing_is_written_outside_submitted(filed):
    """Besides submitted/, intake writes only its record of each filed student's zip (for the hand-back)."""
    root, folders, _, _ = filed
    assert sorted(p.name for p in root.iterdir()) == ["grading", "submitted"]
    recorded = sorted(p.relative_to(root) for p in (root / "grading").rglob("*") if p.is_file())
    assert recorded == sorted(intake.SOURCES / ASSIGNMENT / f"{student}.json" for student in folders)
    assert all(folder.parent.parent == root / "submitted" for folder in folders.values())
    assert all(folder.name == ASSIGNMENT for folder in folders.values())


@pytest.mark.parametrize("student, left_out", [("long", "a" * 300), ("clash", "mytensor/a.py/b.py")])
def test_an_unwritable_entry_is_left_out_and_said(filed, student, left_out):
    _, folders, _, notes = filed
    assert (folders[student] / "mytensor" / "ops.py").read_text() == tiny.REFERENCE["ops.py"]
    assert any(left_out in note for note in notes[student]), notes[student]


def test_a_symlink_entry_is_filed_as_a_plain_file(filed):
    _, folders, _, _ = filed
    filed_link = folders["links"] / "mytensor" / "gradebook.py"
    assert not filed_link.is_symlink() and filed_link.read_text() == "../../../../gradebook.db"


def test_thousands_of_junk_entries_make_a_short_note(filed):
    """The notes end up in one cell of grades.csv: the first files are named, the rest counted."""
    _, folders, _, notes = filed
    assert len(notes["junk"]) == integrity.LISTED + 1 and notes["junk"][-1] == "left out 2980 more files"
    assert (folders["junk"] / "mytensor" / "ops.py").is_file()


def test_duplicate_entries_file_the_last_one(filed):
    _, folders, _, _ = filed
    assert (folders["twice"] / "mytensor" / "ops.py").read_text() == "# second\n"


def test_a_zip_with_both_editions_files_only_its_top_notebooks(filed):
    _, folders, _, notes = filed
    present = sorted(str(p.relative_to(folders["editions"])) for p in folders["editions"].rglob("*") if p.is_file())
    assert present == ["mytensor/__init__.py", "mytensor/ops.py", "timestamp.txt", "x1_double.ipynb"]
    assert {"left out zh/x1_double.ipynb", "left out zh/mytensor/ops.py"} <= set(notes["editions"])


def test_a_non_utf8_entry_name_is_filed_without_a_crash(filed):
    _, folders, _, _ = filed
    assert [p.name for p in (folders["oldzip"] / "mytensor").glob("caf*.py")] == ["caf\u0398.py"]


def test_the_later_edition_wins_by_its_real_time(filed):
    _, folders, problems, _ = filed
    assert (folders["both"] / "mytensor" / "ops.py").read_text() == tiny.REFERENCE["ops.py"]
    assert any("both__mytensor-workbook-en.zip: superseded by" in p and p.endswith("-zh.zip") for p in problems)


def test_ids_that_differ_only_by_case_are_flagged(filed):
    _, folders, problems, _ = filed
    assert {"Ada", "ada"} <= set(folders)
    assert any("'Ada'" in p and "'ada'" in p and "case" in p for p in problems), problems


def test_read_zip_refuses_a_manifest_that_is_not_an_object(tmp_path):
    archive = _zip(tmp_path / "x__mytensor-workbook.zip", ALLOWED.items(), '"just text"')
    with pytest.raises(intake.BadSubmission, match=r"submission\.json.*make submit"):
        intake.read_zip(archive)


def test_limits_leave_room_for_the_whole_reference(tmp_path):
    """A full honest submission, both editions' notebooks included, is far below the limits."""
    repo = REPO
    files = [*repo.glob("notebooks/*.ipynb"), *repo.glob("mytensor/**/*.py")]
    assert len(files) < intake.MAX_FILES / 5
    assert sum(p.stat().st_size for p in files) < intake.MAX_BYTES / 5


def test_a_zip_filed_under_another_students_id_is_flagged(filed):
    """Mallory's newer zip claims to be the victim's: it is graded (the LMS may rename files) but flagged,
    and the victim's own zip is reported as superseded, so the instructor can see both."""
    _, _, problems, notes = filed
    assert any("'mallory'" in n and "'victim'" in n for n in notes["victim"]), notes["victim"]
    assert any("/victim__mytensor-workbook.zip: superseded by" in p and "/mallory__" in p for p in problems), problems
    assert notes["canvas"] == []


def test_a_time_in_the_future_is_flagged(filed):
    _, _, _, notes = filed
    assert any("2999-01-01" in n and "future" in n for n in notes["future"]), notes["future"]
    assert not any("future" in n for n in notes["honest"])


@pytest.mark.slow
def test_ids_named_like_the_graders_logs_cost_no_one_their_grade(tmp_path):
    """Student work and the graders' logs share no folder, so ids such as ``grader-0.log`` block no grader."""
    notebooks, package = tiny.write_source(tmp_path / "src")
    root = course.build(tmp_path / "course", notebooks, package, assignment=tiny.ASSIGNMENT)
    students = ["grader-0.log", "grader-1.log", "honest"]
    for student in students:
        tiny.make_zip(tmp_path / "zips" / f"{student}__mytensor-workbook.zip", root / "release" / tiny.ASSIGNMENT,
                      tiny.REFERENCE, student)
    folders, problems, _ = grade.from_zips(root, tmp_path / "zips", tiny.ASSIGNMENT)
    results = grade.grade_all(root, folders, settings.read(), 2, tiny.ASSIGNMENT, timeout=300)
    table = report.collect(root, tiny.ASSIGNMENT, results)
    assert problems == []
    assert {row["student_id"]: row["total"] for row in table.rows} == dict.fromkeys(students, tiny.points())


@pytest.mark.parametrize("given", ["..", ".", "-rf", "a" * 101])
def test_make_submit_refuses_an_id_that_grading_would_refuse(given):
    from workbook import submit

    with pytest.raises(SystemExit, match="start with a letter or digit"):
        submit.student_id(given)
    with pytest.raises(intake.BadSubmission, match="student id"):
        intake._student_id({"student_id": given}, Path("x.zip"))


def test_crafted_exchange_timestamps_file_the_right_edition(tmp_path):
    """On the exchange, timestamp.txt is written by the student's own ``nbgrader submit``: a claim.

    Undecodable bytes must not stop the class's run, text that is no time must not win, and times
    are compared as times (``09:00+08:00`` is before ``02:00 UTC``).
    """
    from workbook.names import ASSIGNMENT_ZH

    stamps = {
        "bytes": (b"2026-01-01 10:00:00.000000 UTC", b"\xff\xfe\x00garbage"),
        "text": (b"2026-01-01 10:00:00.000000 UTC", b"zzz not a time"),
        "zones": (b"2026-01-01T09:00:00+08:00", b"2026-01-01 02:00:00.000000 UTC"),
    }
    for student, (english, chinese) in stamps.items():
        for assignment, stamp in ((ASSIGNMENT, english), (ASSIGNMENT_ZH, chinese)):
            folder = tmp_path / "submitted" / student / assignment
            folder.mkdir(parents=True)
            (folder / "timestamp.txt").write_bytes(stamp)
            (folder / "x1_creating.ipynb").write_text(assignment)
    grade.file_chinese_submissions(tmp_path)
    graded = {s: (tmp_path / "submitted" / s / ASSIGNMENT / "x1_creating.ipynb").read_text() for s in stamps}
    assert graded == {"bytes": ASSIGNMENT, "text": ASSIGNMENT, "zones": ASSIGNMENT_ZH}


HOSTILE_NAME = "junk/\x1b]52;c;ZXZpbA==\x07\x1b]0;title\x07\rflagged honest: fine\u202egpj.py"


def test_a_member_name_reaches_the_csv_report_and_terminal_escaped_and_capped(tmp_path):
    """A left-out member's name is the student's text: no escape, BEL, CR or bidi override may get out raw."""
    archive = _zip(tmp_path / "x__mytensor-workbook.zip",
                   [*ALLOWED.items(), (HOSTILE_NAME, ""), (f"junk/{'y' * 5000}.txt", "")], _student("x"))
    notes = intake.read_zip(archive).notes
    table = report.Table(["x1"], {"x1": 1}, [], {})
    table.rows.append(report._row("x", submission.Result("x", notes=notes)))
    report.write_csv(table, tmp_path / "grades.csv")
    report.write_html(table, [f"{archive}: {HOSTILE_NAME}"], tmp_path / "report.html")
    printed = report.summary(table, [HOSTILE_NAME], tmp_path, tmp_path)
    for text in ((tmp_path / "grades.csv").read_text(), (tmp_path / "report.html").read_text(), printed):
        assert not any(c in text for c in "\x1b\x07\r\u202e") and "\\x1b]52;c;" in text
        assert "y" * 600 not in text
    assert not any(line.startswith("flagged honest") for line in printed.splitlines())


@pytest.mark.parametrize("flag", ["=1+2", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"])
def test_a_cell_that_a_spreadsheet_would_run_starts_with_a_quote(tmp_path, flag):
    table = report.Table(["x1"], {"x1": 1}, [], {})
    table.rows.append(report._row("x", submission.Result("x", notes=[flag])))
    report.write_csv(table, tmp_path / "grades.csv")
    with open(tmp_path / "grades.csv", newline="") as out:
        header, row = list(csv.reader(out))
    assert row == ["x", "0", "1", "0", "not graded", "'" + flag]


def test_the_scan_reads_a_module_as_python_decodes_it(tmp_path):
    """``# coding: utf-7`` spells ``sys.modules`` as ``sys.+AG0-odules``: read as UTF-8 the scan saw nothing."""
    package = tmp_path / "mytensor"
    package.mkdir()
    (package / "hidden.py").write_bytes(b'# coding: utf-7\nimport sys\ntorch = sys.+AG0-odules["torch"]\n')
    assert integrity.torch_uses(package) == ["mytensor/hidden.py:3: uses torch (subscript 'torch')"]
    assert integrity.grader_reaches(package) == ["mytensor/hidden.py:3: reaches into the grader ('modules')"]


@pytest.mark.parametrize("source", [b"def broken(:\n", b"# coding: no-such-codec\nx = 1\n", b"x = '\xff'\n"])
def test_a_module_the_scan_cannot_parse_is_listed_for_review(tmp_path, source):
    package = tmp_path / "mytensor"
    package.mkdir()
    (package / "odd.py").write_bytes(source)
    found = integrity.grader_reaches(package)
    assert len(found) == 1 and found[0].startswith("mytensor/odd.py: the scan cannot read it"), found


def _inbound_entry(inbound, stamp, files):
    entry = inbound / f"solo+{ASSIGNMENT}+{stamp}+r"
    for name, text in files.items():
        (entry / name).parent.mkdir(parents=True, exist_ok=True)
        (entry / name).write_text(text)
    return entry


def test_an_inbound_entry_over_the_limits_is_refused_and_the_one_before_it_graded(tmp_path):
    """An exchange entry may not unpack more than a zip may; the student's previous entry counts instead."""
    from workbook.grading import inbound

    _inbound_entry(tmp_path / "inbound", "2026-01-01 10:00:00 UTC", ALLOWED)
    _inbound_entry(tmp_path / "inbound", "2026-01-02 10:00:00 UTC",
                   {**ALLOWED, **{f"mytensor/m{i}.py": "" for i in range(inbound.MAX_FILES)}})
    collected, problems, _ = inbound.collect(tmp_path / "inbound", tmp_path / "course", ASSIGNMENT, check_owner=False)
    filed = tmp_path / "course" / "submitted" / "solo" / ASSIGNMENT
    assert collected == ["solo"] and sorted(p.name for p in (filed / "mytensor").iterdir()) == ["__init__.py", "ops.py"]
    assert len(problems) == 1 and "2026-01-02" in problems[0] and "limit of 500 files" in problems[0], problems
    assert (filed / "timestamp.txt").read_text() == "2026-01-01 10:00:00 UTC"


def test_the_summary_lists_the_first_problems_and_counts_the_rest(tmp_path):
    table = report.Table(["x1"], {"x1": 1}, [], {})
    printed = report.summary(table, [f"junk {i}" for i in range(3000)], tmp_path, tmp_path)
    assert len(printed.splitlines()) == report.SHOWN_IN_SUMMARY + 3 and "2950 more problems" in printed


def test_an_inbound_entry_from_the_future_is_flagged(tmp_path):
    from workbook.grading import inbound

    _inbound_entry(tmp_path / "inbound", "2999-01-01 00:00:00 UTC", ALLOWED)
    _, _, notes = inbound.collect(tmp_path / "inbound", tmp_path / "course", ASSIGNMENT, check_owner=False)
    assert any("2999-01-01" in note and "future" in note for note in notes["solo"]), notes
    assert inbound.UNCHECKED in notes["solo"]
