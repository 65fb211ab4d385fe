"""The search benchmark's results file: a run of some sizes replaces their rows and keeps the
others, each row stamped with when it was measured."""

import json

from benchmarks import search


def test_a_run_of_some_sizes_keeps_the_last_rows_of_the_others(tmp_path, monkeypatch):
    kept = tmp_path / "search.json"
    kept.write_text(json.dumps([
        {"size": "1m", "api_p95": 200.0, "measured": "earlier"},
        {"size": "10k", "api_p95": 40.0, "measured": "earlier"},
    ]))  # fmt: skip
    monkeypatch.setattr(search, "RESULTS_JSON", kept)

    rows = search.merged([{"size": "1m", "api_p95": 120.0}, {"size": "100k", "api_p95": 45.0}])

    assert [(row["size"], row["api_p95"]) for row in rows] == [
        ("10k", 40.0), ("100k", 45.0), ("1m", 120.0)
    ]  # fmt: skip
    assert rows[0]["measured"] == "earlier"
    assert rows[1]["measured"] == rows[2]["measured"] != "earlier"


def test_the_first_run_has_nothing_to_keep(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "RESULTS_JSON", tmp_path / "search.json")

    assert [row["size"] for row in search.merged([{"size": "10k"}])] == ["10k"]
