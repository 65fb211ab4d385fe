"""One table from the result files each benchmark writes (benchmarks/results/*.csv), beside the
issue's targets, and the chart of search latency against index size. Reads files only: building
the summary never runs a benchmark."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

# The targets of the issues the benchmarks measure (search API p95 by index size, the slowest
# query; update emails against a plain send loop; extraction against pypdf alone).
SEARCH_P95_TARGETS_MS = {100_000: 50.0, 1_000_000: 150.0}
SEARCH_MAX_MS = 300.0
NEWSLETTER_TARGET = 0.60
# The extraction issue's: the pipeline keeps 85% of pypdf's own pages/s in one process, and two
# processes give 1.8 times one.
PIPELINE_SHARE_TARGET = 0.85
PIPELINE_SCALING_TARGET = 1.8
# The relevance issue's (benchmarks/relevance.py, on the Cranfield collection when its folder is
# present): right after an import, nDCG@10 within 0.005 of the ranking after a rebuild of the
# index, and at least bm25s's minus 0.01.
CRANFIELD = Path(__file__).resolve().parent / "data" / "cranfield"
RELEVANCE_IMPORT_VS_REBUILD = 0.005
RELEVANCE_IMPORT_VS_BM25S = 0.01
# The search-index issue's (benchmarks/imports.py, opt-in): an import of N rows into an empty index
# within 2 x rebuild_search_index's time for the same rows, the ranking right at its end (the top
# 10 of every fixed query the same as after the rebuild).
IMPORT_VS_REBUILD_TARGET = 2.0
HEADER = ["benchmark", "measure", "figure", "target", "met"]


@dataclass(frozen=True)
class Row:
    benchmark: str
    measure: str
    figure: str
    target: str = ""
    met: bool | None = None

    def cells(self) -> list[str]:
        met = "" if self.met is None else "yes" if self.met else "NO"
        return [self.benchmark, self.measure, self.figure, self.target, met]


def read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="") as stream:
        return list(csv.DictReader(stream))


def publications(size: str) -> int:
    """10k -> 10,000; 1m -> 1,000,000; a plain number as it is."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([km]?)", size.strip().lower())
    if not match:
        raise ValueError(f"not an index size: {size!r}")
    return int(float(match.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2)])


def search_rows(results: list[dict[str, str]]) -> list[Row]:
    rows = []
    for result in sorted(results, key=lambda r: publications(r["size"])):
        size, count = result["size"], publications(result["size"])
        p95 = float(result["api_p95"])
        target = SEARCH_P95_TARGETS_MS.get(count)
        rows.append(
            Row(
                "search",
                f"API p50 / p95 / p99 ms, {size}",
                f"{result['api_p50']} / {result['api_p95']} / {result['api_p99']}",
                f"p95 < {target:g} ms" if target else "",
                p95 < target if target else None,
            )
        )
        slowest = float(result["max_ms"])
        rows.append(
            Row(
                "search",
                f"slowest query ms, {size}",
                f"{slowest:g}",
                f"< {SEARCH_MAX_MS:g} ms",
                slowest < SEARCH_MAX_MS,
            )
        )
        rows.append(
            Row(
                "search",
                f"build s (load + index), index MB, {size}",
                f"{result['load_s']} + {result['index_s']}, {result['index_mb']} MB",
            )
        )
    return rows


def pages_rows(results: list[dict[str, str]]) -> list[Row]:
    rows = []
    for result in results:
        ratio, target = float(result["ratio"]), float(result["target"])
        rows.append(
            Row(
                "pages",
                f"{result['page']}: requests/s (plain view), p95 ms",
                f"{float(result['rps']):.0f} ({float(result['plain_rps']):.0f}), "
                f"{result['p95_ms']}; ratio {ratio:.2f}",
                f"ratio ≥ {target:.2f}",
                ratio >= target,
            )
        )
    return rows


def newsletter_rows(results: list[dict[str, str]]) -> list[Row]:
    rates = {row["what"]: float(row["emails/s"].replace(",", "")) for row in results}
    plain = next((rate for what, rate in rates.items() if "loop" in what), None)
    real = next((rate for what, rate in rates.items() if "real path" in what), None)
    if plain is None or real is None:
        return []
    ratio = real / plain
    return [
        Row(
            "newsletter",
            "update emails/s: real path (plain send loop)",
            f"{real:,.0f} ({plain:,.0f}); ratio {ratio:.2f}",
            f"ratio ≥ {NEWSLETTER_TARGET:.2f}",
            ratio >= NEWSLETTER_TARGET,
        )
    ]


def extraction_rows(results: list[dict[str, str]]) -> list[Row]:
    rows = [
        Row(
            "extraction",
            f"pages/s: {row['what']}, {row['processes']} process(es)",
            f"{row['pages_per_s']} (peak {row['peak_mb']} MB)",
        )
        for row in results
    ]
    rate = {(row["what"], row["processes"]): float(row["pages_per_s"]) for row in results}
    alone = rate.get(("pypdf called directly", "1"))
    for what in sorted({row["what"] for row in results if row["what"].startswith("pipeline")}):
        one, two = rate.get((what, "1")), rate.get((what, "2"))
        if alone and one:
            rows.append(
                Row(
                    "extraction",
                    f"{what}: share of pypdf's pages/s, 1 process",
                    f"{one / alone:.2f}",
                    f"≥ {PIPELINE_SHARE_TARGET:.2f}",
                    one / alone >= PIPELINE_SHARE_TARGET,
                )
            )
        if one and two:
            rows.append(
                Row(
                    "extraction",
                    f"{what}: 2 processes against 1",
                    f"{two / one:.2f}x",
                    f"≥ {PIPELINE_SCALING_TARGET:g}x",
                    two / one >= PIPELINE_SCALING_TARGET,
                )
            )
    return rows


