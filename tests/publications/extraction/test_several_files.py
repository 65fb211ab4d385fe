"""A publication with several PDFs: each file is extracted on its own (its own Extraction row and
pages), and one file that cannot be read fails alone."""

import pytest

from publications.extraction import services as extraction
from publications.models import Extraction, ExtractionReason, ExtractionStatus, PublicationPage
from search.engine import SearchRequest, search
from tests import hostile_pdfs
from tests.factories import PublicationFactory, PublicationFileFactory
from tests.pdfs import make_pdf

pytestmark = pytest.mark.django_db


def run(file) -> Extraction:
    extraction.extraction_request(file=file)
    extraction.extraction_run(file_id=file.pk, sha256=file.sha256)
    return Extraction.objects.get(file=file)


def pages_of(file) -> list[tuple[int, str]]:
    return list(PublicationPage.objects.filter(file=file).values_list("number", "text"))


def test_each_pdf_of_a_publication_is_extracted_into_its_own_row_and_pages():
    publication = PublicationFactory()
    report = PublicationFileFactory(
        publication=publication, data=make_pdf(["Report one.", "Report two.", "Report three."])
    )
    summary = PublicationFileFactory(
        publication=publication, role="summary", data=make_pdf(["Summary only."])
    )

    done = [run(report), run(summary)]

    assert [(row.file_id, row.status, row.pages) for row in done] == [
        (report.pk, ExtractionStatus.DONE, 3),
        (summary.pk, ExtractionStatus.DONE, 1),
    ]
    assert pages_of(report) == [(1, "Report one."), (2, "Report two."), (3, "Report three.")]
    assert pages_of(summary) == [(1, "Summary only.")]
    report.refresh_from_db()
    summary.refresh_from_db()
    assert (report.page_count, summary.page_count) == (3, 1)


def test_extracting_one_file_again_leaves_the_others_pages_alone():
    publication = PublicationFactory()
    report = PublicationFileFactory(publication=publication, data=make_pdf(["Report."]))
    summary = PublicationFileFactory(publication=publication, data=make_pdf(["Summary."]))
    run(report)
    run(summary)

    extraction.extraction_request(file=summary, force=True)
    extraction.extraction_run(file_id=summary.pk, sha256=summary.sha256)

    assert pages_of(report) == [(1, "Report.")]
    assert pages_of(summary) == [(1, "Summary.")]


def test_a_broken_second_pdf_fails_alone_and_the_first_stays_searchable():
    publication = PublicationFactory(title="Alliance report")
    report = PublicationFileFactory(
        publication=publication, data=make_pdf(["Shipbuilding capacity in the Pacific."])
    )
    broken = PublicationFileFactory(
        publication=publication, role="appendix", data=hostile_pdfs.encrypted(user_password="pw")
    )

    first, second = run(report), run(broken)

    assert first.status == ExtractionStatus.DONE
    assert (second.status, second.reason) == (ExtractionStatus.FAILED, ExtractionReason.ENCRYPTED)
    assert second.reason_text == "The PDF is protected by a password."
    assert pages_of(broken) == []
    assert Extraction.objects.get(file=report).status == ExtractionStatus.DONE
    outcome = search(SearchRequest(query="shipbuilding"))
    assert [result.publication.pk for result in outcome.results] == [publication.pk]
    assert [(hit.file, hit.page) for hit in outcome.results[0].hits] == [(report.pk, 1)]
