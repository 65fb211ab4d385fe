"""The text extraction state of every publication that has a PDF, as a table or as JSON."""

import json

from django.core.management.base import BaseCommand

from publications.models import Publication


class Command(BaseCommand):
    help = "Show, for each publication with a PDF, whether its text was extracted."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="one JSON array, for tools")

    def handle(self, *args, **options):
        rows = [_row(publication) for publication in _with_pdf()]
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        header = f"{'slug':40} {'status':8} {'pages':>5} {'seconds':>7}  reason / flags"
        self.stdout.write(header)
        for row in rows:
            notes = ", ".join(filter(None, [row["reason"], *row["flags"]]))
            seconds = "" if row["seconds"] is None else f"{row['seconds']:.1f}"
            pages = "" if row["pages"] is None else row["pages"]
            self.stdout.write(
                f"{row['slug'][:40]:40} {row['status']:8} {pages:>5} {seconds:>7}  {notes}"
            )


def _with_pdf():
    return (
        Publication.objects.exclude(pdf_sha256="")
        .select_related("extraction")
        .order_by("slug")
        .iterator(chunk_size=2000)
    )


def _row(publication: Publication) -> dict:
    extraction = getattr(publication, "extraction", None)
    if extraction is None:
        return {"slug": publication.slug, "status": "pending", "reason": None, "flags": [],
                "pages": None, "characters": None, "seconds": None}  # fmt: skip
    return {
        "slug": publication.slug,
        "status": extraction.status,
        "reason": extraction.reason or None,
        "flags": list(extraction.flags),
        "pages": extraction.pages,
        "characters": extraction.characters,
        "seconds": None if extraction.seconds is None else round(extraction.seconds, 3),
    }
