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
