#!/usr/bin/env python
"""Django's command-line utility."""

import os
import sys

# Commands that run without the database or broker; anything else needs the servers up.
OFFLINE_COMMANDS = {
    "help",
    "version",
    "--help",
    "--version",
    "-h",
    "makemigrations",
    "check",
    "collectstatic",
    "startapp",
    "compilemessages",
    "makemessages",
}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    command = sys.argv[1] if len(sys.argv) > 1 else "help"
    if command not in OFFLINE_COMMANDS:
        from config.embedded import require_running

        require_running()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
