"""The benchmarks' corpus loader writes the catalogue's tables with COPY, column by column: a
column added to a model without a database default breaks it, and only a benchmark run (an hour
at 100,000) would tell. A few rows loaded here tell at once."""

import pytest

from benchmarks.corpus import Shape, Vocabulary, load
from publications.models import Publication, PublicationPage

pytestmark = pytest.mark.django_db


def test_the_corpus_loads_published_publications_with_their_pages():
    shape = Shape(publications=12, pages=2, words_per_page=20, topics=3, authors=5)

    load(shape, Vocabulary(500), progress=lambda message: None)

    assert Publication.objects.published().count() == 12
    assert PublicationPage.objects.filter(file=None).count() == 24
    publication = Publication.objects.get(slug="pub-0")
    assert publication.visible_from == publication.release_at
    assert publication.authorships.exists()
