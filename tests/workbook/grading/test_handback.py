"""``python -m workbook feedback --lms canvas|moodle OUT``: the feedback in the zip each LMS's bulk upload takes.

Each LMS's zip is read back here with that LMS's own matching rule, written
again from its source (Canvas: ``Assignment#infer_comment_context_from_filename``;
Moodle: ``assignfeedback_file_zip_importer::is_valid_filename_for_import``),
so a name the LMS would not match fails. The hand-made courses test the rules
and the messages; a real grade run of two LMS downloads tests the whole path.
"""

import io
import re
import zipfile
from pathlib import Path, PurePosixPath

import pytest

from tests.grading import tiny
from workbook.grading import course, grade, handback, intake

ASSIGNMENT = tiny.ASSIGNMENT
PAGES = {"index.html": "<h1>overview</h1>", "x1_double.html": "<p>x1</p>", "x2_triple.html": "<p>x2</p>"}


def canvas_ids(name):
    """Canvas's rule: the user id and the file id are the first two all-digit parts of the base name."""
    return [part for part in PurePosixPath(name).name.split("_") if re.fullmatch(r"\d+", part)][:2]


def moodle_match(path):
    """Moodle's rule: the first folder or name that splits on "_" (5 pieces at most) into
    name, numeric participant id, plugin type and plugin name; returns (id, plugin, file name)."""
    parts = path.split("/")
    while parts:
        info = parts.pop(0).split("_", 4)
        if len(info) >= 4 and info[1].isdigit():
            return int(info[1]), (info[2], info[3]), "/".join([info[4] if len(info) == 5 else ""] + parts)
    return None


def make_course(root, download, students):
    """A graded course by hand: ``{student: (zip path in the download or None, pages or None)}``.

    Beside the pages sit what nbgrader also writes there: its timestamp and its copy of ``mytensor/``.
    """
    for student, (zip_path, pages) in students.items():
        (root / "submitted" / student / ASSIGNMENT).mkdir(parents=True)
        feedback = root / "feedback" / student / ASSIGNMENT
        feedback.mkdir(parents=True)
        (feedback / "timestamp.txt").write_text("2025-01-01 00:00:00")
        (feedback / "mytensor").mkdir()
        (feedback / "mytensor" / "ops.py").write_text("def double(x):\n    return 2 * x\n")
        for name, text in (pages or {}).items():
            (feedback / name).write_text(text)
        if zip_path:
            intake.record_source(intake.Unpacked(student, download / zip_path, ""), download, root, ASSIGNMENT)
    return root


def bundle(root, lms, out, capsys):
    code = handback.main(["--lms", lms, str(out), "--course", str(root), "--assignment", ASSIGNMENT])
    return code, capsys.readouterr().out


CANVAS_NAMES = ["doejane_12345_67890_ada__mytensor-workbook.zip", "leelei_LATE_12346_67891_bob__mytensor-workbook.zip",
                "sub/folder/wu_7_8_c_2024_x.zip"]


@pytest.mark.parametrize("downloaded", CANVAS_NAMES)
def test_canvas_name_keeps_the_ids_canvas_matches(downloaded):
    name = handback.canvas_name(downloaded)
    assert canvas_ids(name) == canvas_ids(downloaded) and len(canvas_ids(name)) == 2
    assert name.endswith("_feedback.zip") and "/" not in name


@pytest.mark.parametrize("downloaded", ["Jane Doe_500123_assignsubmission_file/ada__mytensor-workbook.zip",
                                        "Jane Doe_500123_assignsubmission_file_/ada__mytensor-workbook.zip",
                                        "Jane Doe_500123_assignsubmission_file_ada__mytensor-workbook.zip",
                                        "moodle download/Jane Doe_500123_assignsubmission_file/ada.zip"])
def test_moodle_folder_keeps_the_participant_id_moodle_matches(downloaded):
    folder = handback.moodle_folder(downloaded)
    assert moodle_match(f"{folder}/index.html") == (500123, ("assignsubmission", "file"), "/index.html")


@pytest.mark.parametrize(("target", "downloaded"), [(handback.canvas_name, "ada__mytensor-workbook.zip"),
                                                     (handback.canvas_name, "doe_12345_ada__mytensor-workbook.zip"),
                                                     (handback.moodle_folder, "doejane_12345_67890_ada.zip")])
def test_a_name_without_the_lms_ids_is_refused_with_the_fix(target, downloaded):
    with pytest.raises(handback.LeftOut, match=f"{re.escape(downloaded)}.*unzipped from .*unrenamed"):
        target(downloaded)


