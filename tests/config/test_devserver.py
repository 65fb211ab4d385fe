"""`make run` from nothing: embedded servers under a new var/, seeds, admin login, processes, and
how they all stop together."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.helpers import free_port, wait_for_http

BASE_DIR = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def fresh_var(tmp_path_factory):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.pop("SITE_URL", None)
    env["VAR_DIR"] = str(tmp_path_factory.mktemp("devserver") / "var")
    yield env
    subprocess.run([sys.executable, "-m", "config.embedded", "stop"], env=env, cwd=BASE_DIR)


class Devserver:
    """`python -m config.devserver` (what `make run` runs), its output collected as it comes."""

    def __init__(self, env: dict[str, str], port: int, *, background: bool = False):
        self.port = port
        self.process = subprocess.Popen(
            [sys.executable, "-m", "config.devserver", "--port", str(port)],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            # As `make run &` from a script: a background job starts with SIGINT ignored.
            preexec_fn=_ignore_sigint if background else None,
        )
        self.lines: list[str] = []
        self.seen: dict[int, psutil.Process] = {}
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

    def wait_until_serving(self) -> list[psutil.Process]:
        """Wait for the site, the worker's pool and beat; every process under the devserver."""
        self.wait_for("Admin:")
        wait_for_http(f"http://127.0.0.1:{self.port}/healthz")
        return self.descendants()

    def descendants(self) -> list[psutil.Process]:
        # Remembered, so the finalizer can reach processes orphaned by a killed devserver.
        found = psutil.Process(self.process.pid).children(recursive=True)
        self.seen.update((child.pid, child) for child in found)
        return found

    def interrupt(self) -> list[psutil.Process]:
        """Ctrl-C as a terminal sends it: SIGINT to the whole process group."""
        children = self.descendants()
        os.killpg(self.process.pid, signal.SIGINT)
        self.process.wait(timeout=60)
        return children

    def stop(self) -> None:
        """Whatever state the test left: the devserver and everything it started, gone."""
        if self.process.poll() is None:
            self.descendants()
            with _gone():
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with _gone():
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        for child in self.seen.values():
            with _gone():
                child.kill()


def _gone() -> contextlib.suppress:
    """Ignore the error of signalling a process that has already exited."""
    return contextlib.suppress(ProcessLookupError, psutil.NoSuchProcess)


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.fixture
def devserver(fresh_var):
    """devserver(port, background=False) -> a started Devserver, stopped after the test."""
    started: list[Devserver] = []

    def start(port: int, **kwargs) -> Devserver:
        # The mail catcher's own free port: the default (the web port + 25) may be taken by any
        # connection's ephemeral port, and was once.
        env = {"DEV_MAIL_PORT": str(free_port()), **fresh_var}
        server = Devserver(env, port, **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def still_running(processes: list[psutil.Process], timeout: float = 15) -> list[list[str]]:
    _, alive = psutil.wait_procs(processes, timeout=timeout)
    running = []
    for process in alive:
        with _gone():
            if process.status() != psutil.STATUS_ZOMBIE:
                running.append(process.cmdline())
    return running


def test_make_run_starts_from_nothing_and_a_second_run_loads_nothing_twice(fresh_var, devserver):
    port = free_port()
    first = devserver(port)
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
    assert not still_running(children, timeout=5)

    second = devserver(port)
    assert second.wait_for("Admin:") == admin_line  # the same account, the same password
    assert wait_for_http(f"http://127.0.0.1:{port}/")[1].count("Total Index:") == 1
    second.interrupt()
    assert any("Seeds:  already loaded" in line for line in second.lines)
    assert any("created" in line for line in first.lines)


def sign_up(site: str, address: str) -> str:
    """The mailing-list form as a browser submits it (its CSRF cookie and token); the reply."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    form = opener.open(f"{site}/newsletter/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "email": address}).encode()
    request = urllib.request.Request(  # noqa: S310 - loopback only
        f"{site}/newsletter/", data=data, headers={"Referer": site}
    )
    return opener.open(request, timeout=30).read().decode()


def test_links_point_at_the_port_make_run_serves_on(devserver, fresh_var):
    port = free_port()
    site = f"http://127.0.0.1:{port}"
    server = devserver(port)
    server.wait_until_serving()

    sitemap = wait_for_http(f"{site}/sitemap.xml")[1]
    feed = wait_for_http(f"{site}/feeds/latest/")[1]
    thanks = sign_up(site, "reader@example.org")
    announced = server.wait_for("Mail:   'Confirm", timeout=60)
    [kept] = (Path(fresh_var["VAR_DIR"]) / "mail").glob("*.eml")

    assert f"{site}/publications/" in sitemap
    assert ":8000" not in sitemap
    assert f"{site}/" in feed
    assert f"{site}/newsletter/confirm/" in kept.read_text()
    assert f"{site}/dev/mail/{kept.stem}/" in announced
    assert 'href="/dev/mail/"' in thanks
    assert any(f"read it at {site}/dev/mail/" in line for line in server.lines)


def test_make_run_in_the_background_stops_on_sigint_with_everything_it_started(devserver):
    server = devserver(free_port(), background=True)
    children = server.wait_until_serving()

    os.kill(server.process.pid, signal.SIGINT)  # `kill -INT`, to the devserver alone

    server.process.wait(timeout=60)
    assert children
    assert not still_running(children)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_make_run_killed_takes_the_web_server_worker_and_beat_with_it(devserver, signum):
    server = devserver(free_port())
    children = server.wait_until_serving()
    commands = " ".join(" ".join(child.cmdline()) for child in children)
    assert "config.webserver" in commands
    assert "worker" in commands
    assert "beat" in commands

    os.kill(server.process.pid, signum)

    server.process.wait(timeout=60)
    assert not still_running(children, timeout=30)
