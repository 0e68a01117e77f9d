"""A whole class on one machine: JupyterHub, separate Unix accounts, the nbgrader exchange.

The administrator's and the instructor's steps are those of
docs/running-a-class.md, with changes that keep the test private to itself: the
class lives under ``/srv/mytensor-class-<random>/`` (its exchange, shared
environment, student config and tools) instead of ``/srv/nbgrader/exchange``,
``/opt/mytensor-venv`` and ``/etc/jupyter``; the environment (``venv`` and
``pip install -r requirements.txt``) and configurable-http-proxy (npm) are
installed once under ``build/`` and reused. Then, in
headless Chromium: alice logs in, fetches the workbook from the Assignment
List, solves it (the test copies the reference library into her
``mytensor/``) and submits; bob submits the stubs; the instructor grades with
``python -m workbook grade --exchange`` and releases feedback; each student
fetches their own feedback. Finally bob tries to read what he must not.
"""

import csv
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

import browser_support as bs
import hub_support as hs
from workbook.names import ASSIGNMENT

pytestmark = [pytest.mark.slow, pytest.mark.browser]

REPO = hs.REPO
NOTEBOOK = "x1_creating.ipynb"
STEP_MS = 120_000
NOT_IN_CLASS = shutil.ignore_patterns(".venv", "build", ".git", "artifacts", "submission", "__pycache__",
                                      ".pytest_cache", ".hypothesis", ".ipynb_checkpoints")


def _chown_tree(path, name):
    import pwd

    account = pwd.getpwnam(name)
    for folder, dirs, files in os.walk(path):
        for entry in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
            os.lchown(entry, account.pw_uid, account.pw_gid)


class Class:
    """The class's folders and accounts; ``run`` performs an account's command and fails loudly."""

    def __init__(self, base, names, env_dir):
        self.base, self.names, self.env_dir = base, names, env_dir
        self.exchange = base / "exchange"
        self.student_config = base / "etc-jupyter"
        self.tools = base / "tools"
        self.homes = {}

    @property
    def clone(self):
        return self.homes["teach"] / "mytensor"

    def instructor_env(self):
        return {"PATH": f"{self.env_dir}/bin:/usr/bin:/bin", "PYTHONPATH": str(self.clone),
                "WORKBOOK_EXCHANGE": str(self.exchange)}

    def run(self, role, *command, env=None, cwd=None, timeout=900):
        done = hs.run_as(self.names[role], list(command), env=env, cwd=cwd, timeout=timeout)
        assert done.returncode == 0, f"{role}: `{' '.join(command)}` failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        return done


