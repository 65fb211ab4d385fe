"""Fagin's threshold algorithm over impact-ordered lists: the exact top-k BM25F from the blocks
(search.index.blocks), reading each term's list only as deep as the proof needs.

The lists are sorted by impact (Anh and Moffat, "Pruned query evaluation using pre-computed
impacts", 2006) and read in sorted order, a block at a time; candidates' missing scores are taken
by random access to the postings: Fagin, Lotem and Naor's threshold algorithm and its variant for
costly random access, the combined algorithm ("Optimal aggregation algorithms for middleware",
2001/2003).

After a term's list is read down to some block, a document not yet seen in it can gain at most
the term's IDF times the smallest impact read (its ceiling). Every document seen so far therefore
has a lower bound (what it gained) and an upper bound (plus the ceilings of the terms it was not
seen in), and a document never seen can reach at most the sum of the ceilings. Candidates are
scored exactly, best upper bound first; the top k is proven once the k-th exact score is at least
the sum of the ceilings and every candidate whose upper bound reaches it has been scored. Until
then the lists with the highest ceilings are read further, a block at a time.

A document seen in every list not yet exhausted needs no scoring: its lower and upper bounds are
equal. Its score comes from the blocks, which store impacts in single precision, so such
documents among the top k are scored once more from the postings at the end, in double
precision, as the answer.

A term whose blocks were built with other average lengths than today's (search.index.blocks) has
impacts that are only near today's: what they add to a document is bounded below and above by
`scoring.impact_bounds`, its ceilings are raised by the upper factor, and a document that read
any of them is scored from the postings rather than trusted to its bounds.
"""

from __future__ import annotations

import numpy as np
from django.db import connections
from django.db.backends.utils import CursorWrapper

from search.filters import Condition
from search.index import blocks
from search.ranking.exhaustive import Ranked, rescore
from search.ranking.lists import (
    fetch_blocks,
    hidden_documents,
    unpacked_ids,
    unpacked_impacts,
)
from search.ranking.scoring import CollectionStats, impact_bounds
from search.ranking.terms import Term
from search.replica import search_db
from search.tuning import Tuning

MAX_TERMS = 63  # one bit each in a 64-bit mask
# Single-precision impacts (relative error under 1e-7 each): bounds are compared with this much
# room relative to the score, so rounding never prunes. Relative, not absolute: a word in nearly
# every document scores close to 0, yet its documents still differ.
SLACK = 1e-6

READ_SQL = """
    SELECT b.term_id, b.floor, b.documents, b.impacts,
           (SELECT max(number) FROM search_searchblock m WHERE m.term_id = b.term_id),
           b.average_a, b.average_b, b.average_c, b.average_d
      FROM unnest(%(terms)s::int[], %(first)s::int[], %(last)s::int[]) AS q(term_id, first, last)
      JOIN search_searchblock b
        ON b.term_id = q.term_id AND b.number BETWEEN q.first AND q.last
"""

LISTED_SQL = """
    SELECT coalesce(string_agg(int8send(d.publication_id), ''::bytea), ''::bytea), count(*)
      FROM (SELECT d.publication_id FROM {table} d WHERE {where}
             LIMIT %(limit)s) d
"""

CHECK_SQL = """
    SELECT d.publication_id FROM {table} d
     WHERE d.publication_id = ANY(%(candidates)s::bigint[]) AND {where}
"""


def rank(
    terms: list[Term],
    k: int,
    condition: Condition,
    stats: CollectionStats,
    tuning: Tuning,
    *,
    listed: np.ndarray | None = None,
    visible_only: bool = False,
) -> Ranked | None:
    """The exact k best documents meeting the condition, or None when the blocks cannot answer
    (never built, too many documents stale, too many terms). Past `tuning.block_read_budget`
    postings read, the lists are read to their ends when that is at most
    `tuning.read_all_postings` more (words in nearly every document have long, flat lists that
    bounds cannot prune: read whole, they settle every score at once); only a query beyond both
    gets the best effort, marked unproven.
    `listed`: the documents of a filter that is the whole condition (listed_documents()).
    `visible_only`: the condition is the public's visibility alone, so the few documents it
    hides are set aside up front and no candidate's document row needs reading."""
    if not terms or k <= 0 or len(terms) > MAX_TERMS:
        return None
    with connections[search_db()].cursor() as cursor:
        stale = blocks.stale_documents(cursor, tuning.stale_limit)
        if stale is None:
            return None
        if visible_only:
            search = _Search(cursor, terms, k, Condition(), None, stats, tuning)
            search.hide(hidden_documents(cursor, condition.params["now"]))
        else:
            search = _Search(cursor, terms, k, condition, listed, stats, tuning)
        search.settle(stale)
        return search.run()


