"""Web-native publications for the page benchmark: a body of about 1,500 words under eight
headings (so the page has its table of contents) and five files (three PDFs, a CSV, a slide
deck), given to a fixed sample of the corpus's publications. Rows only: the page reads the files'
rows, never their bytes. Idempotent, so a reused corpus is prepared once."""

from __future__ import annotations

import hashlib
import random

from django.db import transaction

from publications.changes import public_catalogue_changed
from publications.models import PDF_CONTENT_TYPE, FileRole, Publication, PublicationFile
from publications.richtext import sanitise

SAMPLE = 50
FILES = [
    (FileRole.FULL_REPORT, "Full report", PDF_CONTENT_TYPE, "pdf", 2_400_000, 84),
    (FileRole.SUMMARY, "Executive summary", PDF_CONTENT_TYPE, "pdf", 310_000, 6),
    (FileRole.APPENDIX, "Technical appendix", PDF_CONTENT_TYPE, "pdf", 890_000, 31),
    (FileRole.DATA, "Data tables", "text/csv", "csv", 120_000, None),
    (
        FileRole.PRESENTATION,
        "Briefing slides",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
        4_100_000,
        None,
    ),
]


def body(rng: random.Random, words: list[str]) -> str:
    """Eight sections of two or three paragraphs, a list and a quotation among them."""
    sentence = lambda: " ".join(rng.choices(words, k=rng.randint(12, 24))).capitalize() + "."  # noqa: E731
    parts = []
    for number in range(8):
        parts.append(f"<h2>{' '.join(rng.choices(words, k=3)).capitalize()} {number + 1}</h2>")
        for _ in range(rng.randint(2, 3)):
            parts.append(f"<p>{' '.join(sentence() for _ in range(4))}</p>")
        if number % 3 == 1:
            items = "".join(f"<li>{sentence()}</li>" for _ in range(4))
            parts.append(f"<ul>{items}</ul>")
        if number % 4 == 2:
            parts.append(f"<blockquote><p>{sentence()}</p></blockquote>")
    return sanitise("".join(parts))


def prepare(words: list[str]) -> list[str]:
    """The sample's slugs, each with its body and five files (made once)."""
    rng = random.Random(2027)
    published = sorted(Publication.objects.published().values_list("pk", "slug"))
    sample = rng.sample(published, SAMPLE)
    ready = set(
        PublicationFile.objects.filter(publication_id__in=[pk for pk, _ in sample])
        .values_list("publication_id", flat=True)
        .distinct()
    )
    with transaction.atomic():
        for pk, slug in sample:
            if pk in ready:
                continue
            Publication.objects.filter(pk=pk).update(body=body(rng, words))
            PublicationFile.objects.bulk_create(
                PublicationFile(
                    publication_id=pk,
                    position=position,
                    role=role,
                    title=title,
                    language="en",
                    file=f"publications/bench/{slug[:80]}-{position}.{extension}",
                    size=size,
                    sha256=hashlib.sha256(f"{slug}-{position}".encode()).hexdigest(),
                    content_type=content_type,
                    page_count=pages,
                )
                for position, (role, title, content_type, extension, size, pages) in enumerate(
                    FILES
                )
            )
    public_catalogue_changed()  # written beside the services: no cached page may predate it
    return [slug for _, slug in sample]
