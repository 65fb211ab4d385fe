"""Public pages under gunicorn (2 workers, as `make serve` runs them) driven by wrk on loopback:
requests per second and p95 latency for the home page, the list with filters, publication pages
and the search page, each beside a plain-text view served by the same processes through the same
middleware in the same run, so the ratio holds on a noisy machine. Each page is measured served
from the page cache (publications/page_cache.py, as production runs) and rendered every time.

    .venv/bin/python benchmarks/pages.py [--duration 10] [--connections 16] [--rebuild]

The database has 10,000 publications: the search benchmark's 10k corpus when it has been built
(var/bench/10k.json), otherwise a page-bench corpus of its own (bench_pages: titles, abstracts,
authors and topics with two short pages of text each, quick to build), reused by later runs.
Needs wrk (Debian's `wrk` package; installed with apt-get when run as root). Prints a table and
writes benchmarks/results/pages.{md,csv}. It measures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
from benchmarks import serving  # noqa: E402
from benchmarks.search import BENCH_DIR, ensure_database, start_bench_postgres  # noqa: E402

RESULTS = BASE_DIR / "benchmarks" / "results"
PAGES_DB = "bench_pages"
PAGES_MARKER = BENCH_DIR / "pages.json"
SEARCH_10K_DB, SEARCH_10K_MARKER = "bench_10k", BENCH_DIR / "10k.json"
WORKERS = 2
PLAIN = "/bench/plain/"
# The targets, as a share of the plain view's requests per second. The home page is a
# list of the latest publications, so it gets the list's target.
TARGETS = {
    "home": Fraction(1, 3),
    "list with filters": Fraction(1, 3),
    "publication page": Fraction(1, 3),
    "publication page, body and five files": Fraction(1, 3),
    "search page": Fraction(1, 5),
}
WARM_SECONDS = 5
LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format(nil, paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%%d,"duration_us":%%d,"p50_us":%%d,"p95_us":%%d,"errors":%%d,"bad_status":%%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rebuild", action="store_true", help="build the page-bench corpus again")
    args = parser.parse_args()
    wrk = find_wrk()
    server_url = start_bench_postgres()
    database, corpus, build = pick_database(server_url, rebuild=args.rebuild)
    env = site_env(server_url, database)
    if build:
        log(f"Building {PAGES_DB}: 10,000 publications with little full text …")
        child(env, "--build")
    log(f"Corpus: {corpus}")
    paths = json.loads(child(env, "--paths"))
    child(env, "--collectstatic")
    rows = []
    with gunicorn(env) as cached, gunicorn({**env, "PAGE_CACHE_SECONDS": "0"}) as uncached:
        run = lambda base, urls, seconds: wrk_run(wrk, base, urls, seconds, args)  # noqa: E731
        run(cached, [PLAIN], WARM_SECONDS)
        run(uncached, [PLAIN], WARM_SECONDS)
        for name, urls in paths.items():
            log(f"{name}: {len(urls)} URLs; plain view, page (cached), page (uncached), "
                f"{args.duration} s each")  # fmt: skip
            warm(run, cached, urls)
            plain = run(cached, [PLAIN], args.duration)
            page = run(cached, urls, args.duration)
            fresh = run(uncached, urls, args.duration)
            rows.append({"page": name, "urls": len(urls), **page, "plain": plain,
                         "uncached": fresh})  # fmt: skip
    report(rows, corpus, args)


def warm(run, base_url: str, urls: list[str]) -> None:
    """Ask for every URL (wrk goes round them in turn) until each has been rendered once."""
    done = 0
    while done < 2 * len(urls):
        done += run(base_url, urls, WARM_SECONDS)["requests"]


def find_wrk() -> str:
    """wrk from Debian; installed here when this runs as root on a Debian-like system."""
    if not shutil.which("wrk") and os.geteuid() == 0 and shutil.which("apt-get"):
        log("Installing wrk (apt-get install -y wrk) …")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False)
    found = shutil.which("wrk")
    if not found:
        sys.exit("benchmarks/pages.py needs wrk: `sudo apt-get install wrk` (Debian, Ubuntu).")
    return found


def pick_database(server_url: str, *, rebuild: bool) -> tuple[str, str, bool]:
    """(database, what it holds, whether to build it): the search benchmark's 10k corpus when
    it is complete, else the page-bench corpus."""
    if SEARCH_10K_MARKER.exists() and not rebuild and _database_exists(server_url, SEARCH_10K_DB):
        corpus = "the search benchmark's 10k corpus (10,000 publications, 20 pages of text each)"
        return SEARCH_10K_DB, corpus, False
    if rebuild:
        _drop_database(server_url, PAGES_DB)
        PAGES_MARKER.unlink(missing_ok=True)
    ensure_database(f"{server_url}/{PAGES_DB}")
    corpus = "the page-bench corpus (10,000 publications: titles, abstracts, authors, topics, " \
        "2 short pages of full text each)"  # fmt: skip
    return PAGES_DB, corpus, not PAGES_MARKER.exists()


def _admin_connection(server_url: str):
    import psycopg

    host = server_url.split("@", 1)[1].replace("%2F", "/")
    return psycopg.connect(host=host, user="postgres", dbname="postgres", autocommit=True)


def _database_exists(server_url: str, name: str) -> bool:
    with _admin_connection(server_url) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


def _drop_database(server_url: str, name: str) -> None:
    with _admin_connection(server_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def site_env(server_url: str, database: str) -> dict[str, str]:
    """Production mode (DEBUG off, hashed static files) on the bench database, with a Redis
    cache database of its own and no HTTPS redirect or rate limit on loopback."""
    from config import embedded

    embedded.start_redis()
    return {
        **os.environ,
        "DATABASE_URL": f"{server_url}/{database}",
        "REDIS_URL": f"unix://{embedded.REDIS_SOCKET}?db=11",
        "CACHE_KEY_PREFIX": "bench-pages",
        "SECRET_KEY": "benchmark-only-secret-key",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "RATELIMIT_ENABLED": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(BENCH_DIR / "static"),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "PYTHONPATH": str(BASE_DIR),
    }


def child(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, __file__, *args], env=env, check=True,
                          stdout=subprocess.PIPE, text=True, cwd=BASE_DIR)  # fmt: skip
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def build() -> None:
    """Migrate, bulk-load 10,000 publications (benchmarks/corpus.py), index them, analyse."""
    import time

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from benchmarks.corpus import Shape, Vocabulary, load
    from search.index.writes import rebuild

    shape = Shape(publications=10_000, pages=2, words_per_page=150)
    call_command("migrate", verbosity=0)
    started = time.monotonic()
    load(shape, Vocabulary(shape.vocabulary), progress=log)
    indexed = [0]

    def progress(count: int) -> None:
        indexed[0] += count
        if indexed[0] % 5_000 < count:
            log(f"  indexed {indexed[0]:,} of {2 * shape.publications:,} (two passes)")

    rebuild(batch_size=1000, progress=progress)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    PAGES_MARKER.write_text(json.dumps({"build_s": round(time.monotonic() - started, 1)}))


def paths() -> None:
    """The URLs each page is measured over, the same every run: one home page, 60 filtered lists,
    200 publications, 50 web-native publications (made here once: benchmarks/web_native.py), 100
    searches of one or two mid-frequency words."""
    import django

    django.setup()
    from benchmarks import web_native
    from benchmarks.corpus import TYPES, Vocabulary
    from publications.models import Publication, Topic

    rng = random.Random(2025)
    slugs = sorted(Publication.objects.published().values_list("slug", flat=True))
    topics = sorted(Topic.objects.values_list("slug", flat=True))
    vocabulary = Vocabulary(40_000)
    word = lambda: vocabulary.rank(rng.randint(100, 2_000))  # noqa: E731 - a sampler, inline
    lists = [f"/publications/?topic={rng.choice(topics)}&type={rng.choice(TYPES)}"
             for _ in range(40)]  # fmt: skip
    lists += [f"/publications/?topic={rng.choice(topics)}&published_after=2015-01-01"
              for _ in range(20)]  # fmt: skip
    searches = [f"/search/?q={word()}" for _ in range(50)]
    searches += [f"/search/?q={word()}+{word()}" for _ in range(50)]
    web_native_slugs = web_native.prepare([vocabulary.rank(rank) for rank in range(50, 3_000)])
    print(json.dumps({
        "home": ["/"],
        "list with filters": lists,
        "publication page": [f"/publications/{slug}/" for slug in rng.sample(slugs, 200)],
        "publication page, body and five files": [
            f"/publications/{slug}/" for slug in web_native_slugs
        ],
        "search page": searches,
    }))  # fmt: skip


def collectstatic() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


@contextlib.contextmanager
def gunicorn(env: dict[str, str]) -> Iterator[str]:
    """gunicorn with 2 workers (benchmarks/serving.py), its log named for the cache setting."""
    name = "uncached" if env.get("PAGE_CACHE_SECONDS") == "0" else "cached"
    log_path = BENCH_DIR / f"pages-gunicorn-{name}.log"
    with serving.gunicorn(env, log_path, probe=PLAIN, workers=WORKERS) as base_url:
        yield base_url


def wrk_run(wrk: str, base_url: str, urls: list[str], seconds: int, args) -> dict:
    """One wrk run cycling through these URLs: requests/s, p50 and p95 in ms, failures."""
    script = BENCH_DIR / "pages.lua"
    script.write_text(LUA % ", ".join(json.dumps(url) for url in urls))
    command = [wrk, "-t1", f"-c{args.connections}", f"-d{seconds}s", "--timeout", "10s",
               "-s", str(script), base_url]  # fmt: skip
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result = json.loads([line for line in output.splitlines() if line.startswith("{")][-1])
    return {
        "rps": result["requests"] / (result["duration_us"] / 1e6),
        "p50_ms": result["p50_us"] / 1000,
        "p95_ms": result["p95_us"] / 1000,
        "failures": result["errors"] + result["bad_status"],
        "requests": result["requests"],
    }


def report(rows: list[dict], corpus: str, args) -> None:
    header = ["page", "URLs", "requests/s", "p95 ms", "plain requests/s", "plain p95 ms",
              "ratio", "target", "met", "uncached requests/s", "uncached p95 ms",
              "uncached ratio"]  # fmt: skip
    table = []
    for row in rows:
        ratio = row["rps"] / row["plain"]["rps"]
        target = TARGETS[row["page"]]
        failures = f" ({row['failures']} failed)" if row["failures"] else ""
        table.append([row["page"], str(row["urls"]), f"{row['rps']:.0f}{failures}",
                      f"{row['p95_ms']:.1f}", f"{row['plain']['rps']:.0f}",
                      f"{row['plain']['p95_ms']:.1f}", f"{ratio:.2f}", f"≥ {float(target):.2f}",
                      "yes" if ratio >= target else "NO", f"{row['uncached']['rps']:.0f}",
                      f"{row['uncached']['p95_ms']:.1f}",
                      f"{row['uncached']['rps'] / row['plain']['rps']:.2f}"])  # fmt: skip
    lines = [
        f"Pages on {corpus}.",
        f"gunicorn, {WORKERS} workers (config/gunicorn.py); wrk on loopback, 1 thread, "
        f"{args.connections} connections, {args.duration} s per run; each page's URLs warmed "
        "first, each URL rendered once; then the plain-text view, the page served from the "
        "page cache, and the page rendered every time (PAGE_CACHE_SECONDS=0, a second "
        "gunicorn alike), measured back to back.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(cells) + " |" for cells in table),
    ]
    print("\n".join(lines))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pages.md").write_text("\n".join(lines) + "\n")
    with (RESULTS / "pages.csv").open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["page", "urls", "rps", "p95_ms", "plain_rps", "plain_p95_ms", "ratio",
                         "target", "met", "uncached_rps", "uncached_p95_ms"])  # fmt: skip
        for row in rows:
            ratio = row["rps"] / row["plain"]["rps"]
            writer.writerow([row["page"], row["urls"], round(row["rps"], 1),
                             round(row["p95_ms"], 1), round(row["plain"]["rps"], 1),
                             round(row["plain"]["p95_ms"], 1), round(ratio, 3),
                             round(float(TARGETS[row["page"]]), 3),
                             ratio >= TARGETS[row["page"]], round(row["uncached"]["rps"], 1),
                             round(row["uncached"]["p95_ms"], 1)])  # fmt: skip


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    commands = {"--build": build, "--paths": paths, "--collectstatic": collectstatic}
    if len(sys.argv) > 1 and sys.argv[1] in commands:
        commands[sys.argv[1]]()
    else:
        main()
