"""The publication page's list of files: what a reader sees of each and where its links go, in
a number of queries that does not grow with the files."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from publications.models import FileRole
from tests.factories import PublicationFactory, PublicationFileFactory
from tests.pdfs import make_pdf

pytestmark = pytest.mark.django_db

CSV = b"year,spending\n2023,12\n2024,15\n"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def files_section(html: str) -> str:
    return html.split('<section class="files"')[1].split("</section>")[0]


def items(html: str) -> list[str]:
    return files_section(html).split('<li class="files__item">')[1:]


def test_each_file_is_listed_with_title_role_language_type_size_and_links(client):
    publication = PublicationFactory(slug="alliance")
    report = PublicationFileFactory(publication=publication, data=make_pdf(["Report."]))
    report.page_count = 12
    report.save()
    data = PublicationFileFactory(
        publication=publication,
        data=CSV,
        content_type="text/csv",
        role=FileRole.DATA,
        title="Spending by year",
        language="fr",
    )

    html = client.get(publication.get_absolute_url()).content.decode()

    first, second = items(html)
    assert '<span class="files__title">Full report</span>' in first
    assert "Full report · PDF · " in first
    assert ", 12 pages" in first
    assert f'<a href="/publications/alliance/files/{report.pk}/">View</a>' in first
    assert f'<a href="/publications/alliance/files/{report.pk}/download/">Download</a>' in first
    assert '<span class="files__title">Spending by year</span>' in second
    assert 'Data · <span lang="fr">fr</span> · CSV · 30\xa0bytes' in second
    assert f"/files/{data.pk}/download/" in second
    assert f'/files/{data.pk}/">View' not in second  # a data file is only ever downloaded


def test_the_list_follows_the_files_positions_not_their_ids(client):
    publication = PublicationFactory()
    later = PublicationFileFactory(publication=publication, title="Made first", position=3)
    PublicationFileFactory(publication=publication, title="Made second", position=1)

    html = client.get(publication.get_absolute_url()).content.decode()

    titles = [item.split('class="files__title">')[1].split("<")[0] for item in items(html)]
    assert titles == ["Made second", "Made first"]
    assert f"/files/{later.pk}/" in items(html)[1]


def test_a_publication_without_files_lists_none(client):
    publication = PublicationFactory()

    html = client.get(publication.get_absolute_url()).content.decode()

    assert 'class="files"' not in html


def with_files(count: int):
    publication = PublicationFactory()
    roles = [FileRole.FULL_REPORT, FileRole.SUMMARY, FileRole.DATA, FileRole.APPENDIX]
    for index in range(count):
        role = roles[index % len(roles)]
        if role == FileRole.DATA:
            PublicationFileFactory(
                publication=publication, role=role, data=CSV, content_type="text/csv"
            )
        elif role == FileRole.APPENDIX:
            PublicationFileFactory(publication=publication, role=role, content_type=XLSX)
        else:
            PublicationFileFactory(publication=publication, role=role, language="en")
    return publication


def page_queries(client, publication) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(publication.get_absolute_url())
    assert response.status_code == 200
    assert files_section(response.content.decode()).count("files__item") >= 1
    return len(queries)


# The page's queries, the same with one file or six: the files come in one prefetch.
PAGE_QUERIES = 4


@pytest.mark.parametrize("count", [1, 6])
def test_the_page_takes_the_same_queries_with_one_file_or_six(
    client, django_assert_num_queries, count
):
    publication = with_files(count)
    page_queries(client, with_files(1))  # the site's chrome cached as on any later visit

    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(publication.get_absolute_url())

    assert len(items(response.content.decode())) == count
