"""Who hears of a transition, by email after it commits."""

from __future__ import annotations

import pytest
from django.core import mail

from publications import queue
from publications.models import Status
from publications.workflow import notifications
from publications.workflow import services as workflow
from tests.factories import PublicationFactory
from tests.workflow import editor, publisher

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """The transitions whose emails were queued, sent here as a worker would."""
    ids: list[int] = []
    monkeypatch.setattr(queue, "send_transition_emails", ids.append)
    return ids


def send(ids: list[int]) -> None:
    for transition_id in ids:
        notifications.transition_notify(transition_id=transition_id)


def test_a_named_reviewer_is_emailed_after_commit(queued, django_capture_on_commit_callbacks):
    reviewer = publisher("rosa")
    publisher("otto")
    publication = PublicationFactory(status=Status.DRAFT, title="On Tariffs")

    with django_capture_on_commit_callbacks(execute=True):
        workflow.publication_submit(publication=publication, actor=editor(), reviewer=reviewer)
    send(queued)

    assert [m.to for m in mail.outbox] == [["rosa@example.org"]]
    assert mail.outbox[0].subject == "Review requested: On Tariffs"
    assert "/admin/publications/publication/" in mail.outbox[0].body


def test_without_a_reviewer_every_publisher_is_emailed(queued, django_capture_on_commit_callbacks):
    publisher("rosa"), publisher("otto")

    with django_capture_on_commit_callbacks(execute=True):
        workflow.publication_submit(publication=PublicationFactory(status="draft"), actor=editor())
    send(queued)

    assert sorted(m.to[0] for m in mail.outbox) == ["otto@example.org", "rosa@example.org"]


def test_the_submitter_hears_when_it_is_sent_back_and_when_published(
    queued, django_capture_on_commit_callbacks
):
    publication = PublicationFactory(status=Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publication_submit(publication=publication, actor=editor("ed"))
        workflow.publication_send_back(publication=publication, actor=publisher(), comment="Fix.")
        workflow.publication_submit(publication=publication, actor=editor("ed"))
        workflow.publication_approve(publication=publication, actor=publisher())
        workflow.publication_publish(publication=publication, actor=publisher())
    mail.outbox.clear()
    send(queued)

    to_editor = [m for m in mail.outbox if m.to == ["ed@example.org"]]
    assert [m.subject.split(":")[0] for m in to_editor] == ["Sent back to draft", "Published"]
    assert "Fix." in to_editor[0].body
