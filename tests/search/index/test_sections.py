"""The body in the index: split at its headings into sections (a field of its own, weight C),
kept current with the catalogue, cut like a page when a section is too large."""

from __future__ import annotations

import pytest

from publications.models import Publication
from search.index.vectors import MAX_PAGE_CHARACTERS
from search.index.writes import index_publication
from search.models import SearchDocument, SearchSection
from tests.search.indexed import frequency_mismatches, indexed, run, titles

pytestmark = pytest.mark.django_db

BODY = (
    "<p>An opening paragraph about fisheries.</p>"
    '<h2 id="quotas">Quotas and <em>their</em> limits</h2>'
    "<p>Catch limits for cod &amp; haddock.</p><ul><li>One list item on trawlers</li></ul>"
    '<h3 id="enforcement">Enforcement</h3><blockquote>Inspectors board vessels.</blockquote>'
)


def _sections(publication: Publication) -> list[tuple]:
    rows = SearchSection.objects.filter(document_id=publication.pk).order_by("number")
    return list(rows.values_list("number", "anchor", "heading"))


def test_a_body_is_indexed_section_by_section_with_its_anchors():
    publication = indexed(title="Fisheries policy", body=BODY)

    assert _sections(publication) == [
        (1, "", ""),
        (2, "quotas", "Quotas and their limits"),
        (3, "enforcement", "Enforcement"),
    ]
    assert titles("haddock") == ["Fisheries policy"]
    assert titles("inspectors vessels") == ["Fisheries policy"]
    # A heading's words find its section.
    section = SearchSection.objects.get(document_id=publication.pk, anchor="quotas")
    assert "Quotas and their limits" in section.text


def test_the_body_is_a_field_of_its_own_weighed_between_the_abstract_and_the_files():
    indexed(title="One", abstract="seaweed farming")
    indexed(title="Two", body="<p>seaweed farming</p>")
    indexed(title="Three", pages=["seaweed farming"])

    assert titles("seaweed") == ["One", "Two", "Three"]


def test_editing_or_emptying_the_body_replaces_its_words():
    publication = indexed(title="Ports", body="<h2 id='a'>Harbours</h2><p>dredging</p>")
    Publication.objects.filter(pk=publication.pk).update(body="<p>lighthouses</p>")
    index_publication(publication.pk)
    assert titles("dredging") == []
    assert titles("lighthouses") == ["Ports"]

    Publication.objects.filter(pk=publication.pk).update(body="")
    index_publication(publication.pk)

    assert titles("lighthouses") == []
    assert not SearchSection.objects.filter(document_id=publication.pk).exists()
    assert SearchDocument.objects.get(pk=publication.pk).length_c == 0
    assert frequency_mismatches() == {"terms": [], "words": []}


def test_a_phrase_in_the_body_is_found_and_a_minus_word_there_excludes():
    indexed(title="Trade", body="<h2 id='x'>Tariffs</h2><p>the customs union broke apart</p>")
    indexed(title="Other", body="<p>union customs</p>")

    assert titles('"customs union"') == ["Trade"]
    assert titles("customs -apart") == ["Other"]


def test_a_section_past_the_page_limit_is_cut_and_the_document_flagged():
    body = "<h2 id='long'>Long</h2><p>" + "word " * (MAX_PAGE_CHARACTERS // 5 + 10) + "</p>"
    publication = indexed(title="Very long web text", body=body)

    section = SearchSection.objects.get(document_id=publication.pk)
    assert len(section.text) == MAX_PAGE_CHARACTERS
    assert SearchDocument.objects.get(pk=publication.pk).truncated


def test_drafts_bodies_are_not_indexed():
    indexed(title="Draft", body="<p>confidential</p>", status="draft")

    assert not SearchSection.objects.exists()
    assert run("confidential").count == 0
