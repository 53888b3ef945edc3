"""Test fixture: a real Loom server started from ``$LOOM_CLI``, and helpers to talk to it.

``LOOM_CLI`` holds the command that runs the CLI, e.g.
``dotnet /work/main/artifacts/bin/Loom.Cli/release/loom.dll``. The server is started as
``$LOOM_CLI server --data <tempdir> --urls http://127.0.0.1:<port>``; it writes its admin token to
``<tempdir>/admin.token``. Every wait here is bounded.
"""

import atexit
import contextlib
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import unittest
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLIENT_DIR = os.path.join(REPO, "clients", "python")
PYTHON = sys.executable
START_TIMEOUT = 60.0

if CLIENT_DIR not in sys.path:
    sys.path.insert(0, CLIENT_DIR)


def cli_command():
    """The CLI command from ``LOOM_CLI``; fails (never skips) when it is not set."""
    command = os.environ.get("LOOM_CLI", "").strip()
    if not command:
        raise AssertionError(
            "LOOM_CLI is not set: the Python client tests run against a real Loom server. Set it to "
            "the command that runs the Loom CLI, e.g. "
            "LOOM_CLI='dotnet /work/main/artifacts/bin/Loom.Cli/release/loom.dll'")
    return shlex.split(command)


def free_port():
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout, interval=0.05, message="condition"):
    """Call ``predicate`` until it returns a truthy value (returned) or ``timeout`` s pass."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.0f s waiting for %s" % (timeout, message))
        time.sleep(interval)


class LoomServer:
    """A Loom server process on a temporary data folder and a free port."""

    def __init__(self, data_dir=None, port=None):
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="loom-pytest-")
        self.port = port or free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.process = None
        self.token = None
        self._log = None
        self.log_path = self.data_dir.rstrip("/") + ".server.log"

    # -- process -----------------------------------------------------------------------------

    def start(self):
        """Start the server and wait (bounded) until /healthz answers and the admin token exists."""
        command = cli_command() + ["server", "--data", self.data_dir, "--urls", self.url]
        if self._log:
            self._log.close()
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while not self._healthy():
            if self.process.poll() is not None:
                raise AssertionError("Loom server exited with code %s at start:\n%s"
                                     % (self.process.returncode, self.log_tail()))
            if time.monotonic() > deadline:
                self.stop()
                raise AssertionError("Loom server did not answer /healthz within %.0f s:\n%s"
                                     % (START_TIMEOUT, self.log_tail()))
            time.sleep(0.1)
        token_file = os.path.join(self.data_dir, "admin.token")
        self.token = wait_until(lambda: _read(token_file), 10, message="admin.token in the data folder")
        return self

    def _healthy(self):
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=2) as resp:
                return resp.status == 200
        except (OSError, ValueError):
            return False

    def kill(self):
        """SIGKILL the server (no shutdown of any kind) and wait for it to be gone."""
        if self.process and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(30)

    def stop(self):
        """Stop the server (SIGTERM, then SIGKILL after 15 s)."""
        if self.process and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
            except ProcessLookupError:
                pass
        if self._log:
            self._log.close()
            self._log = None

    def cleanup(self):
        """Stop the server and delete its data folder and log."""
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)
        with contextlib.suppress(OSError):
            os.unlink(self.log_path)

    def log_tail(self, size=4000):
        """The end of the server's output (for failure messages)."""
        try:
            with open(self.log_path, "rb") as handle:
                handle.seek(0, os.SEEK_END)
                handle.seek(max(0, handle.tell() - size))
                return handle.read().decode("utf-8", "replace")
        except OSError:
            return "(no server log)"

    # -- raw REST (independent of the client under test) -------------------------------------

    def api(self, method, path, body=None, token=None, headers=None, raw=False):
        """Call the REST API with urllib; returns ``(status, decoded JSON or bytes)``."""
        data = None
        hdrs = {"Authorization": "Bearer " + (token or self.token)}
        if body is not None:
            if isinstance(body, (bytes, bytearray)):
                data = bytes(body)
            else:
                data = json.dumps(body).encode("utf-8")
                hdrs["Content-Type"] = "application/json"
        hdrs.update(headers or {})
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(request, timeout=60) as resp:
                status, payload = resp.status, resp.read()
        except urllib.error.HTTPError as error:
            status, payload = error.code, error.read()
        if raw:
            return status, payload
        return status, json.loads(payload.decode("utf-8")) if payload else None

    def ok(self, method, path, body=None, **kwargs):
        """:meth:`api`, asserting a 2xx answer; returns the body."""
        status, payload = self.api(method, path, body, **kwargs)
        if not 200 <= status < 300:
            raise AssertionError("%s %s -> %s %r" % (method, path, status, payload))
        return payload

    def ws_path(self, workspace="default"):
        """``/api/v1/workspaces/{workspace}``."""
        return "/api/v1/workspaces/" + urllib.parse.quote(workspace, safe="")

    def run_path(self, run_id, workspace="default"):
        """``/api/v1/workspaces/{workspace}/runs/{run_id}``."""
        return self.ws_path(workspace) + "/runs/" + urllib.parse.quote(run_id, safe="")

    def get_run(self, run_id, workspace="default"):
        """The stored run document."""
        return self.ok("GET", self.run_path(run_id, workspace))

    def history(self, run_id, name, workspace="default", max_points=None):
        """The stored history of one metric."""
        query = "?maxPoints=%d" % max_points if max_points else ""
        return self.ok("GET", self.run_path(run_id, workspace) + "/metrics/"
                       + urllib.parse.quote(name, safe="") + "/history" + query)

    def ensure_workspace(self, name="default"):
        """Create a workspace unless it exists."""
        status, payload = self.api("POST", "/api/v1/workspaces", {"name": name})
        if status not in (201, 409):
            raise AssertionError("cannot create workspace %s: %s %r" % (name, status, payload))

    def env(self, **extra):
        """Environment for a client process talking to this server (PYTHONPATH included)."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("LOOM_", "AZUREML_")) or k == "LOOM_CLI"}
        env.update(LOOM_TRACKING_URI=self.url, LOOM_TOKEN=self.token, LOOM_WORKSPACE="default",
                   PYTHONPATH=CLIENT_DIR, PYTHONUNBUFFERED="1")
        env.update({k: str(v) for k, v in extra.items()})
        return env


def _read(path):
    try:
        with open(path) as handle:
            return handle.read().strip()
    except OSError:
        return None


_shared = None
_shared_lock = threading.Lock()


def shared_server():
    """One server shared by the test modules (started on first use, stopped at exit)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            server = LoomServer()
            atexit.register(server.cleanup)
            server.start()
            server.ensure_workspace("default")
            _shared = server
        return _shared


@contextlib.contextmanager
def client_env(server, **extra):
    """Point ``os.environ`` at ``server`` for in-process client calls, restoring it afterwards."""
    saved = dict(os.environ)
    try:
        for key in list(os.environ):
            if key.startswith(("LOOM_", "AZUREML_")) and key != "LOOM_CLI":
                del os.environ[key]
        os.environ.update(LOOM_TRACKING_URI=server.url, LOOM_TOKEN=server.token, LOOM_WORKSPACE="default")
        os.environ.update({k: str(v) for k, v in extra.items()})
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run_script(source, env, cwd=None, timeout=120, args=()):
    """Run Python ``source`` in a child process; returns the CompletedProcess (text output)."""
    return subprocess.run([PYTHON, "-c", source] + list(args), env=env, cwd=cwd, timeout=timeout,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def png_bytes(width=2, height=2):
    """A tiny valid PNG image."""
    import struct
    import zlib

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


class ServerTestCase(unittest.TestCase):
    """A test case on the shared server, with the client's environment pointing at it during each test."""

    @classmethod
    def setUpClass(cls):
        cls.server = shared_server()

    def setUp(self):
        env = client_env(self.server)
        env.__enter__()
        self.addCleanup(env.__exit__, None, None, None)
