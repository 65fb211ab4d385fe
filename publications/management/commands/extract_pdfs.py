"""Extract PDF text on demand: here, with a progress bar, or queued for the workers."""

import sys
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from publications.extraction.requests import extraction_request
from publications.extraction.services import extraction_run
from publications.models import ExtractionStatus, PublicationFile


class Command(BaseCommand):
    help = (
        "Extract the text of PDFs: by default those never extracted; --all every one again, "
        "--failed those that failed, --slug one publication's."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--all", action="store_true", help="every PDF, again")
        which.add_argument("--failed", action="store_true", help="PDFs whose extraction failed")
        which.add_argument("--slug", help="one publication")
        parser.add_argument(
            "--queue", action="store_true", help="queue for the Celery workers instead of here"
        )

    def handle(self, *args, **options):
        files = self._select(options)
        force = bool(options["all"] or options["failed"] or options["slug"])
        outcomes: Counter[str] = Counter()
        bar = tqdm(files, unit="pdf", disable=not sys.stderr.isatty(), desc="Extracting")
        for file in bar:
            with transaction.atomic():
                queued = extraction_request(file=file, force=force)
            if options["queue"]:
                outcomes["queued" if queued else "already done or queued"] += 1
                continue
            # Here and now; a row a worker holds is skipped by the claim, never done twice.
            result = extraction_run(file_id=file.pk, sha256=file.sha256)
            outcomes[result] += 1
        summary = ", ".join(f"{count} {name}" for name, count in sorted(outcomes.items()))
        self.stdout.write(f"{len(files)} PDFs: {summary or 'nothing to do'}.")
        if outcomes[ExtractionStatus.FAILED]:
            self.stdout.write("See `manage.py extraction_status` for the reasons.")

    def _select(self, options) -> list[PublicationFile]:
        files = PublicationFile.objects.pdfs().order_by("publication_id", "position", "id")
        if options["slug"]:
            files = files.filter(publication__slug=options["slug"])
            if not files.exists():
                raise CommandError(f"No publication with a PDF has the slug {options['slug']!r}.")
        elif options["failed"]:
            files = files.filter(extraction__status=ExtractionStatus.FAILED)
        elif not options["all"]:
            files = files.exclude(extraction__status=ExtractionStatus.DONE)
        return list(files)
