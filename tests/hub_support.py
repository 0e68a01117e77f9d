"""Helpers for tests/test_hub.py: Unix accounts, the class's shared environment, the proxy and the hub.

Everything here needs root (CI runs as root): accounts come and go with
``useradd``/``userdel``, commands run as a student through ``subprocess``'s
``user=``, and JupyterHub's ``LocalProcessSpawner`` switches to each user.
Every server listens on 127.0.0.1 only.
"""

import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PROXY_VERSION = "5.3.0"
PROXY_DIR = REPO / "build" / "hub-proxy"
PROXY = PROXY_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
SYSTEM_PYTHON = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
ENV_CACHE = REPO / "build" / "hub-env"
# The folders of the environment a copy needs; bin/ is rewritten (its scripts name their python).
ENV_PARTS = (f"lib/python{sys.version_info.major}.{sys.version_info.minor}/site-packages", "share", "etc")


def why_not():
    """Why the class test cannot run on this machine, or None."""
    if os.geteuid() != 0:
        return "it creates Unix accounts and switches to them: run it as root (CI does)"
    for program in ("useradd", "userdel", "npm", "node"):
        if not shutil.which(program):
            return f"the program `{program}` is missing"
    if not SYSTEM_PYTHON.is_file():
        return f"{SYSTEM_PYTHON} (a Python every account can run, of this test's version) is missing"
    return None


def install_proxy():
    """configurable-http-proxy from npm into build/hub-proxy (once); return its path."""
    if not PROXY.is_file():
        PROXY_DIR.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["npm", "install", "--prefix", str(PROXY_DIR), "--no-audit", "--no-fund",
                               f"configurable-http-proxy@{PROXY_VERSION}"], capture_output=True, text=True,
                              timeout=600)
        if done.returncode:
            raise RuntimeError(f"npm could not install configurable-http-proxy:\n{done.stderr[-2000:]}")
    return PROXY


def add_account(name):
    """``useradd -m`` a user, then make the home folder private (docs/running-a-class.md)."""
    subprocess.run(["useradd", "-m", "-s", "/bin/bash", name], check=True, capture_output=True, timeout=60)
    home = Path(pwd.getpwnam(name).pw_dir)
    home.chmod(0o700)
    return home


def _pids_of(uid):
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    yield int(entry.name)
            except OSError:
                continue


