"""A bulk write larger than the index (search.index.writes.Batched): batches indexed up to
`Tuning.bulk_rebuild_from` publications, the rest by one rebuild at its end, with the ranking
right as it ends; a smaller one never rebuilds."""

from __future__ import annotations

import pytest

from publications.models import Publication
from search.index import writes
from search.models import SearchDocument
from tests.publications.test_import import row, run_import, write_jsonl
from tests.search.indexed import indexed, run
from tests.search.reference import Reference, same_top

pytestmark = pytest.mark.django_db(transaction=True)

QUERIES = ("harbour", "pilots tides", "harbour dues ledger")


def _rows(count: int) -> list[dict]:
    # Short abstracts first, long ones last: statistics taken early would be badly skewed.
    return [
        row(
            f"harbour-{n}",
            title=f"Harbour note {n}",
            abstract=("harbour pilots " + "tides and dues ledger " * (n * n)).strip(),
            authors=[],
            topics=[],
        )
        for n in range(count)
    ]


def _assert_ranked_as_the_reference() -> None:
    reference = Reference()
    for query in QUERIES:
        found = [result.publication.pk for result in run(query, page_size=10).results]
        assert same_top(reference, query, found), query


def _rebuilds(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = writes.rebuild

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(writes, "rebuild", counted)
    return calls


def test_an_import_larger_than_the_index_is_indexed_by_one_rebuild_at_its_end(
    tmp_path, settings, monkeypatch
):
    settings.SEARCH_BULK_REBUILD_FROM = 3
    indexed(title="Harbour pilots of old", abstract="harbour pilots")
    rebuilds = _rebuilds(monkeypatch)

    result = run_import(write_jsonl(tmp_path / "rows.jsonl", _rows(12)))

    assert result.code == 0, result.err
    assert rebuilds == [1]
    released = set(Publication.objects.released().values_list("pk", flat=True))
    assert set(SearchDocument.objects.values_list("pk", flat=True)) == released
    assert len(released) == 13
    _assert_ranked_as_the_reference()


def test_an_import_smaller_than_the_index_is_indexed_batch_by_batch(
    tmp_path, settings, monkeypatch
):
    settings.SEARCH_BULK_REBUILD_FROM = 3
    for n in range(15):
        indexed(title=f"Older harbour report {n}", abstract="harbour " * (n + 1))
    rebuilds = _rebuilds(monkeypatch)

    result = run_import(write_jsonl(tmp_path / "rows.jsonl", _rows(12)))

    assert result.code == 0, result.err
    assert rebuilds == []  # 12 rows into an index of 15: batches
    assert SearchDocument.objects.count() == 27
    _assert_ranked_as_the_reference()
