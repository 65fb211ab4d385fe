"""gunicorn for the benchmarks, as `make serve` runs it (config/gunicorn.py), on a free loopback
port; worker recycling off, so a worker restarting mid-run counts against no measurement."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def gunicorn(env: dict[str, str], log_path: Path, *, probe: str, workers: int = 1) -> Iterator[str]:
    """The base URL of a running gunicorn, once `probe` (a path) answers 200; stopped after."""
    from tests.helpers import free_port, wait_for_http

    port = free_port()
    env = {**env, "WEB_CONCURRENCY": str(workers), "WEB_HOST": "127.0.0.1", "PORT": str(port),
           "GUNICORN_CMD_ARGS": "--max-requests 0"}  # fmt: skip
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:config.gunicorn"],
            env=env, cwd=BASE_DIR, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            base_url = f"http://127.0.0.1:{port}"
            status, _ = wait_for_http(base_url + probe)
            if status != 200:
                sys.exit(f"GET {probe} answered {status}; see {log_path}")
            yield base_url
        finally:
            server.terminate()
            server.wait(timeout=60)