def test_canvas_bundle_lists_every_student(tmp_path, capsys):
    root = make_course(tmp_path / "course", tmp_path / "download", {
        "ada": (CANVAS_NAMES[0], PAGES), "bob": (CANVAS_NAMES[1], {"x1_double.html": "<p>x1</p>"}),
        "carol": ("wu_7_8_carol__mytensor-workbook.zip", None), "dan": (None, PAGES)})
    code, printed = bundle(root, "canvas", tmp_path / "out" / "canvas.zip", capsys)
    with zipfile.ZipFile(tmp_path / "out" / "canvas.zip") as zf:
        assert sorted(zf.namelist()) == ["doejane_12345_67890_feedback.zip", "leelei_LATE_12346_67891_feedback.zip"]
        with zipfile.ZipFile(io.BytesIO(zf.read("doejane_12345_67890_feedback.zip"))) as inner:
            assert {n: inner.read(n).decode() for n in inner.namelist()} == {f"{ASSIGNMENT}-feedback/{n}": t
                                                                          for n, t in PAGES.items()}
    assert code == 1
    assert "  ada -> doejane_12345_67890_feedback.zip (3 files)" in printed
    assert "  bob -> leelei_LATE_12346_67891_feedback.zip (1 files)" in printed
    assert re.search(r"carol: no feedback pages in .*carol.*grade its zip again", printed)
    assert re.search(r"dan: no LMS zip is recorded for it: collected from the exchange", printed)


def test_moodle_bundle_puts_the_pages_in_each_participants_folder(tmp_path, capsys):
    root = make_course(tmp_path / "course", tmp_path / "download", {
        "ada": ("Jane Doe_500123_assignsubmission_file/ada__mytensor-workbook.zip", PAGES),
        "bob": ("李雷_500124_assignsubmission_file_bob__mytensor-workbook.zip", PAGES),
        "eve": ("eve__mytensor-workbook.zip", PAGES)})
    code, printed = bundle(root, "moodle", tmp_path / "moodle.zip", capsys)
    with zipfile.ZipFile(tmp_path / "moodle.zip") as zf:
        matched = {moodle_match(name): zf.read(name).decode() for name in zf.namelist()}
    assert matched == {(pid, ("assignsubmission", "file"), f"/{n}"): t for pid in (500123, 500124) for n, t in PAGES.items()}
    assert code == 1
    assert "  bob -> 李雷_500124_assignsubmission_file (3 files)" in printed
    assert re.search(r"eve: neither its zip 'eve__mytensor-workbook.zip' nor a folder above it is named", printed)


def test_two_students_from_one_lms_user_are_both_left_out(tmp_path, capsys):
    root = make_course(tmp_path / "course", tmp_path / "download", {
        "ada": ("doejane_12345_67890_ada__mytensor-workbook.zip", PAGES),
        "ada2": ("doejane_12345_67890_ada2__mytensor-workbook.zip", PAGES),
        "bob": (CANVAS_NAMES[1], PAGES)})
    code, printed = bundle(root, "canvas", tmp_path / "canvas.zip", capsys)
    with zipfile.ZipFile(tmp_path / "canvas.zip") as zf:
        assert zf.namelist() == ["leelei_LATE_12346_67891_feedback.zip"]
    assert code == 1 and "ada: its zip names the same Canvas user (doejane_12345_67890_feedback.zip) as ada2" in printed


def test_student_option_packs_only_those_students(tmp_path, capsys):
    root = make_course(tmp_path / "course", tmp_path / "download", {
        "ada": (CANVAS_NAMES[0], PAGES), "bob": (CANVAS_NAMES[1], PAGES)})
    code = handback.main(["--lms", "canvas", str(tmp_path / "late.zip"), "--course", str(root),
                          "--assignment", ASSIGNMENT, "--student", "bob", "--student", "zoe"])
    with zipfile.ZipFile(tmp_path / "late.zip") as zf:
        assert zf.namelist() == ["leelei_LATE_12346_67891_feedback.zip"]
    printed = capsys.readouterr().out
    assert code == 1 and "ada" not in printed and re.search(r"zoe: no submission of tiny in .*check the id", printed)


