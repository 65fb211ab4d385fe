"""Every budget and threshold of the search engine, in one frozen object built once from settings.

Each field can be set as `SEARCH_<FIELD>` in settings (for example `SEARCH_NARROW_FILTER = 500`).
`search.engine.search` and the index's writers take a `Tuning`; tests pass one of their own
(`dataclasses.replace(site_tuning(), ...)`) instead of patching modules. None of these values
changes a result's score: they choose how a top k is found and when counts are exact. Measured
effects of the defaults are in `benchmarks/results/` and the commit messages that set them.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver


@dataclass(frozen=True)
class Tuning:
    # Counting (search.results.counts): exact up to `exact_count_limit` matches when the terms
    # hold at most `countable_postings` postings; else estimated from document frequencies.
    exact_count_limit: int = 10_000
    countable_postings: int = 50_000
    # Facets are counted over every match up to this many; past it, over the `facet_pool` best
    # documents ranking looked at.
    facet_exact_limit: int = 2_000
    facet_pool: int = 200

    # Filters (search.ranking.words): a filter this narrow (documents) has every document scored
    # exhaustively; one up to `listed_filter` is listed up front for the threshold algorithm.
    narrow_filter: int = 2_000
    listed_filter: int = 300_000

    # The threshold algorithm over impact-ordered blocks (search.ranking.threshold).
    block_read_budget: int = 200_000  # postings read block by block, per query
    read_all_postings: int = 1_000_000  # past the budget, lists read to their ends if this few
    scoring_batch: int = 500  # candidates chosen to score at once (k + 50 per statement)
    max_scored: int = 4_000  # candidates scored before the lists are read further instead
    # Lists are read to their ends instead of probing candidates' postings when the rest costs
    # less than this many postings per probe.
    postings_per_probe: int = 1_500
    # Documents changed since the last compaction, scored from the postings; past this many the
    # blocks are not read at all and exhaustive scoring answers.
    stale_limit: int = 2_000

    # Phrases (search.ranking.phrases and phrase_lists): word order is checked in the text, so on
    # candidates alone. From the blocks' lists, while their postings total at most
    # `phrase_list_postings`: every candidate checked up to `phrase_check_all` of them, else best
    # first from `phrase_first_check`, doubling, up to `phrase_check_budget`.
    phrase_list_postings: int = 1_000_000
    phrase_check_all: int = 500
    phrase_first_check: int = 50
    phrase_check_budget: int = 640
    # Without the blocks: the documents holding every word are intersected from the postings
    # while those total at most `phrase_intersected_postings`, and all checked when at most
    # `phrase_intersection_check_all`; else candidates are checked in rank order, within the same
    # `phrase_check_budget`.
    phrase_intersected_postings: int = 200_000
    phrase_intersection_check_all: int = 3_000

    # The index (search.index): block sizes (the first block of each list, doubling to the
    # largest), terms rebuilt per compaction statement, and how far the scoring averages may
    # drift from the exact ones before they follow (relative).
    first_block: int = 256
    largest_block: int = 65_536
    compaction_terms: int = 20_000
    averages_tolerance: float = 0.002
    # A bulk write (an import) indexes its publications a batch at a time until it has queued
    # this many, and more than the index held when it began; the rest wait for one rebuild
    # at its end, which writes a document for a third of what a batch does.
    bulk_rebuild_from: int = 10_000

    @classmethod
    def from_settings(cls) -> Tuning:
        """The defaults, each overridden by a `SEARCH_<FIELD>` setting when there is one."""
        values = {}
        for field in dataclasses.fields(cls):
            name = f"SEARCH_{field.name.upper()}"
            if hasattr(settings, name):
                values[field.name] = type(field.default)(getattr(settings, name))
        return cls(**values)


@functools.cache
def site_tuning() -> Tuning:
    """The site's tuning, built once (again after a test changes a SEARCH_ setting)."""
    return Tuning.from_settings()


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs) -> None:
    if setting.startswith("SEARCH_"):
        site_tuning.cache_clear()
