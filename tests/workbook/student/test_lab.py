"""``python -m workbook lab`` outside the browser: ports, Ctrl-C, and what each role's lab shows."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

import browser_support as bs
from workbook import classroom, lab
from workbook.names import REPO

FORMGRADER = "@jupyter/nbgrader:formgrader"
ASSIGNMENT_LIST = "@jupyter/nbgrader:assignment-list"


def _time_wait_on(port):
    """Leave a connection to ``127.0.0.1:port`` in TIME_WAIT on the server side, as a stopped server does."""
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen()
        client = socket.create_connection(("127.0.0.1", port))
        served, _ = listener.accept()
        served.close()  # the server closes first, so its side waits
        time.sleep(0.2)
        client.close()


def test_port_is_free_right_after_a_server_stopped():
    port = bs.free_port()
    _time_wait_on(port)
    assert lab.port_problem("127.0.0.1", port) is None


def test_a_port_in_use_is_still_reported():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        problem = lab.port_problem("127.0.0.1", port)
    assert problem and "already in use" in problem and f"--port {port + 1}" in problem


def test_student_lab_hides_the_instructor_parts_and_the_list_without_exchange():
    student = classroom.page_config("student", exchange=False)["disabledExtensions"]
    assert student[FORMGRADER] and student["@jupyter/nbgrader:create-assignment"] and student[ASSIGNMENT_LIST]
    with_exchange = classroom.page_config("student", exchange=True)["disabledExtensions"]
    assert with_exchange[FORMGRADER] and not with_exchange[ASSIGNMENT_LIST]
    instructor = classroom.page_config("instructor", exchange=True)["disabledExtensions"]
    assert not any(instructor.values())
    assert not classroom.server_extensions("student")["nbgrader.server_extensions.formgrader"]
    assert classroom.server_extensions("instructor")["nbgrader.server_extensions.formgrader"]


def test_exchange_is_read_from_the_highest_config_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("WORKBOOK_EXCHANGE", raising=False)
    low, high = tmp_path / "low", tmp_path / "high"
    for folder, root in ((low, "/srv/low"), (high, "/srv/high")):
        classroom.write_student_config(folder, root, "mytensor")
    assert classroom.configured_exchange([tmp_path / "none", high, low]) == "/srv/high"
    assert classroom.configured_exchange([tmp_path / "none"]) == classroom.DEFAULT_EXCHANGE


def test_student_config_keeps_other_settings_and_refuses_a_foreign_nbgrader_config(tmp_path, capsys):
    (tmp_path / "labconfig").mkdir()
    (tmp_path / "labconfig" / "page_config.json").write_text('{"disabledExtensions": {"other:plugin": true}}')
    written = classroom.write_student_config(tmp_path, "/srv/ex", "mytensor")
    page = json.loads((tmp_path / "labconfig" / "page_config.json").read_text())
    assert page["disabledExtensions"]["other:plugin"] and page["disabledExtensions"][FORMGRADER]
    assert "c.Exchange.root = '/srv/ex'" in (tmp_path / "nbgrader_config.py").read_text()
    assert len(written) == 3
    other = tmp_path / "other"
    other.mkdir()
    (other / "nbgrader_config.py").write_text("c = get_config()\nc.Exchange.timezone = 'UTC'\n")
    with pytest.raises(SystemExit, match="already holds other settings"):
        classroom.write_student_config(other, "/srv/ex", "mytensor")
    assert "timezone" in (other / "nbgrader_config.py").read_text()


def test_course_student_config_command(tmp_path):
    env = {**os.environ, "WORKBOOK_EXCHANGE": str(tmp_path / "exchange")}
    done = subprocess.run([sys.executable, "-m", "workbook", "course", "--student-config", str(tmp_path / "etc")],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "etc" / "nbgrader_config.py").read_text()
    assert str(tmp_path / "exchange") in text and "course_id = 'mytensor'" in text


def _slow_notebook(folder):
    nb = new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [new_code_cell("import time\ntime.sleep(120)")]
    nbformat.write(nb, folder / "slow.ipynb")


def _start(root, port, log_path, home):
    command = [sys.executable, "-m", "workbook", "lab", "--root", str(root), "--port", str(port),
               "--token", "t0ken", "--no-browser", "--role", "student"]
    log = open(log_path, "a")
    process = subprocess.Popen(command, cwd=REPO, env=bs.isolated_env(home), stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        if "Stop it with Ctrl-C" in log_path.read_text():
            return process
        time.sleep(0.25)
    raise AssertionError("the lab did not start:\n" + log_path.read_text()[-3000:])


def _validate_in_background(port):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/assignments/validate", data=b"path=slow.ipynb",
                                     headers={"Authorization": "token t0ken"}, method="POST")

    def post():
        try:
            urllib.request.urlopen(request, timeout=150).read()
        except OSError:
            pass  # the server goes away mid-request

    threading.Thread(target=post, daemon=True).start()


def _kill_group(process):
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def test_ctrl_c_during_validate_stops_the_lab_and_it_restarts_on_the_same_port(tmp_path):
    root = tmp_path / "work"
    root.mkdir()
    _slow_notebook(root)
    port, log_path = bs.free_port(), tmp_path / "lab.log"
    process = _start(root, port, log_path, tmp_path / "home")
    try:
        _validate_in_background(port)
        time.sleep(6)  # the kernel has started and sleeps in the cell
        pressed = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        process.wait(timeout=60)
        stopped_in = time.monotonic() - pressed
    finally:
        _kill_group(process)
    assert stopped_in < lab.STOP_GRACE + 5, f"Ctrl-C took {stopped_in:.1f} s to stop the lab"
    assert "Stopping JupyterLab" in log_path.read_text()
    again = _start(root, port, log_path, tmp_path / "home")
    try:
        assert again.poll() is None
    finally:
        again.terminate()
        again.wait(timeout=30)
        _kill_group(again)


def test_private_submit_gives_other_accounts_nothing(tmp_path):
    from nbgrader.coursedir import CourseDirectory

    from workbook.exchange import PrivateSubmit

    (tmp_path / "work" / "mytensor").mkdir(parents=True)
    (tmp_path / "work" / "x1.ipynb").write_text("{}")
    (tmp_path / "work" / "mytensor" / "views.py").write_text("")
    (tmp_path / "work" / "big.bin").write_bytes(b"0" * 2_000_000)
    submit = PrivateSubmit(coursedir=CourseDirectory(max_file_size=1000))
    submit.do_copy(tmp_path / "work", tmp_path / "inbound")
    submit.set_perms(tmp_path / "inbound", fileperms=0o644, dirperms=0o755)
    copied = sorted(p.relative_to(tmp_path / "inbound").as_posix() for p in (tmp_path / "inbound").rglob("*"))
    assert copied == ["mytensor", "mytensor/views.py", "x1.ipynb"]
    for path in [tmp_path / "inbound", *(tmp_path / "inbound").rglob("*")]:
        assert path.stat().st_mode & 0o007 == 0, path
