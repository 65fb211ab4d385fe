"""The README a new user reads first: its links and its first screen."""

from __future__ import annotations

import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
README = (BASE_DIR / "README.md").read_text()


def test_readme_links_nothing_outside_the_repository():
    # A clone holds only the repository: a path above it is a dead link for every reader.
    targets = re.findall(r"\]\(([^)#\s]+)", README) + re.findall(r"`([^`\s]+\.md)`", README)
    assert targets
    assert not [target for target in targets if target.startswith("../") or "/shared/" in target]


def test_readme_links_the_architecture_document():
    assert "(docs/architecture.md)" in README


def test_readme_first_screen_says_what_it_is_how_to_start_what_you_see_then_shows_it():
    first_screen = README.split("## What `make run` does")[0]
    order = [
        "A Django site for",  # what it is
        "make run    #",  # the two commands
        "make test   #",
        "Site:   http://127.0.0.1:8000/",  # what make run shows
        "Admin:  http://127.0.0.1:8000/admin/",
        "/dev/mail/",  # where email goes
        "## Screenshots",
    ]
    positions = [first_screen.find(text) for text in order]
    assert -1 not in positions, dict(zip(order, positions, strict=True))
    assert positions == sorted(positions)
