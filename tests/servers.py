"""Real servers for the tests: uvicorn serving the ASGI application, and a Celery worker.

Each runs in a process of its own, started the way production starts it
(``python -m riskplatform.serve``, ``celery worker``), against this run's test
database and Redis keys (tests/testrun.py), with ``DEBUG`` off. They read what
the test process has committed, so a test that uses them commits its data:
``pytest.mark.django_db(transaction=True)``. Both start once per session, when a
test first asks for them, and stop before the test database is dropped.

    pytestmark = pytest.mark.django_db(transaction=True)

    def test_page(asgi_server, staff):
        urlopen(f"{asgi_server.url}/login/")                 # HTTP, e.g. Playwright's base_url

    def test_push(asgi_server, staff):
        with asgi_server.websocket("ws/notifications/", user=staff) as socket:
            socket.send('{"type": "ping"}')
            assert json.loads(socket.recv(timeout=5)) == {"type": "pong"}

    def test_task(celery_worker, site):
        some_task.delay(site.pk)                             # the worker runs it; poll the database for its effect

``start_asgi_server(SETTING="value", ...)`` starts another server for one test, with
some environment variables changed (tests/api/test_token_throttle.py).

pyproject.toml loads this module with ``-p tests.servers``.
"""

import itertools
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

import pytest

from tests import testrun

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
# A cold start on a loaded two-core machine takes a few seconds; a broken one fails at once.
START_TIMEOUT = 30
STOP_TIMEOUT = 10
QUEUES = ("default", "critical", "telemetry")


@dataclass(frozen=True)
class AsgiServer:
    url: str  # http://127.0.0.1:<port>, without a trailing slash
    log: Path  # what the server wrote: requests, errors and their tracebacks

    @property
    def ws_url(self) -> str:
        return "ws" + self.url.removeprefix("http")

    def log_tail(self, lines: int = 40) -> str:
        return _log_tail(self.log, lines)

    def websocket(self, path: str, *, user=None, origin: str | None = None):
        """A WebSocket client connected to ``path`` (websockets' sync client), as ``user`` or anonymous.

        Use it as a context manager: ``send(text)``, ``recv(timeout=seconds)``. It comes
        from the server's own origin unless ``origin`` says otherwise.
        """
        from websockets.sync.client import connect

        headers = {"Cookie": session_cookie(user)} if user is not None else {}
        url = f"{self.ws_url}/{path.lstrip('/')}"
        return connect(url, origin=origin or self.url, additional_headers=headers, open_timeout=10)


@dataclass(frozen=True)
class CeleryWorker:
    hostname: str
    log: Path

    def processed(self) -> dict[str, int]:
        """How many tasks of each name the worker has finished, as it answers over the broker."""
        from riskplatform.celery import app

        replies = app.control.inspect(destination=[self.hostname], timeout=2).stats() or {}
        return replies.get(self.hostname, {}).get("total", {})


def session_cookie(user) -> str:
    """A Cookie header that signs ``user`` in; the session is saved in the test database."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def database_url() -> str:
    """DATABASE_URL naming this run's test database (valid once pytest-django has created it)."""
    from django.db import connection

    url = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))


def _require_shared_services() -> None:
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.fail(
            "Servers and workers started by the tests share the test database and Redis with them: "
            "set DATABASE_URL (PostgreSQL) and REDIS_URL, as `make test` does.",
            pytrace=False,
        )
    if not testrun.test_database_created():
        pytest.fail(
            "A test that uses a server or worker reads and writes the test database through it: "
            "mark it `pytest.mark.django_db(transaction=True)`.",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def process_env(django_db_setup, tmp_path_factory) -> dict[str, str]:
    """The environment of a process started by the tests: this run's database, Redis keys and signing key."""
    from django.conf import settings

    _require_shared_services()
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "REDIS_KEY_PREFIX": testrun.REDIS_KEY_PREFIX,
        # The same key, so that a session made in the test process signs the user in.
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "0",
        "MEDIA_ROOT": str(tmp_path_factory.mktemp("media")),
        # A push spooled while a test keeps the database away stays with this run, never in the checkout's var/spool.
        "ALARM_SPOOL_DIR": str(tmp_path_factory.mktemp("spool")),
        "PYTHONUNBUFFERED": "1",
    }


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")


