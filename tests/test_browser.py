"""The workbook in a real browser: JupyterLab started by ``python -m workbook lab``.

Three journeys, each in headless Debian Chromium driven by Playwright:

* student: open x.1, run every cell, see torch's demo outputs and the friendly
  task failures; put section 1's reference code in place and press Validate;
  the same in x.9, whose pictures show torch's training beside the student's;
* exchange: a course on a temporary nbgrader exchange; the Assignments panel
  lists the workbook, fetches it and submits it;
* instructor: after autograde, the Formgrader shows the submission and its score.

Every test saves screenshots under artifacts/browser/ and fails on any browser
console error (see ALLOWED_CONSOLE_ERRORS in browser_support.py) and on any
error output of a torch demo cell (``metadata.workbook.role == "torch"``).
"""

import getpass
import re
import shutil
import subprocess
import time
from pathlib import Path

import nbformat
import pytest

import browser_support as bs
from workbook.release import building
from workbook import names
from workbook.release import stubbing

pytestmark = pytest.mark.browser

REPO = bs.REPO
NOTEBOOK = "x1_creating.ipynb"
ASSIGNMENT = names.ASSIGNMENT
COURSE = "mytensor-course"
RUN_TIMEOUT_MS = 150_000


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, installed with apt-get if missing (FAILS in CI when impossible)."""
    return bs.chromium_or_skip("browser tests")


@pytest.fixture
def browser(chromium, lab, tmp_path, request):
    """A fresh headless Chromium page whose console errors fail the test.

    It asks for ``lab`` so that servers stop only after the browser closed: a
    server stopping under an open page makes the page log connection errors.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = bs.launch_browser(playwright, tmp_path / "chromium-profile")
        context.set_default_timeout(30_000)
        page = context.new_page()
        watch = bs.ConsoleWatch(page)
        try:
            yield page
        finally:
            bs.screenshot(page, f"{request.node.name}-last")
            context.close()
        assert not watch.errors, "JavaScript console errors:\n" + "\n".join(watch.errors)


@pytest.fixture
def lab(tmp_path):
    """Start ``python -m workbook lab --root <root>``; stopped (and its group killed) at teardown."""
    servers = []

    def start(root, *args):
        home = tmp_path / f"home{len(servers)}"
        home.mkdir()
        server = bs.LabServer(root, home, tmp_path / f"lab{len(servers)}.log", args)
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.stop()


def source_repo(tmp_path):
    """A copy of solutions/ in a temp folder: the real notebooks, or stand-ins until they exist."""
    import workbook_fixtures

    return workbook_fixtures.make_repo(tmp_path, real_notebooks=True) / "solutions"


def x1_source(solutions, tmp_path, name=NOTEBOOK):
    """Folder holding only one nbgrader source notebook (x.1's by default)."""
    source = tmp_path / f"{name[:2]}-source"
    source.mkdir()
    shutil.copy2(solutions / name, source / name)
    return source


def student_tree(solutions, tmp_path, name=NOTEBOOK):
    """A student workbook (one notebook, x.1 by default, and the stubbed mytensor/) in a temp folder."""
    root = tmp_path / "workbook"
    stubbing.write_files(stubbing.build_package(solutions), root)
    # The course configuration and the trusted package, as in the repository (make lab reads them).
    shutil.copy2(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(REPO / "workbook", root / "workbook", ignore=shutil.ignore_patterns("__pycache__"))
    stubbing.write_files(building.build_notebooks(x1_source(solutions, tmp_path, name)), root)
    return root


def cells_by_role(notebook):
    """Indexes of the torch demo cells and of the graded test cells."""
    torch = [i for i, c in enumerate(notebook.cells) if c.get("metadata", {}).get("workbook", {}).get("role") == "torch"]
    graded = [i for i, c in enumerate(notebook.cells) if c.get("metadata", {}).get("nbgrader", {}).get("grade")]
    return torch, graded


def wait_idle(page, timeout_ms=RUN_TIMEOUT_MS):
    """Wait until the kernel is idle and no cell shows ``[*]``."""
    page.wait_for_function(
        """() => {
            const status = document.querySelector('.jp-Notebook-ExecutionIndicator');
            const busy = [...document.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('*'));
            return status && status.dataset.status === 'idle' && !busy;
        }""",
        timeout=timeout_ms,
    )


def unrun_code_cell(page):
    """Index (among all cells) of the first code cell that has not run, or None."""
    return page.evaluate(
        """() => {
            const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
            const i = cells.findIndex(c => c.classList.contains('jp-CodeCell')
                && /\\[\\s*\\]/.test(c.querySelector('.jp-InputPrompt').textContent));
            return i < 0 ? null : i;
        }"""
    )


def run_every_cell(page, n_cells):
    """Run All Cells; where a failing task check stops the run, go on below it, as a student would."""
    bs.click_menu(page, "Run", "Run All Cells")
    wait_idle(page)
    for _ in range(n_cells):
        index = unrun_code_cell(page)
        if index is None:
            return
        page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".jp-InputPrompt").click()
        bs.click_menu(page, "Run", "Run Selected Cell and All Below")
        wait_idle(page)
    assert unrun_code_cell(page) is None, "some cells never ran"


