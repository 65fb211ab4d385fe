"""`make run`: migrate, load the seeds, ensure an admin account, then serve the site with one
Celery worker (both queues) and Celery beat until Ctrl-C."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

from config.embedded import BASE_DIR, VAR_DIR

PYTHON = sys.executable
MANAGE = [PYTHON, str(BASE_DIR / "manage.py")]
SEEDS = BASE_DIR / "seeds" / "publications.jsonl"


def manage(*args: str, check: bool = True) -> int:
    return subprocess.run([*MANAGE, *args], check=check, cwd=BASE_DIR).returncode


def prepare() -> None:
    """Migrate, load the seeds (idempotent) and make sure an admin account exists."""
    manage("migrate", "--noinput", "-v", "0")
    status = manage("import_publications", str(SEEDS), "--quiet", check=False)
    if status not in (0, 1):
        sys.exit(f"Loading the seeds failed (exit {status}).")


def start_processes(port: int) -> list[subprocess.Popen]:
    logs = VAR_DIR / "log"
    logs.mkdir(parents=True, exist_ok=True)
    celery = [PYTHON, "-m", "celery", "-A", "config"]
    worker = [*celery, "worker", "-Q", "extraction,email", "-c", "2", "-l", "INFO"]
    beat = [*celery, "beat", "-l", "INFO", "-s", str(VAR_DIR / "celerybeat-schedule")]
    web = [*MANAGE, "runserver", f"127.0.0.1:{port}"]
    return [
        subprocess.Popen(
            worker, cwd=BASE_DIR, stdout=(logs / "worker.log").open("ab"), stderr=subprocess.STDOUT
        ),
        subprocess.Popen(
            beat, cwd=BASE_DIR, stdout=(logs / "beat.log").open("ab"), stderr=subprocess.STDOUT
        ),
        subprocess.Popen(web, cwd=BASE_DIR),
    ]


def stop_processes(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    port = parser.parse_args().port
    prepare()
    processes = start_processes(port)
    time.sleep(1)
    print(f"\n  Site:   http://127.0.0.1:{port}/")
    manage("ensure_admin", "--url", f"http://127.0.0.1:{port}/admin/")
    print(f"  Logs:   worker and beat in {VAR_DIR / 'log'}")
    print("  Ctrl-C stops the site, worker and beat; `make stop` stops PostgreSQL and Redis.\n")
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
        print("A process exited; stopping the others.", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        stop_processes(processes)


if __name__ == "__main__":
    main()
