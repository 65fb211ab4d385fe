"""PDF text extraction speed: pypdf and pypdfium2 called directly, and the whole pipeline (claim,
limited child parser, cleaning, pages and search index written to PostgreSQL) under one and two
Celery worker processes.

    .venv/bin/python benchmarks/extraction.py

The PDFs are generated once into var/bench/pdfs (one and two columns, tables, 5 to 300 pages;
not the seeds). Prints a table (pages per second, peak memory) and writes
benchmarks/results/extraction.{md,csv}. It measures; it asserts nothing.

What is timed, so the rows compare like with like (the same files, the same pages):
- an engine called directly: from the first file opened to the last page read, its import done
  before; with two processes, the files split evenly by pages and both started together;
- the pipeline: from the first task queued (the rows' `queued_at`) to the last row stored
  (`finished_at`), both stamped by the pipeline itself, with the worker already answering pings,
  so neither the worker's start nor the script that queues nor the polling is counted. Files are
  queued largest first, so two processes are not left waiting on one long file at the end;
- the pipeline twice: for drafts (text stored; the search documents are written when the
  publication is published) and for published publications (text and search documents written
  in the same transaction), each from an empty search index.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
from benchmarks.search import BENCH_DIR, ensure_database, start_bench_postgres  # noqa: E402

PDF_DIR = BENCH_DIR / "pdfs"
RESULTS = BASE_DIR / "benchmarks" / "results"
# (pages, layout): realistic reports, briefs and books.
DOCUMENTS = [(5, "one"), (8, "two"), (12, "table"), (20, "one"), (30, "two"), (45, "table"),
             (60, "one"), (90, "two"), (120, "one"), (180, "two"), (300, "one")]  # fmt: skip


def main() -> None:
    files = generate()
    pages = sum(count for count, _ in DOCUMENTS)
    load = [os.getloadavg()[0]]
    alone = direct("pypdf", files, pages)
    both = direct("pypdf", files, pages, processes=2)
    both["note"] = f"{both['pages_per_s'] / alone['pages_per_s']:.2f}x one process"
    rows = [alone, both, direct("pypdfium2", files, pages)]
    for published in (False, True):
        one = pipeline(files, pages, processes=1, published=published)
        two = pipeline(files, pages, processes=2, published=published)
        one["note"] = (
            f"{one['pages_per_s'] / alone['pages_per_s']:.0%} of pypdf alone "
            f"({one['pages_per_cpu_s'] / alone['pages_per_cpu_s']:.0%} per CPU-second)"
        )
        two["note"] = f"{two['pages_per_s'] / one['pages_per_s']:.2f}x one process"
        rows += [one, two]
    load.append(os.getloadavg()[0])
    report(rows, pages, load)


def generate() -> list[Path]:
    """The benchmark's PDFs, built once. Laid out as an institute's reports are: embedded subset
    fonts (serif body, sans headings, italics) with their Unicode maps, justified text, a running
    header, a heading, footnotes and a page number on every page. pypdf reads such pages several
    times slower than text in the standard Helvetica with no font embedded, which is what real
    reports cost it (about 50 pages/s on the issue's real files)."""
    import matplotlib
    from fpdf import FPDF
    from pypdf import PdfReader

    from benchmarks.corpus import Vocabulary

    PDF_DIR.mkdir(parents=True, exist_ok=True)
    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"  # DejaVu, shipped with matplotlib
    vocabulary = Vocabulary(20_000, seed=3)
    files = []
    for count, layout in DOCUMENTS:
        path = PDF_DIR / f"report-{layout}-{count}.pdf"
        files.append(path)
        if path.exists():
            continue
        pdf = FPDF(format="Letter")
        pdf.set_auto_page_break(False)
        for style, name in (("", "DejaVuSerif"), ("B", "DejaVuSerif-Bold"),
                            ("I", "DejaVuSerif-Italic")):  # fmt: skip
            pdf.add_font("Serif", style, str(fonts / f"{name}.ttf"))
        pdf.add_font("Sans", "", str(fonts / "DejaVuSans.ttf"))
        pdf.add_font("Sans", "B", str(fonts / "DejaVuSans-Bold.ttf"))
        for number in range(1, count + 1):
            _report_page(pdf, vocabulary, layout, number)
        pdf.output(str(path))
        pages = len(PdfReader(path).pages)
        if pages != count:  # the page rates divide by the planned count
            path.unlink()
            raise SystemExit(f"{path.name}: {pages} pages laid out, {count} planned")
        log(f"  generated {path.name}")
    return files


def _report_page(pdf, vocabulary, layout: str, number: int) -> None:
    pdf.add_page()
    pdf.set_font("Sans", "", 8)
    pdf.cell(0, 4, f"Institute for Policy Studies  |  {vocabulary.text(6)}")
    pdf.ln(8)
    pdf.set_font("Sans", "B", 13)
    pdf.multi_cell(0, 6, vocabulary.text(7).title())
    pdf.ln(2)
    pdf.set_font("Serif", "", 9.5)
    if layout == "table":
        pdf.multi_cell(0, 4.6, vocabulary.text(150), align="J")
        pdf.ln(3)
        pdf.set_font("Sans", "", 8)
        with pdf.table(line_height=4.5) as table:
            for _ in range(14):
                row = table.row()
                for _ in range(4):
                    row.cell(vocabulary.text(3))
    elif layout == "two":
        with pdf.text_columns(ncols=2, gutter=6, text_align="J", line_height=1.05) as columns:
            for _ in range(3):
                columns.write(vocabulary.text(130))
                columns.ln()
    else:
        for _ in range(3):
            pdf.multi_cell(0, 4.6, vocabulary.text(125), align="J")
            pdf.ln(2)
    pdf.set_y(-34)
    pdf.set_font("Serif", "I", 7.5)
    for note in (1, 2):
        pdf.multi_cell(0, 3.4, f"{note}. {vocabulary.text(28)}", align="J", new_x="LMARGIN")
    pdf.set_y(-12)
    pdf.set_font("Sans", "", 8)
    pdf.cell(0, 4, str(number), align="C")


# An engine alone, in a fresh process (so its peak memory is its own). It says "ready" once
# imported and starts reading at the next line on stdin, so two of them start together.
DIRECT = """
import json, resource, sys, time
files = json.loads(sys.argv[1])
if sys.argv[2] == "pypdf":
    from pypdf import PdfReader
    def read(path):
        for page in PdfReader(path).pages:
            page.extract_text()
else:
    import pypdfium2
    def read(path):
        for page in pypdfium2.PdfDocument(path):
            page.get_textpage().get_text_range()
print("ready", flush=True)
sys.stdin.readline()
started, cpu = time.perf_counter(), time.process_time()
for path in files:
    read(path)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "cpu": time.process_time() - cpu,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def direct(engine: str, files: list[Path], pages: int, *, processes: int = 1) -> dict:
    """The engine called directly on every file, by `processes` processes started together."""
    children = [
        subprocess.Popen([sys.executable, "-c", DIRECT, json.dumps(share), engine],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for share in split_by_pages(files, processes)
    ]  # fmt: skip
    for child in children:
        child.stdout.readline()  # "ready"
    for child in children:
        child.stdin.write("go\n")
        child.stdin.flush()
    results = [json.loads(child.communicate()[0]) for child in children]
    seconds = max(result["seconds"] for result in results)
    cpu = sum(result["cpu"] for result in results)
    return {"what": f"{engine} called directly", "processes": processes,
            "pages_per_s": round(pages / seconds, 1), "pages_per_cpu_s": round(pages / cpu, 1),
            "peak_mb": round(max(result["peak_mb"] for result in results)), "note": ""}  # fmt: skip


def split_by_pages(files: list[Path], parts: int) -> list[list[str]]:
    """The files in `parts` shares of about the same number of pages (largest file first)."""
    shares: list[list[str]] = [[] for _ in range(parts)]
    loads = [0] * parts
    counts = [count for count, _ in DOCUMENTS]
    for path, count in sorted(zip(files, counts, strict=True), key=lambda pair: -pair[1]):
        lightest = loads.index(min(loads))
        shares[lightest].append(str(path))
        loads[lightest] += count
    return shares


def pipeline(files: list[Path], pages: int, *, processes: int, published: bool) -> dict:
    """Every file through a real Celery worker with `processes` pool processes."""
    env = pipeline_env()
    status = ["--published"] if published else []
    command = [sys.executable, __file__, "--prepare", *status, *map(str, files)]
    subprocess.run(command, env=env, check=True)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "extraction",
         "-c", str(processes), "--without-gossip", "--without-mingle", "-l", "WARNING"],
        cwd=BASE_DIR, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until_ready(env, worker)
        subprocess.run([sys.executable, __file__, "--queue"], env=env, check=True)
        measured = wait_until_done(env, worker.pid, len(files))
    finally:
        os.killpg(worker.pid, 15)
        worker.wait()
    kind = "published" if published else "drafts"
    return {"what": f"pipeline (Celery worker), {kind}", "processes": processes,
            "pages_per_s": round(pages / measured["seconds"], 1),
            "pages_per_cpu_s": round(pages / measured["cpu"], 1),
            "peak_mb": round(measured["peak_mb"]), "note": ""}  # fmt: skip


def wait_until_ready(env: dict[str, str], worker: subprocess.Popen) -> None:
    """Until the worker answers a ping: its start is not the pipeline's cost."""
    from celery import Celery

    app = Celery(broker=env["CELERY_BROKER_URL"])
    deadline = time.monotonic() + 120
    while not app.control.ping(timeout=0.5):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the benchmark's Celery worker did not start")


def pipeline_env() -> dict[str, str]:
    server_url = start_bench_postgres()
    url = f"{server_url}/bench_extraction"
    ensure_database(url)
    from config import embedded

    embedded.start_redis()
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "benchmark-only-secret-key",
        "DEBUG": "0",
        "MEDIA_ROOT": str(BENCH_DIR / "media"),
        # A broker database of its own, so no other worker takes these tasks.
        "CELERY_BROKER_URL": f"redis+socket://{embedded.REDIS_SOCKET}?virtual_host=13",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def wait_until_done(env: dict[str, str], worker_pid: int, count: int) -> dict:
    """Poll until every file is done. Returns the seconds from the first queued to the last
    stored, the CPU seconds spent meanwhile by the worker's processes (parsers included) and
    the database backends serving them, and the worker tree's peak memory in MB."""
    import psycopg

    base, name = env["DATABASE_URL"].rsplit("/", 1)
    host = base.split("@", 1)[1].replace("%2F", "/")
    peak = 0.0
    with psycopg.connect(host=host, user="postgres", dbname=name, autocommit=True) as conn:
        worker_before, backends_before = tree_cpu(worker_pid), backends_cpu(conn)
        backends = dict(backends_before)
        finished = "SELECT count(*) FROM publications_extraction WHERE status IN ('done', 'failed')"
        while conn.execute(finished).fetchone()[0] < count:
            peak = max(peak, tree_rss_mb(worker_pid))
            backends.update(backends_cpu(conn))  # the last reading of a backend that closes
            time.sleep(0.1)
        backends.update(backends_cpu(conn))
        failed = conn.execute(
            "SELECT count(*) FROM publications_extraction WHERE status = 'failed'"
        ).fetchone()[0]
        if failed:
            raise SystemExit(f"{failed} of the benchmark's files failed: nothing to measure")
        seconds = conn.execute(
            "SELECT extract(epoch FROM max(finished_at) - min(queued_at))"
            " FROM publications_extraction"
        ).fetchone()[0]
    database = sum(backends.values()) - sum(backends_before.values())
    return {"seconds": float(seconds), "peak_mb": peak,
            "cpu": tree_cpu(worker_pid) - worker_before + database}  # fmt: skip


def tree_processes(pid: int) -> list:
    import psutil

    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process tree, with its children that have ended (the parsers)."""
    import psutil

    total = 0.0
    for process in tree_processes(pid):
        with contextlib.suppress(psutil.NoSuchProcess):  # a parser that just finished
            times = process.cpu_times()
            total += times.user + times.system + times.children_user + times.children_system
    return total


def tree_rss_mb(pid: int) -> float:
    import psutil

    peak = 0.0
    for process in tree_processes(pid):
        with contextlib.suppress(psutil.NoSuchProcess):
            peak = max(peak, process.memory_info().rss / 2**20)
    return peak


def backends_cpu(conn) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend serving the benchmark's database but this one."""
    import psutil

    rows = conn.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        " AND pid <> pg_backend_pid()"
    ).fetchall()
    seconds = {}
    for (pid,) in rows:
        with contextlib.suppress(psutil.NoSuchProcess):
            times = psutil.Process(pid).cpu_times()
            seconds[pid] = times.user + times.system
    return seconds


