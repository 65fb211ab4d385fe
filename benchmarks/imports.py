"""Import against rebuild: `manage.py import_publications` of N abstract-only rows into an empty
index, timed beside `manage.py rebuild_search_index` of the same rows, and the ranking right at
the import's end (the top 10 of fixed queries after the import and after the rebuild).

    .venv/bin/python benchmarks/imports.py [--rows 100000]

The rows are synthetic and the same every run (benchmarks/corpus.py's Zipf pseudo-words): a title
of 6-12 words, an abstract of 120-250, type report, one past date, published, no authors or
topics, slug row-N. They are written as an import file and imported into a fresh database
(bench_imports, dropped and created again each run, migrated, on the benchmarks' PostgreSQL under
var/bench/), the import timed on the wall clock as a subprocess; then rebuild_search_index is
timed on the same database. The index size (every search_* table, as left, no VACUUM) is read
after each. The top 10 of each query is asked of search.engine.search in a child process with the
site's settings, after the import and again after the rebuild, each with a cache prefix of its
own. The issue's target: the import within 2 x the rebuild's time, its ranking right at its end.
Prints a table and writes benchmarks/results/imports.{md,json}. It measures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))  # run as a script: the project's packages importable
from benchmarks.relevance import (  # noqa: E402
    abstract_row,
    import_corpus,
    manage,
    recreate_database,
)

RESULTS = BASE_DIR / "benchmarks" / "results"
DATABASE = "bench_imports"
SLUG_PREFIX = "row-"
VOCABULARY = 40_000  # as benchmarks/corpus.py's shapes
TITLE_WORDS, ABSTRACT_WORDS = (6, 12), (120, 250)
TARGET_RATIO = 2.0  # the issue's: an import within 2 x the rebuild's time for the same rows
TOP = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows to import")
    parser.add_argument("--top-ten", action="store_true", help=argparse.SUPPRESS)  # the child
    args = parser.parse_args()
    if args.top_ten:
        return top_ten_child()
    started = time.monotonic()

    from benchmarks.corpus import Vocabulary
    from benchmarks.search import BENCH_DIR, start_bench_postgres

    vocabulary = Vocabulary(VOCABULARY)
    work = BENCH_DIR / "imports"
    work.mkdir(parents=True, exist_ok=True)
    import_file = work / f"import-{args.rows}.jsonl"
    with import_file.open("w") as stream:
        stream.writelines(json.dumps(row) + "\n" for row in synthetic_rows(args.rows, vocabulary))
    megabytes = import_file.stat().st_size / 2**20
    log(f"Import file {import_file}: {args.rows:,} rows, {megabytes:.0f} MB")
    queries = fixed_queries(vocabulary)

    server_url = start_bench_postgres()
    recreate_database(server_url, DATABASE)
    env = site_env(server_url)
    manage(env, "migrate", "--verbosity", "0")

    load = {"before_import": os.getloadavg()}  # the machine may be shared: its load, to judge by
    clock = time.monotonic()
    imported = import_corpus(env, import_file)
    import_s = time.monotonic() - clock
    log(f"Imported: {imported['summary']} in {import_s:.1f} s")
    for line, reason in imported["refused"][:20]:
        log(f"  refused: line {line}: {reason}")
    load["after_import"] = os.getloadavg()
    import_mb = index_mb(server_url)
    after_import = top_tens({**env, "CACHE_KEY_PREFIX": "bench-imports-import"}, queries)

    clock = time.monotonic()
    manage(env, "rebuild_search_index")
    rebuild_s = time.monotonic() - clock
    load["after_rebuild"] = os.getloadavg()
    log(f"Rebuilt in {rebuild_s:.1f} s")
    rebuild_mb = index_mb(server_url)
    after_rebuild = top_tens({**env, "CACHE_KEY_PREFIX": "bench-imports-rebuild"}, queries)

    compared = compare(after_import, after_rebuild)
    result = {
        "rows": args.rows,
        "imported": imported["summary"],
        "refused": len(imported["refused"]),
        "import_s": round(import_s, 1),
        "rows_per_s": round(args.rows / import_s, 1),
        "rebuild_s": round(rebuild_s, 1),
        "ratio": round(import_s / rebuild_s, 2),
        "target_ratio": TARGET_RATIO,
        "index_mb_after_import": round(import_mb, 1),
        "index_mb_after_rebuild": round(rebuild_mb, 1),
        "queries": len(queries),
        "top10_identical": compared["identical"],
        "top10_same_documents": compared["same_documents"],
        "top10_max_score_difference": compared["max_score_difference"],
        "differing_queries": compared["differing"],
        "load_average_1_5_15_min": {when: [round(x, 1) for x in avg] for when, avg in load.items()},
        "total_s": round(time.monotonic() - started, 1),
        "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "top10_after_import": after_import,
        "top10_after_rebuild": after_rebuild,
    }
    report(result)


def synthetic_rows(count: int, vocabulary) -> list[dict]:
    """count import rows, the same every run for the same vocabulary (its own seeded draws)."""
    rng = random.Random(23)
    rows = []
    for n in range(1, count + 1):
        title = vocabulary.text(rng.randint(*TITLE_WORDS)).capitalize()
        abstract = vocabulary.text(rng.randint(*ABSTRACT_WORDS))
        rows.append(abstract_row(f"{SLUG_PREFIX}{n}", title, abstract))
    return rows


def fixed_queries(vocabulary) -> list[str]:
    """20 queries over the vocabulary's frequency ranks (1 = the most frequent word): single
    words, pairs and triples from common to rare, a phrase, an "or" and an exclusion."""
    w = vocabulary.rank
    pairs = [(10, 200), (50, 1_000), (100, 5_000), (700, 9_000), (2, 30_000)]
    triples = [(5, 60, 700), (20, 400, 8_000), (2, 1_000, 15_000), (150, 1_500, 12_000)]
    return [
        *(w(rank) for rank in (3, 30, 300, 3_000, 20_000)),
        *(f"{w(a)} {w(b)}" for a, b in pairs),
        *(f"{w(a)} {w(b)} {w(c)}" for a, b, c in [*triples, (40, 41, 42)]),
        f'"{w(1)} {w(2)}"',
        f'"{w(8)} {w(90)}" {w(900)}',
        f"{w(250)} or {w(2_500)}",
        f"{w(60)} -{w(6)}",
        f"{w(15)} {w(150)} {w(1_500)} {w(15_000)}",
    ]


def site_env(server_url: str) -> dict[str, str]:
    """The pages benchmark's production environment on this benchmark's database, with a Redis
    cache database of its own."""
    from benchmarks.pages import site_env as pages_env
    from config import embedded

    return {
        **pages_env(server_url, DATABASE),
        "REDIS_URL": f"unix://{embedded.REDIS_SOCKET}?db=13",
        "CACHE_KEY_PREFIX": "bench-imports",
    }


def index_mb(server_url: str) -> float:
    """Every search_* table of the benchmark's database, indexes and TOAST included, as left."""
    import psycopg

    host = server_url.split("@", 1)[1].replace("%2F", "/")
    with psycopg.connect(host=host, user="postgres", dbname=DATABASE) as conn:
        size = conn.execute(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relname LIKE 'search\\_%' AND c.relkind = 'r'"
        ).fetchone()[0]
    return int(size) / 2**20


