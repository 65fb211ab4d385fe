"""Rebuild the impact-ordered blocks of the search index (search/blocks.py), with a progress bar."""

import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from search.index.blocks import compact


class Command(BaseCommand):
    help = (
        "Rebuild the ranking blocks of the terms that documents changed since the last "
        "compaction hold (beat does this every SEARCH_COMPACT_INTERVAL seconds), or of every "
        "term with --full."
    )

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="rebuild every term's blocks")

    def handle(self, *args, full, **options):
        with tqdm(unit="term", desc="Compacting", disable=not sys.stderr.isatty()) as bar:

            def step(done: int, total: int) -> None:
                bar.total = total
                bar.update(done)

            terms = compact(full=full, progress=step)
        self.stdout.write(f"Rebuilt the blocks of {terms} terms.")
