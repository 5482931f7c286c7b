"""A Redis server of a test's own, and the pipeline's processes against it, for tests that stop Redis.

The machine's Redis is shared with other test runs and people; a test that takes Redis away
starts ``redis-server`` on a free port with a temporary folder, stops it, and starts it again
on the same port. Nothing is saved across the restart (no RDB, no AOF): what Redis held (queued
tasks, channel-layer groups) is gone, as after a crash, and must come back from the database.

    def test_outage(tmp_path, process_env):
        with RedisServer(tmp_path / "redis") as redis:
            env = redis.env(process_env)                     # REDIS_URL and a key prefix of the test's own
            with celery_worker_process(env, tmp_path / "worker.log", queues=("critical",)):
                redis.stop()
                ...
                redis.start()
"""

import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.servers import HOST, _log_tail, _process, free_port

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
START_TIMEOUT = 10


class RedisServer:
    """``redis-server`` on a free port of the loopback, stopped and started again on that port by the test."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.log = folder / "redis.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def env(self, base: dict[str, str], *, prefix: str = "own") -> dict[str, str]:
        """``base`` (a process environment) pointed at this server for the cache, channel layer and broker."""
        return {**base, "REDIS_URL": self.url, "REDIS_KEY_PREFIX": prefix}

    def answers(self) -> bool:
        try:
            with socket.create_connection((HOST, self.port), timeout=0.5) as probe:
                probe.sendall(b"PING\r\n")
                return probe.recv(7) == b"+PONG\r\n"
        except OSError:
            return False

    def start(self) -> None:
        if not Path(REDIS_SERVER).exists():
            raise RuntimeError("redis-server is not installed (Debian: apt-get install redis-server)")
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", HOST, "--dir", str(self.folder)]
        # Nothing survives a restart, as after a crash; no background saves to wait for.
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", str(self.log)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"redis-server did not start on port {self.port}:\n{_log_tail(self.log)}")
            time.sleep(0.05)

    def stop(self) -> None:
        """Shut the server down (SIGTERM) and wait until it is gone: clients get a closed connection."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> "RedisServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def wait_for_log(process: subprocess.Popen, log: Path, text: str, what: str, timeout: float = 30) -> None:
    """Wait until ``log`` says ``text`` (a worker's "ready."); fail with its tail if the process exits or it takes too long."""
    deadline = time.monotonic() + timeout
    while text not in (log.read_text(errors="replace") if log.exists() else ""):
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with status {process.returncode}:\n{_log_tail(log)}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} was not ready within {timeout} s:\n{_log_tail(log)}")
        time.sleep(0.1)


def celery_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "celery", "--app", "riskplatform", *args]


@contextmanager
def celery_worker_process(
    env: dict[str, str], log: Path, *, queues: tuple[str, ...], name: str = "own", wait: bool = True
) -> Iterator[subprocess.Popen]:
    """A Celery worker serving ``queues`` of the broker ``env`` names, one task at a time, until the block ends."""
    command = celery_command("worker", "--queues", ",".join(queues), "--pool", "solo", "--without-heartbeat")
    command += ["--without-gossip", "--without-mingle", "--hostname", f"{name}@%h", "--loglevel", "INFO"]
    with _process(command, env, log) as process:
        if wait:
            wait_for_log(process, log, " ready.", "The Celery worker")
        yield process


@contextmanager
def celery_beat_process(env: dict[str, str], folder: Path, *, wait: bool = True) -> Iterator[subprocess.Popen]:
    """Celery beat with a schedule file of its own, sending the periodic tasks (the alarm sweep) to ``env``'s broker."""
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "beat.log"
    command = celery_command("beat", "--schedule", str(folder / "celerybeat-schedule"), "--loglevel", "INFO")
    with _process(command, env, log) as process:
        if wait:
            wait_for_log(process, log, "beat: Starting", "Celery beat")
        yield process
