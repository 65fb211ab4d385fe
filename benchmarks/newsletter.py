"""Update-email sending speed: one Celery worker sending a campaign to 10,000 confirmed subscribers
through the real path (delivery rows created, claimed with leases, each marked sent), beside a
plain loop of Django's send_messages over one SMTP connection, against the same local aiosmtpd.

    .venv/bin/python benchmarks/newsletter.py [--subscribers 10000] [--runs 1]

Each run: a throwaway database (bench_newsletter, dropped and created anew) on the benchmarks' own
PostgreSQL under var/bench, the plain loop, the real path, the plain loop again; the real path is
compared with the two loops together. A broker database of its own, and an aiosmtpd sink in a
process of its own. Besides emails per second it counts emails per CPU-second (the sender's, the
sink's and the database backends'), which depend less on what else the machine runs, and it notes
the load average. Prints a table and writes benchmarks/results/newsletter.{md,csv}. It measures;
it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
from benchmarks.extraction import backends_cpu, tree_cpu  # noqa: E402
from benchmarks.search import start_bench_postgres  # noqa: E402

RESULTS = BASE_DIR / "benchmarks" / "results"
DATABASE = "bench_newsletter"
TARGET = 0.60


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=1, help="comparisons, one after the other")
    args = parser.parse_args()
    env = bench_env()
    sink, port = start_sink()
    env.update(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(port))
    runs = []
    try:
        for number in range(1, args.runs + 1):
            log(f"Run {number} of {args.runs}:")
            runs.append(comparison(env, sink.pid, args.subscribers))
    finally:
        sink.terminate()
        sink.wait()
    report(args.subscribers, runs)


def comparison(env: dict[str, str], sink_pid: int, count: int) -> dict:
    """The plain loop, the real path, the plain loop again, on a fresh database."""
    load = [os.getloadavg()[0]]
    log(f"  preparing {count:,} confirmed subscribers in {DATABASE} …")
    child(env, "--prepare", str(count))
    log("  plain loop …")
    loops = [loop_run(env, sink_pid, count)]
    log("  real path …")
    real = worker_run(env, sink_pid, count)
    log("  plain loop again …")
    loops.append(loop_run(env, sink_pid, count))
    load.append(os.getloadavg()[0])
    return {"loops": loops, "real": real, "load": load}


def loop_run(env: dict[str, str], sink_pid: int, count: int) -> dict:
    sink_before = tree_cpu(sink_pid)
    result = json.loads(child(env, "--baseline", str(count)))
    result["cpu"] += tree_cpu(sink_pid) - sink_before
    return result


def bench_env() -> dict[str, str]:
    from config import embedded

    server_url = start_bench_postgres()
    embedded.start_redis()
    return {
        **os.environ,
        "DATABASE_URL": f"{server_url}/{DATABASE}",
        "SECRET_KEY": "benchmark-only-secret-key",
        "DEBUG": "0",
        "SITE_URL": "https://bench.example.org",
        "CELERY_BROKER_URL": f"redis+socket://{embedded.REDIS_SOCKET}?virtual_host=12",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(BASE_DIR),
    }


def child(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, __file__, *args], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def start_sink() -> tuple[subprocess.Popen, int]:
    """aiosmtpd in a process of its own (no GIL shared with either sender), accepting all."""
    sink = subprocess.Popen(
        [sys.executable, __file__, "--sink"], stdout=subprocess.PIPE, text=True, cwd=BASE_DIR
    )
    port = int(sink.stdout.readline())
    return sink, port


def sink_main() -> None:
    from aiosmtpd.controller import Controller

    from tests.helpers import free_port

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            return "250 OK"

    port = free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    print(port, flush=True)
    try:
        asyncio.run(asyncio.Event().wait())
    finally:
        controller.stop()


def prepare(count: int) -> None:
    """A fresh database: migrated, one publication, `count` confirmed subscribers."""
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    with database({"DATABASE_URL": f"{base}/postgres"}) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from newsletter.models import Subscriber, SubscriberStatus
    from tests.factories import AuthorFactory, PublicationFactory, TopicFactory

    call_command("migrate", verbosity=0)
    PublicationFactory(
        title="Rebuilding the munitions base: what allies can build together",
        slug="bench-publication",
        authors=[AuthorFactory(), AuthorFactory()],
        topics=[TopicFactory()],
    )
    now = timezone.now()
    Subscriber.objects.bulk_create(
        (
            Subscriber(
                email=f"reader{n}@example.org",
                status=SubscriberStatus.CONFIRMED,
                confirmed_at=now,
            )
            for n in range(count)
        ),
        batch_size=2000,
    )


def baseline(count: int) -> None:
    """A plain loop: the same email built and sent with send_messages over one connection."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives, get_connection

    from newsletter.emails import render_email, subscriber_links
    from publications.models import Publication

    publication = Publication.objects.for_listing().get(slug="bench-publication")
    context = {
        "campaign": {"kind": "announcement", "intro": ""},
        "publications": [publication],
        **subscriber_links("x" * 43),
    }
    rendered = render_email("update", context)
    started, cpu = time.perf_counter(), time.process_time()
    sent = 0
    with get_connection() as connection:
        for n in range(count):
            message = EmailMultiAlternatives(
                rendered.subject, rendered.text, settings.DEFAULT_FROM_EMAIL,
                [f"reader{n}@example.org"],
            )  # fmt: skip
            message.attach_alternative(rendered.html, "text/html")
            sent += connection.send_messages([message])
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"sent": sent, "seconds": seconds, "cpu": cpu}))