def save_notebook(page):
    page.keyboard.press("Control+s")
    page.wait_for_function("() => !document.querySelector('.lm-TabBar-tab.jp-mod-dirty')", timeout=20_000)


def open_notebook(page, url, n_cells):
    """Open ``url`` and wait until the notebook shows its cells and its kernel is idle."""
    page.goto(url)
    page.wait_for_function(
        """n => document.querySelectorAll('.jp-NotebookPanel .jp-Cell').length === n
            && /\\| Idle/.test(document.querySelector('#jp-main-statusbar')?.textContent || '')""",
        arg=n_cells, timeout=60_000,
    )


def assert_torch_cells_clean(notebook, page, torch_cells, expected):
    """Torch demos ran without an error and show an output wherever the solution has one."""
    problems = []
    for index in torch_cells:
        outputs = notebook.cells[index].outputs
        for output in outputs:
            if output.output_type == "error" or output.get("name") == "stderr":
                problems.append(f"cell {index}: {output.get('ename', 'stderr')}: {output.get('evalue', output.get('text'))}")
        shown = page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".jp-OutputArea-output").count()
        if expected.get(notebook.cells[index].source, True) and not shown:
            problems.append(f"cell {index} shows no output:\n{notebook.cells[index].source}")
    assert not problems, "torch demo cells went wrong:\n" + "\n".join(problems)


def outputs_expected(source_notebook):
    """{source of a torch cell: whether the solution notebook stores an output for it}."""
    stored = [c for c in source_notebook.cells if c.cell_type == "code"]
    has_any = any(c.get("outputs") for c in stored)
    return {c.source: bool(c.get("outputs")) or not has_any for c in stored}


def test_student_runs_x1_and_validates(browser, lab, tmp_path):
    page = browser
    solutions = source_repo(tmp_path)
    root = student_tree(solutions, tmp_path)
    server = lab(root, "--role", "student")
    assert server.url.endswith(f"/lab/tree/notebooks/{NOTEBOOK}?token={server.token}"), server.url
    path = root / "notebooks" / NOTEBOOK
    student_copy = nbformat.read(path, as_version=4)
    torch_cells, graded = cells_by_role(student_copy)
    assert torch_cells and graded, "x.1 needs torch demo cells and graded test cells"
    open_notebook(page, server.url, len(student_copy.cells))
    assert not page.get_by_text("Jupyter news").count(), "the news pop-up is back"
    assert_student_lab_without_exchange(page)
    bs.screenshot(page, "student-1-opened")

    run_every_cell(page, len(student_copy.cells))
    save_notebook(page)
    bs.screenshot(page, "student-2-ran-all")

    ran = nbformat.read(path, as_version=4)
    expected = outputs_expected(nbformat.read(solutions / NOTEBOOK, as_version=4))
    assert_torch_cells_clean(ran, page, torch_cells, expected)
    failures = "\n".join(page.locator(".jp-Notebook .jp-Cell").nth(i).inner_text() for i in graded)
    assert re.search(r"NotImplementedError: Task 1\.\d", failures), f"no friendly task message:\n{failures[:3000]}"
    page.locator(".jp-Notebook .jp-Cell").nth(graded[0]).scroll_into_view_if_needed()
    bs.screenshot(page, "student-3-task-failure")

    # The student finishes section 1: its regions now hold the reference code.
    stubbing.write_files(stubbing.build_package(solutions, keep_sections=1), root)
    bs.validate_passes(page, "student-4-validated", RUN_TIMEOUT_MS)


