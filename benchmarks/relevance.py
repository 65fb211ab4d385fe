"""Relevance on a judged test collection (Cranfield 1400 in BEIR layout): nDCG@10 and recall@100
of the site's own search, through the import and the API a user would use, beside bm25s.

    .venv/bin/python benchmarks/relevance.py [--collection benchmarks/data/cranfield]

The corpus is written as an import file (title -> title, text -> abstract, no authors or topics,
type report, one past date, published) and imported with `manage.py import_publications` into a
fresh database (bench_relevance, dropped and created again each run, on the benchmarks'
PostgreSQL under var/bench/). The site is served by gunicorn on loopback with production settings
(the search API's rate limit lifted) and every query is asked of `GET /api/search` for the top
100: once right after the import, and again after `manage.py rebuild_search_index`. bm25s
(method "lucene", k1 1.2, b 0.75, the Snowball English stemmer and bm25s's English stop words,
as the collection's README) ranks the same title + abstract texts in the same run. Both are
scored with trec_eval's code (pytrec_eval), over every query (one with no result counts 0).

Queries are plain text, not the site's websearch syntax: a leading "-" (Cranfield's "-dash") is
taken off words here, so that it does not exclude a word. Prints a table and writes
benchmarks/results/relevance.{md,csv,json}. It measures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))  # run as a script: the project's packages importable
from benchmarks.serving import gunicorn  # noqa: E402

RESULTS = BASE_DIR / "benchmarks" / "results"
DEFAULT_COLLECTION = BASE_DIR / "benchmarks" / "data" / "cranfield"
DATABASE = "bench_relevance"
SLUG_PREFIX = "cranfield-"
PUBLISHED = "2000-01-01"  # one fixed past date: every row is published, none scheduled
DEPTH = 100  # recall@100
API_PAGE_SIZE = 100  # the API's largest page (search/forms.py MAX_PAGE_SIZE)
BM25_K1, BM25_B = 1.2, 0.75
MEASURES = {"ndcg_cut_10": "nDCG@10", "recall_100": "recall@100"}
# The targets the issue sets for the ranking right after an import.
IMPORT_VS_REBUILD = 0.005  # nDCG@10 within this of the ranking after a rebuild
IMPORT_VS_BM25S = 0.01  # and at least bm25s's nDCG@10 minus this
RUN_IMPORT, RUN_REBUILD = "after import", "after rebuild_search_index"
RUN_BM25S = f"bm25s (lucene, k1 {BM25_K1}, b {BM25_B}, stemmed, stop words)"
RUN_FILES = {RUN_IMPORT: "after-import", RUN_REBUILD: "after-rebuild", RUN_BM25S: "bm25s"}


@dataclass(frozen=True)
class Collection:
    docs: list[dict]
    queries: list[dict]
    qrels: dict[str, dict[str, int]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--collection", type=Path, default=DEFAULT_COLLECTION,
                        help="a folder in BEIR layout (corpus.jsonl, queries.jsonl, "
                             "qrels/test.tsv)")  # fmt: skip
    args = parser.parse_args()
    started = time.monotonic()
    collection = read_collection(args.collection)
    log(f"{args.collection}: {len(collection.docs):,} documents, {len(collection.queries)} "
        f"queries, {sum(map(len, collection.qrels.values())):,} judgements")  # fmt: skip

    from benchmarks.search import BENCH_DIR, start_bench_postgres

    work = BENCH_DIR / "relevance"
    work.mkdir(parents=True, exist_ok=True)
    rows, titled = import_rows(collection.docs)
    import_file = work / "import.jsonl"
    import_file.write_text("".join(json.dumps(row) + "\n" for row in rows))
    log(f"Import file {import_file}: {len(rows):,} rows ({len(titled)} empty titles given the "
        f"document id: {', '.join(titled) or 'none'})")  # fmt: skip

    server_url = start_bench_postgres()
    recreate_database(server_url, DATABASE)
    env = site_env(server_url)
    manage(env, "migrate", "--verbosity", "0")
    timings = {}
    clock = time.monotonic()
    imported = import_corpus(env, import_file)
    timings["import_s"] = round(time.monotonic() - clock, 1)
    log(f"Imported: {imported['summary']} in {timings['import_s']} s")
    for line, reason in imported["refused"]:
        log(f"  refused: line {line}: {reason}")

    queries = [(query["_id"], plain_query(query["text"])) for query in collection.queries]
    cut = queries_cut(queries)
    log(f"Queries cut by the search's caps: {len(cut)} ({', '.join(cut) or 'none'})")

    runs = {}
    with gunicorn(env, work / "gunicorn.log", probe="/api/search?q=") as base_url:
        clock = time.monotonic()
        runs[RUN_IMPORT] = ask_all(base_url, queries)
        timings["queries_after_import_s"] = round(time.monotonic() - clock, 1)
        clock = time.monotonic()
        manage(env, "rebuild_search_index")
        timings["rebuild_s"] = round(time.monotonic() - clock, 1)
        clock = time.monotonic()
        runs[RUN_REBUILD] = ask_all(base_url, queries)
        timings["queries_after_rebuild_s"] = round(time.monotonic() - clock, 1)
    clock = time.monotonic()
    runs[RUN_BM25S] = bm25s_run(rows, collection.queries)
    timings["bm25s_s"] = round(time.monotonic() - clock, 1)

    for name, run in runs.items():
        write_trec_run(run, work / f"{RUN_FILES[name]}.run", tag=RUN_FILES[name])
    results = []
    for name, run in runs.items():
        scores = evaluate(collection.qrels, run, [qid for qid, _ in queries])
        engine = name != RUN_BM25S
        results.append(
            {
                "run": name,
                **{key: round(scores[key], 4) for key in MEASURES},
                "queries_cut": len(cut) if engine else None,
                "queries_without_results": sum(1 for qid, _ in queries if not run.get(qid)),
            }
        )
    imported_top, rebuilt_top = (
        {qid: set(top(runs[name].get(qid, {}))) for qid, _ in queries}
        for name in (RUN_IMPORT, RUN_REBUILD)
    )
    shared = [len(imported_top[qid] & rebuilt_top[qid]) for qid, _ in queries]
    timings["total_s"] = round(time.monotonic() - started, 1)
    report(
        results,
        {
            "collection": shown(args.collection),
            "documents": len(collection.docs),
            "queries": len(collection.queries),
            "imported": imported["summary"],
            "refused": len(imported["refused"]),
            "placeholder_titles": titled,
            "cut_queries": cut,
            "top10_shared_mean": round(sum(shared) / len(shared), 2),
            "top10_same_documents": sum(
                1 for qid, _ in queries if imported_top[qid] == rebuilt_top[qid]
            ),
            "seconds": timings,
            "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        },
    )


def read_collection(folder: Path) -> Collection:
    def jsonl(path: Path) -> list[dict]:
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    qrels: dict[str, dict[str, int]] = {}
    lines = (folder / "qrels" / "test.tsv").read_text().splitlines()[1:]  # after the header
    for line in lines:
        query, doc, gain = line.split("\t")
        qrels.setdefault(query, {})[doc] = int(gain)
    return Collection(jsonl(folder / "corpus.jsonl"), jsonl(folder / "queries.jsonl"), qrels)


def import_rows(docs: list[dict]) -> tuple[list[dict], list[str]]:
    """One import row per document, and the ids of those whose empty title (the importer
    refuses one) became the document's id: a word no query holds."""
    rows, titled = [], []
    for doc in docs:
        title = doc["title"].strip()
        if not title:
            title = doc["_id"]
            titled.append(doc["_id"])
        rows.append(abstract_row(f"{SLUG_PREFIX}{doc['_id']}", title, doc["text"]))
    return rows, titled