def remove_account(name):
    """End the processes of the test's own account ``name`` (by id) and delete it with its home."""
    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        return
    for pid in _pids_of(uid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    subprocess.run(["userdel", "-r", "-f", name], capture_output=True, timeout=60)


def unique_names(*roles):
    """Account names for ``roles`` with one random suffix, e.g. ``alice-3f9a1c``."""
    suffix = secrets.token_hex(3)
    return {role: f"{role}-{suffix}" for role in roles}, suffix


def run_as(name, command, env=None, cwd=None, timeout=900):
    """Run ``command`` as user ``name`` with umask 077; return the CompletedProcess."""
    account = pwd.getpwnam(name)
    base = {"HOME": account.pw_dir, "USER": name, "LOGNAME": name, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    return subprocess.run(command, user=account.pw_uid, group=account.pw_gid, extra_groups=[], umask=0o077,
                          env={**base, **(env or {})}, cwd=cwd or account.pw_dir, capture_output=True, text=True,
                          timeout=timeout)


READ_PROBE = """
import os, sys
path = sys.argv[1]
try:
    if os.path.isdir(path):
        os.listdir(path)
    else:
        open(path, "rb").read(1)
except PermissionError:
    sys.exit(3)
"""


def can_read(name, path):
    """Whether user ``name`` can list the folder or read the file ``path`` (it must exist)."""
    assert Path(path).exists(), f"{path} does not exist, so reading it proves nothing"
    done = run_as(name, ["/usr/bin/python3", "-c", READ_PROBE, str(path)], timeout=60)
    if done.returncode not in (0, 3):
        raise RuntimeError(f"the read probe failed as {name} on {path}: {done.stderr}")
    return done.returncode == 0


def environment_source(timeout=2400):
    """The class's environment as an administrator installs it, built once into build/hub-env.

    ``python3.11 -m venv`` with the system's Python (one every account can
    run) and ``pip install -r requirements.txt``, exactly as docs/running-a-class.md says;
    reused while requirements.txt is unchanged.
    """
    stamp = ENV_CACHE / ".installed-requirements.txt"
    wanted = (REPO / "requirements.txt").read_text()
    if stamp.is_file() and stamp.read_text() == wanted:
        return ENV_CACHE
    shutil.rmtree(ENV_CACHE, ignore_errors=True)
    subprocess.run([str(SYSTEM_PYTHON), "-m", "venv", str(ENV_CACHE)], check=True, timeout=300)
    done = subprocess.run([str(ENV_CACHE / "bin" / "python"), "-m", "pip", "install", "--quiet", "-r",
                           str(REPO / "requirements.txt")], capture_output=True, text=True, timeout=timeout)
    if done.returncode:
        raise RuntimeError(f"pip could not install requirements.txt for {SYSTEM_PYTHON}:\n{done.stderr[-3000:]}")
    stamp.write_text(wanted)
    return ENV_CACHE


def shared_environment(target):
    """Place the class's environment at ``target``: root's, read-only to every other account.

    The copy holds hard links to the installed files (no second 1.6 GB), and
    the scripts of ``bin/`` are rewritten to name the copy's own python.
    """
    source, target = environment_source(), Path(target)
    subprocess.run([str(SYSTEM_PYTHON), "-m", "venv", "--without-pip", str(target)], check=True, timeout=120)
    for part in ENV_PARTS:
        if (source / part).is_dir():
            (target / part).mkdir(parents=True, exist_ok=True)
            subprocess.run(["cp", "-al", f"{source / part}/.", f"{target / part}/"], check=True, timeout=300)
    for script in sorted((source / "bin").iterdir()):
        first, _, rest = script.read_bytes().partition(b"\n") if script.is_file() else (b"", b"", b"")
        if not script.is_symlink() and first.startswith(b"#!") and b"python" in first:
            (target / "bin" / script.name).write_bytes(f"#!{target / 'bin'}/python\n".encode() + rest)
            (target / "bin" / script.name).chmod(0o755)
    return target


def hub_config(base, port, env_dir, student_config, tools, allowed, password):
    """The text of ``jupyterhub_config.py`` for the class (docs/running-a-class.md)."""
    api_port, hub_port = free_ports(2)
    return f"""
c = get_config()  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{str(PROXY)!r}]
c.JupyterHub.db_url = "sqlite:///{base}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{base}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = "{base}/jupyterhub.pid"
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allowed_users = {set(allowed)!r}
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = ["{env_dir}/bin/python", "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.env_keep = ["LANG"]
c.Spawner.environment = {{
    "PATH": "{env_dir}/bin:/usr/bin:/bin",
    "JUPYTER_CONFIG_PATH": "{student_config}",
    "PYTHONPATH": "{tools}",
}}
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
"""


def free_ports(count):
    """``count`` distinct ports on 127.0.0.1 that nothing listens on now."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for probe in sockets:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in sockets]
    finally:
        for probe in sockets:
            probe.close()


class Hub:
    """``jupyterhub -f CONFIG`` as root in its own process group; ``stop()`` ends it and its servers."""

    def __init__(self, base, config_text, port):
        self.base, self.port = Path(base), port
        self.config = self.base / "jupyterhub_config.py"
        self.config.write_text(config_text)
        self.log_path = self.base / "jupyterhub.log"
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=120):
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",) and not k.startswith("JUPYTER")}
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(self.config)], cwd=self.base,
                                        env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with urllib.request.urlopen(f"{self.url}/hub/api", timeout=2):
                    return self
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"JupyterHub did not answer within {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines=40):
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()  # the hub stops the students' servers and the proxy
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self.log.close()
