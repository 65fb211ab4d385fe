"""What staff see of each PDF file's text extraction: status with colour, reason, flags, and a
re-run."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.http import JsonResponse
from django.template.defaultfilters import pluralize
from django.utils.html import format_html, format_html_join

from publications.models import Extraction, ExtractionFlag, ExtractionStatus, PublicationFile


def extraction_payload(extraction: Extraction | None) -> dict:
    """The extraction's state in words, for the list, the change form and its polling script."""
    if extraction is None:
        return {"status": "none", "summary": "No PDF", "flags": [], "reason": ""}
    parts = [ExtractionStatus(extraction.status).label]
    if extraction.pages is not None:
        parts.append(f"{extraction.pages} page{pluralize(extraction.pages)}")
    if extraction.seconds is not None:
        parts.append(f"{extraction.seconds:.1f} s")
    if extraction.attempts > 1:
        parts.append(f"{extraction.attempts} attempts")
    return {
        "status": extraction.status,
        "summary": " · ".join(parts),
        "reason": extraction.reason_text,
        "flags": [ExtractionFlag(flag).label for flag in extraction.flags],
    }


def render_extraction(extraction: Extraction | None, *, poll_url: str = ""):
    payload = extraction_payload(extraction)
    flags = format_html_join(
        "", '<span class="extraction-flag">{}</span>', ((flag,) for flag in payload["flags"])
    )
    return format_html(
        '<span class="extraction extraction-{}" data-poll-url="{}">'
        '<span class="extraction-summary">{}</span> '
        '<span class="extraction-reason">{}</span>{}</span>',
        payload["status"],
        poll_url,
        payload["summary"],
        payload["reason"],
        flags,
    )


def extraction_json(file: PublicationFile) -> JsonResponse:
    """What the change form's poll reads for one PDF file: its status, and the summary that says
    its page count (one form lists several files, so there is no single field to update)."""
    extraction = extraction_of(file)
    payload = extraction_payload(extraction)
    payload["html"] = str(render_extraction(extraction))
    payload["fields"] = {}
    return JsonResponse(payload)


def extraction_of(file: PublicationFile) -> Extraction | None:
    try:
        return file.extraction
    except Extraction.DoesNotExist:
        return None


def _extractions(**conditions) -> Exists:
    return Exists(Extraction.objects.filter(publication_id=OuterRef("pk"), **conditions))


class ExtractionStatusFilter(admin.SimpleListFilter):
    title = "text extraction"
    parameter_name = "extraction"

    def lookups(self, request, model_admin):
        return [*ExtractionStatus.choices, ("none", "No PDF")]

    def queryset(self, request, queryset):
        if self.value() == "none":
            pdfs = PublicationFile.objects.pdfs().filter(publication_id=OuterRef("pk"))
            return queryset.filter(~Exists(pdfs))
        if self.value() in ExtractionStatus.values:
            # Any of its PDF files in this state.
            return queryset.filter(_extractions(status=self.value()))
        return queryset


class ExtractionFlagFilter(admin.SimpleListFilter):
    title = "extraction flag"
    parameter_name = "extraction_flag"

    def lookups(self, request, model_admin):
        return ExtractionFlag.choices

    def queryset(self, request, queryset):
        if self.value() in ExtractionFlag.values:
            return queryset.filter(_extractions(flags__contains=[self.value()]))
        return queryset
