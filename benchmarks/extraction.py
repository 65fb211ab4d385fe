"""PDF text extraction speed: pypdf and pypdfium2 called directly, and the whole pipeline (claim,
limited child parser, cleaning, pages and search index written to PostgreSQL) under one and two
Celery worker processes.

    .venv/bin/python benchmarks/extraction.py

The PDFs are generated once into var/bench/pdfs (one and two columns, tables, 5 to 300 pages;
not the seeds). Prints a table (pages per second, peak memory) and writes
benchmarks/results/extraction.{md,csv}. It measures; it asserts nothing.
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
    rows = [
        direct("pypdf", files, pages),
        direct("pypdfium2", files, pages),
        pipeline(files, pages, processes=1),
        pipeline(files, pages, processes=2),
    ]
    rows[2]["note"] = f"{rows[2]['pages_per_s'] / rows[0]['pages_per_s']:.0%} of pypdf alone"
    rows[3]["note"] = f"{rows[3]['pages_per_s'] / rows[2]['pages_per_s']:.2f}x one process"
    report(rows, pages)


def generate() -> list[Path]:
    from fpdf import FPDF

    from benchmarks.corpus import Vocabulary

    PDF_DIR.mkdir(parents=True, exist_ok=True)
    vocabulary = Vocabulary(20_000, seed=3)
    files = []
    for count, layout in DOCUMENTS:
        path = PDF_DIR / f"{layout}-{count}.pdf"
        files.append(path)
        if path.exists():
            continue
        pdf = FPDF(format="Letter")
        pdf.set_font("Helvetica", size=10)
        for _ in range(count):
            pdf.add_page()
            if layout == "table":
                pdf.multi_cell(0, 5, vocabulary.text(120))
                with pdf.table() as table:
                    for _ in range(12):
                        row = table.row()
                        for _ in range(4):
                            row.cell(vocabulary.text(3))
            elif layout == "two":
                with pdf.text_columns(ncols=2) as columns:
                    columns.write(vocabulary.text(600))
            else:
                pdf.multi_cell(0, 5, vocabulary.text(480))
        pdf.output(str(path))
        log(f"  generated {path.name}")
    return files


def direct(engine: str, files: list[Path], pages: int) -> dict:
    """The engine alone, in a fresh process (so its peak memory is its own)."""
    code = f"""
import json, resource, sys, time
sys.path.insert(0, {str(BASE_DIR)!r})
files = {[str(path) for path in files]!r}
started = time.perf_counter()
if {engine!r} == "pypdf":
    from pypdf import PdfReader
    for path in files:
        for page in PdfReader(path).pages:
            page.extract_text()
else:
    import pypdfium2
    for path in files:
        for page in pypdfium2.PdfDocument(path):
            page.get_textpage().get_text_range()
seconds = time.perf_counter() - started
print(json.dumps({{"seconds": seconds,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""
    result = json.loads(subprocess.check_output([sys.executable, "-c", code], text=True))
    return {"what": f"{engine} called directly", "processes": 1,
            "pages_per_s": round(pages / result["seconds"], 1),
            "peak_mb": round(result["peak_mb"]), "note": ""}  # fmt: skip


def pipeline(files: list[Path], pages: int, *, processes: int) -> dict:
    """Every file through a real Celery worker with `processes` pool processes."""
    env = pipeline_env()
    subprocess.run([sys.executable, __file__, "--prepare", *map(str, files)], env=env, check=True)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "extraction",
         "-c", str(processes), "--without-gossip", "--without-mingle", "-l", "WARNING"],
        cwd=BASE_DIR, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        time.sleep(3)  # the worker's start is not the pipeline's cost
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--queue"], env=env, check=True)
        peak = wait_until_done(env, worker.pid, len(files))
        seconds = time.perf_counter() - started
    finally:
        os.killpg(worker.pid, 15)
        worker.wait()
    rate = round(pages / seconds, 1)
    return {"what": "pipeline (Celery worker)", "processes": processes, "pages_per_s": rate,
            "peak_mb": round(peak), "note": ""}  # fmt: skip


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


def wait_until_done(env: dict[str, str], worker_pid: int, count: int) -> float:
    """Poll until every file is done or failed; return the worker tree's peak memory in MB."""
    import psutil
    import psycopg

    base, name = env["DATABASE_URL"].rsplit("/", 1)
    host = base.split("@", 1)[1].replace("%2F", "/")
    peak = 0.0
    with psycopg.connect(host=host, user="postgres", dbname=name, autocommit=True) as conn:
        finished = "SELECT count(*) FROM publications_extraction WHERE status IN ('done', 'failed')"
        while conn.execute(finished).fetchone()[0] < count:
            root = psutil.Process(worker_pid)
            for process in [root, *root.children(recursive=True)]:
                with contextlib.suppress(psutil.NoSuchProcess):  # a parser that just finished
                    peak = max(peak, process.memory_info().rss / 2**20)
            time.sleep(0.1)
    return peak


def prepare(paths: list[str]) -> None:
    """A fresh catalogue of these files, each waiting for extraction."""
    import django

    django.setup()
    from django.core.files import File
    from django.core.management import call_command

    from publications.models import Publication, Status
    from publications.services import publication_attach_pdf

    call_command("migrate", verbosity=0)
    Publication.objects.all().delete()
    for path in paths:
        publication = Publication(title=Path(path).stem, slug=Path(path).stem, status=Status.DRAFT)
        with open(path, "rb") as stream:
            publication_attach_pdf(publication=publication, file=File(stream), name=Path(path).name)
        publication.save()


def queue() -> None:
    import django

    django.setup()
    from django.db import transaction

    from publications.extraction.services import extraction_request
    from publications.models import Publication

    with transaction.atomic():
        for publication in Publication.objects.all():
            extraction_request(publication=publication, force=True)


def report(rows: list[dict], pages: int) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    lines = [
        f"{len(DOCUMENTS)} PDFs, {pages} pages.",
        "",
        "| what | processes | pages/s | peak MB (per process) | |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {r['what']} | {r['processes']} | {r['pages_per_s']} | {r['peak_mb']} | "
              f"{r['note']} |" for r in rows]  # fmt: skip
    table = "\n".join(lines)
    print(table)
    (RESULTS / "extraction.md").write_text(table + "\n")
    with (RESULTS / "extraction.csv").open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=["what", "processes", "pages_per_s", "peak_mb",
                                                 "note"])  # fmt: skip
        writer.writeheader()
        writer.writerows(rows)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "--prepare":
        prepare(sys.argv[2:])
    elif command == "--queue":
        queue()
    else:
        main()
