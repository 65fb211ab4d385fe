"""Extract PDF text on demand: here, with a progress bar, or queued for the workers."""

import sys
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from publications.extraction.requests import extraction_request
from publications.extraction.services import extraction_run
from publications.models import ExtractionStatus, Publication


class Command(BaseCommand):
    help = (
        "Extract the text of PDFs: by default those never extracted; --all every one again, "
        "--failed those that failed, --slug one publication."
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
        publications = self._select(options)
        force = bool(options["all"] or options["failed"] or options["slug"])
        outcomes: Counter[str] = Counter()
        bar = tqdm(publications, unit="pdf", disable=not sys.stderr.isatty(), desc="Extracting")
        for publication in bar:
            with transaction.atomic():
                queued = extraction_request(publication=publication, force=force)
            if options["queue"]:
                outcomes["queued" if queued else "already done or queued"] += 1
                continue
            # Here and now; a row a worker holds is skipped by the claim, never done twice.
            result = extraction_run(publication_id=publication.pk, sha256=publication.pdf_sha256)
            outcomes[result] += 1
        summary = ", ".join(f"{count} {name}" for name, count in sorted(outcomes.items()))
        self.stdout.write(f"{len(publications)} PDFs: {summary or 'nothing to do'}.")
        if outcomes[ExtractionStatus.FAILED]:
            self.stdout.write("See `manage.py extraction_status` for the reasons.")

    def _select(self, options) -> list[Publication]:
        publications = Publication.objects.exclude(pdf_sha256="").order_by("pk")
        if options["slug"]:
            publications = publications.filter(slug=options["slug"])
            if not publications.exists():
                raise CommandError(f"No publication with a PDF has the slug {options['slug']!r}.")
        elif options["failed"]:
            publications = publications.filter(extraction__status=ExtractionStatus.FAILED)
        elif not options["all"]:
            publications = publications.exclude(extraction__status=ExtractionStatus.DONE)
        return list(publications)