def abstract_row(slug: str, title: str, abstract: str) -> dict:
    """An import row of a published report with a title and an abstract, no authors or topics,
    one fixed past date (so every row is published, none scheduled)."""
    return {"slug": slug, "title": title, "abstract": abstract, "published": PUBLISHED,
            "type": "report", "authors": [], "topics": [], "status": "published"}  # fmt: skip


def plain_query(text: str) -> str:
    """The query as plain words: a leading "-" (Cranfield writes "-dash") would exclude a word
    in the site's websearch syntax, so it is taken off here (the product is left as it is)."""
    return " ".join(word for word in (word.lstrip("-") for word in text.split()) if word)


def queries_cut(queries: list[tuple[str, str]]) -> list[str]:
    """ "query id: how" for each query the site cuts: over its character cap
    (search/query.py MAX_QUERY_CHARACTERS) or over its word cap (MAX_WORDS), counting words as
    its own parser does (every token but "or", a lone "." included)."""
    from search import query

    cut = []
    for qid, text in queries:
        characters = len(" ".join(text.split()))
        with mock.patch.object(query, "MAX_QUERY_CHARACTERS", 10**9), \
                mock.patch.object(query, "MAX_WORDS", 10**9):  # fmt: skip
            words = len(query.parse(text).words)
        how = []
        if characters > query.MAX_QUERY_CHARACTERS:
            how.append(f"{characters} characters")
        if words > query.MAX_WORDS:
            how.append(f"{words} words")
        if how:
            cut.append(f"{qid}: {' and '.join(how)}")
    return cut


