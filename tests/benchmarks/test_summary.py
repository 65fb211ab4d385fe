"""The combined benchmark table, built from result files alone (`run.py --from-results`)."""

import csv

import pytest

from benchmarks.summary import (
    latency_chart,
    latency_series,
    markdown,
    publications,
    read_csv,
    summary_rows,
    write_summary,
)

SEARCH = [
    {"size": "1m", "postings": "9", "index_mb": "900", "load_s": "60", "index_s": "600",
     "api_p50": "80.0", "api_p95": "180.5", "api_p99": "250.0", "max_ms": "290.0"},
    {"size": "100k", "postings": "9", "index_mb": "90", "load_s": "6", "index_s": "60",
     "api_p50": "12.0", "api_p95": "41.5", "api_p99": "60.0", "max_ms": "320.0"},
]  # fmt: skip
PAGES = [
    {"page": "publication page", "urls": "200", "rps": "900.4", "p95_ms": "30.1",
     "plain_rps": "1500", "plain_p95_ms": "20", "ratio": "0.600", "target": "0.333"},
    {"page": "search page", "urls": "100", "rps": "150", "p95_ms": "90.0",
     "plain_rps": "1500", "plain_p95_ms": "20", "ratio": "0.100", "target": "0.2"},
]  # fmt: skip
NEWSLETTER = [
    {"what": "send_messages loop, one connection (mean of 2)", "emails/s": "300"},
    {"what": "one Celery worker, real path", "emails/s": "210"},
]


def write(path, rows):
    with path.open("w", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def results(tmp_path):
    write(tmp_path / "search.csv", SEARCH)
    write(tmp_path / "pages.csv", PAGES)
    write(tmp_path / "newsletter.csv", NEWSLETTER)
    return tmp_path


def by_measure(rows):
    return {row.measure: row for row in rows}


def test_search_rows_come_smallest_index_first_against_the_targets_for_their_size(results):
    rows = [row for row in summary_rows(results) if row.benchmark == "search"]
    measures = by_measure(rows)

    small = measures["API p50 / p95 / p99 ms, 100k"]
    assert rows[0] is small
    assert (small.figure, small.target, small.met) == ("12.0 / 41.5 / 60.0", "p95 < 50 ms", True)
    assert measures["API p50 / p95 / p99 ms, 1m"].met is False
    assert measures["slowest query ms, 100k"].met is False
    assert measures["slowest query ms, 1m"].met is True


def test_pages_and_newsletter_rows_carry_their_ratios(results):
    measures = by_measure(summary_rows(results))

    publication = measures["publication page: requests/s (plain view), p95 ms"]
    search = measures["search page: requests/s (plain view), p95 ms"]
    newsletter = measures["update emails/s: real path (plain send loop)"]
    assert (publication.figure, publication.met) == ("900 (1500), 30.1; ratio 0.60", True)
    assert (search.target, search.met) == ("ratio ≥ 0.20", False)
    assert (newsletter.figure, newsletter.met) == ("210 (300); ratio 0.70", True)


def test_a_benchmark_without_results_says_how_to_get_them(results):
    rows = [row for row in summary_rows(results) if row.benchmark == "extraction"]

    assert [(row.measure, row.figure) for row in rows] == [
        ("no results yet", "run benchmarks/extraction.py")
    ]


def test_the_extraction_pipeline_is_set_beside_pypdf_alone_and_one_process(tmp_path):
    rows_in = [
        ("pypdf called directly", 1, 100.0),
        ("pypdf called directly", 2, 200.0),
        ("pipeline (Celery worker), drafts", 1, 90.0),
        ("pipeline (Celery worker), drafts", 2, 170.0),
        ("pipeline (Celery worker), published", 1, 70.0),
        ("pipeline (Celery worker), published", 2, 120.0),
    ]
    with (tmp_path / "extraction.csv").open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["what", "processes", "pages_per_s", "pages_per_cpu_s", "peak_mb", "note"])
        writer.writerows((what, n, rate, rate, 90, "") for what, n, rate in rows_in)

    rows = [row for row in summary_rows(tmp_path) if row.target]

    assert [(row.measure, row.figure, row.met) for row in rows] == [
        ("pipeline (Celery worker), drafts: share of pypdf's pages/s, 1 process", "0.90", True),
        ("pipeline (Celery worker), drafts: 2 processes against 1", "1.89x", True),
        ("pipeline (Celery worker), published: share of pypdf's pages/s, 1 process", "0.70", False),
        ("pipeline (Celery worker), published: 2 processes against 1", "1.71x", False),
    ]


def test_summary_is_written_as_markdown_and_csv(results):
    rows = summary_rows(results)
    write_summary(rows, results)

    table = (results / "summary.md").read_text().splitlines()
    assert table[0] == "| benchmark | measure | figure | target | met |"
    assert len(table) == 2 + len(rows)
    assert "| search | slowest query ms, 100k | 320 | < 300 ms | NO |" in table
    written = read_csv(results / "summary.csv")
    assert [row["figure"] for row in written] == [row.figure for row in rows]
    assert markdown(rows) == "\n".join(table)


def test_index_sizes_read_as_publication_counts():
    assert [publications(size) for size in ("10k", "100k", "1m", "2500")] == [
        10_000, 100_000, 1_000_000, 2_500
    ]  # fmt: skip
    with pytest.raises(ValueError, match="not an index size"):
        publications("lots")
    assert latency_series(SEARCH) == [(100_000, 12.0, 41.5), (1_000_000, 80.0, 180.5)]


def test_latency_chart_is_a_png(tmp_path):
    chart = tmp_path / "search-latency.png"

    assert latency_chart(SEARCH, chart) is True
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert latency_chart([], tmp_path / "none.png") is False
    assert not (tmp_path / "none.png").exists()
