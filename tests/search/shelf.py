"""A small indexed catalogue for the search page and API tests, and helpers to read answers."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from publications.models import Author, Publication, PublicationPage, PublicationType, Topic
from search.index.writes import index_publications
from tests.factories import AuthorFactory, PublicationFactory, PublicationFileFactory, TopicFactory
from tests.publications.pages import tags

# PostgreSQL's headline parser drops what it reads as tags (<script>, <img ...>) but passes the
# rest through as text, so escaping is what keeps `"><svg/onload=...>` and `1 < 2 & 3` inert.
HOSTILE = (
    '<script>alert(1)</script> <img src=x onerror="alert(2)"> "><svg/onload=alert(3)> 1 < 2 & 3'
)
TAG = re.compile(r"<[^>]*>")


@dataclass
class Shelf:
    trade: Topic
    energy: Topic
    ana: Author
    bo: Author
    trade_by_ana: Publication
    energy_by_bo: Publication
    both: Publication
    energy_by_ana: Publication


def make_shelf() -> Shelf:
    """Four publications: three mention tariffs; two topics, two authors, three types, three
    years; "Both by both" carries both topics and both authors."""
    trade, energy = TopicFactory(name="Trade"), TopicFactory(name="Energy")
    ana, bo = AuthorFactory(name="Ana Ruiz"), AuthorFactory(name="Bo Chen")
    shelf = Shelf(
        trade=trade,
        energy=energy,
        ana=ana,
        bo=bo,
        trade_by_ana=PublicationFactory(
            title="Trade by Ana",
            abstract="Tariffs and ports in the Atlantic economy.",
            topics=[trade],
            authors=[ana],
            type=PublicationType.REPORT,
            publication_date=datetime.date(2022, 3, 1),
        ),
        energy_by_bo=PublicationFactory(
            title="Energy by Bo",
            abstract="Pipelines, tariffs and the gas market.",
            topics=[energy],
            authors=[bo],
            type=PublicationType.ISSUE_BRIEF,
            publication_date=datetime.date(2023, 3, 1),
        ),
        both=PublicationFactory(
            title="Both by both",
            abstract="How tariffs on energy equipment change supply chains.",
            topics=[trade, energy],
            authors=[ana, bo],
            type=PublicationType.REPORT,
            publication_date=datetime.date(2024, 3, 1),
        ),
        energy_by_ana=PublicationFactory(
            title="Energy by Ana",
            abstract="The electricity grid after coal.",
            topics=[energy],
            authors=[ana],
            type=PublicationType.COMMENTARY,
            publication_date=datetime.date(2024, 6, 1),
        ),
    )
    index(Publication.objects.all())
    return shelf


def index(publications) -> None:
    index_publications([publication.pk for publication in publications])


def with_pages(publication: Publication, pages: list[str], *, pdf: bool = True) -> Publication:
    """Give the publication extracted page text (page 1 first), as extraction would, of its first
    PDF (made when it has none); with pdf=False, an import's plain text."""
    file = (
        (publication.first_pdf or PublicationFileFactory(publication=publication)) if pdf else None
    )
    PublicationPage.objects.bulk_create(
        PublicationPage(publication=publication, file=file, number=number, text=text)
        for number, text in enumerate(pages, start=1)
    )
    return publication


def api(client, query: str = "", status: int = 200) -> dict:
    response = client.get(f"/api/search?{query}")
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def slugs(data: dict) -> list[str]:
    return [result["slug"] for result in data["results"]]


def result_titles(response) -> list[str]:
    return [result.publication.title for result in response.context["outcome"].results]


def tags_in(html: str) -> set[str]:
    return set(TAG.findall(html))


def page(client, query: str = ""):
    response = client.get(f"/search/?{query}")
    assert response.status_code == 200
    return response, response.content.decode()


def links(html: str) -> list[str]:
    return [attrs.get("href", "") for attrs in tags(html, "a")]


def params_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)
