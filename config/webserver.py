"""`make run`'s web server: Django's runserver in a process that dies with the devserver.

Run as `python -m config.webserver ADDR:PORT`. Its autoreloader starts the serving child the same
way (`-m config.webserver`), so that child, too, dies when the watching parent does.
"""

from __future__ import annotations

import os
import sys

from config.lifeline import die_with_parent


def main() -> None:
    die_with_parent()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", "runserver", *sys.argv[1:]])


if __name__ == "__main__":
    main()