TRAINING = "x9_training.ipynb"


def test_student_trains_in_x9_and_validates(browser, lab, tmp_path):
    """x.9 after x.1-x.8: torch trains and its pictures show, the student's side says which task is not
    started; with the reference in place every task passes Validate."""
    page = browser
    solutions = source_repo(tmp_path)
    if not (solutions / TRAINING).exists():
        pytest.skip("x.9 is not written yet")
    root = student_tree(solutions, tmp_path, TRAINING)
    # The student has finished x.1 to x.8; x.9's tasks are still stubs.
    stubbing.write_files(stubbing.build_package(solutions, keep_sections=8), root)
    server = lab(root, "--role", "student")
    path = root / "notebooks" / TRAINING
    student_copy = nbformat.read(path, as_version=4)
    torch_cells, graded = cells_by_role(student_copy)
    open_notebook(page, f"{server.base}/lab/tree/notebooks/{TRAINING}?token={server.token}", len(student_copy.cells))
    run_every_cell(page, len(student_copy.cells))
    save_notebook(page)
    ran = nbformat.read(path, as_version=4)
    assert_torch_cells_clean(ran, page, torch_cells, outputs_expected(nbformat.read(solutions / TRAINING, as_version=4)))
    failures = "\n".join(page.locator(".jp-Notebook .jp-Cell").nth(i).inner_text() for i in graded)
    for task in ("9.1", "9.2", "9.3"):
        assert f"Task {task} is not started yet" in failures, f"no friendly message for {task}:\n{failures[:3000]}"
    pictures = [i for i, c in enumerate(ran.cells) if c.metadata.get("workbook", {}).get("role") == "picture"]
    assert len(pictures) == 2
    for index in pictures:
        picture = page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".jp-OutputArea-output img")
        picture.wait_for(timeout=30_000)
        assert picture.evaluate("img => img.naturalWidth") > 300
    page.locator(".jp-Notebook .jp-Cell").nth(pictures[0]).scroll_into_view_if_needed()
    bs.screenshot(page, "student-x9-1-pictures-with-stubs")

    stubbing.write_files(stubbing.build_package(solutions, keep_sections=9), root)
    bs.validate_passes(page, "student-x9-2-validated", RUN_TIMEOUT_MS)


def assert_student_lab_without_exchange(page):
    """No formgrader, no Create Assignment sidebar, and no Assignment List that could only fail."""
    disabled = bs.page_config(page).get("disabledExtensions", [])
    for plugin in ("formgrader", "create-assignment", "assignment-list"):
        assert f"@jupyter/nbgrader:{plugin}" in disabled, disabled
    labels = bs.menu_labels(page, "Nbgrader")
    assert not {"Formgrader", "Assignment List"} & set(labels), labels
    assert not page.get_by_text("Error fetching courses!").count()
    assert not page.get_by_title("Create Assignment").count()


# ---------------------------------------------------------------- exchange and formgrader