def site_env(server_url: str) -> dict[str, str]:
    """The pages benchmark's production environment on this benchmark's database, with a Redis
    cache database of its own and the search API's rate limit lifted (one client asks every
    query; the limit itself stays on, as in production)."""
    from benchmarks.pages import site_env as pages_env
    from config import embedded

    return {
        **pages_env(server_url, DATABASE),
        "REDIS_URL": f"unix://{embedded.REDIS_SOCKET}?db=12",
        "CACHE_KEY_PREFIX": "bench-relevance",
        "RATELIMIT_ENABLED": "1",
        "SEARCH_API_RATE_LIMIT": "1000000/m",
    }


def recreate_database(server_url: str, name: str) -> None:
    from benchmarks.pages import _admin_connection

    with _admin_connection(server_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    log(f"manage.py {' '.join(args)}")
    return subprocess.run([sys.executable, "manage.py", *args], env=env, cwd=BASE_DIR,
                          check=True, stdout=subprocess.PIPE, text=True)  # fmt: skip


def import_corpus(env: dict[str, str], import_file: Path) -> dict:
    """`manage.py import_publications`: its report line and the rows it refused."""
    command = [sys.executable, "manage.py", "import_publications", str(import_file), "--quiet"]
    log(f"manage.py import_publications {import_file} --quiet")
    done = subprocess.run(command, env=env, cwd=BASE_DIR, check=False, capture_output=True,
                          text=True)  # fmt: skip
    if done.returncode not in (0, 1):  # 1: some rows were skipped, the others imported
        sys.exit(f"import_publications failed ({done.returncode}): {done.stderr.strip()}")
    # "Imported FILE: 1400 created, 0 updated, 0 unchanged, 0 skipped."
    summary = done.stdout.strip().splitlines()[-1].split(": ", 1)[-1].rstrip(".")
    skipped = re.finditer(r"^line (\d+): skipped: (.*)$", done.stderr, re.MULTILINE)
    refused = [(int(match[1]), match[2]) for match in skipped]
    return {"summary": summary, "refused": refused}


def ask_all(base_url: str, queries: list[tuple[str, str]]) -> dict[str, dict[str, float]]:
    """{query id: {document id: score}}: the top DEPTH results of every query from the API."""
    return {qid: ask(base_url, text) for qid, text in queries}


def ask(base_url: str, text: str) -> dict[str, float]:
    hits: dict[str, float] = {}
    page = 1
    while len(hits) < DEPTH:
        params = {"q": text, "page": page, "page_size": min(API_PAGE_SIZE, DEPTH)}
        url = f"{base_url}/api/search?{urllib.parse.urlencode(params)}"
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - loopback only
            results = json.load(response)["results"]
        for result in results:
            if len(hits) < DEPTH:
                hits[result["slug"].removeprefix(SLUG_PREFIX)] = float(result["score"])
        if len(results) < params["page_size"]:
            break
        page += 1
    return hits


def bm25s_run(rows: list[dict], queries: list[dict]) -> dict[str, dict[str, float]]:
    """The collection README's reference BM25 on the texts imported (title + " " + abstract):
    every document with a score above 0, as eval_bm25.py does."""
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    ids = [row["slug"].removeprefix(SLUG_PREFIX) for row in rows]
    texts = [f"{row['title']} {row['abstract']}".strip() for row in rows]
    retriever = bm25s.BM25(k1=BM25_K1, b=BM25_B, method="lucene")
    retriever.index(bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False),
                    show_progress=False)  # fmt: skip
    tokenised = bm25s.tokenize([query["text"] for query in queries], stopwords="en",
                               stemmer=stemmer, return_ids=False, show_progress=False)  # fmt: skip
    run = {}
    for query, tokens in zip(queries, tokenised, strict=True):
        tokens = [token for token in tokens if token]
        scores = retriever.get_scores(tokens) if tokens else []
        run[query["_id"]] = {ids[i]: float(score) for i, score in enumerate(scores) if score > 0}
    return run


