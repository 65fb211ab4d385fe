"""Fixtures shared by the search tests."""

from __future__ import annotations

import dataclasses

import pytest
from django.db import transaction

from search.index import blocks
from search.ranking import threshold
from search.tuning import Tuning, site_tuning
from tests.search.corpus import build_large_corpus
from tests.search.indexed import answers_recorded

TUNING_FIELDS = {field.name for field in dataclasses.fields(Tuning)}


@pytest.fixture
def tuned(settings):
    """Set fields of the site's search Tuning for one test, as SEARCH_* settings would; returns
    the Tuning the engine and the index now use."""

    def tune(**fields) -> Tuning:
        for name, value in fields.items():
            assert name in TUNING_FIELDS, f"Tuning has no field {name}"
            setattr(settings, f"SEARCH_{name.upper()}", value)
        return site_tuning()

    return tune


@pytest.fixture(scope="module")
def large_corpus(django_db_setup, django_db_blocker):
    """3,000 small publications with Zipf-distributed words, a broad topic (80%) and a narrow one
    (8%), seven types and 25 years of dates, indexed in batches; built once for the module in a
    transaction that each test nests in and that is rolled back at the end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            corpus = build_large_corpus()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield corpus
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def answered(monkeypatch) -> list[bool]:
    """Whether the blocks answered each ranking (False: the postings table did)."""
    return answers_recorded(monkeypatch, threshold, "rank")


@pytest.fixture
def compacted(large_corpus, tuned):
    """The large corpus in small blocks (8 postings, doubling up to 64), so that queries read
    many blocks deep and the bounds are tested, not the first block alone."""
    tuned(first_block=8, largest_block=64)
    blocks.compact(full=True)
    return large_corpus
