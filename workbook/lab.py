"""Start JupyterLab on the workbook (what ``make lab`` runs).

Usage: ``python -m workbook lab [--root DIR] [--port N] [--ip HOST] [--token T]
[--role student|instructor] [--lang en|zh] [any other jupyter lab option, e.g. --no-browser]``.

``--lang zh`` (``make lab LANG=zh``) opens the Chinese edition (``notebooks/zh/``)
with JupyterLab's menus in Chinese (the zh_CN language pack) and the checks'
messages in Chinese; the choice is remembered (:mod:`workbook.language`).

The server runs with the project's own Jupyter configuration (``jupyter/`` in
this folder, never the user's ``~/.jupyter``), the news pop-up off. A student's
lab (the default in the student kit) hides nbgrader's instructor parts; an
instructor's lab (the default where ``solutions/`` exists) shows them all. The
Assignment List appears only when an nbgrader exchange exists. Kernels find the
student library ``mytensor/`` and the ``workbook`` package through PYTHONPATH,
and the environment's ``bin/`` comes first on PATH because nbgrader runs
``alembic`` from there.
"""

import argparse
import errno
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from workbook import classroom, language
from workbook.language import text
from .names import REPO

CONFIG_DIR = REPO / "jupyter"
STATE_DIR = REPO / "build" / "jupyter"
# A normal shutdown (kernels included) takes a second or two. A Validate run
# blocks the server's event loop, so it cannot see a Ctrl-C until the run ends.
STOP_GRACE = 5.0
FIRST_NOTEBOOKS = ("notebooks/x1_creating.ipynb", "x1_creating.ipynb")
FIRST_NOTEBOOKS_ZH = ("notebooks/zh/x1_creating.ipynb", "zh/x1_creating.ipynb")
# JupyterLab's own setting of the interface language (the zh_CN language pack is pinned).
TRANSLATION_SETTINGS = Path("@jupyterlab") / "translation-extension" / "plugin.jupyterlab-settings"
LOCALES = {"en": "en", "zh": "zh_CN"}
READY_TIMEOUT = 120.0


def parse_args(argv):
    """Split our options from the ones passed through to JupyterLab."""
    parser = argparse.ArgumentParser(prog="python -m workbook lab", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=REPO, help="folder JupyterLab shows (default: the workbook)")
    parser.add_argument("--port", type=int, default=8888, help="port to listen on (default: 8888)")
    parser.add_argument("--ip", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--token", help="login token (default: a new random one)")
    parser.add_argument("--role", choices=classroom.ROLES, default=default_role(),
                        help="which nbgrader parts to show (default here: %(default)s)")
    parser.add_argument("--lang", help="en or zh: the language of the notebooks, the messages and JupyterLab's "
                        f"menus, remembered for later commands (default: ${language.ENV}, else the last choice)")
    args, rest = parser.parse_known_args(argv)
    if not 0 < args.port < 65536:
        parser.error(f"--port must be between 1 and 65535, not {args.port}")
    if not args.root.is_dir():
        parser.error(f"--root {args.root} is not a folder")
    return args, rest


def default_role():
    """``instructor`` in the repository (it holds ``solutions/``), ``student`` in the kit."""
    return "instructor" if (REPO / "solutions").is_dir() else "student"


def port_problem(ip, port):
    """Why JupyterLab could not listen on ``ip:port``, or None if it can."""
    with socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET) as probe:
        if os.name != "nt":
            # As the server itself does: the closed connections of a server
            # stopped a moment ago (TIME_WAIT) must not block a restart.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((ip, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return text("lab.port_in_use", port=port, ip=ip, next=port + 1)
            return f"cannot listen on {ip}:{port}: {error.strerror}"
    return None


def first_page(root):
    """The page to open first: x.1's notebook (of the chosen edition) when it exists, else the launcher."""
    names = FIRST_NOTEBOOKS_ZH + FIRST_NOTEBOOKS if language.current() == "zh" else FIRST_NOTEBOOKS
    for name in names:
        if (root / name).is_file():
            return "/lab/tree/" + name
    print(text("lab.no_notebook", notebook=names[0], root=root))
    return "/lab"


def choose_language(value):
    """Settle the language of this lab and its kernels; ``--lang`` is also remembered. Return the code.

    The server and its kernels get it in their environment (:func:`environment`).
    """
    code = language.choose(value) if value else language.current()
    language.use_utf8_output()
    return code


def write_interface_language(settings_dir, code):
    """Select JupyterLab's interface language (its translation setting) for ``code``."""
    target = Path(settings_dir) / TRANSLATION_SETTINGS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"locale": LOCALES[code]}, indent=2) + "\n", "utf-8")


