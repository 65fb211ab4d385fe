"""'Did you mean': every word the index has never seen is corrected from its own vocabulary,
whatever the other words found; a word the index holds, even only in a PDF, is left alone."""

import pytest

from tests.factories import PublicationFactory
from tests.search.shelf import api, index, with_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf():
    publications = [
        PublicationFactory(
            title=f"Semiconductor export controls, part {n}",
            abstract="Sanctions on Russia and the chip supply chain.",
        )
        for n in range(5)
    ]
    publications.append(
        with_pages(
            PublicationFactory(title="Offshore wealth", abstract="Hidden money."),
            ["Kleptocracy and its enablers."],
        )
    )
    index(publications)


def test_misspelt_words_beside_known_ones_are_corrected_though_the_query_finds_plenty(
    client, shelf
):
    data = api(client, "q=semicondcutor export contols")

    assert data["count"] >= 5  # "export" alone finds every report
    assert data["suggestion"] == "semiconductor export controls"


def test_two_words_one_misspelt(client, shelf):
    data = api(client, "q=sanctons russia")

    assert data["count"] >= 5
    assert data["suggestion"] == "sanctions russia"


def test_a_word_known_only_from_pdf_text_is_not_corrected(client, shelf):
    data = api(client, "q=kleptocracy sanctons")

    assert data["suggestion"] == "kleptocracy sanctions"


def test_a_query_of_known_words_gets_no_suggestion(client, shelf):
    assert api(client, "q=export controls kleptocracy")["suggestion"] is None
