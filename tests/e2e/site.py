"""The site as `make run` serves it (runserver, one Celery worker for both queues, Celery beat:
config.devserver.start_processes), pointed at the test database, broker and an SMTP server."""

from __future__ import annotations

import os
import signal
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from config import devserver
from tests.helpers import free_port, wait_for_http
from tests.servers import wait_until

START_TIMEOUT = 90  # seconds; the machine may be busy


@dataclass
class Site:
    url: str
    var_dir: Path
    media_root: Path
    secret_key: str
    processes: list[subprocess.Popen]

    @property
    def worker(self) -> subprocess.Popen:
        return self.processes[0]  # start_processes' order: worker, beat, web

    def log(self, name: str) -> str:
        path = self.var_dir / "log" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    @contextmanager
    def worker_paused(self):
        """SIGSTOP the worker's process group, so a test sees work waiting, then SIGCONT it."""
        os.killpg(self.worker.pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.killpg(self.worker.pid, signal.SIGCONT)


def site_start(*, env: dict[str, str], var_dir: Path) -> Site:
    """Start devserver's processes with this environment; wait until all three are ready."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**env, "SITE_URL": url, "VAR_DIR": str(var_dir), "PYTHONUNBUFFERED": "1"}
    # start_processes spawns with the current environment and logs under devserver.VAR_DIR:
    # both are swapped for the duration of the call only.
    with (
        mock.patch.dict(os.environ, env, clear=True),
        mock.patch.object(devserver, "VAR_DIR", var_dir),
    ):
        processes = devserver.start_processes(port)
    site = Site(
        url=url,
        var_dir=var_dir,
        media_root=Path(env["MEDIA_ROOT"]),
        secret_key=env["SECRET_KEY"],
        processes=processes,
    )
    try:
        status, body = wait_for_http(f"{url}/healthz", timeout=START_TIMEOUT)
        assert status == 200, body
        for name, ready in (("worker", "ready."), ("beat", "beat: Starting")):
            wait_until(
                lambda name=name, ready=ready: ready in site.log(name),
                timeout=START_TIMEOUT,
                message=f"{name} did not start:\n{site.log(name)}",
            )
    except BaseException:
        site_stop(site)
        raise
    return site


def site_stop(site: Site) -> None:
    devserver.stop_processes(site.processes)