def config_dirs(root, role_dir):
    """The Jupyter config folders the server reads, highest priority first (``root`` is its cwd)."""
    from jupyter_core.paths import ENV_CONFIG_PATH, SYSTEM_CONFIG_PATH

    extra = [p for p in os.environ.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep) if p]
    return [root, role_dir, CONFIG_DIR, *extra, *ENV_CONFIG_PATH, *SYSTEM_CONFIG_PATH]


def role_config(root, role):
    """Write the settings of ``role`` into build/ and return their folder.

    The Assignment List shows only when the exchange that nbgrader would use
    exists; a course without one collects work with ``make submit``.
    """
    role_dir = STATE_DIR / f"config-{role}"
    exchange = classroom.configured_exchange(config_dirs(root, role_dir))
    classroom.write_role_config(role_dir, role, exchange=Path(exchange).is_dir())
    return role_dir


def environment(root, role_dir, code=None):
    """The server's environment: project and role config, isolated state, import paths, the language ``code``."""
    env = dict(os.environ)
    if code:
        env[language.ENV] = code
    # JUPYTER_CONFIG_PATH outranks every other config folder, the environment's
    # own included (which enables all of nbgrader): the role's settings first,
    # then the project's jupyter/. The user's ~/.jupyter is not read at all:
    # JUPYTER_CONFIG_DIR, where Jupyter writes its own files, is in build/.
    env["JUPYTER_CONFIG_DIR"] = str(STATE_DIR / "config-user")
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(filter(None, [str(role_dir), str(CONFIG_DIR),
                                                               env.get("JUPYTER_CONFIG_PATH")]))
    # Settings, layouts and kernel specs of this workbook stay in the (ignored) build/ folder.
    env.setdefault("JUPYTERLAB_SETTINGS_DIR", str(STATE_DIR / "user-settings"))
    env.setdefault("JUPYTERLAB_WORKSPACES_DIR", str(STATE_DIR / "workspaces"))
    env.setdefault("JUPYTER_DATA_DIR", str(STATE_DIR / "data"))
    write_interface_language(env["JUPYTERLAB_SETTINGS_DIR"], language.current())
    paths = [str(root)] + ([str(REPO)] if root != REPO else [])
    env["PYTHONPATH"] = os.pathsep.join(paths + [p for p in [env.get("PYTHONPATH")] if p])
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def jupyter_command(args, rest, root, token):
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}",
               f"--ServerApp.ip={args.ip}", f"--ServerApp.port={args.port}",
               f"--IdentityProvider.token={token}"]
    if not any(arg.startswith("--LabApp.default_url") for arg in rest):
        command.append(f"--LabApp.default_url={first_page(root)}")
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in rest:
        # Containers and CI often run as root; Jupyter refuses that unless told.
        print("note: running as root, so JupyterLab gets --allow-root.")
        command.append("--allow-root")
    return command + rest


def wait_until_ready(server, base_url):
    """Poll the server until it answers; False if it exited or took too long."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(base_url + "/api", timeout=2):
                return True
        except OSError:
            time.sleep(0.25)
    return False


def banner(url):
    line = "=" * 72
    return f"\n{line}\n  {text('lab.banner')}\n\n      {url}\n\n  {text('lab.stop')}\n{line}\n"


def stop(server, grace=STOP_GRACE):
    """Let the server shut down for ``grace`` seconds, then kill it; return its exit status.

    A second Ctrl-C kills it at once.
    """
    try:
        return server.wait(timeout=grace)
    except (subprocess.TimeoutExpired, KeyboardInterrupt):
        print(f"JupyterLab did not stop within {grace:.0f} s (a Validate run holds it up): stopping it now.",
              file=sys.stderr, flush=True)
        server.kill()
        return server.wait()


def main(argv=None):
    args, rest = parse_args(sys.argv[1:] if argv is None else argv)
    code = choose_language(args.lang)
    problem = port_problem(args.ip, args.port)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    root = args.root.resolve()
    token = args.token if args.token is not None else os.environ.get("JUPYTER_TOKEN") or secrets.token_hex(24)
    command = jupyter_command(args, rest, root, token)
    host = f"[{args.ip}]" if ":" in args.ip else args.ip
    base_url = f"http://{host}:{args.port}"
    server = subprocess.Popen(command, cwd=root, env=environment(root, role_config(root, args.role), code))
    # `kill` or a closed terminal stops the server too, not only this launcher.
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda signum, frame: server.terminate())
    try:
        if not wait_until_ready(server, base_url):
            print(text("lab.not_started"), file=sys.stderr)
            server.terminate()
            stop(server)
            return 1
        page = next(a.split("=", 1)[1] for a in command if a.startswith("--LabApp.default_url="))
        print(banner(f"{base_url}{page}?token={token}" if token else base_url + page), flush=True)
        return server.wait()
    except KeyboardInterrupt:
        # The server got the same Ctrl-C; give it time to shut its kernels down.
        print(text("lab.stopping"), file=sys.stderr, flush=True)
        return stop(server)


if __name__ == "__main__":
    sys.exit(main())
