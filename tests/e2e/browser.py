"""What the browser journeys check on a page: accessibility (axe-core), fit at a phone's width,
and screenshots kept as test artifacts."""

from __future__ import annotations

import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

BASE_DIR = Path(__file__).resolve().parents[2]
SCREENSHOTS = BASE_DIR / "var" / "artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package (apt install chromium)
TIMEOUT_MS = 15_000  # any one browser action or expectation
PHONE = {"width": 375, "height": 812}
BLOCKING_IMPACTS = {"serious", "critical"}

_axe = Axe()


def accessibility_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    results = _axe.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def assert_accessible(page) -> None:
    violations = accessibility_violations(page)
    assert not violations, f"{page.url}:\n" + "\n".join(violations)


def layout_problems(page, selectors: list[str]) -> list[str]:
    """What breaks the page at its viewport's width: a horizontal scroll, or a key control that
    is hidden or sticks out of the viewport."""
    width = page.viewport_size["width"]
    problems = []
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        wide = page.evaluate(WIDEST_ELEMENTS, width)
        problems.append(f"scrolls sideways ({scroll_width}px > {width}px): {wide}")
    for selector in selectors:
        control = page.locator(selector).first
        if not control.is_visible():
            problems.append(f"{selector} is not visible")
            continue
        box = control.bounding_box()
        if box["x"] < 0 or box["x"] + box["width"] > width + 0.5:
            problems.append(f"{selector} sticks out of the viewport: {box}")
    return problems


# The elements that reach past the right edge, to say what to fix.
WIDEST_ELEMENTS = """(width) => Array.from(document.querySelectorAll("body *"))
  .filter((el) => el.getBoundingClientRect().right > width + 0.5)
  .slice(0, 5)
  .map((el) => el.tagName.toLowerCase() + "." + String(el.className).split(" ")[0])
"""


def admin_log_in(page, username: str, password: str) -> None:
    """Through the admin's login form, as staff do (django-axes watches this form)."""
    page.goto("/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.get_by_role("heading", name="Site administration").wait_for()


class Screenshots:
    """Numbered full-page screenshots of one test, in var/artifacts/screenshots/<test>/."""

    def __init__(self, test_name: str):
        self.folder = SCREENSHOTS / re.sub(r"[^A-Za-z0-9_.-]+", "-", test_name)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.count = 0

    def __call__(self, page, name: str, *, full_page: bool = True) -> Path:
        path = self._next(name)
        page.screenshot(path=path, full_page=full_page)
        return path

    def element(self, locator, name: str) -> Path:
        path = self._next(name)
        locator.screenshot(path=path)
        return path

    def _next(self, name: str) -> Path:
        self.count += 1
        return self.folder / f"{self.count:02d}-{name}.png"


def publish_with_the_workflow_buttons(page) -> None:
    """On a publication's change form, as a superuser: submit, approve and publish it with the
    workflow panel's buttons (the status is no form field), each answered by a success message."""
    from playwright.sync_api import expect

    for action in ("submit", "approve", "publish"):
        page.click(f"button[data-action={action}]")
        expect(page.locator(".messagelist .success").last).to_contain_text("is now")