def evaluate(qrels: dict, run: dict[str, dict[str, float]], query_ids: list[str]) -> dict:
    """Means over every judged query of trec_eval's ndcg_cut.10 and recall.100 (trec_eval -c:
    a query with no result counts 0)."""
    import pytrec_eval

    evaluator = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10", "recall.100"})
    full = {qid: run.get(qid) or {"__none__": 0.0} for qid in query_ids}
    per_query = evaluator.evaluate(full)
    return {key: sum(per_query[qid][key] for qid in qrels) / len(qrels) for key in MEASURES}


def write_trec_run(run: dict[str, dict[str, float]], path: Path, *, tag: str) -> None:
    """A TREC run file (query Q0 document rank score tag), top DEPTH, for comparing query by
    query (trec_eval, or eval_bm25.py --run-out)."""
    with path.open("w") as stream:
        for qid, hits in run.items():
            for rank, doc in enumerate(top(hits, DEPTH), start=1):
                stream.write(f"{qid} Q0 {doc} {rank} {hits[doc]:.6f} {tag}\n")


def top(hits: dict[str, float], k: int = 10) -> list[str]:
    """The first k documents by score (ties by document id)."""
    return [doc for doc, _ in sorted(hits.items(), key=lambda hit: (-hit[1], hit[0]))[:k]]


def report(results: list[dict], details: dict) -> None:
    head = ["run", "nDCG@10", "recall@100", "queries cut", "queries without results"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in results:
        cut = "" if row["queries_cut"] is None else str(row["queries_cut"])
        lines.append(f"| {row['run']} | {row['ndcg_cut_10']:.4f} | {row['recall_100']:.4f} | "
                     f"{cut} | {row['queries_without_results']} |")  # fmt: skip
    by_run = {row["run"]: row for row in results}
    after_import = by_run[RUN_IMPORT]["ndcg_cut_10"]
    after_rebuild = by_run[RUN_REBUILD]["ndcg_cut_10"]
    bm25s = by_run[RUN_BM25S]["ndcg_cut_10"]
    seconds = details["seconds"]
    notes = [
        f"Cranfield 1400 ({details['collection']}): {details['documents']:,} documents, "
        f"{details['queries']} queries; import: {details['imported']} "
        f"({details['refused']} refused; empty titles given the document id: "
        f"{', '.join(details['placeholder_titles']) or 'none'}). Served by gunicorn "
        f"(config/gunicorn.py, production settings), top {DEPTH} of GET /api/search per query; "
        "scored by pytrec_eval (trec_eval -c). Measured " + details["measured"] + ".",
        "",
        f"Queries cut by the search's caps (search/query.py): {len(details['cut_queries'])} "
        f"({', '.join(details['cut_queries']) or 'none'}). Top 10 after the import against "
        f"after the rebuild: {details['top10_shared_mean']} documents of 10 in common on "
        f"average, the same 10 for {details['top10_same_documents']} of {details['queries']} "
        "queries.",
        "",
        f"Targets for the ranking after an import: nDCG@10 within {IMPORT_VS_REBUILD} of after "
        f"the rebuild ({after_import:.4f} against {after_rebuild:.4f}: "
        f"{'met' if abs(after_import - after_rebuild) <= IMPORT_VS_REBUILD else 'NOT met'}), "
        f"and at least bm25s's minus {IMPORT_VS_BM25S} ({after_import:.4f} against "
        f"{bm25s - IMPORT_VS_BM25S:.4f}: "
        f"{'met' if after_import >= bm25s - IMPORT_VS_BM25S else 'NOT met'}).",
        "",
        f"Seconds: import {seconds['import_s']}, queries after it "
        f"{seconds['queries_after_import_s']}, rebuild {seconds['rebuild_s']}, queries after it "
        f"{seconds['queries_after_rebuild_s']}, "
        f"bm25s {seconds['bm25s_s']}; whole run {seconds['total_s']}.",
    ]  # fmt: skip
    text = "\n".join([*lines, "", *notes])
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "relevance.md").write_text(text + "\n")
    (RESULTS / "relevance.json").write_text(
        json.dumps({"results": results, **details}, indent=1) + "\n"
    )
    with (RESULTS / "relevance.csv").open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["run", "ndcg_10", "recall_100", "queries_cut", "measured"])
        for row in results:
            cut = "" if row["queries_cut"] is None else row["queries_cut"]
            writer.writerow([row["run"], row["ndcg_cut_10"], row["recall_100"], cut,
                             details["measured"]])  # fmt: skip


def shown(path: Path) -> str:
    """The path from the project's folder when it lies inside it (results carry no home)."""
    path = path.resolve()
    return str(path.relative_to(BASE_DIR)) if path.is_relative_to(BASE_DIR) else str(path)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
