"""Update-email sending speed: one Celery worker sending a campaign to 10,000 confirmed subscribers
through the real path (delivery rows created, claimed with leases, each marked sent), beside a
plain loop of Django's send_messages over one SMTP connection, against the same local aiosmtpd.

    .venv/bin/python benchmarks/newsletter.py [--subscribers 10000]

Uses a throwaway database (bench_newsletter, dropped and created anew) on the benchmarks' own
PostgreSQL under var/bench, a broker database of its own, and an aiosmtpd sink in a process of its
own. Prints a table and writes benchmarks/results/newsletter.{md,csv}. It measures; it asserts
nothing.
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
from benchmarks.search import start_bench_postgres  # noqa: E402

RESULTS = BASE_DIR / "benchmarks" / "results"
DATABASE = "bench_newsletter"
TARGET = 0.60


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=10_000)
    count = parser.parse_args().subscribers
    env = bench_env()
    sink, port = start_sink()
    env.update(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(port))
    try:
        log(f"Preparing {count:,} confirmed subscribers in {DATABASE} …")
        child(env, "--prepare", str(count))
        baseline = [json.loads(child(env, "--baseline", str(count)))]
        real = worker_run(env, count)
        baseline.append(json.loads(child(env, "--baseline", str(count))))
    finally:
        sink.terminate()
        sink.wait()
    report(count, baseline, real)


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
    started = time.perf_counter()
    sent = 0
    with get_connection() as connection:
        for n in range(count):
            message = EmailMultiAlternatives(
                rendered.subject, rendered.text, settings.DEFAULT_FROM_EMAIL,
                [f"reader{n}@example.org"],
            )  # fmt: skip
            message.attach_alternative(rendered.html, "text/html")
            sent += connection.send_messages([message])
    seconds = time.perf_counter() - started
    print(json.dumps({"sent": sent, "seconds": seconds}))


def worker_run(env: dict[str, str], count: int) -> dict:
    """The real path: queue the campaign (delivery rows and all), one worker sends it. Timed in
    the database, from the campaign's creation to the last delivery marked sent, so neither the
    worker's start nor this script's polling counts."""
    from tests.servers import CeleryWorker

    worker = CeleryWorker(env, queues="email", name="bench").start()
    try:
        child(env, "--queue")
        with database(env) as conn:
            done = "SELECT count(*) FROM newsletter_delivery WHERE status = 'sent'"
            while conn.execute(done).fetchone()[0] < count:
                time.sleep(0.5)
            created, queued, last = conn.execute(
                "SELECT c.created_at, c.queued_at, max(d.sent_at) FROM newsletter_campaign c "
                "JOIN newsletter_delivery d ON d.campaign_id = c.id GROUP BY c.id"
            ).fetchone()
    finally:
        worker.stop()
    return {
        "sent": count,
        "seconds": (last - created).total_seconds(),
        "queue_seconds": (queued - created).total_seconds(),
    }


def database(env: dict[str, str]):
    import psycopg

    base, name = env["DATABASE_URL"].rsplit("/", 1)
    host = base.split("@", 1)[1].replace("%2F", "/")
    return psycopg.connect(host=host, user="postgres", dbname=name, autocommit=True)


def queue() -> None:
    import django

    django.setup()
    from newsletter.services import campaigns
    from publications.models import Publication

    campaign = campaigns.campaign_compose(
        subject="Benchmark", intro="", publications=[Publication.objects.get()]
    )
    campaigns.campaign_queue(campaign=campaign)


def report(count: int, baselines: list[dict], real: dict) -> None:
    base_rate = sum(b["sent"] for b in baselines) / sum(b["seconds"] for b in baselines)
    real_rate = real["sent"] / real["seconds"]
    rows = [
        ["send_messages loop, one connection (mean of 2)", f"{base_rate:,.0f}",
         f"{sum(b['seconds'] for b in baselines) / 2:.1f}", ""],
        ["one Celery worker, real path", f"{real_rate:,.0f}", f"{real['seconds']:.1f}",
         f"of which {real['queue_seconds']:.1f} s creating {count:,} delivery rows"],
    ]  # fmt: skip
    ratio = real_rate / base_rate
    header = ["what", "emails/s", "seconds", "note"]
    lines = [
        f"Update emails to {count:,} confirmed subscribers (local aiosmtpd sink)",
        "",
        "| " + " | ".join(header) + " |",
        "| " + " | ".join("---" for _ in header) + " |",
        *("| " + " | ".join(row) + " |" for row in rows),
        "",
        f"Real path / plain loop: {ratio:.0%} (target ≥ {TARGET:.0%}).",
    ]
    print("\n".join(lines))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "newsletter.md").write_text("\n".join(lines) + "\n")
    with (RESULTS / "newsletter.csv").open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)


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
