"""Rebuild the whole search index from the catalogue, with a progress bar."""

import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from publications.models import Publication
from search.index.writes import rebuild


class Command(BaseCommand):
    help = (
        "Rebuild every search document, page and posting from the catalogue, beside the live "
        "index, which readers keep until the new one replaces it at the end (it needs as much "
        "disk again as the live index meanwhile)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--jobs",
            type=int,
            default=2,
            help="loaders tokenising side by side, each a database connection (default 2; 1 "
            "leaves the database's other cores to the live site)",
        )

    def handle(self, *args, batch_size, jobs, **options):
        total = Publication.objects.released().count()
        with tqdm(
            total=total,
            unit="doc",
            desc="Indexing",
            disable=not sys.stderr.isatty(),
        ) as bar:
            count = rebuild(batch_size=batch_size, progress=bar.update, jobs=jobs)
        self.stdout.write(f"Indexed {count} publications.")
