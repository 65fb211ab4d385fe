"""The relevance benchmark's pieces that need no server: the import rows it writes, the queries
it sends, and its line in the combined table."""

import csv

from benchmarks import relevance
from benchmarks.summary import relevance_rows, summary_rows
from publications.importing import parse_row


def test_every_document_becomes_an_importable_row_and_an_empty_title_the_document_id():
    docs = [
        {"_id": "1", "title": "wing in a slipstream .", "text": "an experimental study ."},
        {"_id": "471", "title": "", "text": ""},
    ]

    rows, titled = relevance.import_rows(docs)

    assert titled == ["471"]
    parsed = [parse_row(text=relevance.json.dumps(row), line=n) for n, row in enumerate(rows, 1)]
    assert [(row.slug, row.title, row.abstract) for row in parsed] == [
        ("cranfield-1", "wing in a slipstream .", "an experimental study ."),
        ("cranfield-471", "471", ""),
    ]
    assert {(row.type, row.status, row.authors, row.topics) for row in parsed} == {
        ("report", "published", (), ())
    }


def test_queries_are_sent_as_plain_words_and_the_cut_ones_counted():
    assert relevance.plain_query("what methods -dash exact -dash are -") == (
        "what methods dash exact dash are"
    )
    long = " ".join(["lift"] * 40)

    assert relevance.queries_cut([("1", "short question ."), ("2", long)]) == ["2: 40 words"]


def test_the_combined_table_sets_the_import_against_the_rebuild_and_bm25s(tmp_path):
    with (tmp_path / "relevance.csv").open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["run", "ndcg_10", "recall_100", "queries_cut", "measured"])
        writer.writerow(["after import", "0.365", "0.73", "9", "now"])
        writer.writerow(["after rebuild_search_index", "0.368", "0.74", "9", "now"])
        writer.writerow(["bm25s (lucene, k1 1.2, b 0.75)", "0.3694", "0.7339", "", "now"])

    rows = [row for row in summary_rows(tmp_path) if row.benchmark == "relevance"]

    assert [(row.figure, row.met) for row in rows] == [
        ("0.3650 / 0.7300", True),
        ("0.3680 / 0.7400", None),
        ("0.3694 / 0.7339", None),
    ]
    assert rows[0].measure == "Cranfield nDCG@10 / recall@100 after import (9 queries cut)"
    worse = [
        {"run": "after import", "ndcg_10": "0.32", "recall_100": "0.7", "queries_cut": "9"},
        {"run": "after rebuild", "ndcg_10": "0.36", "recall_100": "0.7", "queries_cut": "9"},
        {"run": "bm25s", "ndcg_10": "0.3694", "recall_100": "0.7", "queries_cut": ""},
    ]
    assert relevance_rows(worse)[0].met is False
