"""Citations of a publication: BibTeX, RIS and a formatted (Chicago-like) reference.

Pure functions of a publication and the site's name and URL; they read the byline through
ordered_authors, so a prefetched publication costs no further query.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.urls import reverse

from publications.models import Publication, PublicationType

NAME_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
BIBTEX_SPECIAL = re.compile(r"([\\{}&%$#_~^])")
BIBTEX_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
REPORT_TYPES = {
    PublicationType.REPORT,
    PublicationType.ISSUE_BRIEF,
    PublicationType.WORKING_PAPER,
    PublicationType.TESTIMONY,
}
RIS_TYPES = {PublicationType.BOOK: "BOOK", PublicationType.JOURNAL_ARTICLE: "JOUR"}


@dataclass(frozen=True)
class Publisher:
    name: str
    url: str  # the site's absolute base URL, no trailing slash


def full_title(publication: Publication) -> str:
    if publication.subtitle:
        return f"{publication.title}: {publication.subtitle}"
    return publication.title


def split_name(name: str) -> tuple[str, str]:
    """(given names, family name) by the last word, keeping a suffix such as "Jr." with it."""
    words = name.split()
    if len(words) < 2:
        return "", name.strip()
    if len(words) > 2 and words[-1].lower().rstrip(",") in NAME_SUFFIXES:
        return " ".join(words[:-2]).rstrip(","), " ".join(words[-2:])
    return " ".join(words[:-1]), words[-1]


def absolute_url(publication: Publication, publisher: Publisher) -> str:
    return publisher.url + publication.get_absolute_url()


def bibtex(publication: Publication, publisher: Publisher) -> str:
    """A BibTeX entry: @techreport for reports and briefs, @book, @article, or @misc."""
    entry_type, fields = _bibtex_type(publication, publisher)
    date = publication.publication_date
    authors = " and ".join(_bibtex_escape(a.name) for a in publication.ordered_authors)
    fields = {
        "title": "{" + _bibtex_escape(full_title(publication)) + "}",
        "author": authors,
        "year": str(date.year),
        **fields,
        "series": _bibtex_escape(publication.series.name) if publication.series else "",
        "doi": _bibtex_escape(publication.doi),
        "url": absolute_url(publication, publisher),
    }
    lines = [f"  {key} = {{{value}}}," for key, value in fields.items() if value]
    lines.append(f"  month = {BIBTEX_MONTHS[date.month - 1]},")  # a macro, so no braces
    return "@{}{{{},\n{}\n}}\n".format(entry_type, bibtex_key(publication), "\n".join(lines))


def _bibtex_type(publication: Publication, publisher: Publisher) -> tuple[str, dict[str, str]]:
    name = _bibtex_escape(publisher.name)
    if publication.type in REPORT_TYPES:
        return "techreport", {"institution": name, "type": publication.get_type_display()}
    if publication.type == PublicationType.BOOK:
        return "book", {"publisher": name}
    if publication.type == PublicationType.JOURNAL_ARTICLE:
        return "article", {"publisher": name}
    return "misc", {"howpublished": publication.get_type_display(), "organization": name}


def bibtex_key(publication: Publication) -> str:
    """Family name of the first author, year, first word of the title: doe2024defense."""
    authors = publication.ordered_authors
    family = split_name(authors[0].name)[1] if authors else publication.slug.split("-")[0]
    first_word = next((w for w in _ascii(publication.title).split() if len(w) > 3), "")
    return re.sub(r"[^a-z0-9]", "", f"{_ascii(family)}{publication.year}{first_word}".lower())


def _bibtex_escape(text: str) -> str:
    return BIBTEX_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def ris(publication: Publication, publisher: Publisher) -> str:
    """An RIS record (the format EndNote, Zotero and Mendeley import), CRLF line ends."""
    date = publication.publication_date
    tags = [("TY", _ris_type(publication))]
    tags.append(("TI", full_title(publication)))
    tags += [("AU", _ris_name(author.name)) for author in publication.ordered_authors]
    tags += [("PY", str(date.year)), ("DA", f"{date:%Y/%m/%d}")]
    if publication.series:
        tags.append(("T3", publication.series.name))
    tags += [("PB", publisher.name), ("AB", publication.abstract)]
    tags += [("KW", topic.name) for topic in publication.topics.all()]
    tags += [("DO", publication.doi), ("UR", absolute_url(publication, publisher))]
    if publication.first_pdf:
        tags.append(("L1", publisher.url + reverse("publications:pdf", args=[publication.slug])))
    lines = [f"{tag}  - {' '.join(value.split())}" for tag, value in tags if value]
    return "\r\n".join([*lines, "ER  - ", ""])


def _ris_type(publication: Publication) -> str:
    if publication.type in REPORT_TYPES:
        return "RPRT"
    return RIS_TYPES.get(publication.type, "GEN")


def _ris_name(name: str) -> str:
    given, family = split_name(name)
    return f"{family}, {given}" if given else family


def formatted_citation(publication: Publication, publisher: Publisher) -> str:
    """Plain text, Chicago author-date-like: Doe, Jane, and John Roe. “Title.” Report. …"""
    date = publication.publication_date
    parts = [
        _byline(publication),
        f"“{full_title(publication).rstrip('.')}.”",
        _kind(publication),
        f"{publisher.name}, {date:%B} {date.day}, {date.year}.",
        f"https://doi.org/{publication.doi}." if publication.doi else "",
        "" if publication.doi else absolute_url(publication, publisher) + ".",
    ]
    return " ".join(part for part in parts if part)


def _byline(publication: Publication) -> str:
    names = [author.name for author in publication.ordered_authors]
    if not names:
        return ""
    given, family = split_name(names[0])
    first = f"{family}, {given}" if given else family
    if len(names) > 3:
        return f"{first} et al."
    if len(names) == 1:
        return f"{first}."
    others = ", ".join(names[1:-1])
    return f"{first}, {others + ', ' if others else ''}and {names[-1]}."


def _kind(publication: Publication) -> str:
    kind = publication.get_type_display()
    if publication.series:
        return f"{kind}, {publication.series.name}."
    return f"{kind}."