@pytest.fixture(scope="session")
def server_env(process_env, tmp_path_factory) -> dict[str, str]:
    """What the web server adds: plain HTTP on the loopback, static files collected as for production."""
    env = {
        **process_env,
        "ALLOWED_HOSTS": f"{HOST},localhost",
        # The test server has no TLS.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "STATIC_ROOT": str(tmp_path_factory.mktemp("static")),
    }
    # WhiteNoise serves the hashed, compressed files of the manifest, as in production.
    _run([sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], env)
    return env


def free_port() -> int:
    # Another process may take it before the server binds it; then the server fails to
    # start, loudly, and the run is repeated. Rare enough on a test machine.
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _log_tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def _process(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    with open(log, "ab") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        _stop(process)


def _wait_until(ready, process: subprocess.Popen, log: Path, what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not ready():
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with status {process.returncode}:\n{_log_tail(log)}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer within {START_TIMEOUT} s:\n{_log_tail(log)}")
        time.sleep(0.1)


def wait_for(condition, *, timeout: float = 30, what: str = "the condition"):
    """The condition's first true value, polled until ``timeout`` seconds; fails the test with ``what`` after that."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.1)
    return result


def _answers(url: str) -> bool:
    try:
        with urlopen(url, timeout=2):
            return True
    except HTTPError:
        return True  # any HTTP answer: the server is up
    except OSError:
        return False


@contextmanager
def serve(env: dict[str, str], log: Path) -> Iterator[AsgiServer]:
    """Run ``python -m riskplatform.serve`` on a free port until the block ends."""
    port = free_port()
    command = [sys.executable, "-m", "riskplatform.serve", "--host", HOST, "--port", str(port)]
    with _process(command, env, log) as process:
        server = AsgiServer(url=f"http://{HOST}:{port}", log=log)
        _wait_until(lambda: _answers(f"{server.url}/login/"), process, log, "The ASGI server")
        yield server


@pytest.fixture(scope="session")
def asgi_server(server_env, tmp_path_factory) -> Iterator[AsgiServer]:
    """The ASGI application served by uvicorn, for the whole session."""
    with serve(server_env, tmp_path_factory.mktemp("asgi") / "server.log") as server:
        yield server


@pytest.fixture
def start_asgi_server(server_env, tmp_path):
    """Start a server of the test's own with some settings changed: ``start_asgi_server(NAME="value")``."""
    with ExitStack() as servers:
        numbers = itertools.count(1)

        def start(**settings: str) -> AsgiServer:
            log = tmp_path / f"server-{next(numbers)}.log"
            return servers.enter_context(serve({**server_env, **settings}, log))

        yield start


@pytest.fixture(scope="session")
def celery_worker(process_env, tmp_path_factory) -> Iterator[CeleryWorker]:
    """A Celery worker serving every queue, for the whole session; it takes only this run's tasks."""
    from riskplatform.celery import app

    hostname = f"tests-{testrun.RUN_ID}@{socket.gethostname()}"
    log = tmp_path_factory.mktemp("celery") / "worker.log"
    command = [
        sys.executable,
        "-m",
        "celery",
        "--app",
        "riskplatform",
        "worker",
        "--queues",
        ",".join(QUEUES),
        # One task at a time in the worker's main thread: predictable, and enough for tests.
        "--pool",
        "solo",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "--hostname",
        hostname,
        "--loglevel",
        "INFO",
    ]

    def answers_ping() -> bool:
        return bool(app.control.ping(destination=[hostname], timeout=0.5))

    with _process(command, process_env, log) as process:
        _wait_until(answers_ping, process, log, "The Celery worker")
        yield CeleryWorker(hostname=hostname, log=log)