def top_tens(env: dict[str, str], queries: list[str]) -> dict[str, list[list]]:
    """{query: [[slug, score], ...]}: the first 10 by relevance, from a child with the site's
    settings (this script with --top-ten, the queries on its stdin)."""
    done = subprocess.run([sys.executable, __file__, "--top-ten"], env=env, cwd=BASE_DIR,
                          input=json.dumps(queries), capture_output=True, text=True,
                          check=False)  # fmt: skip
    if done.returncode:
        sys.exit(f"the top-10 child failed ({done.returncode}): {done.stderr.strip()}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def top_ten_child() -> None:
    import django

    django.setup()
    from search.engine import SearchRequest, search

    tops = {}
    for query in json.loads(sys.stdin.read()):
        outcome = search(SearchRequest(query=query, page_size=TOP))
        tops[query] = [[r.publication.slug, r.score] for r in outcome.results]
    print(json.dumps(tops))


def compare(first: dict[str, list[list]], second: dict[str, list[list]]) -> dict:
    """Queries with the identical top 10 (the same documents in the same order), those with the
    same documents in any order, and the largest difference
    in a document's score between the two."""
    identical = same = 0
    differing = []
    largest = 0.0
    for query, hits in first.items():
        other = second.get(query, [])
        slugs, other_slugs = [h[0] for h in hits], [h[0] for h in other]
        identical += slugs == other_slugs
        same += set(slugs) == set(other_slugs)
        if slugs != other_slugs:
            differing.append(query)
        scores = dict(map(tuple, other))
        for slug, score in hits:
            if score is not None and scores.get(slug) is not None:
                largest = max(largest, abs(score - scores[slug]))
    return {"identical": identical, "same_documents": same, "differing": differing,
            "max_score_difference": largest}  # fmt: skip


HEAD = ["rows", "import s", "rows/s", "rebuild s", f"import / rebuild (target ≤ {TARGET_RATIO})",
        "index MB after import", "index MB after rebuild",
        "identical top 10s after import / after rebuild"]  # fmt: skip


def markdown(result: dict) -> str:
    met = "met" if result["ratio"] <= result["target_ratio"] else "NOT met"
    cells = [
        f"{result['rows']:,}",
        f"{result['import_s']:.1f}",
        f"{result['rows_per_s']:,.0f}",
        f"{result['rebuild_s']:.1f}",
        f"{result['ratio']:.2f} ({met})",
        f"{result['index_mb_after_import']:.0f}",
        f"{result['index_mb_after_rebuild']:.0f}",
        f"{result['top10_identical']} of {result['queries']}",
    ]
    return "\n".join(["| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD),
                      "| " + " | ".join(cells) + " |"])  # fmt: skip


def report(result: dict) -> None:
    differing = result["differing_queries"]
    loads = "; ".join(
        f"{when.replace('_', ' ')} {' / '.join(map(str, avg))}"
        for when, avg in result["load_average_1_5_15_min"].items()
    )
    notes = [
        f"{result['rows']:,} synthetic abstract-only rows (title 6-12, abstract 120-250 Zipf "
        f"pseudo-words; type report, published, no authors or topics) through `manage.py "
        f"import_publications --quiet` into an empty index (a fresh, migrated database), then "
        f"`manage.py rebuild_search_index` of the same rows; wall clock of each command as a "
        f"subprocess. Import: {result['imported']} ({result['refused']} refused). Index size: "
        f"every search_* table as left, no VACUUM. Measured {result['measured']}, whole run "
        f"{result['total_s']:.0f} s, on a machine shared with other work (load average 1/5/15 "
        f"min: {loads}).",
        "",
        f"Ranking at the import's end: the top 10 of {result['queries']} fixed queries "
        f"(search.engine.search) after the import against after the rebuild: identical for "
        f"{result['top10_identical']}, the same documents for "
        f"{result['top10_same_documents']}; largest score difference "
        f"{result['top10_max_score_difference']:.2g}."
        + (f" Differing: {'; '.join(differing)}." if differing else ""),
    ]
    text = "\n".join([markdown(result), "", *notes])
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "imports.md").write_text(text + "\n")
    (RESULTS / "imports.json").write_text(json.dumps(result, indent=1) + "\n")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
