"""Helpers for tests/test_browser.py: Chromium, a JupyterLab server, console watching.

The browser is Debian's ``chromium`` package driven by Python Playwright (never
``playwright install``: the machines have no internet). The server is started
through ``python -m workbook lab`` itself, so the tests cover what ``make lab``
runs, on 127.0.0.1, a free port and a random token.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
URL_LINE = re.compile(r"^\s+(http://127\.0\.0\.1:\d+/\S*)$", re.M)

# Console errors that JupyterLab or nbgrader log during a healthy session. Every
# other console error fails the test. Each entry: (regular expression, reason).
ALLOWED_CONSOLE_ERRORS = []


def _run_logged(command, timeout):
    """Run ``command``; return None on success, else the end of its output."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"`{' '.join(command)}` failed: {error}"
    if done.returncode:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-8:])
        return f"`{' '.join(command)}` exited with {done.returncode}:\n{tail}"
    return None


def install_chromium():
    """Install Debian's chromium with apt-get; return None or why it was impossible."""
    if Path(CHROMIUM).exists():
        return None
    if not shutil.which("apt-get"):
        return f"{CHROMIUM} is missing and there is no apt-get to install it (install Chromium by hand)"
    if os.geteuid() != 0:
        return f"{CHROMIUM} is missing; install it as root: apt-get update && apt-get install -y chromium"
    for command, timeout in ((["apt-get", "update"], 300), (["apt-get", "install", "-y", "chromium"], 900)):
        problem = _run_logged(command, timeout)
        if problem:
            return problem
    return None if Path(CHROMIUM).exists() else f"apt-get installed chromium but {CHROMIUM} is still missing"


def chromium_or_skip(what):
    """Chromium's path for ``what`` (e.g. "browser tests"); skip without it, and FAIL in CI."""
    import pytest

    problem = install_chromium()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        problem = problem or f"Python playwright is not installed: {error}"
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{what} cannot run in CI: {problem}", pytrace=False)
        pytest.skip(f"no Chromium for {what}: {problem}")
    return CHROMIUM


def free_port():
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def isolated_env(home):
    """Environment for a server and nbgrader commands: nothing from the real home."""
    home = Path(home)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_"))}
    env.update(HOME=str(home), JUPYTERLAB_SETTINGS_DIR=str(home / "lab-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "lab-workspaces"), JUPYTER_DATA_DIR=str(home / "jupyter-data"),
               JUPYTER_RUNTIME_DIR=str(home / "jupyter-runtime"), IPYTHONDIR=str(home / "ipython"))
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONPATH"] = str(REPO)
    return env


def write_lab_settings(home):
    """Render every notebook cell (no windowing), so the DOM holds all outputs to read."""
    settings = Path(home) / "lab-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}\n')


class LabServer:
    """``python -m workbook lab`` on 127.0.0.1 in its own process group; ``stop()`` ends it."""

    def __init__(self, root, home, log_path, args=()):
        self.root, self.home, self.log_path, self.args = Path(root), Path(home), Path(log_path), list(args)
        self.port, self.token = free_port(), os.urandom(12).hex()
        self.process, self.url = None, None

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=90):
        """Start the server and return the address that ``workbook lab`` printed."""
        write_lab_settings(self.home)
        command = [sys.executable, "-m", "workbook", "lab", "--root", str(self.root), "--port", str(self.port),
                   "--token", self.token, "--no-browser", *self.args]
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(command, cwd=REPO, env=isolated_env(self.home), stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            found = URL_LINE.search(self.log_path.read_text())
            if found:
                self.url = found.group(1)
                return self.url
            time.sleep(0.25)
        raise RuntimeError(f"JupyterLab did not print its address within {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines=30):
        return "\n".join(self.log_path.read_text().splitlines()[-lines:])

    def stop(self):
        """Stop the launcher (it stops JupyterLab), then anything left in the group."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=25)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # kernels the server did not reap
        except ProcessLookupError:
            pass
        self.log.close()


class ConsoleWatch:
    """Collect every console error and uncaught page error of a page and its frames."""

    def __init__(self, page):
        self.errors = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def _on_console(self, message):
        if message.type != "error":
            return
        text = f"{message.text} ({message.location.get('url', '')})"
        if not any(re.search(pattern, text) for pattern, _ in ALLOWED_CONSOLE_ERRORS):
            self.errors.append(text)


def launch_browser(playwright, user_data_dir):
    """A headless Chromium with a fresh profile and no background network traffic."""
    return playwright.chromium.launch_persistent_context(
        str(user_data_dir), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
        viewport={"width": 1400, "height": 900},
    )


def screenshot(page, name):
    """Save a full-page screenshot under artifacts/browser/ and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def click_menu(page, *path):
    """Click through the main menu bar, e.g. ("Run", "Run All Cells")."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{path[0]}$")).click()
    for label in path[1:]:
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(label)}$")).first.click()


def menu_labels(page, menu, wait_ms=5000):
    """The labels of the visible items of one main menu (opened, read, closed); [] when it shows none."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{menu}$")).click()
    items = page.locator(".lm-Menu-content .lm-Menu-itemLabel:visible")
    try:
        items.first.wait_for(timeout=wait_ms)
        labels = items.all_inner_texts()
    except PlaywrightTimeout:
        labels = []
    page.keyboard.press("Escape")
    page.locator(".lm-Menu-content .lm-Menu-itemLabel:visible").first.wait_for(state="hidden")
    return [label.strip() for label in labels if label.strip()]


def page_config(page):
    """JupyterLab's page config (which extensions are disabled, and more) as the page received it."""
    return page.evaluate("() => JSON.parse(document.getElementById('jupyter-config-data').textContent)")


def validate_passes(page, shot, timeout_ms):
    """Click nbgrader's Validate, wait for its dialog, and assert that every test passed."""
    page.get_by_role("button", name="Validate").click()
    dialog = page.locator(".jp-Dialog", has_text="Validation Results")
    dialog.wait_for(timeout=timeout_ms)
    screenshot(page, shot)
    verdict = dialog.inner_text()
    assert "Success! Your notebook passes all the tests." in verdict, f"Validate says:\n{verdict[:3000]}"
    dialog.locator(".jp-Dialog-button.jp-mod-accept").click()  # its label is translated in the Chinese lab