def nbgrader(args, cwd, home):
    """Run an nbgrader command with the venv's bin/ first on PATH; fail the test if it fails."""
    env = bs.isolated_env(home)
    # A kernel puts PYTHONPATH before its working folder: with the repository
    # there, autograde would import the repository's stubs instead of the
    # submission. The course's assignment carries its own copy of workbook/.
    del env["PYTHONPATH"]
    done = subprocess.run([str(Path(bs.sys.executable).parent / "nbgrader"), *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def config_text(**settings):
    lines = ["c = get_config()"] + [f"c.{name} = {value!r}" for name, value in settings.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """An instructor's course on a temporary exchange with the workbook released as one assignment."""
    base = tmp_path_factory.mktemp("course")
    course_dir, exchange, home = base / "course", base / "exchange", base / "instructor-home"
    for folder in (course_dir, exchange, home):
        folder.mkdir()
    solutions = source_repo(base)
    package = stubbing.build_package(solutions)
    settings = {"CourseDirectory.root": str(course_dir), "CourseDirectory.course_id": COURSE,
                "Exchange.root": str(exchange), "ExecutePreprocessor.timeout": 120,
                # Grade the student's own library, not the source copy (see DESIGN.md).
                "Autograde.exclude_overwriting": {ASSIGNMENT: sorted(package)}}
    (course_dir / "nbgrader_config.py").write_text(config_text(**settings))
    source = course_dir / "source" / ASSIGNMENT
    stubbing.write_files(package, source)
    shutil.copytree(REPO / "workbook", source / "workbook", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(solutions / NOTEBOOK, source / NOTEBOOK)
    nbgrader(["db", "student", "add", student_id(), "--first-name", "Ada", "--last-name", "Student"], course_dir, home)
    nbgrader(["generate_assignment", ASSIGNMENT, "--force"], course_dir, home)
    nbgrader(["release_assignment", ASSIGNMENT, "--force"], course_dir, home)
    student = base / "student"
    student.mkdir()
    (student / "nbgrader_config.py").write_text(
        config_text(**{"Exchange.root": str(exchange), "CourseDirectory.course_id": COURSE}))
    return {"dir": course_dir, "exchange": exchange, "home": home, "student": student, "solutions": solutions}


def inbound(course):
    return sorted((course["exchange"] / COURSE / "inbound").glob(f"*+{ASSIGNMENT}+*"))


def test_exchange_fetch_and_submit(browser, lab, course):
    page = browser
    server = lab(course["student"], "--role", "student")
    page.goto(f"{server.base}/lab?token={server.token}")
    assert "Formgrader" not in bs.menu_labels(page, "Nbgrader")
    bs.click_menu(page, "Nbgrader", "Assignment List")
    released = page.locator("#released_assignments_list")
    released.get_by_text(ASSIGNMENT).wait_for(timeout=30_000)
    bs.screenshot(page, "exchange-1-released")

    released.get_by_role("button", name="Fetch").click()
    fetched = page.locator("#fetched_assignments_list")
    fetched.get_by_text(ASSIGNMENT).wait_for(timeout=30_000)
    assert (course["student"] / ASSIGNMENT / NOTEBOOK).is_file()
    bs.screenshot(page, "exchange-2-fetched")

    # The student finished section 1 before submitting.
    stubbing.write_files(stubbing.build_package(course["solutions"], keep_sections=1), course["student"] / ASSIGNMENT)
    fetched.get_by_role("button", name="Submit").click()
    submitted = page.locator("#submitted_assignments_list")
    submitted.get_by_text(ASSIGNMENT).wait_for(timeout=30_000)
    bs.screenshot(page, "exchange-3-submitted")
    assert inbound(course), "the exchange holds no submission"


def test_formgrader_shows_autograded_score(browser, lab, course):
    page = browser
    # The student finishes section 1 and submits again from the command line
    # (the exchange test, if it ran, submitted the untouched stubs); collect
    # takes the newest submission.
    if not (course["student"] / ASSIGNMENT).is_dir():
        nbgrader(["fetch_assignment", ASSIGNMENT], course["student"], course["home"])
    stubbing.write_files(stubbing.build_package(course["solutions"], keep_sections=1),
                        course["student"] / ASSIGNMENT)
    nbgrader(["submit", ASSIGNMENT], course["student"], course["home"])
    nbgrader(["collect", ASSIGNMENT], course["dir"], course["home"])
    nbgrader(["autograde", ASSIGNMENT, "--force"], course["dir"], course["home"])

    server = lab(course["dir"], "--role", "instructor")
    page.goto(f"{server.base}/lab?token={server.token}")
    bs.click_menu(page, "Nbgrader", "Formgrader")
    frame = page.frame_locator("iframe").first
    frame.locator(f'a[href*="manage_submissions/{ASSIGNMENT}"]').click()  # the "# Submissions" count
    row = frame.locator("tbody tr", has_text=student_id())
    row.wait_for(timeout=30_000)
    bs.screenshot(page, "instructor-1-submissions")
    score = re.search(r"(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)", row.inner_text())
    assert score, f"no score in the row: {row.inner_text()!r}"
    assert float(score.group(1)) == float(score.group(2)) > 0, f"section 1 is finished, yet the score is {score.group(0)}"


def student_id():
    """nbgrader's exchange names a submission after the user who submitted it."""
    return getpass.getuser()