def listed_documents(condition: Condition, limit: int) -> np.ndarray | None:
    """The ids of a filter's documents (a condition with no phrase or exclusion in it), when
    there are at most `limit`: listed once, they serve the ranking and the count."""
    with connections[search_db()].cursor() as cursor:
        cursor.execute(
            LISTED_SQL.format(table=condition.table, where=condition.where()),
            {**condition.params, "limit": limit + 1},
        )
        packed, count = cursor.fetchone()
    if count > limit:
        return None
    return unpacked_ids(packed)


class _Search:
    def __init__(
        self,
        cursor: CursorWrapper,
        terms: list[Term],
        k: int,
        condition: Condition,
        listed: np.ndarray | None,
        stats: CollectionStats,
        tuning: Tuning,
    ) -> None:
        self.cursor, self.terms, self.k, self.condition = cursor, terms, k, condition
        self.stats, self.tuning = stats, tuning
        self.idf = np.array([term.idf for term in terms])
        self.bits = np.array([1 << n for n in range(len(terms))], dtype=np.uint64)
        self.read = [0] * len(terms)  # blocks read per term
        self.read_postings = [0] * len(terms)
        self.last = [None] * len(terms)  # the number of each term's last block, once known
        self.ceilings = np.full(len(terms), np.inf)
        self.lower = np.zeros(0)
        # What impacts read from blocks built with other averages may add above their lower
        # bound (0 where every impact read was today's: then the bounds are the score).
        self.excess = np.zeros(0)
        self.mask = np.zeros(0, dtype=np.uint64)
        self.closed = np.zeros(0, dtype=bool)  # scored, stale, pruned, or outside the filter
        self.open = np.zeros(0, dtype=bool)  # seen and not closed: the candidates
        self.known: dict[int, float] = {}  # exact scores of documents meeting the condition
        # Those of them whose score was summed from the blocks' single-precision impacts (the
        # others were read from the postings, in double precision, already).
        self.from_blocks: set[int] = set()
        self.postings = 0
        self.listed = listed
        self.hidden = False  # some documents were hidden (closed before any was read)
        # Arrays indexed by document id, as large as the largest id at once: grown as blocks
        # arrived, they were copied again and again.
        cursor.execute("SELECT coalesce(max(publication_id), 0) FROM search_searchdocument")
        self._grow(cursor.fetchone()[0] + 1)
        if listed is not None:
            self._grow(int(listed.max(initial=0)) + 1)
            self.closed[:] = True
            self.closed[listed] = False

    def hide(self, documents: list[int]) -> None:
        """Documents no query may return, whatever their score."""
        if documents:
            self._grow(max(documents) + 1)
            self.closed[documents] = True
            self.hidden = True

    def settle(self, stale: list[int]) -> None:
        """Stale documents: scored from the postings now, their block entries ignored (those
        hidden are left out)."""
        if stale:
            self._grow(max(stale) + 1)
            hidden = set(np.flatnonzero(self.closed[stale]).tolist()) if self.hidden else set()
            self.closed[stale] = True
            self.open[stale] = False
            shown = [doc for n, doc in enumerate(stale) if n not in hidden]
            self.known.update(rescore(shown, self._idf_by_term(), self.condition, self.stats))

    def run(self) -> Ranked | None:
        self._read(dict.fromkeys(range(len(self.terms)), 1))
        while True:
            kth = self._kth()
            unseen = float(self.ceilings.sum())
            exhausted = not self.ceilings.any()
            open_ = np.flatnonzero(self.open)
            upper, complete = self._upper(open_)
            alive = upper >= kth - SLACK * abs(kth)
            # Bounds only fall and the k-th score only rises: what cannot reach it now never will,
            # and is left out of every later pass.
            pruned = open_[~alive]
            self.open[pruned] = False
            self.closed[pruned] = True
            open_, upper, complete = open_[alive], upper[alive], complete[alive]
            if not len(open_) and (unseen <= kth or exhausted):
                return self._answer()
            if kth == -np.inf and len(open_):
                # Until k scores are known, the best lower bounds are the likeliest to make it.
                first = self.k + 50 if not self.known else self.tuning.scoring_batch
                order = _best(self.lower[open_], first)
            elif (unseen <= kth and len(open_) <= self.tuning.max_scored) or exhausted:
                order = _best(upper, self.tuning.scoring_batch)
            elif self.postings > self.tuning.block_read_budget:
                if self._read_all_left():
                    continue
                return self._best_effort(open_, upper)
            else:
                self._read_deeper()
                continue
            if not complete[order].all() and self._read_to_the_end(open_[order]):
                continue
            self._score_in_runs(open_[order], complete[order], upper[order])

    def _kth(self) -> float:
        if len(self.known) < self.k:
            return -np.inf
        return sorted(self.known.values(), reverse=True)[self.k - 1]

    def _upper(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Upper bounds of these documents, and whether each was seen in every list that could
        still add to it (then its lower bound is its score)."""
        upper = self.lower[docs] + self.excess[docs]
        complete = self.excess[docs] == 0
        masks = self.mask[docs]
        for n, ceiling in enumerate(self.ceilings):
            if ceiling > 0:
                missing = (masks & self.bits[n]) == 0
                upper += np.where(missing, ceiling, 0.0)
                complete &= ~missing
        return upper, complete

    def _read_deeper(self) -> None:
        """The next block of each list whose ceiling is at least half the highest: reading a
        list further lowers the bound of every document still missing from it."""
        highest = float(self.ceilings.max())
        self._read({n: 1 for n, c in enumerate(self.ceilings) if c > 0 and c >= highest / 2})

    def _read_to_the_end(self, docs: np.ndarray) -> bool:
        """Read open lists to their ends when that costs less than probing the postings for the
        documents about to be scored. A probe costs about the same per document whatever the
        number of terms (the document's postings are found once), so every open list is read
        when their rest costs less than probing all the documents missing from any of them, else
        each list whose rest costs less than probing the documents missing from it alone.
        False when no list is worth it."""
        masks = self.mask[docs]
        open_lists = self._open_lists()
        missing = {n: (masks & self.bits[n]) == 0 for n in open_lists}
        gaps = sum((missing[n].astype(int) for n in open_lists), np.zeros(len(docs), dtype=int))
        left = {n: self._left(n) for n in open_lists}
        per_probe = self.tuning.postings_per_probe
        if sum(left.values()) <= per_probe * np.count_nonzero(gaps):
            worth = open_lists
        else:
            alone = {n: np.count_nonzero(missing[n] & (gaps == 1)) for n in open_lists}
            worth = [n for n in open_lists if left[n] <= per_probe * alone[n]]
        if worth:
            self._read({n: self._every_block(n) for n in worth})
        return bool(worth)

    def _read_all_left(self) -> bool:
        """Read every open list to its end, if what is left of them fits the tuning's
        `read_all_postings`."""
        open_lists = self._open_lists()
        if not open_lists or sum(map(self._left, open_lists)) > self.tuning.read_all_postings:
            return False
        self._read({n: self._every_block(n) for n in open_lists})
        return True

    def _open_lists(self) -> list[int]:
        """The terms whose lists were not read to their end (a ceiling above zero)."""
        return [n for n, ceiling in enumerate(self.ceilings) if ceiling > 0]

    def _left(self, n: int) -> int:
        """Postings of term n's list not read yet."""
        return self.terms[n].df - self.read_postings[n]

    def _every_block(self, n: int) -> int:
        """A count of blocks that takes term n's list to its end from wherever it was read to
        (its last block's number is known once its first block was read)."""
        return self.last[n] - self.read[n] + 1

    def _read(self, counts: dict[int, int]) -> None:
        wanted = [(n, self.read[n], self.read[n] + count - 1) for n, count in counts.items()]
        rows = fetch_blocks(
            self.cursor,
            READ_SQL,
            {
                "terms": [self.terms[n].id for n, _, _ in wanted],
                "first": [first for _, first, _ in wanted],
                "last": [last for _, _, last in wanted],
            },
        )
        index = {term.id: n for n, term in enumerate(self.terms)}
        floors = {}
        high = {}
        for term_id, floor, documents, impacts, last, *built in rows:
            n = index[term_id]
            self.last[n] = last
            docs = unpacked_ids(documents)
            gains = self.idf[n] * unpacked_impacts(impacts)
            low, high[n] = impact_bounds(tuple(built), self.stats)
            self._grow(int(docs.max()) + 1)
            # A term's postings name each document once: plain fancy indexing adds correctly.
            self.lower[docs] += gains * low
            if low != high[n]:
                self.excess[docs] += gains * (high[n] - low)
            self.mask[docs] |= self.bits[n]
            self.open[docs] = ~self.closed[docs]
            self.postings += len(docs)
            self.read_postings[n] += len(docs)
            floors[n] = min(floor, floors.get(n, floor))
        for n, _, last in wanted:
            self.read[n] = last + 1
            if self.last[n] is None or self.read[n] > self.last[n]:
                self.ceilings[n] = 0.0  # no (more) blocks: read to its end
            else:
                self.ceilings[n] = self.idf[n] * floors[n] * high[n]

    def _grow(self, size: int) -> None:
        if size <= len(self.lower):
            return
        size = max(size, 2 * len(self.lower))
        before = len(self.closed)
        self.lower = _resized(self.lower, size)
        self.excess = _resized(self.excess, size)
        self.mask = _resized(self.mask, size)
        self.open = _resized(self.open, size)
        self.closed = _resized(self.closed, size)
        if self.listed is not None:
            self.closed[before:] = True  # past a listed filter's documents, all are outside it

    def _score(self, docs: np.ndarray, complete: np.ndarray) -> None:
        """Exact scores of these candidates meeting the condition; the rest are closed. Complete
        ones keep the score their bounds agree on, and only the condition is asked about them
        (nothing at all when the filter was listed and it is the whole condition)."""
        self.closed[docs] = True
        self.open[docs] = False
        whole = docs[complete].tolist()
        partial = docs[~complete].tolist()
        if whole:
            meeting = self._meeting(whole)
            settled = {doc: float(self.lower[doc]) for doc in whole if doc in meeting}
            self.known.update(settled)
            self.from_blocks.update(settled)
        if partial:
            # A listed filter closed every document outside it: nothing left to check.
            condition = Condition() if self.listed is not None else self.condition
            self.known.update(rescore(partial, self._idf_by_term(), condition, self.stats))

    def _score_in_runs(self, docs: np.ndarray, complete: np.ndarray, upper: np.ndarray) -> None:
        """Score these candidates (best upper bound first) a run of k + 50 at a time: each run
        raises the k-th score, and a candidate whose upper bound no longer reaches it is
        dropped before its postings are read (a batch of 500 often needed a fraction of them)."""
        run = self.k + 50
        while len(docs):
            self._score(docs[:run], complete[:run])
            docs, complete, upper = docs[run:], complete[run:], upper[run:]
            kth = self._kth()
            alive = upper >= kth - SLACK * abs(kth)
            self.open[docs[~alive]] = False
            self.closed[docs[~alive]] = True
            docs, complete, upper = docs[alive], complete[alive], upper[alive]

    def _meeting(self, docs: list[int]) -> set[int]:
        if not self.condition.sql or self.listed is not None:
            return set(docs)  # a listed filter is the whole condition: closed already if not
        self.cursor.execute(
            CHECK_SQL.format(table=self.condition.table, where=self.condition.where()),
            {**self.condition.params, "candidates": docs},
        )
        return {row[0] for row in self.cursor.fetchall()}

    def _answer(self, *, exact: bool = True) -> Ranked:
        best = sorted(self.known.items(), key=lambda item: (-item[1], item[0]))
        # The top k in double precision: those summed from the blocks read from the postings
        # again (single-precision ties reordered); the rest were read from them already.
        top = dict(best[: self.k])
        again = [doc for doc in top if doc in self.from_blocks]
        if again:
            rescored = dict(rescore(again, self._idf_by_term(), Condition(), self.stats))
            for doc in again:  # gone since (no postings left): not in the answer, as before
                top.pop(doc)
            top.update(rescored)
        ranked = sorted(top.items(), key=lambda item: (-item[1], item[0]))
        return Ranked(ranked, exact, [doc for doc, _ in best[: self.tuning.facet_pool]])

    def _best_effort(self, open_: np.ndarray, upper: np.ndarray) -> Ranked:
        """The read budget ran out before the proof (long lists of nearly equal impacts, as
        words in most short documents have): the candidates with the highest upper bounds are
        scored, and the best of all scored is the answer, marked unproven."""
        order = _best(upper, self.tuning.scoring_batch)
        self._score(open_[order], np.zeros(len(order), dtype=bool))
        return self._answer(exact=False)

    def _idf_by_term(self) -> dict[int, float]:
        return {term.id: term.idf for term in self.terms}


def _resized(values: np.ndarray, size: int) -> np.ndarray:
    """A copy `size` long, zeros after the values. np.zeros leaves fresh memory to the OS to zero
    as it is touched: concatenating zeros wrote every byte of arrays a query touches in a few
    places."""
    grown = np.zeros(size, dtype=values.dtype)
    grown[: len(values)] = values
    return grown


def _best(values: np.ndarray, count: int) -> np.ndarray:
    """Positions of the `count` highest values, highest first (ties by position)."""
    if len(values) > count:
        top = np.argpartition(-values, count - 1)[:count]
        return top[np.lexsort((top, -values[top]))]
    return np.lexsort((np.arange(len(values)), -values))
