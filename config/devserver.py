"""`make run`: migrate, load the seeds, ensure an admin account, then serve the site with one
Celery worker (both queues) and Celery beat until Ctrl-C."""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import time

from config import embedded, lifeline
from config.embedded import BASE_DIR, VAR_DIR

PYTHON = sys.executable
MANAGE = [PYTHON, str(BASE_DIR / "manage.py")]
SEEDS = BASE_DIR / "seeds" / "publications.jsonl"


def manage(*args: str, check: bool = True) -> int:
    return subprocess.run([*MANAGE, *args], check=check, cwd=BASE_DIR).returncode


def prepare() -> None:
    """Migrate and load the seeds once (again only when seeds/ changed, so staff edits to the
    demo publications survive the next start)."""
    manage("migrate", "--noinput", "-v", "0")
    marker = VAR_DIR / "seeds-loaded.sha256"
    digest = hashlib.sha256(SEEDS.read_bytes()).hexdigest()
    if marker.exists() and marker.read_text() == digest:
        print("  Seeds:  already loaded")
        return
    status = manage("import_publications", str(SEEDS), "--quiet", check=False)
    if status not in (0, 1):
        sys.exit(f"Loading the seeds failed (exit {status}).")
    marker.write_text(digest)


def start_processes(port: int) -> list[subprocess.Popen]:
    logs = VAR_DIR / "log"
    logs.mkdir(parents=True, exist_ok=True)
    celery = [PYTHON, "-m", "celery", "-A", "config"]
    worker = [*celery, "worker", "-Q", "extraction,email", "-c", "2", "-l", "INFO"]
    beat = [*celery, "beat", "-l", "INFO", "-s", str(VAR_DIR / "celerybeat-schedule")]
    web = [PYTHON, "-m", "config.webserver", f"127.0.0.1:{port}"]
    # Each in a session of its own, so stopping one takes its children (pool, autoreloader); each
    # dies with this process even when it is killed outright (config/lifeline.py).
    return [
        _spawn(worker, stdout=(logs / "worker.log").open("ab")),
        _spawn(beat, stdout=(logs / "beat.log").open("ab")),
        _spawn(web, stdout=None),
    ]


def _spawn(command: list[str], stdout) -> subprocess.Popen:
    stderr = subprocess.STDOUT if stdout else None
    return subprocess.Popen(
        command, cwd=BASE_DIR, stdout=stdout, stderr=stderr, start_new_session=True,
        preexec_fn=lifeline.child_preexec,
    )  # fmt: skip


def stop_processes(processes: list[subprocess.Popen], grace: float = 10) -> None:
    """SIGTERM to each process group (the worker finishes its task), SIGKILL after the grace."""
    for process in processes:
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        _signal_group(process, signal.SIGKILL)  # whatever is left of the group
        process.wait()


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


def use_port(port: int) -> None:
    """Give every process started from here (migrate, the web server, worker, beat) this port, so
    settings.SITE_URL, unless set, links to it and not to the default 8000."""
    os.environ["PORT"] = str(port)


def start_mail(port: int):
    """Under development defaults, the SMTP catcher (a thread of this process, so it ends with
    it); in any case the banner line that says where email goes."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings

    if not settings.DEV_MAIL_DIR:
        where = f"printed into {VAR_DIR / 'log' / 'worker.log'}"
        if settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
            where = f"sent through {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
        elif "anymail" in settings.EMAIL_BACKEND:
            where = f"sent through {settings.ANYMAIL_ESP}"
        return None, f"  Mail:   {where}"

    from config.devmail.catcher import catcher_start

    mailbox = f"http://127.0.0.1:{port}/dev/mail/"

    def announce(mail) -> None:
        print(f"  Mail:   {mail.subject!r} to {mail.to}: {mailbox}{mail.id}/", flush=True)

    try:
        catcher = catcher_start(
            port=settings.DEV_MAIL_PORT, directory=settings.DEV_MAIL_DIR, announce=announce
        )
    except OSError as exc:
        sys.exit(
            f"The mail catcher cannot listen on 127.0.0.1:{settings.DEV_MAIL_PORT} ({exc}); "
            "set DEV_MAIL_PORT to a free port."
        )
    line = f"  Mail:   caught, never sent: read it at {mailbox} (files in {settings.DEV_MAIL_DIR})"
    return catcher, line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    port = parser.parse_args().port
    use_port(port)
    lifeline.restore_default_signals()
    lifeline.die_with_parent()  # `make run` killed outright takes this process, and so its children
    embedded.start()  # whichever of PostgreSQL and Redis has no URL configured
    prepare()
    admin = subprocess.run(
        [*MANAGE, "ensure_admin", "--url", f"http://127.0.0.1:{port}/admin/"],
        cwd=BASE_DIR, check=True, capture_output=True, text=True,
    ).stdout.rstrip()  # fmt: skip
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    signal.signal(signal.SIGHUP, _raise_keyboard_interrupt)  # the terminal closed
    # Before the worker, which may send at once what an earlier run left queued.
    catcher, mail_line = start_mail(port)
    processes: list[subprocess.Popen] = []
    try:
        processes = start_processes(port)
        print(f"\n  Site:   http://127.0.0.1:{port}/\n{admin}")
        print(mail_line)
        print(f"  Logs:   worker and beat in {VAR_DIR / 'log'}")
        print("  Ctrl-C stops the site, worker and beat; `make stop` stops PostgreSQL and Redis.\n")
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
        print("A process exited; stopping the others.", file=sys.stderr)
    except KeyboardInterrupt:
        print("\n  Stopping the site, worker and beat...")
    finally:
        stop_processes(processes)
        if catcher is not None:
            catcher.stop()


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    main()
