"""What the publication's add/change form posts: its fields, the authors inline and the files
inline (the admin refuses a post that lacks an inline's management form)."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from publications import services
from publications.models import FileRole, PublicationFile, Status
from tests.pdfs import make_pdf


def add_url():
    return reverse("admin:publications_publication_add")


def change_url(publication):
    return reverse("admin:publications_publication_change", args=[publication.pk])


def form_data(publication=None, authors=(), files=(), **fields):
    """The publication's fields and both inlines: its existing authors and files kept as they
    are, then one author row per (position, author) and one file row per dict in `files`
    (keys as the inline's fields: file, role, title, language, position)."""
    data = {
        "title": "Typed title",
        "subtitle": "",
        "slug": "typed-title",
        "type": "report",
        "series": "",
        "status": Status.DRAFT,
        "publication_date": timezone.localdate().isoformat(),
        "announce": "on",
        "abstract": "Typed abstract about tariffs.",
        "topics": [],
        "doi": "",
        "_save": "Save",
    }
    if publication is not None:
        data.update(
            title=publication.title,
            slug=publication.slug,
            type=publication.type,
            status=publication.status,
            publication_date=_iso(publication.publication_date),
            abstract=publication.abstract,
            topics=[topic.pk for topic in publication.topics.all()],
            announce="on" if publication.announce else "",
        )
    data.update(inline_data(publication, authors))
    data.update(files_data(publication, files))
    data.update(fields)
    return data


def inline_data(publication, authors):
    """The authors inline: existing rows first (kept), then one row per (position, author)."""
    existing = list(publication.authorships.all()) if publication else []
    rows = [(link.position, link.author.pk, link.pk) for link in existing]
    rows += [(position, author.pk, "") for position, author in authors]
    data = _management("authorships", total=len(rows), initial=len(existing))
    for index, (position, author_id, link_id) in enumerate(rows):
        data[f"authorships-{index}-position"] = str(position)
        data[f"authorships-{index}-author"] = str(author_id)
        data[f"authorships-{index}-id"] = str(link_id)
        data[f"authorships-{index}-publication"] = str(publication.pk) if publication else ""
    return data


def files_data(publication, files=()):
    """The files inline: existing files first, unchanged (no upload: the stored file stays),
    then one row per dict in `files`. Tests change a row by its key, e.g. files-0-DELETE."""
    existing = list(publication.files.order_by("position", "id")) if publication else []
    rows = [
        {
            "id": file.pk,
            "position": file.position,
            "role": file.role,
            "title": file.title,
            "language": file.language,
        }
        for file in existing
    ]
    start = len(existing)
    rows += [
        {"id": "", "position": start + index, "role": FileRole.FULL_REPORT} | row
        for index, row in enumerate(files)
    ]
    data = _management("files", total=len(rows), initial=len(existing))
    for index, row in enumerate(rows):
        data[f"files-{index}-publication"] = str(publication.pk) if publication else ""
        for key, value in row.items():
            data[f"files-{index}-{key}"] = value if key == "file" else str(value)
    return data


def _management(prefix, *, total, initial):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _iso(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def pdf_upload(data=None, name="report.pdf"):
    return SimpleUploadedFile(name, data or make_pdf(["First page", "Second page"]))


def with_pdf(publication, data):
    file = PublicationFile(publication=publication)
    services.publication_file_save(file=file, upload=ContentFile(data, name="report.pdf"))
    return publication
