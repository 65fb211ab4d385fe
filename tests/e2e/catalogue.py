"""A small catalogue for the reader's journeys, its PDF text extracted by the site's own worker."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from publications.extraction.services import extraction_request
from publications.models import Author, Extraction, ExtractionStatus, Publication, Topic
from search.index.writes import index_publication
from tests.factories import AuthorFactory, PublicationFactory, TopicFactory
from tests.pdfs import make_pdf
from tests.servers import wait_until

# Words on page 3 only: not in the title, the abstract or another page.
PHRASE = "osmosis membranes"
PAGES = [
    "Water policy in coastal cities: an overview of supply and demand.",
    "Methods: interviews with utility managers and a survey of water tariffs.",
    "Findings: reverse osmosis membranes cut the energy cost of fresh water by a third.",
]
TITLE = "Desalination and the Thirsty City"


@dataclass
class Catalogue:
    publication: Publication  # two authors, two topics, a three-page PDF
    other: Publication  # another topic, another author
    pdf: bytes
    water: Topic
    trade: Topic
    first_author: Author
    second_author: Author


def catalogue_make(with_pdf) -> Catalogue:
    water = TopicFactory(name="Water Security", slug="water-security")
    cities = TopicFactory(name="Urban Infrastructure", slug="urban-infrastructure")
    trade = TopicFactory(name="Trade", slug="trade")
    second = AuthorFactory(name="Daniel Abrams", slug="daniel-abrams")
    first = AuthorFactory(name="Ruth Okafor", slug="ruth-okafor")
    pdf = make_pdf(PAGES)
    publication = with_pdf(
        pdf,
        title=TITLE,
        slug="desalination-thirsty-city",
        abstract="How coastal cities can pay for fresh water from the sea, and who should.",
        publication_date=datetime.date(2025, 3, 14),
        authors=[first, second],
        topics=[water, cities],
    )
    other = PublicationFactory(
        title="Tariffs and the Port Economy",
        slug="tariffs-port-economy",
        abstract="What a decade of tariffs did to three container ports.",
        publication_date=datetime.date(2025, 2, 3),
        authors=[AuthorFactory(name="Lena Varga", slug="lena-varga")],
        topics=[trade],
    )
    extract_and_wait([publication])
    index_publication(other.pk)  # no PDF: indexed as saving it in the admin would
    return Catalogue(publication, other, pdf, water, trade, first, second)


def extract_and_wait(publications: list[Publication], timeout: float = 60) -> None:
    """Queue extraction as saving in the admin does; the site's worker does it."""
    for publication in publications:
        extraction_request(file=publication.first_pdf)
    ids = [publication.pk for publication in publications]
    wait_until(
        lambda: (
            Extraction.objects.filter(publication__in=ids, status=ExtractionStatus.DONE).count()
            == len(ids)
        ),
        timeout=timeout,
        message=f"extraction not done: {list(Extraction.objects.values('status', 'reason'))}",
    )
