"""Each transition, each refusal, the history they leave and the release by the clock."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from publications.models import Publication, Status
from publications.workflow import services as workflow
from publications.workflow.history import PublicationTransition
from publications.workflow.services import TransitionRefused
from tests.factories import PublicationFactory
from tests.workflow import editor, publisher

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def history(publication: Publication) -> list[tuple[str, str, str, str]]:
    rows = PublicationTransition.objects.filter(publication=publication).order_by("created_at")
    return [(r.from_status, r.to_status, r.actor_label, r.comment) for r in rows]


def draft(**fields) -> Publication:
    return PublicationFactory(status=Status.DRAFT, **fields)


def test_an_editor_submits_and_a_publisher_approves_and_publishes():
    publication = draft()

    workflow.publication_submit(publication=publication, actor=editor(), comment="Ready.")
    workflow.publication_approve(publication=publication, actor=publisher())
    workflow.publication_publish(publication=publication, actor=publisher())

    publication.refresh_from_db()
    assert publication.status == Status.PUBLISHED
    assert publication.is_public
    assert publication.first_published_at is not None
    assert history(publication) == [
        (Status.DRAFT, Status.IN_REVIEW, "editor", "Ready."),
        (Status.IN_REVIEW, Status.APPROVED, "publisher", ""),
        (Status.APPROVED, Status.PUBLISHED, "publisher", ""),
    ]


def test_an_editor_cannot_approve_or_publish():
    publication = draft()
    workflow.publication_submit(publication=publication, actor=editor())

    with pytest.raises(TransitionRefused, match="Only a Publisher"):
        workflow.publication_approve(publication=publication, actor=editor())
    Publication.objects.filter(pk=publication.pk).update(status=Status.APPROVED)
    with pytest.raises(TransitionRefused, match="Only a Publisher"):
        workflow.publication_publish(publication=publication, actor=editor())

    assert Publication.objects.get(pk=publication.pk).status == Status.APPROVED


def test_a_publisher_cannot_approve_what_was_never_submitted():
    publication = draft()

    with pytest.raises(TransitionRefused, match="not possible for a publication that is draft"):
        workflow.publication_approve(publication=publication, actor=publisher())
    with pytest.raises(TransitionRefused):
        workflow.publication_publish(publication=publication, actor=publisher())

    assert Publication.objects.get(pk=publication.pk).status == Status.DRAFT
    assert history(publication) == []


def test_sending_back_needs_a_comment_and_returns_to_draft():
    publication = draft()
    workflow.publication_submit(publication=publication, actor=editor())

    with pytest.raises(TransitionRefused, match="Say why"):
        workflow.publication_send_back(publication=publication, actor=publisher(), comment=" ")
    workflow.publication_send_back(publication=publication, actor=publisher(), comment="Cite it.")

    assert Publication.objects.get(pk=publication.pk).status == Status.DRAFT
    assert history(publication)[-1] == (Status.IN_REVIEW, Status.DRAFT, "publisher", "Cite it.")


def test_a_named_reviewer_alone_reviews_it():
    reviewer, other = publisher("rosa"), publisher("otto")
    publication = draft()
    workflow.publication_submit(publication=publication, actor=editor(), reviewer=reviewer)

    with pytest.raises(TransitionRefused, match="another reviewer"):
        workflow.publication_approve(publication=publication, actor=other)
    workflow.publication_approve(publication=publication, actor=reviewer)

    publication.refresh_from_db()
    assert (publication.status, publication.reviewer) == (Status.APPROVED, None)


def test_only_a_publisher_can_be_named_reviewer():
    with pytest.raises(TransitionRefused, match="not a Publisher"):
        workflow.publication_submit(publication=draft(), actor=editor(), reviewer=editor("ed2"))


def test_withdrawal_needs_a_reason_and_reinstating_keeps_the_release():
    publication = PublicationFactory(status=Status.PUBLISHED, announce=True)
    released = publication.visible_from

    with pytest.raises(TransitionRefused, match="reason is required"):
        workflow.publication_withdraw(publication=publication, actor=publisher(), reason="")
    workflow.publication_withdraw(publication=publication, actor=publisher(), reason="Errors.")
    publication.refresh_from_db()
    assert (publication.status, publication.visible_from) == (Status.WITHDRAWN, None)
    assert (publication.withdrawn_reason, publication.announce) == ("Errors.", False)

    workflow.publication_reinstate(publication=publication, actor=publisher())
    publication.refresh_from_db()
    assert (publication.status, publication.visible_from) == (Status.PUBLISHED, released)
    assert publication.withdrawn_reason == ""


def test_an_editor_cannot_withdraw():
    publication = PublicationFactory(status=Status.PUBLISHED)

    with pytest.raises(TransitionRefused, match="Only a Publisher"):
        workflow.publication_withdraw(publication=publication, actor=editor(), reason="No.")


def test_scheduling_needs_a_time_ahead_and_sets_the_date_shown(settings):
    settings.TIME_ZONE = "America/New_York"
    publication = PublicationFactory(status=Status.APPROVED)
    release = timezone.now() + 48 * HOUR

    with pytest.raises(TransitionRefused, match="must lie ahead"):
        workflow.publication_schedule(
            publication=publication, actor=publisher(), release_at=timezone.now() - HOUR
        )
    workflow.publication_schedule(publication=publication, actor=publisher(), release_at=release)

    publication.refresh_from_db()
    assert (publication.status, publication.visible_from) == (Status.SCHEDULED, release)
    assert publication.publication_date == timezone.localdate(
        release, timezone.get_default_timezone()
    )
    assert not publication.is_public


def test_approving_with_a_release_time_schedules_it():
    publication = draft()
    workflow.publication_submit(publication=publication, actor=editor())
    release = timezone.now() + HOUR

    workflow.publication_approve(publication=publication, actor=publisher(), release_at=release)

    publication.refresh_from_db()
    assert (publication.status, publication.visible_from) == (Status.SCHEDULED, release)
    assert [row[1] for row in history(publication)] == [
        Status.IN_REVIEW,
        Status.APPROVED,
        Status.SCHEDULED,
    ]


def test_unscheduling_returns_to_approved_and_hides_it():
    publication = PublicationFactory(status=Status.APPROVED)
    workflow.publication_schedule(
        publication=publication, actor=publisher(), release_at=timezone.now() + HOUR
    )

    workflow.publication_unschedule(publication=publication, actor=publisher())

    publication.refresh_from_db()
    assert (publication.status, publication.visible_from) == (Status.APPROVED, None)


def test_the_clock_releases_due_items_once_within_the_minute(monkeypatch):
    publication = PublicationFactory(status=Status.APPROVED)
    release = timezone.now() + datetime.timedelta(minutes=5)
    workflow.publication_schedule(publication=publication, actor=publisher(), release_at=release)

    assert workflow.publications_release_due() == 0  # not yet
    monkeypatch.setattr(timezone, "now", lambda: release + datetime.timedelta(seconds=30))
    assert workflow.publications_release_due() == 1
    assert workflow.publications_release_due() == 0  # a second beat finds nothing to do

    publication.refresh_from_db()
    assert publication.status == Status.PUBLISHED
    assert publication.first_published_at == release + datetime.timedelta(seconds=30)
    assert history(publication)[-1] == (Status.SCHEDULED, Status.PUBLISHED, "schedule", "")


def test_a_deleted_actor_keeps_their_name_in_the_history():
    publication = draft()
    workflow.publication_submit(publication=publication, actor=editor("leaving"))

    get_user_model().objects.filter(username="leaving").delete()

    assert history(publication) == [(Status.DRAFT, Status.IN_REVIEW, "leaving", "")]
