"""The editorial workflow in a real browser: an editor writes and submits to a reviewer, the
publisher finds it waiting, approves it with a release time a minute or two ahead, and it
appears by itself at that time; beat then marks it published and the history says so."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from publications.models import Publication, Status
from publications.workflow.history import PublicationTransition
from tests.e2e.browser import admin_log_in
from tests.helpers import wait_for_http
from tests.servers import wait_until
from tests.workflow import editor, publisher

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(420),
]


@pytest.fixture(scope="module")
def site(fresh_site):
    """A runserver of this module's own (see fresh_site): it writes in the admin."""
    return fresh_site


PASSWORD = "correct horse battery staple 42"
TITLE = "Ports, Tariffs and the Next Shock"


def log_in(page, username: str) -> None:
    page.context.clear_cookies()
    admin_log_in(page, username, PASSWORD)
    expect(page.locator("#user-tools")).to_contain_text(username)


def release_minute(page) -> tuple[str, datetime.datetime]:
    """The start of the minute after next in the browser's zone, as a datetime-local value (what
    the staff member types), and the instant it names (from the browser, which knows its zone)."""
    value, iso = page.evaluate(
        """() => {
            const d = new Date(Date.now() + 120000);
            d.setSeconds(0, 0);
            const pad = (n) => String(n).padStart(2, "0");
            const local = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
                `T${pad(d.getHours())}:${pad(d.getMinutes())}`;
            return [local, d.toISOString()];
        }"""
    )
    return value, datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))


def test_an_editor_submits_a_publisher_schedules_and_it_appears_at_its_time(page, site, screenshot):
    for user in (editor("eddie"), publisher("pat")):
        user.set_password(PASSWORD)
        user.save()

    # The editor writes a draft and submits it to Pat.
    log_in(page, "eddie")
    page.goto("/admin/publications/publication/add/")
    page.locator("#id_title").press_sequentially(TITLE)
    page.fill("#id_abstract", "Where the next supply shock will land first.")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator("button[data-action=approve]")).to_have_count(0)  # not an editor's
    page.select_option("#id_workflow_reviewer", label="pat")
    page.fill("#id_workflow_comment", "Ready for a look.")
    page.click("button[data-action=submit]")
    expect(page.locator(".messagelist .success")).to_contain_text("is now in review")
    publication = Publication.objects.get(title=TITLE)
    assert (publication.status, publication.reviewer.username) == (Status.IN_REVIEW, "pat")

    # The publisher finds it waiting for them and approves it with a release time.
    log_in(page, "pat")
    page.goto("/admin/publications/publication/?waiting=me")
    page.get_by_role("link", name=TITLE).click()
    value, release = release_minute(page)
    page.fill("#id_workflow_release_at", value)
    screenshot(page, "admin-workflow-approve")
    page.click("button[data-action=approve]")
    expect(page.locator(".messagelist .success")).to_contain_text("is now scheduled")
    publication.refresh_from_db()
    assert (publication.status, publication.visible_from) == (Status.SCHEDULED, release)

    # Readers see nothing until its time, then the page, with no write.
    public_url = f"{site.url}/publications/{publication.slug}/"
    assert wait_for_http(public_url)[0] == 404
    wait_until(lambda: timezone.now() >= release, timeout=200, interval=1)
    status, html = wait_for_http(public_url)
    assert status == 200
    assert TITLE in html

    # Beat (every 60 s) marks it published, by the schedule.
    wait_until(
        lambda: Publication.objects.get(pk=publication.pk).status == Status.PUBLISHED,
        timeout=120,
        interval=1,
    )
    last = PublicationTransition.objects.filter(publication=publication).first()
    assert (last.to_status, last.actor_label) == (Status.PUBLISHED, "schedule")
    page.reload()
    expect(page.locator(".workflow-history")).to_contain_text("schedule: Scheduled → Published")
    screenshot(page, "admin-workflow-history")
