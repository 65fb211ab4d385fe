"""The apps keep to their rooms (docs/architecture.md, "Import rules"): every import in every
module of an app, function-level ones included, and every string naming a task, checked with ast."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("core", "publications", "search", "newsletter", "config")

# What each app may import of the others: a package name allows it and its submodules.
ALLOWED: dict[str, tuple[str, ...]] = {
    "core": (),
    "publications": ("core",),
    "search": ("core", "publications"),
    # Reads the catalogue's models and selectors, and hears its signals.
    "newsletter": (
        "core",
        "publications.models",
        "publications.selectors",
        "publications.signals",
    ),
}
TASK_NAME = re.compile(r"\b(core|publications|search|newsletter)\.tasks\.\w+")


def imports(tree: ast.AST, module: str) -> list[tuple[int, str, list[str]]]:
    """Every import at any depth (function-level ones too): its line, the module it names, and
    for `from x import y` the names x.y (a y may be a submodule)."""
    found = []
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolved against this module's package
                parent = package.rsplit(".", node.level - 1)[0]
                base = f"{parent}.{base}" if base else parent
            found.append((node.lineno, base, [f"{base}.{alias.name}" for alias in node.names]))
    return found


def violations(source: str, *, app: str, module: str) -> list[str]:
    """What this module's source does that the rules forbid for its app."""
    tree = ast.parse(source)

    def allowed(name: str) -> bool:
        top = name.split(".")[0]
        if top not in APPS or top == app:
            return True
        return any(name == ok or name.startswith(f"{ok}.") for ok in ALLOWED[app])

    found = []
    for line, name, members in imports(tree, module):
        if allowed(name) or (members and all(allowed(member) for member in members)):
            continue
        # `from publications import services` names publications.services, not the package.
        shown = next((m for m in members if not allowed(m)), name) if "." not in name else name
        found.append(f"{module}:{line} imports {shown}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            for match in TASK_NAME.finditer(node.value):
                if match.group(1) != app:
                    found.append(f"{module}:{node.lineno} names the task {match.group(0)}")
    return found


def app_modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        relative = path.relative_to(ROOT).with_suffix("")
        yield path, ".".join(relative.parts)


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_the_app_imports_only_what_the_rules_allow(app):
    found = []
    for path, module in app_modules(app):
        found += violations(path.read_text(), app=app, module=module)
    assert found == []


@pytest.mark.parametrize(
    ("app", "source", "expected"),
    [
        ("publications", "from search.index.writes import Batched", "imports search.index.writes"),
        ("publications", "def f():\n    if x:\n        import newsletter.tasks", "newsletter"),
        ("publications", "from config.celery import app", "imports config.celery"),
        ("publications", "NAME = 'newsletter.tasks.announce_new_publications'", "names the task"),
        ("newsletter", "from publications.services import publication_save", "publications"),
        ("newsletter", "from publications import services", "imports publications.services"),
        ("newsletter", "from search import engine", "imports search"),
        ("newsletter", "from core.ratelimit import x\nfrom config import ratelimit", "config"),
        ("search", "def ready():\n    from newsletter import receivers", "newsletter"),
        ("core", "from publications.models import Publication", "publications.models"),
    ],
)
def test_the_checker_catches_a_violation(app, source, expected):
    found = violations(source, app=app, module=f"{app}.example")
    assert len(found) == 1
    assert expected in found[0]


@pytest.mark.parametrize(
    ("app", "source"),
    [
        ("newsletter", "from publications import signals"),
        ("newsletter", "from publications.models import Publication"),
        ("search", "from publications import filters\nimport publications.models"),
        ("publications", "from core.queueing import task\nX = 'publications.tasks.extract_pdf'"),
        ("publications", "from . import queue\nfrom .models import Publication"),
    ],
)
def test_the_checker_lets_allowed_imports_through(app, source):
    assert violations(source, app=app, module=f"{app}.example") == []
