"""Every benchmark in turn (`make bench`), then one table of their figures beside the targets,
written to benchmarks/results/summary.{md,csv}, and the chart of search latency against index size
(benchmarks/results/search-latency.png).

    .venv/bin/python benchmarks/run.py [--sizes 10k,100k,1m] [--only search,pages]
    .venv/bin/python benchmarks/run.py --from-results    # the table from the last results only

Each benchmark also runs alone (benchmarks/search.py, pages.py, newsletter.py, extraction.py,
relevance.py, imports.py). relevance.py runs when its collection (benchmarks/data/cranfield) is
present. imports.py is opt-in (it takes about as long as importing and indexing its rows twice):
it runs with `--only imports`, or in the whole run when BENCH_IMPORT_ROWS is set (its --rows;
100000 when it is not set).
One that fails is reported and the others still run; the table then shows its last results.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
from benchmarks.summary import (  # noqa: E402
    CRANFIELD,
    latency_chart,
    markdown,
    read_csv,
    summary_rows,
    write_summary,
)

RESULTS = BASE_DIR / "benchmarks" / "results"
BENCHMARKS = ["search", "pages", "newsletter", "extraction"]
BENCHMARKS += ["relevance"] if CRANFIELD.is_dir() else []
IMPORT_ROWS = os.environ.get("BENCH_IMPORT_ROWS", "")
OPT_IN = ["imports"]  # run only when named in --only, or in every run when BENCH_IMPORT_ROWS is set
BENCHMARKS += OPT_IN if IMPORT_ROWS else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1m", help="index sizes for search.py")
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="benchmarks to run")
    parser.add_argument(
        "--from-results",
        action="store_true",
        help="run nothing: build the table from the existing result files",
    )
    args = parser.parse_args()
    failed = [] if args.from_results else run_all(args.only.split(","), args.sizes)
    RESULTS.mkdir(parents=True, exist_ok=True)
    rows = summary_rows(RESULTS)
    write_summary(rows, RESULTS)
    chart = RESULTS / "search-latency.png"
    drawn = latency_chart(read_csv(RESULTS / "search.csv"), chart)
    print(markdown(rows))
    print(
        f"\nWritten: {RESULTS / 'summary.md'}, {RESULTS / 'summary.csv'}"
        + (f", {chart}" if drawn else " (no search results: no chart)")
    )
    if failed:
        sys.exit(f"Failed: {', '.join(failed)} (their rows show the previous results)")


def run_all(names: list[str], sizes: str) -> list[str]:
    """Run each benchmark as its own process, output shown as it goes; the names that failed."""
    failed = []
    for number, name in enumerate(names, start=1):
        known = list(dict.fromkeys(BENCHMARKS + OPT_IN))
        if name not in known:
            sys.exit(f"Unknown benchmark {name!r}; choose from {', '.join(known)}")
        command = [sys.executable, str(BASE_DIR / "benchmarks" / f"{name}.py")]
        command += ["--sizes", sizes] if name == "search" else []
        command += ["--rows", IMPORT_ROWS] if name == "imports" and IMPORT_ROWS else []
        print(f"[{number}/{len(names)}] {' '.join(command[1:])}", flush=True)
        started = time.monotonic()
        status = subprocess.run(command, cwd=BASE_DIR, check=False).returncode
        print(
            f"[{number}/{len(names)}] {name}: {'done' if status == 0 else f'FAILED ({status})'}"
            f" in {time.monotonic() - started:.0f} s\n",
            flush=True,
        )
        if status:
            failed.append(name)
    return failed


if __name__ == "__main__":
    main()