def test_bad_course_or_out_names_the_path_and_the_fix(tmp_path, capsys):
    root = make_course(tmp_path / "course", tmp_path / "download", {"ada": (CANVAS_NAMES[0], PAGES)})
    bare = tmp_path / "bare"
    bare.mkdir()
    cases = [
        (tmp_path / "nowhere", tmp_path / "a.zip", r"no course folder .*nowhere: pass --course"),
        (bare, tmp_path / "a.zip", r"bare has no feedback/ folder: grade the submissions first"),
        (root, tmp_path, rf"OUT {re.escape(str(tmp_path))} is a folder: give the path of the \.zip"),
        (root, tmp_path / "a.tar", r"OUT .*a\.tar must end in \.zip"),
        (root, root / "feedback" / "a.zip", r"inside the feedback folder .*write it elsewhere"),
    ]
    for course_root, out, message in cases:
        with pytest.raises(SystemExit, match=message):
            handback.main(["--lms", "canvas", str(out), "--course", str(course_root), "--assignment", ASSIGNMENT])
    with pytest.raises(SystemExit, match=r"holds no graded submission of other: .*--assignment"):
        handback.main(["--lms", "canvas", str(tmp_path / "a.zip"), "--course", str(root), "--assignment", "other"])


def test_nothing_to_hand_back_writes_nothing(tmp_path, capsys):
    root = make_course(tmp_path / "course", tmp_path / "download", {"ada": (CANVAS_NAMES[0], PAGES)})
    with pytest.raises(SystemExit, match="no student's feedback can go to Moodle; nothing written"):
        bundle(root, "moodle", tmp_path / "moodle.zip", capsys)
    assert "ada: neither its zip" in capsys.readouterr().err and not (tmp_path / "moodle.zip").exists()


# A real grade run of two LMS downloads (the same two students), then each LMS's bundle.

DOWNLOADS = {
    "canvas": {"ada": "doejane_12345_67890_ada__mytensor-workbook.zip",
               "bob": "leelei_LATE_12346_67891_bob__mytensor-workbook.zip"},
    "moodle": {"ada": "Jane Doe_500123_assignsubmission_file/ada__mytensor-workbook.zip",
               "bob": "李雷_500124_assignsubmission_file/bob__mytensor-workbook.zip"},
}


@pytest.fixture(scope="module")
def tiny_course(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("handback")
    notebooks, package = tiny.write_source(tmp / "src")
    return course.build(tmp / "course", notebooks, package, assignment=ASSIGNMENT)


def grade_download(root, lms, tmp, capsys):
    """Grade a download of ``lms`` (ada: the reference, bob: the stub); return what grade printed."""
    release = root / "release" / ASSIGNMENT
    for student, name in DOWNLOADS[lms].items():
        tiny.make_zip(tmp / lms / name, release, tiny.REFERENCE if student == "ada" else tiny.STUB, student)
    code = grade.main([str(tmp / lms), "--course", str(root), "--out", str(tmp / "grades"), "--assignment", ASSIGNMENT])
    assert code == 0
    return capsys.readouterr().out


def pages_of(root, student):
    folder = root / "feedback" / student / ASSIGNMENT
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.suffix == ".html"}


@pytest.mark.slow
def test_graded_lms_downloads_go_back_to_each_student(tiny_course, tmp_path, capsys):
    printed = grade_download(tiny_course, "canvas", tmp_path, capsys)
    assert "`python -m workbook feedback --lms canvas|moodle OUT`" in printed
    assert "`nbgrader release_feedback` serves the exchange only" in printed
    code, listed = bundle(tiny_course, "canvas", tmp_path / "canvas.zip", capsys)
    assert code == 0
    with zipfile.ZipFile(tmp_path / "canvas.zip") as zf:
        assert {tuple(canvas_ids(n)) for n in zf.namelist()} == {("12345", "67890"), ("12346", "67891")}
        with zipfile.ZipFile(io.BytesIO(zf.read("leelei_LATE_12346_67891_feedback.zip"))) as inner:
            sent = {PurePosixPath(n).name: inner.read(n) for n in inner.namelist()}
    assert sent == pages_of(tiny_course, "bob") and "x1_double.html" in sent
    assert "  ada -> doejane_12345_67890_feedback.zip" in listed

    grade_download(tiny_course, "moodle", tmp_path, capsys)
    code, listed = bundle(tiny_course, "moodle", tmp_path / "moodle.zip", capsys)
    assert code == 0
    with zipfile.ZipFile(tmp_path / "moodle.zip") as zf:
        matched = {moodle_match(n)[0]: {} for n in zf.namelist()}
        for name in zf.namelist():
            matched[moodle_match(name)[0]][Path(name).name] = zf.read(name)
    assert matched == {500123: pages_of(tiny_course, "ada"), 500124: pages_of(tiny_course, "bob")}
    assert "  bob -> 李雷_500124_assignsubmission_file" in listed
