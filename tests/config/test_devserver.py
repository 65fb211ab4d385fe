"""`make run` from nothing: embedded servers under a new var/, seeds, admin login, processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from tests.helpers import free_port, wait_for_http

BASE_DIR = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


@pytest.fixture
def fresh_var(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["VAR_DIR"] = str(tmp_path / "var")
    yield env
    subprocess.run([sys.executable, "-m", "config.embedded", "stop"], env=env, cwd=BASE_DIR)


class Devserver:
    """`python -m config.devserver` (what `make run` runs), its output collected as it comes."""

    def __init__(self, env: dict[str, str], port: int):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "config.devserver", "--port", str(port)],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_for(self, text: str, timeout: float = 180) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [line for line in self.lines if text in line]
            if found:
                return found[0]
            assert self.process.poll() is None, "".join(self.lines)
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared:\n{''.join(self.lines)}")

    def interrupt(self) -> list[psutil.Process]:
        """Ctrl-C as a terminal sends it: SIGINT to the whole process group."""
        children = psutil.Process(self.process.pid).children(recursive=True)
        os.killpg(self.process.pid, signal.SIGINT)
        self.process.wait(timeout=60)
        return children


def test_make_run_starts_from_nothing_and_a_second_run_loads_nothing_twice(fresh_var):
    port = free_port()
    first = Devserver(fresh_var, port)
    admin_line = first.wait_for("Admin:")
    status, home = wait_for_http(f"http://127.0.0.1:{port}/")

    assert f"http://127.0.0.1:{port}/" in "".join(first.lines)
    assert "password" in admin_line
    assert status == 200
    assert "Total Index:" in home
    assert (Path(fresh_var["VAR_DIR"]) / "postgres" / "PG_VERSION").exists()
    assert (Path(fresh_var["VAR_DIR"]) / "redis" / "redis.sock").exists()
    assert wait_for_http(f"http://127.0.0.1:{port}/healthz")[0] == 200

    children = first.interrupt()
    assert children, "the web server, worker and beat should have run"
    _, alive = psutil.wait_procs(children, timeout=5)
    assert not [child.cmdline() for child in alive if child.status() != psutil.STATUS_ZOMBIE]

    second = Devserver(fresh_var, port)
    assert second.wait_for("Admin:") == admin_line  # the same account, the same password
    assert wait_for_http(f"http://127.0.0.1:{port}/")[1].count("Total Index:") == 1
    second.interrupt()
    assert any("Seeds:  already loaded" in line for line in second.lines)
    assert any("created" in line for line in first.lines)