def administrator_sets_up(cls):
    """docs/running-a-class.md, administrator: exchange, environment, accounts, student config, tools."""
    cls.exchange.mkdir()
    cls.exchange.chmod(0o1777)
    hs.shared_environment(cls.env_dir)
    for role, name in cls.names.items():
        cls.homes[role] = hs.add_account(name)
    python = str(cls.env_dir / "bin" / "python")
    env = {**os.environ, "WORKBOOK_EXCHANGE": str(cls.exchange), "PYTHONPATH": str(REPO)}
    for args in (["course", "--student-config", str(cls.student_config)], ["kit", str(cls.tools), "--tools-only"]):
        done = subprocess.run([python, "-m", "workbook", *args], cwd=REPO, env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr


def instructor_releases(cls):
    """docs/running-a-class.md, instructor: a private copy of the repository, the course, the release."""
    shutil.copytree(REPO, cls.clone, ignore=NOT_IN_CLASS)
    _chown_tree(cls.clone, cls.names["teach"])
    env = cls.instructor_env()
    cls.run("teach", f"{cls.env_dir}/bin/python", "-m", "workbook", "course", env=env, cwd=cls.clone)
    cls.run("teach", f"{cls.env_dir}/bin/nbgrader", "release_assignment", ASSIGNMENT, env=env, cwd=cls.clone)


def log_in(context, hub, name, password):
    """Log ``name`` in on the hub's page and wait for their JupyterLab; return the page."""
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.locator("#username_input").fill(name)
    page.locator("#password_input").fill(password)
    page.locator("#login_submit").click()
    page.wait_for_url(re.compile(rf"/user/{re.escape(name)}/lab"), timeout=STEP_MS)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Nbgrader$")).wait_for(timeout=STEP_MS)
    return page


def open_assignment_list(page):
    bs.click_menu(page, "Nbgrader", "Assignment List")
    page.locator("#released_assignments_list, #fetched_assignments_list").first.wait_for(timeout=STEP_MS)


def fetch_and_submit(page, cls, role, solve):
    """Fetch the workbook in the Assignment List, let ``solve`` work on it, and submit it."""
    open_assignment_list(page)
    released = page.locator("#released_assignments_list")
    released.get_by_text(ASSIGNMENT).wait_for(timeout=STEP_MS)
    released.get_by_role("button", name="Fetch").click()
    fetched = page.locator("#fetched_assignments_list")
    fetched.get_by_text(ASSIGNMENT).wait_for(timeout=STEP_MS)
    work = cls.homes[role] / ASSIGNMENT
    assert (work / NOTEBOOK).is_file()
    solve(work)
    fetched.get_by_role("button", name="Submit").click()
    page.locator("#submitted_assignments_list").get_by_text(ASSIGNMENT).wait_for(timeout=STEP_MS)
    bs.screenshot(page, f"hub-{role}-submitted")


def copy_reference(cls, work):
    shutil.rmtree(work / "mytensor")
    shutil.copytree(REPO / "solutions" / "mytensor", work / "mytensor", ignore=shutil.ignore_patterns("__pycache__"))
    _chown_tree(work / "mytensor", cls.names["alice"])


def fetch_feedback(page, cls, role):
    """Refresh the Assignment List and press Fetch Feedback; return the feedback files received."""
    page.locator("#refresh_assignments_list").click()
    submitted = page.locator("#submitted_assignments_list")
    submitted.get_by_role("button", name="Fetch Feedback").first.click()
    submitted.get_by_text("(view feedback)").first.wait_for(timeout=STEP_MS)
    bs.screenshot(page, f"hub-{role}-feedback")
    return sorted((cls.homes[role] / ASSIGNMENT / "feedback").glob("*/*.html"))


def score_in(html_path):
    """``(score, max)`` of a feedback page's notebook total."""
    found = re.search(r"Score:\s*([\d.]+)\s*/\s*([\d.]+)", html_path.read_text(errors="replace"))
    assert found, f"no score in {html_path}"
    return float(found.group(1)), float(found.group(2))


def grading_logs(cls, tail=4000):
    """The end of every grading log of the course, to say why grading failed."""
    logs = sorted((cls.clone / "build" / "course" / "grading").rglob("*.log"))
    return "".join(f"\n--- {log}\n{log.read_text(errors='replace')[-tail:]}" for log in logs)


def grades_by_student(cls):
    """The rows of the instructor's grades.csv by student id (the public output of `workbook grade`)."""
    with open(cls.clone / "build" / "grades" / "grades.csv", newline="") as table:
        return {row["student_id"]: row for row in csv.DictReader(table)}


def what_bob_reads(cls):
    """``{what: (path, readable by bob)}`` for the class's private and shared places."""
    course = cls.clone / "build" / "course"
    inbound = sorted((cls.exchange / "mytensor" / "inbound").glob(f"{cls.names['alice']}+*"))
    assert inbound, "alice's submission is not in the exchange"
    places = {
        "alice's home": cls.homes["alice"],
        "alice's mytensor/ (her answers)": cls.homes["alice"] / ASSIGNMENT / "mytensor" / "autograd.py",
        "the exchange's inbound folder": cls.exchange / "mytensor" / "inbound",
        "alice's submission in the exchange": inbound[0] / NOTEBOOK,
        "the secret that names alice's feedback": inbound[0] / "submission_secret.txt",
        "the exchange's feedback folder": cls.exchange / "mytensor" / "feedback",
        "the instructor's home": cls.homes["teach"],
        "the reference library (instructor's solutions/mytensor)": cls.clone / "solutions" / "mytensor" / "autograd.py",
        "the source notebooks with hidden tests": course / "source" / ASSIGNMENT / NOTEBOOK,
        "the gradebook": course / "gradebook.db",
        "grades.csv": cls.clone / "build" / "grades" / "grades.csv",
        "the released workbook in the exchange": cls.exchange / "mytensor" / "outbound" / ASSIGNMENT / NOTEBOOK,
        "the shared environment": cls.env_dir / "bin" / "python",
        "the student tools": cls.tools / "workbook" / "checks.py",
    }
    return {what: (path, hs.can_read(cls.names["bob"], path)) for what, path in places.items()}


@pytest.fixture
def chromium():
    return bs.chromium_or_skip("the class test")


@pytest.fixture
def a_class():
    """The class's accounts and folders; everything is removed afterwards, whatever happened."""
    problem = hs.why_not()
    if problem:
        pytest.skip(f"the JupyterHub class test cannot run here: {problem}")
    names, suffix = hs.unique_names("alice", "bob", "teach")
    base = Path(f"/srv/mytensor-class-{suffix}")
    base.mkdir(parents=True, mode=0o755)
    cls = Class(base, names, base / "venv")
    hub = []
    try:
        yield cls, hub
    finally:
        for running in hub:
            running.stop()
        for name in names.values():
            hs.remove_account(name)
        shutil.rmtree(base, ignore_errors=True)


def test_a_class_on_jupyterhub(a_class, chromium):
    from playwright.sync_api import sync_playwright

    cls, hubs = a_class
    started = time.monotonic()
    hs.install_proxy()
    administrator_sets_up(cls)
    instructor_releases(cls)
    password = os.urandom(8).hex()
    port = hs.free_ports(1)[0]
    config = hs.hub_config(cls.base, port, cls.env_dir, cls.student_config, cls.tools,
                           [cls.names["alice"], cls.names["bob"]], password)
    hub = hs.Hub(cls.base, config, port)
    hubs.append(hub)
    hub.start()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=bs.CHROMIUM_ARGS)
        try:
            pages = {}
            for role in ("alice", "bob"):
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                context.set_default_timeout(30_000)
                pages[role] = log_in(context, hub, cls.names[role], password)
            student_lab_shows_no_instructor_parts(pages["alice"])
            fetch_and_submit(pages["alice"], cls, "alice", lambda work: copy_reference(cls, work))
            fetch_and_submit(pages["bob"], cls, "bob", lambda work: None)

            env = cls.instructor_env()
            graded = hs.run_as(cls.names["teach"], [f"{cls.env_dir}/bin/python", "-m", "workbook", "grade",
                                                    "--exchange", "--jobs", "2"], env=env, cwd=cls.clone, timeout=1800)
            assert graded.returncode == 0, graded.stdout[-2000:] + grading_logs(cls)
            cls.run("teach", f"{cls.env_dir}/bin/nbgrader", "release_feedback", ASSIGNMENT, env=env, cwd=cls.clone)
            feedback = {role: fetch_feedback(pages[role], cls, role) for role in ("alice", "bob")}
        finally:
            browser.close()

    grades = grades_by_student(cls)
    alice, bob = grades[cls.names["alice"]], grades[cls.names["bob"]]
    assert float(alice["max_score"]) > 0 and float(alice["total"]) == float(alice["max_score"]), alice
    assert float(bob["total"]) == 0, bob
    notebooks = len(list((REPO / "notebooks").glob("*.ipynb")))
    for role, files in feedback.items():
        assert len(files) == notebooks, f"{role} received {[f.name for f in files]}"
    assert all(score == top for score, top in map(score_in, feedback["alice"]))
    assert all(score == 0 for score, _ in map(score_in, feedback["bob"]))

    reads = what_bob_reads(cls)
    print(f"\nclass test: {time.monotonic() - started:.0f} s. What bob could read:")
    for what, (path, readable) in reads.items():
        print(f"  {'READ  ' if readable else 'denied'}  {what}: {path}")
    leaked = [what for what, (_, readable) in reads.items() if readable and what not in SHARED]
    assert not leaked, f"bob could read: {leaked}"
    missing = [what for what in SHARED if not reads[what][1]]
    assert not missing, f"bob could not read what every student needs: {missing}"


# What every student needs; everything else that what_bob_reads lists is private.
SHARED = ("the released workbook in the exchange", "the shared environment", "the student tools")


def student_lab_shows_no_instructor_parts(page):
    """A student's lab hides the formgrader and Create Assignment, and lists assignments."""
    disabled = bs.page_config(page).get("disabledExtensions", [])
    for plugin in ("formgrader", "create-assignment"):
        assert f"@jupyter/nbgrader:{plugin}" in disabled, disabled
    labels = bs.menu_labels(page, "Nbgrader")
    assert "Assignment List" in labels and "Formgrader" not in labels, labels
