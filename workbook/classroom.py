"""What a student's lab shows and what an instructor's lab shows, and the student config.

nbgrader's JupyterLab extension has instructor parts (the formgrader, the
"Create Assignment" sidebar and the course list) and student parts (the
Assignment List and Validate). A student's lab turns the instructor parts off;
an instructor's lab turns every part on. The Assignment List is shown only
when an nbgrader exchange exists: without one it can only say "Error fetching
courses!", and such a course collects work with ``make submit`` instead.

``python -m workbook course --student-config DIR`` calls :func:`write_student_config`
to write the system-wide settings every student account needs (normally
``DIR=/etc/jupyter``).
"""

import ast
import json
from pathlib import Path

from . import settings

ROLES = ("student", "instructor")
DEFAULT_EXCHANGE = "/srv/nbgrader/exchange"
PLUGIN = "@jupyter/nbgrader:{}"
INSTRUCTOR_PLUGINS = ("formgrader", "create-assignment", "course-list")
EXCHANGE_PLUGINS = ("assignment-list",)
SERVER_EXTENSION = "nbgrader.server_extensions.{}"
INSTRUCTOR_SERVER_EXTENSIONS = ("formgrader", "course_list")
STUDENT_SERVER_EXTENSIONS = ("assignment_list", "validate_assignment")
PRIVATE_SUBMIT = "workbook.exchange.PrivateSubmit"


def page_config(role, exchange):
    """The JupyterLab ``page_config`` that shows the nbgrader parts for ``role``.

    Parameters
    ----------
    role : {"student", "instructor"}
    exchange : bool
        Whether an nbgrader exchange exists; without one the Assignment List is hidden.

    Returns
    -------
    dict
        ``{"disabledExtensions": {plugin id: disabled}}`` naming every nbgrader
        plugin either way, so that these settings win over any lower-level config.
    """
    off = set(INSTRUCTOR_PLUGINS) if role == "student" else set()
    off |= set() if exchange else set(EXCHANGE_PLUGINS)
    plugins = INSTRUCTOR_PLUGINS + EXCHANGE_PLUGINS
    return {"disabledExtensions": {PLUGIN.format(name): name in off for name in plugins}}


def server_extensions(role):
    """``ServerApp.jpserver_extensions`` for ``role``: the formgrader's server part only for instructors."""
    enabled = {SERVER_EXTENSION.format(name): True for name in STUDENT_SERVER_EXTENSIONS}
    for name in INSTRUCTOR_SERVER_EXTENSIONS:
        enabled[SERVER_EXTENSION.format(name)] = role == "instructor"
    return {"jupyterlab": True, **enabled}


def write_role_config(directory, role, exchange):
    """Write the Jupyter settings of ``role`` into ``directory`` (a Jupyter config folder); return the files.

    Settings already in its ``labconfig/page_config.json`` and
    ``jupyter_server_config.json`` are kept; only the nbgrader entries change.
    """
    directory = Path(directory)
    page_path = directory / "labconfig" / "page_config.json"
    page = _read_json(page_path)
    page.setdefault("disabledExtensions", {}).update(page_config(role, exchange)["disabledExtensions"])
    server_path = directory / "jupyter_server_config.json"
    server = _read_json(server_path)
    server.setdefault("ServerApp", {}).setdefault("jpserver_extensions", {}).update(server_extensions(role))
    for path, data in ((page_path, page), (server_path, server)):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=1) + "\n")
    return [page_path, server_path]


def _read_json(path):
    """The JSON object in ``path``, or ``{}`` when there is none; a broken file is an error that names it."""
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text("utf-8"))
    except ValueError as error:
        raise SystemExit(f"error: {path} is not valid JSON ({error}); fix or remove it, then run this again.") from None


def nbgrader_student_config(exchange_root, course_id):
    """The text of a student's ``nbgrader_config.py``: where the exchange is and which course."""
    return ("# Written by `python -m workbook course --student-config`: every student account\n"
            "# finds the course's nbgrader exchange here.\n"
            "c = get_config()  # noqa: F821\n"
            f"c.Exchange.root = {str(exchange_root)!r}\n"
            f"c.CourseDirectory.course_id = {course_id!r}\n"
            "# Submissions readable by the instructor's group only, not by other students.\n"
            f"c.ExchangeFactory.submit = {PRIVATE_SUBMIT!r}\n")


def write_student_config(directory, exchange_root, course_id):
    """Write the system-wide student settings into ``directory``; return the files written.

    Parameters
    ----------
    directory : Path
        A Jupyter config folder every student reads, e.g. ``/etc/jupyter``.
    exchange_root : str
        The nbgrader exchange (``Exchange.root``).
    course_id : str
        The course's id on the exchange.

    Returns
    -------
    list of Path
    """
    nbgrader_path = Path(directory) / "nbgrader_config.py"
    text = nbgrader_student_config(exchange_root, course_id)
    if nbgrader_path.is_file() and not nbgrader_path.read_text("utf-8").startswith(text.split("\n")[0]):
        raise SystemExit(f"error: {nbgrader_path} already holds other settings; it was left alone. "
                         f"Add these lines to it yourself:\n{text}")
    try:
        written = write_role_config(directory, "student", exchange=True)
        nbgrader_path.write_text(text)
    except OSError as error:
        raise SystemExit(f"error: cannot write the student config into {directory}: {error.strerror}. "
                         "Run it as the administrator (e.g. with sudo) or pass another folder.") from None
    return written + [nbgrader_path]


def student_config_command(directory, course_id):
    """``python -m workbook course --student-config DIR``: write the files and say what to do next."""
    exchange = settings.read().exchange or DEFAULT_EXCHANGE
    for path in write_student_config(directory, exchange, course_id):
        print(f"wrote {path}")
    print(f"Students now find course {course_id!r} on the exchange {exchange}; formgrader and "
          "Create Assignment are off in their labs. On JupyterHub also set\n"
          f"    c.Spawner.environment = {{'JUPYTER_CONFIG_PATH': '{directory}'}}\n"
          "so these settings come before the shared environment's own.")
    return 0


def configured_exchange(config_dirs, default=DEFAULT_EXCHANGE):
    """The nbgrader ``Exchange.root`` that ``config_dirs`` set (highest priority first), else ``default``.

    Each folder's ``nbgrader_config.py`` is read without running it: only a
    plain ``c.Exchange.root = "..."`` line counts, which is what the student
    config and the repository's settings hold.
    """
    for directory in config_dirs:
        found = _exchange_line(Path(directory) / "nbgrader_config.py")
        if found:
            return found
    return settings.read().exchange or default


def _exchange_line(path):
    if not path.is_file():
        return None
    try:
        tree = ast.parse(path.read_text("utf-8"))
    except (SyntaxError, UnicodeDecodeError, OSError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "c.Exchange.root" \
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return node.value.value
    return None
