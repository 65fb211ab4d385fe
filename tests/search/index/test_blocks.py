"""The impact-ordered blocks: how they are laid out and read back, and kept current through
compaction."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from publications.models import Publication
from search.filters import Filters
from search.index import blocks
from search.models import (
    SearchBlock,
    SearchStaleDocument,
    SearchStats,
    SearchTerm,
)
from search.ranking import lists as block_lists
from search.tasks import compact_blocks
from tests.search.corpus import assert_same_top, exact_top, retitled
from tests.search.indexed import assert_blocks_match_postings, run

pytestmark = pytest.mark.django_db


def test_the_blocks_hold_every_posting_of_a_term_best_first_in_doubling_runs(compacted):
    longest = SearchTerm.objects.order_by("-df").first()
    assert longest.df > 64 * 4  # several blocks of the largest size
    for term in [longest, *SearchTerm.objects.filter(df__gt=0).order_by("id")[:40]]:
        assert_blocks_match_postings(term.pk)
    assert not SearchStaleDocument.objects.exists()
    assert SearchStats.objects.get(pk=1).blocks_built_at is not None


def test_blocks_read_in_binary_are_the_rows_the_text_protocol_reads(compacted):
    longest = SearchTerm.objects.order_by("-df").first()
    term_ids = [longest.pk, *SearchTerm.objects.order_by("id").values_list("pk", flat=True)[:5]]
    params = {"terms": term_ids}

    with connection.cursor() as cursor:
        cursor.execute(block_lists.READ_ALL_SQL, params)
        as_text = sorted(cursor.fetchall())
        as_binary = sorted(block_lists.fetch_blocks(cursor, block_lists.READ_ALL_SQL, params))

    assert len(as_text) > len(term_ids)  # the longest word has several blocks
    assert as_binary == as_text
    # The lists decoded from them hold every posting of each word.
    with connection.cursor() as cursor:
        lists, _ = block_lists.read_lists(cursor, [longest.pk])
    assert sum(len(docs) for docs, _ in lists[longest.pk]) == longest.df


def test_a_word_a_document_no_longer_holds_leaves_its_blocks_at_compaction(compacted, answered):
    word = compacted["queries"][3]
    holders = [r.publication for r in run(word, page_size=3).results]
    retitled(holders, "Retitled without it")
    blocks.compact()  # the word's blocks are rebuilt: it was among the terms they lost

    outcome = run(word, page_size=10)

    assert not {holder.pk for holder in holders} & {r.publication.pk for r in outcome.results}
    for term_id in SearchBlock.objects.values_list("term_id", flat=True).distinct():
        assert_blocks_match_postings(term_id)  # no entry left behind
    assert_same_top(
        [(r.publication.pk, r.score) for r in outcome.results], exact_top(word, Filters(), 10), word
    )
    assert all(answered)


def test_a_document_listed_while_a_compaction_ran_stays_listed(compacted, monkeypatch):
    word = compacted["queries"][3]
    first = retitled(list(Publication.objects.order_by("pk")[:1]), word)
    later = Publication.objects.order_by("pk")[1].pk
    rebuild = blocks._rebuild_terms

    def with_a_write_meanwhile(*args, **kwargs):
        rebuild(*args, **kwargs)
        blocks.mark_stale([later], [])  # as an indexer committing during the compaction

    monkeypatch.setattr(blocks, "_rebuild_terms", with_a_write_meanwhile)

    blocks.compact()

    assert list(SearchStaleDocument.objects.values_list("document_id", flat=True)) == [later]
    assert first[0] != later


def test_the_beat_task_and_the_command_compact(compacted):
    retitled(list(Publication.objects.order_by("pk")[:2]), "Anything at all")

    assert compact_blocks() > 0
    assert not SearchStaleDocument.objects.exists()

    call_command("compact_search_index", "--full", stdout=(out := _Output()))
    assert f"Rebuilt the blocks of {SearchTerm.objects.count()} terms." in out.text


class _Output:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text
