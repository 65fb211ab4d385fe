"""The import and the workflow: the six states, release date-times, withdrawals, and a row that
names no state keeping the publication's."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from publications.models import Publication, Status
from publications.workflow.history import PublicationTransition
from tests.factories import PublicationFactory
from tests.publications.test_import import folder, row, run_import, write_jsonl

__all__ = ["folder"]  # the fixture, used by name
pytestmark = pytest.mark.django_db


def imported(folder, *rows: dict) -> Publication:
    result = run_import(write_jsonl(folder / "rows.jsonl", list(rows)))
    assert result.code == 0, result.out + result.err
    return Publication.objects.get(slug=rows[-1]["slug"])


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.APPROVED])
def test_unreleased_states_are_stored_as_given_and_not_visible(folder, status):
    publication = imported(folder, row(status=status))

    assert (publication.status, publication.visible_from) == (status, None)


def test_a_date_time_with_an_offset_is_the_release_time(folder, settings):
    settings.TIME_ZONE = "Europe/Paris"
    publication = imported(folder, row(published="2099-01-15T09:00:00-05:00"))

    expected = datetime.datetime(2099, 1, 15, 14, tzinfo=datetime.UTC)
    assert (publication.status, publication.visible_from) == (Status.SCHEDULED, expected)
    assert publication.publication_date == datetime.date(2099, 1, 15)


def test_a_date_alone_is_the_start_of_that_day_in_the_site_zone(folder, settings):
    settings.TIME_ZONE = "Pacific/Auckland"
    publication = imported(folder, row(published="2024-12-09", status="scheduled"))

    midnight = datetime.datetime(2024, 12, 9, tzinfo=timezone.get_default_timezone())
    assert (publication.status, publication.visible_from) == (Status.PUBLISHED, midnight)


@pytest.mark.parametrize("value", ["2027-01-15T09:00:00", "2027-01-15 09:00-05:00", "soon"])
def test_a_date_time_without_an_offset_is_refused(folder, value):
    result = run_import(write_jsonl(folder / "rows.jsonl", [row(published=value)]))

    assert result.code == 1
    assert "date-time with an offset" in result.out + result.err


def test_withdrawn_needs_its_reason(folder):
    result = run_import(write_jsonl(folder / "rows.jsonl", [row(status="withdrawn")]))

    assert result.code == 1
    assert "withdrawn_reason: required" in result.out + result.err


def test_a_withdrawn_row_is_withdrawn_with_its_reason_and_history(folder):
    PublicationFactory(slug="a-report")

    publication = imported(folder, row(status="withdrawn", withdrawn_reason="Superseded."))

    assert (publication.status, publication.visible_from) == (Status.WITHDRAWN, None)
    assert (publication.withdrawn_reason, publication.announce) == ("Superseded.", False)
    transition = PublicationTransition.objects.get(publication=publication)
    assert (transition.from_status, transition.to_status) == (Status.PUBLISHED, Status.WITHDRAWN)
    assert (transition.actor, transition.actor_label) == (None, "import")


def test_a_row_naming_no_state_keeps_a_withdrawn_publication_withdrawn(folder):
    PublicationFactory(slug="a-report", status=Status.WITHDRAWN, withdrawn_reason="Wrong.")

    publication = imported(folder, row(title="Retitled"))

    assert (publication.title, publication.status) == ("Retitled", Status.WITHDRAWN)
    assert publication.visible_from is None


def test_a_new_row_naming_no_state_is_published(folder):
    assert imported(folder, row()).status == Status.PUBLISHED
