import datetime

import pytest

from publications.citations import (
    Publisher,
    bibtex,
    bibtex_key,
    formatted_citation,
    ris,
    split_name,
)
from publications.models import PublicationType, Status
from tests.factories import (
    AuthorFactory,
    PublicationFactory,
    PublicationFileFactory,
    SeriesFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

PUBLISHER = Publisher(name="Institute for Policy Research", url="https://think.example")


@pytest.fixture
def report():
    return PublicationFactory(
        title="Defense Industrial Cooperation",
        subtitle="Drivers and Tasks Ahead",
        slug="defense-cooperation",
        abstract="Cooperation between\nallies.",
        publication_date=datetime.date(2024, 12, 9),
        authors=[AuthorFactory(name="Jane Doe"), AuthorFactory(name="John Roe")],
        topics=[TopicFactory(name="Korea")],
        series=SeriesFactory(name="Alliance Papers"),
    )


def test_bibtex_for_a_report_is_a_techreport(report):
    entry = bibtex(report, PUBLISHER)

    assert entry.startswith("@techreport{doe2024defense,\n")
    assert "  title = {{Defense Industrial Cooperation: Drivers and Tasks Ahead}},\n" in entry
    assert "  author = {Jane Doe and John Roe},\n" in entry
    assert "  year = {2024},\n" in entry
    assert "  month = dec,\n" in entry
    assert "  institution = {Institute for Policy Research},\n" in entry
    assert "  series = {Alliance Papers},\n" in entry
    assert "  url = {https://think.example/publications/defense-cooperation/},\n" in entry
    assert entry.endswith("}\n")


def test_bibtex_escapes_special_characters():
    publication = PublicationFactory(title="R&D spending up 50% in {some} #places")

    entry = bibtex(publication, PUBLISHER)

    assert r"R\&D spending up 50\% in \{some\} \#places" in entry


@pytest.mark.parametrize(
    ("kind", "entry_type"),
    [
        (PublicationType.BOOK, "@book{"),
        (PublicationType.JOURNAL_ARTICLE, "@article{"),
        (PublicationType.COMMENTARY, "@misc{"),
        (PublicationType.WORKING_PAPER, "@techreport{"),
    ],
)
def test_bibtex_entry_type_follows_the_publication_type(kind, entry_type):
    assert bibtex(PublicationFactory(type=kind), PUBLISHER).startswith(entry_type)


def test_bibtex_includes_the_doi_when_there_is_one(report):
    report.doi = "10.1000/xyz123"

    assert "  doi = {10.1000/xyz123},\n" in bibtex(report, PUBLISHER)


def test_bibtex_key_is_ascii_even_for_accented_names():
    publication = PublicationFactory(
        title="Über alles",
        publication_date=datetime.date(2020, 1, 1),
        authors=[AuthorFactory(name="José Núñez")],
    )

    assert bibtex_key(publication) == "nunez2020uber"


def test_ris_record_lists_authors_in_order_with_family_name_first(report):
    record = ris(report, PUBLISHER)
    lines = record.split("\r\n")

    assert lines[0] == "TY  - RPRT"
    assert "TI  - Defense Industrial Cooperation: Drivers and Tasks Ahead" in lines
    assert [line for line in lines if line.startswith("AU")] == [
        "AU  - Doe, Jane",
        "AU  - Roe, John",
    ]
    assert "DA  - 2024/12/09" in lines
    assert "PY  - 2024" in lines
    assert "AB  - Cooperation between allies." in lines
    assert "KW  - Korea" in lines
    assert "UR  - https://think.example/publications/defense-cooperation/" in lines
    assert record.endswith("ER  - \r\n")


def test_ris_links_the_pdf_when_there_is_one(report):
    PublicationFileFactory(publication=report)

    assert "L1  - https://think.example/publications/defense-cooperation/pdf/" in ris(
        report, PUBLISHER
    )


def test_formatted_citation_reads_like_a_reference(report):
    assert formatted_citation(report, PUBLISHER) == (
        "Doe, Jane, and John Roe. “Defense Industrial Cooperation: Drivers and Tasks Ahead.” "
        "Report, Alliance Papers. Institute for Policy Research, December 9, 2024. "
        "https://think.example/publications/defense-cooperation/."
    )


def test_formatted_citation_prefers_the_doi_and_shortens_long_bylines():
    publication = PublicationFactory(
        title="Many hands",
        doi="10.1000/abc",
        authors=[AuthorFactory(name=f"Writer Number{i}") for i in range(4)],
    )

    citation = formatted_citation(publication, PUBLISHER)

    assert citation.startswith("Number0, Writer et al. “Many hands.”")
    assert citation.endswith("https://doi.org/10.1000/abc.")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Jane Doe", ("Jane", "Doe")),
        ("Mary Ann van Buren", ("Mary Ann van", "Buren")),
        ("Martin Luther King Jr.", ("Martin Luther", "King Jr.")),
        ("Plato", ("", "Plato")),
    ],
)
def test_split_name(name, expected):
    assert split_name(name) == expected


def test_citation_downloads_have_their_content_types_and_file_names(client, report):
    bib = client.get("/publications/defense-cooperation/cite.bib")
    ris_response = client.get("/publications/defense-cooperation/cite.ris")

    assert bib["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert bib["Content-Disposition"] == 'attachment; filename="defense-cooperation.bib"'
    assert bib.content.decode().startswith("@techreport{doe2024defense,")
    assert ris_response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert ris_response["Content-Disposition"] == 'attachment; filename="defense-cooperation.ris"'
    assert ris_response.content.decode().startswith("TY  - RPRT\r\n")


def test_citations_of_a_draft_are_404(client):
    PublicationFactory(slug="draft", status=Status.DRAFT)

    assert client.get("/publications/draft/cite.bib").status_code == 404
    assert client.get("/publications/draft/cite.ris").status_code == 404
