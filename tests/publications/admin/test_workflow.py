"""The workflow in the admin: buttons by role, the transition view calling the services, the
history and the "waiting for me" filter."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from publications.models import Status
from publications.workflow import services as workflow
from tests.factories import PublicationFactory
from tests.workflow import editor, publisher

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:publications_publication_changelist"


def change_url(publication) -> str:
    return reverse("admin:publications_publication_change", args=[publication.pk])


def transition_url(publication, action: str) -> str:
    return reverse("admin:publications_publication_transition", args=[publication.pk, action])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def buttons(client, publication) -> list[str]:
    html = client.get(change_url(publication)).content.decode()
    return [
        a
        for a in ("submit", "approve", "send-back", "publish", "withdraw")
        if f'data-action="{a}"' in html
    ]


def test_an_editor_sees_submit_and_a_publisher_the_review_buttons(client):
    publication = PublicationFactory(status=Status.DRAFT)
    client.force_login(editor())
    assert buttons(client, publication) == ["submit"]

    workflow.publication_submit(publication=publication, actor=editor())
    assert buttons(client, publication) == []
    client.force_login(publisher())
    assert buttons(client, publication) == ["approve", "send-back"]


def test_an_editor_posting_publish_is_refused_and_nothing_changes(client):
    publication = PublicationFactory(status=Status.APPROVED)
    client.force_login(editor())

    response = client.post(transition_url(publication, "publish"), follow=True)

    publication.refresh_from_db()
    assert publication.status == Status.APPROVED
    assert messages_of(response) == ["Only a Publisher may “publish now”."]


def test_a_publisher_withdraws_with_the_reason_typed_in_the_panel(client):
    publication = PublicationFactory(status=Status.PUBLISHED, title="Old Numbers")
    client.force_login(publisher())

    refused = client.post(transition_url(publication, "withdraw"), follow=True)
    client.post(transition_url(publication, "withdraw"), {"workflow_comment": "Superseded."})

    publication.refresh_from_db()
    assert messages_of(refused) == ["A reason is required."]
    assert (publication.status, publication.withdrawn_reason) == (Status.WITHDRAWN, "Superseded.")
    html = client.get(change_url(publication)).content.decode()
    assert "Published → Withdrawn" in html
    assert "Superseded." in html


def test_the_release_time_is_read_in_the_staff_members_zone(client):
    publication = PublicationFactory(status=Status.APPROVED)
    client.force_login(publisher())
    client.cookies["tz"] = "Asia/Tokyo"

    client.post(
        transition_url(publication, "schedule"), {"workflow_release_at": "2099-01-15T09:00"}
    )

    publication.refresh_from_db()
    assert publication.status == Status.SCHEDULED
    assert publication.visible_from.isoformat() == "2099-01-15T00:00:00+00:00"


def test_a_get_never_makes_a_transition(client):
    publication = PublicationFactory(status=Status.APPROVED)
    client.force_login(publisher())

    assert client.get(transition_url(publication, "publish")).status_code == 405
    publication.refresh_from_db()
    assert publication.status == Status.APPROVED


def test_waiting_for_me_lists_what_a_publisher_is_asked_to_review(client):
    rosa, otto = publisher("rosa"), publisher("otto")
    mine = PublicationFactory(status=Status.DRAFT, title="For Rosa")
    theirs = PublicationFactory(status=Status.DRAFT, title="For Otto")
    anyone = PublicationFactory(status=Status.DRAFT, title="For Anyone")
    PublicationFactory(status=Status.DRAFT, title="Still a draft")
    workflow.publication_submit(publication=mine, actor=editor(), reviewer=rosa)
    workflow.publication_submit(publication=theirs, actor=editor(), reviewer=otto)
    workflow.publication_submit(publication=anyone, actor=editor())
    client.force_login(rosa)

    response = client.get(reverse(CHANGELIST), {"waiting": "me"})

    shown = {p.title for p in response.context["cl"].result_list}
    assert shown == {"For Rosa", "For Anyone"}