def worker_run(env: dict[str, str], sink_pid: int, count: int) -> dict:
    """The real path: queue the campaign (delivery rows and all), one worker sends it. Timed in
    the database, from the campaign's creation to the last delivery marked sent, so neither the
    worker's start nor this script's polling counts. CPU: the worker's processes, the sink, the
    database backends and the process that queued the campaign, from queueing to the end."""
    from tests.servers import CeleryWorker

    worker = CeleryWorker(env, queues="email", name="bench").start()
    try:
        with database(env) as conn:
            processes_before = tree_cpu(worker.process.pid) + tree_cpu(sink_pid)
            backends = backends_before = backends_cpu(conn)
            queued = json.loads(child(env, "--queue"))
            done = "SELECT count(*) FROM newsletter_delivery WHERE status = 'sent'"
            reported = 0
            while (sent := conn.execute(done).fetchone()[0]) < count:
                backends = {**backends, **backends_cpu(conn)}  # a closed backend's last reading
                if sent >= reported + count // 5:
                    log(f"    sent {sent:,} of {count:,}")
                    reported = sent
                time.sleep(0.5)
            backends = {**backends, **backends_cpu(conn)}
            processes = tree_cpu(worker.process.pid) + tree_cpu(sink_pid) - processes_before
            created, queued_at, last = conn.execute(
                "SELECT c.created_at, c.queued_at, max(d.sent_at) FROM newsletter_campaign c "
                "JOIN newsletter_delivery d ON d.campaign_id = c.id GROUP BY c.id"
            ).fetchone()
    finally:
        worker.stop()
    # The queueing process counted its own backend: not twice.
    backends.pop(queued["backend_pid"], None)
    database_cpu = sum(backends.values()) - sum(backends_before.values())
    return {
        "sent": count,
        "seconds": (last - created).total_seconds(),
        "queue_seconds": (queued_at - created).total_seconds(),
        "cpu": processes + database_cpu + queued["cpu"],
    }


def database(env: dict[str, str]):
    import psycopg

    base, name = env["DATABASE_URL"].rsplit("/", 1)
    host = base.split("@", 1)[1].replace("%2F", "/")
    return psycopg.connect(host=host, user="postgres", dbname=name, autocommit=True)


