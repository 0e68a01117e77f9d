"""The Chinese edition as a course: nbval on its source notebooks, and grading.

* nbval re-runs ``solutions/zh/*.ipynb`` (the nbgrader source of the Chinese
  assignment) and compares every stored output, as for the English ones;
* ``python -m workbook course`` builds the Chinese assignment beside the
  English one, and ``workbook grade`` grades submissions of either edition
  into one grades.csv: one row per student, the newest zip when a student
  sent both.
"""

import csv
import re
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest

from tests.grading import tiny
from tests.workbook.release.test_notebooks import NOTEBOOKS, _nbval, code_cells
from workbook.grading import course, grade
from workbook.release import translation
from workbook.release import stubbing
from workbook import submit
from workbook.names import ASSIGNMENT, ASSIGNMENT_ZH
from workbook_fixtures import REPO

pytestmark = pytest.mark.slow
CHINESE = [f"zh/{name}" for name in NOTEBOOKS.values()]


@pytest.fixture(scope="module")
def nbval_results():
    with ThreadPoolExecutor(2) as pool:
        return dict(zip(CHINESE, pool.map(_nbval, CHINESE)))


@pytest.mark.parametrize("name", CHINESE)
def test_nbval_reproduces_the_stored_outputs_of_the_chinese_source(name, nbval_results):
    code, output = nbval_results[name]
    assert code == 0, output[-4000:]
    passed = re.search(r"(\d+) passed", output)
    section = int(re.search(r"x(\d+)_", name).group(1))
    assert passed and int(passed.group(1)) == len(code_cells(section)), output[-2000:]


def _points(notebooks):
    return sum(cell.metadata["nbgrader"].get("points", 0) for path in notebooks
               for cell in nbformat.read(path, as_version=4).cells if cell.metadata.get("nbgrader", {}).get("grade"))


def _package(keep):
    return {k[len("mytensor/"):]: v.decode() for k, v in stubbing.build_package(REPO / "solutions", keep).items()}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A course built by `workbook course`, and grades for Chinese, English and two-edition submissions."""
    tmp = tmp_path_factory.mktemp("zh-course")
    assert course.main(["--root", str(tmp / "course")]) == 0
    root = tmp / "course"
    zh_release, en_release = root / "release" / ASSIGNMENT_ZH, root / "release" / ASSIGNMENT
    inbox = tmp / "in"
    tiny.make_zip(inbox / f"zh-ref__{ASSIGNMENT}.zip", zh_release, _package(99), "zh-ref")
    tiny.make_zip(inbox / f"en-partial__{ASSIGNMENT}.zip", en_release, _package(3), "en-partial")
    # One student sent the English stubs first, then the Chinese reference (a newer zip).
    tiny.make_zip(inbox / f"both__{ASSIGNMENT}-first.zip", en_release, _package(0), "both")
    files = submit.submission_files(REPO / translation.STUDENT_DIR, REPO / "solutions" / "mytensor")
    submit.write_zip("both", files, inbox / "later")
    (inbox / "later" / f"both__{ASSIGNMENT}.zip").rename(inbox / f"both__{ASSIGNMENT}-second.zip")
    grade.main([str(inbox), "--course", str(root), "--out", str(tmp / "out"), "--jobs", "2"])
    with open(tmp / "out" / "grades.csv") as handle:
        rows = list(csv.DictReader(handle))
    return root, rows


def test_the_course_holds_the_chinese_assignment(graded):
    root, _ = graded
    released = sorted((root / "release" / ASSIGNMENT_ZH).glob("*.ipynb"))
    assert [p.name for p in released] == list(NOTEBOOKS.values())
    first = nbformat.read(released[0], as_version=4)
    assert translation.edition_of(first) == "zh" and "张量" in first.cells[0].source
    assert (root / "release" / ASSIGNMENT_ZH / "mytensor" / "__init__.py").is_file()
    assert (root / "grading" / "template.db").is_file()


def test_both_editions_land_in_one_grades_csv(graded):
    _, rows = graded
    by_student = {row["student_id"]: float(row["total"]) for row in rows}
    english = sorted((REPO / "solutions").glob("x[0-9]_*.ipynb"))
    full = _points(english)
    partial = _points([p for p in english if int(p.name[1]) <= 3])
    assert by_student == {"zh-ref": full, "en-partial": partial, "both": full}
    assert len(rows) == 3 and {float(row["max_score"]) for row in rows} == {full}


def test_collected_chinese_submissions_are_graded_as_the_english_assignment(tmp_path):
    """The exchange path: the later of a student's two editions is the one graded."""
    submitted = tmp_path / "submitted"
    for student, stamps in {"zh-only": {ASSIGNMENT_ZH: "2026-01-02"}, "zh-later": {ASSIGNMENT: "2026-01-01",
                            ASSIGNMENT_ZH: "2026-01-03"}, "en-later": {ASSIGNMENT: "2026-01-05", ASSIGNMENT_ZH: "2026-01-04"}}.items():
        for assignment, stamp in stamps.items():
            folder = submitted / student / assignment
            folder.mkdir(parents=True)
            (folder / "timestamp.txt").write_text(stamp + " 10:00:00.000000 UTC")
            (folder / "x1_creating.ipynb").write_text(assignment)
    grade.file_chinese_submissions(tmp_path)
    graded = {s: (submitted / s / ASSIGNMENT / "x1_creating.ipynb").read_text() for s in ("zh-only", "zh-later", "en-later")}
    assert graded == {"zh-only": ASSIGNMENT_ZH, "zh-later": ASSIGNMENT_ZH, "en-later": ASSIGNMENT}
