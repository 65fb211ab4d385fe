"""Asking for a file's text, and replacing its stored pages."""

import pytest

from publications.extraction.requests import replace_pages
from publications.models import PublicationPage
from tests.pdfs import make_pdf

pytestmark = pytest.mark.django_db

# What an array literal must quote or escape: quotes, backslashes, braces, commas, the word
# NULL, empty pages, and text that is neither ASCII nor on one line.
AWKWARD_PAGES = ['He said "no".', "C:\\reports\\2024", "{a, b}", "NULL", "", "Übersicht\n\ttable"]


def test_pages_are_stored_as_given_in_order_with_the_page_count(with_pdf):
    file = with_pdf(make_pdf(["one"])).first_pdf

    replace_pages(file, AWKWARD_PAGES)

    stored = PublicationPage.objects.filter(file=file).order_by("number")
    assert [(page.number, page.text) for page in stored] == list(enumerate(AWKWARD_PAGES, 1))
    assert {page.publication_id for page in stored} == {file.publication_id}
    file.refresh_from_db()
    assert file.page_count == len(AWKWARD_PAGES)


def test_no_pages_leave_no_rows_and_no_page_count(with_pdf):
    file = with_pdf(make_pdf(["one"])).first_pdf
    replace_pages(file, ["old text"])

    replace_pages(file, None)

    assert not PublicationPage.objects.filter(file=file).exists()
    file.refresh_from_db()
    assert file.page_count is None


def test_an_empty_file_has_no_rows_and_a_page_count_of_zero(with_pdf):
    file = with_pdf(make_pdf(["one"])).first_pdf
    replace_pages(file, ["old text"])

    replace_pages(file, [])

    assert not PublicationPage.objects.filter(file=file).exists()
    file.refresh_from_db()
    assert file.page_count == 0