def queue() -> None:
    import django

    django.setup()
    import psutil
    from django.db import connection

    from newsletter.services import campaigns
    from publications.models import Publication

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = psutil.Process(cursor.fetchone()[0])
    started, backend_started = time.process_time(), sum(backend.cpu_times()[:2])
    campaign = campaigns.campaign_compose(
        subject="Benchmark", intro="", publications=[Publication.objects.get()]
    )
    campaigns.campaign_queue(campaign=campaign)
    cpu = time.process_time() - started + sum(backend.cpu_times()[:2]) - backend_started
    print(json.dumps({"cpu": cpu, "backend_pid": backend.pid}))


HEADER = ["what", "emails/s", "seconds", "emails per CPU-s", "note"]
MEASURES = ("sent", "seconds", "cpu")


def report(count: int, runs: list[dict]) -> None:
    lines = [
        f"Update emails to {count:,} confirmed subscribers (local aiosmtpd sink), "
        + (f"{len(runs)} runs one after the other." if len(runs) > 1 else "one run."),
        "",
        "A load average above the number of cores means other work shared the machine: emails "
        "per second then vary from run to run by more than the differences measured here; "
        "emails per CPU-second (the sender's, the sink's and the database's) much less.",
    ]
    csv_rows = []
    for number, run in enumerate(runs, start=1):
        lines += run_lines(number, run, count)
        # The summary (benchmarks/summary.py) reads the loop's and the real path's rows.
        plain = {key: sum(loop[key] for loop in run["loops"]) / 2 for key in MEASURES}
        csv_rows += [
            [number, *row("send_messages loop, one connection (mean of 2)", plain, "")],
            [number, *real_row(run["real"], count)],
        ]
    print("\n".join(lines))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "newsletter.md").write_text("\n".join(lines) + "\n")
    with (RESULTS / "newsletter.csv").open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["run", *HEADER])
        writer.writerows(csv_rows)


def run_lines(number: int, run: dict, count: int) -> list[str]:
    """One run's table: the two loops, the real path, and how the real path compares."""
    loops, real = run["loops"], run["real"]
    plain = {key: sum(loop[key] for loop in loops) for key in MEASURES}
    ratio = real["sent"] / real["seconds"] / (plain["sent"] / plain["seconds"])
    cpu_ratio = real["sent"] / real["cpu"] / (plain["sent"] / plain["cpu"])
    rows = [
        row("send_messages loop, one connection (before)", loops[0], ""),
        row("send_messages loop, one connection (after)", loops[1], ""),
        real_row(real, count),
    ]
    return [
        "",
        f"## Run {number}",
        "",
        f"Load average (1 min) on this {os.cpu_count()}-core machine: {run['load'][0]:.1f} "
        f"at the start, {run['load'][1]:.1f} at the end.",
        "",
        "| " + " | ".join(HEADER) + " |",
        "| " + " | ".join("---" for _ in HEADER) + " |",
        *("| " + " | ".join(cells) + " |" for cells in rows),
        "",
        f"Real path / plain loop (both loops together): {ratio:.0%} of the emails per second "
        f"(target ≥ {TARGET:.0%}), {cpu_ratio:.0%} of the emails per CPU-second.",
    ]


def real_row(real: dict, count: int) -> list[str]:
    note = f"of which {real['queue_seconds']:.1f} s creating {count:,} delivery rows"
    return row("one Celery worker, real path", real, note)


def row(what: str, measured: dict, note: str) -> list[str]:
    return [
        what,
        f"{measured['sent'] / measured['seconds']:,.0f}",
        f"{measured['seconds']:.1f}",
        f"{measured['sent'] / measured['cpu']:,.0f}",
        note,
    ]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    commands = {"--sink": sink_main, "--queue": queue}
    if len(sys.argv) > 1 and sys.argv[1] in commands:
        commands[sys.argv[1]]()
    elif len(sys.argv) > 2 and sys.argv[1] == "--prepare":
        prepare(int(sys.argv[2]))
    elif len(sys.argv) > 2 and sys.argv[1] == "--baseline":
        baseline(int(sys.argv[2]))
    else:
        main()
