"""`make serve`: the production path. Report the deployment checks, collect the static files
(hashed names, compressed), apply migrations, then become gunicorn (config/gunicorn.py), so a
process manager's signals reach it directly."""

from __future__ import annotations

import os
import subprocess
import sys

from config.embedded import BASE_DIR

PYTHON = sys.executable
MANAGE = [PYTHON, str(BASE_DIR / "manage.py")]
GUNICORN = [PYTHON, "-m", "gunicorn", "-c", "python:config.gunicorn"]


def prepare() -> None:
    """The steps before serving; any failure stops here with its own message."""
    steps = [
        ["check", "--deploy"],  # warnings are shown, not fatal: `make serve` also runs locally
        ["collectstatic", "--noinput", "-v", "0"],
        ["migrate", "--noinput", "-v", "0"],
    ]
    for step in steps:
        status = subprocess.run([*MANAGE, *step], cwd=BASE_DIR, check=False).returncode
        if status:
            sys.exit(status)


def main() -> None:
    prepare()
    os.chdir(BASE_DIR)
    os.execv(PYTHON, GUNICORN)  # noqa: S606 - a fixed argument list, no shell involved


if __name__ == "__main__":
    main()
