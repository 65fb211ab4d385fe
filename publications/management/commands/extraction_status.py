"""The text extraction state of every PDF file of every publication, as a table or as JSON."""

import json

from django.core.management.base import BaseCommand

from publications.models import PublicationFile


class Command(BaseCommand):
    help = "Show, for each PDF file of each publication, whether its text was extracted."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="one JSON array, for tools")

    def handle(self, *args, **options):
        rows = [_row(file) for file in _pdf_files()]
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        header = (
            f"{'slug':40} {'file':>6} {'role':18} {'status':8} {'pages':>5} {'seconds':>7}"
            "  reason / flags"
        )
        self.stdout.write(header)
        for row in rows:
            notes = ", ".join(filter(None, [row["reason"], *row["flags"]]))
            seconds = "" if row["seconds"] is None else f"{row['seconds']:.1f}"
            pages = "" if row["pages"] is None else row["pages"]
            self.stdout.write(
                f"{row['slug'][:40]:40} {row['file']:>6} {row['role']:18} {row['status']:8} "
                f"{pages:>5} {seconds:>7}  {notes}"
            )


def _pdf_files():
    return (
        PublicationFile.objects.pdfs()
        .select_related("publication", "extraction")
        .order_by("publication__slug", "position", "id")
        .iterator(chunk_size=2000)
    )


def _row(file: PublicationFile) -> dict:
    extraction = getattr(file, "extraction", None)
    row = {"slug": file.publication.slug, "file": file.pk, "role": file.role}
    if extraction is None:
        return {**row, "status": "pending", "reason": None, "flags": [],
                "pages": None, "characters": None, "seconds": None}  # fmt: skip
    return {
        **row,
        "status": extraction.status,
        "reason": extraction.reason or None,
        "flags": list(extraction.flags),
        "pages": extraction.pages,
        "characters": extraction.characters,
        "seconds": None if extraction.seconds is None else round(extraction.seconds, 3),
    }