def prepare(paths: list[str], *, published: bool) -> None:
    """A fresh catalogue of these files, each waiting for extraction, and an empty index."""
    import django

    django.setup()
    from django.core.files import File
    from django.core.management import call_command

    from publications.models import Publication, PublicationFile, Status
    from publications.services import publication_file_store
    from search.index.writes import rebuild

    call_command("migrate", verbosity=0)
    Publication.objects.all().delete()
    rebuild()  # nothing is published now: this empties every index table
    for path in paths:
        publication = Publication(
            title=Path(path).stem,
            slug=Path(path).stem,
            status=Status.PUBLISHED if published else Status.DRAFT,
        )
        publication.refresh_release()  # visible_from, as every write sets it
        publication.save()
        file = PublicationFile(publication=publication)
        with open(path, "rb") as stream:
            publication_file_store(file=file, upload=File(stream), name=Path(path).name)
        file.save()


def queue() -> None:
    import django

    django.setup()
    from django.db import transaction

    from publications.extraction.services import extraction_request
    from publications.models import PublicationFile

    with transaction.atomic():
        for file in PublicationFile.objects.pdfs().order_by("-size"):
            extraction_request(file=file, force=True)


def report(rows: list[dict], pages: int, load: list[float]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    lines = [
        f"{len(DOCUMENTS)} PDFs, {pages} pages. Load average (1 min) on this "
        f"{os.cpu_count()}-core machine: {load[0]:.1f} at the start, {load[1]:.1f} at the end; "
        "pages per CPU-second (the parser's, the worker's and the database's) depend less on "
        "what else the machine runs than pages per second do.",
        "",
        "| what | processes | pages/s | pages per CPU-s | peak MB (per process) | |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {r['what']} | {r['processes']} | {r['pages_per_s']} | {r['pages_per_cpu_s']} "
              f"| {r['peak_mb']} | {r['note']} |" for r in rows]  # fmt: skip
    table = "\n".join(lines)
    print(table)
    (RESULTS / "extraction.md").write_text(table + "\n")
    with (RESULTS / "extraction.csv").open("w", newline="") as out:
        fields = ["what", "processes", "pages_per_s", "pages_per_cpu_s", "peak_mb", "note"]
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "--prepare":
        published = "--published" in sys.argv[2:]
        prepare([arg for arg in sys.argv[2:] if arg != "--published"], published=published)
    elif command == "--queue":
        queue()
    else:
        main()