def relevance_rows(results: list[dict[str, str]]) -> list[Row]:
    """Cranfield nDCG@10 and recall@100 after the import (against the targets), after a rebuild
    of the index, and of bm25s."""

    def run(prefix: str) -> dict[str, str] | None:
        return next((row for row in results if row["run"].startswith(prefix)), None)

    imported, rebuilt, bm25s = run("after import"), run("after rebuild"), run("bm25s")
    if imported is None or rebuilt is None or bm25s is None:
        return []
    ndcg = {name: float(row["ndcg_10"]) for name, row in
            (("import", imported), ("rebuild", rebuilt), ("bm25s", bm25s))}  # fmt: skip
    floor = ndcg["bm25s"] - RELEVANCE_IMPORT_VS_BM25S
    near = abs(ndcg["import"] - ndcg["rebuild"]) <= RELEVANCE_IMPORT_VS_REBUILD

    def figure(row: dict[str, str]) -> str:
        return f"{float(row['ndcg_10']):.4f} / {float(row['recall_100']):.4f}"

    measure = "Cranfield nDCG@10 / recall@100"
    return [
        Row(
            "relevance",
            f"{measure} {imported['run']} ({imported['queries_cut']} queries cut)",
            figure(imported),
            f"nDCG@10 ≥ {floor:.4f} (bm25s - {RELEVANCE_IMPORT_VS_BM25S:g}) and within "
            f"{RELEVANCE_IMPORT_VS_REBUILD:g} of after rebuild",
            ndcg["import"] >= floor and near,
        ),
        Row("relevance", f"{measure} {rebuilt['run']}", figure(rebuilt)),
        Row("relevance", f"{measure}, {bm25s['run']}", figure(bm25s)),
    ]


def imports_rows(result: dict | None) -> list[Row]:
    """Import against rebuild seconds for the same rows, and the top 10s after each."""
    if not result:
        return []
    ratio = float(result["ratio"])
    identical, queries = int(result["top10_identical"]), int(result["queries"])
    return [
        Row(
            "imports",
            f"import / rebuild s, {int(result['rows']):,} rows (import rows/s)",
            f"{result['import_s']} / {result['rebuild_s']} ({float(result['rows_per_s']):,.0f}); "
            f"ratio {ratio:.2f}",
            f"ratio ≤ {IMPORT_VS_REBUILD_TARGET:g}",
            ratio <= IMPORT_VS_REBUILD_TARGET,
        ),
        Row(
            "imports",
            "queries with the identical top 10 after the import and after the rebuild",
            f"{identical} of {queries}",
            "all",
            identical == queries,
        ),
    ]


def read_json(path: Path) -> dict | None:
    return json.loads(path.read_text()) if path.exists() else None


def summary_rows(results_dir: Path) -> list[Row]:
    """Every benchmark's figures from its CSV; a benchmark without results says so."""
    readers = {
        "search": search_rows,
        "pages": pages_rows,
        "newsletter": newsletter_rows,
        "extraction": extraction_rows,
        "relevance": relevance_rows,
    }
    rows = []
    for name, reader in readers.items():
        found = reader(read_csv(results_dir / f"{name}.csv"))
        if name == "relevance" and not found and not CRANFIELD.is_dir():
            continue  # no collection to measure with: no line
        rows += found or [Row(name, "no results yet", f"run benchmarks/{name}.py")]
    # Opt-in (it takes a while): a line only once benchmarks/imports.py has written its results.
    rows += imports_rows(read_json(results_dir / "imports.json"))
    return rows


def markdown(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def write_summary(rows: list[Row], results_dir: Path) -> None:
    (results_dir / "summary.md").write_text(markdown(rows) + "\n")
    with (results_dir / "summary.csv").open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        writer.writerows(row.cells() for row in rows)


def latency_series(results: list[dict[str, str]]) -> list[tuple[int, float, float]]:
    """(publications, API p50 ms, API p95 ms) per index size, smallest first."""
    points = [(publications(r["size"]), float(r["api_p50"]), float(r["api_p95"])) for r in results]
    return sorted(points)


def latency_chart(results: list[dict[str, str]], path: Path) -> bool:
    """Search API p50 and p95 against index size, with the targets; False with no results."""
    points = latency_series(results)
    if not points:
        return False
    import matplotlib

    matplotlib.use("Agg")  # no display: a file only
    from matplotlib import pyplot

    sizes, p50, p95 = zip(*points, strict=True)
    figure, axes = pyplot.subplots(figsize=(7, 4.5), dpi=120)
    axes.plot(sizes, p50, marker="o", label="API p50")
    axes.plot(sizes, p95, marker="o", label="API p95")
    targets = sorted(SEARCH_P95_TARGETS_MS.items())
    axes.scatter(
        [s for s, _ in targets],
        [t for _, t in targets],
        marker="_",
        s=400,
        color="crimson",
        label="p95 target",
        zorder=3,
    )
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("publications in the index")
    axes.set_ylabel("milliseconds")
    axes.set_title("Search latency against index size")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path)
    pyplot.close(figure)
    return True
