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
    check_settings()
    command = sys.argv[1] if len(sys.argv) > 1 else "help"
    if command not in OFFLINE_COMMANDS:
        from config.embedded import require_running

        require_running()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


def check_settings() -> None:
    """Load the settings first, so a configuration mistake reads as one line, not a traceback."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 - the attribute access imports the settings
    except ImproperlyConfigured as exc:
        sys.exit(f"Configuration error: {exc}")


if __name__ == "__main__":
    main()
