"""Fixtures shared by the publications tests that serve stored files."""

import pytest

from tests.factories import PublicationFactory
from tests.publications.pages import attach_pdf


@pytest.fixture
def stored(db):
    """A public publication with a real PDF; returns (publication, the PDF's bytes)."""
    publication = PublicationFactory(slug="alliance-report")
    return publication, attach_pdf(publication)
