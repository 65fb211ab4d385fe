"""The import benchmark's pieces that need no server: the rows it writes, its queries, how it
compares the top 10s, and its lines in the combined table."""

import json

from benchmarks import imports
from benchmarks.corpus import Vocabulary
from benchmarks.summary import imports_rows, summary_rows
from publications.importing import parse_row


def test_the_rows_are_importable_abstract_only_reports_and_the_same_every_run():
    rows = imports.synthetic_rows(3, Vocabulary(500))

    assert rows == imports.synthetic_rows(3, Vocabulary(500))
    parsed = [parse_row(text=json.dumps(row), line=n) for n, row in enumerate(rows, 1)]
    assert [row.slug for row in parsed] == ["row-1", "row-2", "row-3"]
    assert {(row.type, row.status, row.authors, row.topics) for row in parsed} == {
        ("report", "published", (), ())
    }
    for row in rows:
        assert 6 <= len(row["title"].split()) <= 12
        assert 120 <= len(row["abstract"].split()) <= 250


def test_twenty_distinct_queries():
    queries = imports.fixed_queries(Vocabulary(40_000))

    assert len(queries) == len(set(queries)) == 20


def test_a_top_10_is_identical_only_with_the_same_documents_in_the_same_order():
    after_import = {"a": [["row-1", 2.0], ["row-2", 1.0]], "b": [["row-3", 1.5], ["row-4", 1.0]]}
    after_rebuild = {"a": [["row-1", 2.0], ["row-2", 1.0]], "b": [["row-4", 1.2], ["row-3", 1.1]]}

    compared = imports.compare(after_import, after_rebuild)

    assert (compared["identical"], compared["same_documents"], compared["differing"]) == (
        1,
        2,
        ["b"],
    )
    assert round(compared["max_score_difference"], 6) == 0.4


def test_the_combined_table_has_the_import_lines_only_once_measured(tmp_path):
    assert not [row for row in summary_rows(tmp_path) if row.benchmark == "imports"]
    result = {"rows": 100_000, "import_s": 300.0, "rebuild_s": 200.0, "rows_per_s": 333.3,
              "ratio": 1.5, "queries": 20, "top10_identical": 20}  # fmt: skip
    (tmp_path / "imports.json").write_text(json.dumps(result))

    rows = [row for row in summary_rows(tmp_path) if row.benchmark == "imports"]

    assert [(row.figure, row.target, row.met) for row in rows] == [
        ("300.0 / 200.0 (333); ratio 1.50", "ratio ≤ 2", True),
        ("20 of 20", "all", True),
    ]
    slow = imports_rows({**result, "ratio": 2.4, "top10_identical": 19})
    assert [row.met for row in slow] == [False, False]
