"""Machine-readable descriptions of a publication page: Google Scholar (Highwire) meta tags,
Open Graph tags and schema.org JSON-LD. Values are plain strings; templates escape them."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.text import Truncator

from publications.citations import REPORT_TYPES, Publisher, full_title
from publications.models import Publication, PublicationType

DESCRIPTION_WORDS = 60


def pdf_url(publication: Publication, publisher: Publisher) -> str:
    return publisher.url + reverse("publications:pdf", args=[publication.slug])


def page_url(publication: Publication, publisher: Publisher) -> str:
    return publisher.url + publication.get_absolute_url()


def description(publication: Publication) -> str:
    return Truncator(" ".join(publication.abstract.split())).words(DESCRIPTION_WORDS)


def scholar_meta(publication: Publication, publisher: Publisher) -> list[tuple[str, str]]:
    """Highwire Press tags as Google Scholar's inclusion guidelines ask: one citation_author per
    author in byline order, the date as YYYY/MM/DD, absolute URLs."""
    tags = [("citation_title", full_title(publication))]
    tags += [("citation_author", author.name) for author in publication.ordered_authors]
    tags.append(("citation_publication_date", f"{publication.publication_date:%Y/%m/%d}"))
    if publication.type in REPORT_TYPES:
        tags.append(("citation_technical_report_institution", publisher.name))
    else:
        tags.append(("citation_publisher", publisher.name))
    if publication.doi:
        tags.append(("citation_doi", publication.doi))
    tags.append(("citation_abstract_html_url", page_url(publication, publisher)))
    if publication.first_pdf:
        tags.append(("citation_pdf_url", pdf_url(publication, publisher)))
    return tags


def open_graph(publication: Publication, publisher: Publisher) -> list[tuple[str, str]]:
    date = publication.publication_date.isoformat()
    tags = [
        ("og:type", "article"),
        ("og:site_name", publisher.name),
        ("og:title", full_title(publication)),
        ("og:description", description(publication)),
        ("og:url", page_url(publication, publisher)),
        ("article:published_time", date),
    ]
    if publication.corrected_on:
        tags.append(("article:modified_time", publication.corrected_on.isoformat()))
    if publication.cover_image:
        cover = reverse("publications:cover", args=[publication.slug])
        tags.append(("og:image", publisher.url + cover))
    tags += [
        ("article:author", publisher.url + author.get_absolute_url())
        for author in publication.ordered_authors
    ]
    tags += [("article:tag", topic.name) for topic in publication.topics.all()]
    return tags


def json_ld(publication: Publication, publisher: Publisher) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": _schema_type(publication),
        "headline": full_title(publication)[:110],  # Google truncates longer headlines
        "name": full_title(publication),
        "url": page_url(publication, publisher),
        "datePublished": publication.publication_date.isoformat(),
        # The correction's date: a citation manager's "last modified".
        "dateModified": (publication.corrected_on or publication.publication_date).isoformat(),
        "author": [
            {"@type": "Person", "name": a.name, "url": publisher.url + a.get_absolute_url()}
            for a in publication.ordered_authors
        ],
        "publisher": {"@type": "Organization", "name": publisher.name, "url": publisher.url},
        "about": [topic.name for topic in publication.topics.all()],
        "abstract": publication.abstract,
        "inLanguage": "en",
    }
    if publication.doi:
        data["identifier"] = f"https://doi.org/{publication.doi}"
    if publication.series:
        data["isPartOf"] = {"@type": "CreativeWorkSeries", "name": publication.series.name}
    first_pdf = publication.first_pdf
    if first_pdf:
        data["encoding"] = {
            "@type": "MediaObject",
            "contentUrl": pdf_url(publication, publisher),
            "encodingFormat": "application/pdf",
        }
        if first_pdf.page_count:
            data["numberOfPages"] = first_pdf.page_count
    return data


def _schema_type(publication: Publication) -> str:
    if publication.type in REPORT_TYPES:
        return "Report"
    if publication.type == PublicationType.BOOK:
        return "Book"
    return "ScholarlyArticle"
