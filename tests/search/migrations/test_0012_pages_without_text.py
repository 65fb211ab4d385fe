"""Migration 0012: the index stops keeping a copy of the files' text. The page vectors stay as
they were (nothing is tokenised again), and going back regenerates them from the catalogue."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.migrating import migrate, migrate_to_latest

BEFORE = [("publications", "0008_release_at_and_roles"), ("search", "0011_page_file")]
AFTER = [("search", "0012_pages_without_text")]
PAGES = ["Harbour pilots board ships", "Tides and harbour dues"]



def page_columns() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
            ["search_searchpage"],
        )
        return {row[0] for row in cursor.fetchall()}


def page_vectors() -> list[tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT number, vector::text FROM search_searchpage ORDER BY number")
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_the_page_text_copy_goes_and_the_vectors_stay_as_they_were():
    old = migrate(BEFORE)
    Publication = old.get_model("publications", "Publication")
    publication = Publication.objects.create(title="Harbours", slug="harbours")
    PublicationPage = old.get_model("publications", "PublicationPage")
    PublicationPage.objects.bulk_create(
        PublicationPage(publication=publication, number=number, text=text)
        for number, text in enumerate(PAGES, start=1)
    )
    old.get_model("search", "SearchDocument").objects.create(
        publication_id=publication.pk, title="Harbours",
        publication_date=publication.publication_date,
    )  # fmt: skip
    for number, text in enumerate(PAGES, start=1):
        old.get_model("search", "SearchPage").objects.create(
            document_id=publication.pk, number=number, text=text
        )
    generated = page_vectors()

    try:
        migrate(AFTER)
        assert "text" not in page_columns()
        assert page_vectors() == generated

        migrate(BEFORE)  # back: the copy filled from the catalogue, the vectors generated again
        assert "text" in page_columns()
        assert page_vectors() == generated
        with connection.cursor() as cursor:
            cursor.execute("SELECT text FROM search_searchpage ORDER BY number")
            assert [row[0] for row in cursor.fetchall()] == PAGES
    finally:
        migrate_to_latest()
