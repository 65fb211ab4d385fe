"""The publication admin: a thin layer over publications.services."""

from functools import partial

from csp.constants import NONCE, SELF
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext
from js_asset import Media

from publications import services
from publications.admin.authors import AuthorshipInline
from publications.admin.body_images import body_image_upload
from publications.admin.extraction import (
    ExtractionFlagFilter,
    ExtractionStatusFilter,
    extraction_json,
    extraction_of,
    render_extraction,
)
from publications.admin.files import PublicationFileInline, save_files
from publications.admin.filters import YearFilter
from publications.admin.transitions import WorkflowAdminMixin
from publications.admin.workflow import WaitingForMeFilter, workflow_panel
from publications.extraction.requests import extraction_request
from publications.forms import PublicationAdminForm
from publications.models import (
    RELEASED_STATUSES,
    Publication,
    PublicationAuthor,
    PublicationFile,
    Status,
)

STATUS_ICONS = {
    Status.DRAFT: "icon-no.svg",
    Status.IN_REVIEW: "icon-unknown.svg",
    Status.APPROVED: "icon-unknown.svg",
    Status.SCHEDULED: "icon-clock.svg",
    Status.PUBLISHED: "icon-yes.svg",
    Status.WITHDRAWN: "icon-deletelink.svg",
}


@admin.register(Publication)
class PublicationAdmin(WorkflowAdminMixin, admin.ModelAdmin):
    form = PublicationAdminForm
    inlines = [AuthorshipInline, PublicationFileInline]
    list_display = [
        "title",
        "type",
        "status_label",
        "publication_date",
        "byline",
        "files_summary",
        "text_extraction",
        "public_link",
    ]
    list_filter = [
        "status",
        WaitingForMeFilter,
        "type",
        "topics",
        YearFilter,
        ExtractionStatusFilter,
        ExtractionFlagFilter,
    ]
    search_fields = ["title", "subtitle", "slug", "doi", "authors__name"]
    date_hierarchy = "publication_date"
    autocomplete_fields = ["topics", "series"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = [
        "status",
        "history",
        "created_at",
        "updated_at",
        "first_published_at",
    ]
    actions = ["publish_selected", "unpublish_selected", "reextract_selected"]
    fieldsets = [
        (None, {"fields": ["title", "subtitle", "slug", "type", "series"]}),
        (
            "Publishing",
            {"fields": ["status", "publication_date", "announce", "first_published_at"]},
        ),
        ("Correction", {"fields": ["corrected_on", "correction_note"], "classes": ["collapse"]}),
        ("About", {"fields": ["abstract", "topics", "doi", "cover_image"]}),
        ("Body", {"fields": ["body"]}),
        ("History", {"fields": ["history"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    class Media:
        css = {"all": ["admin/publications/extraction.css"]}
        js = ["admin/publications/extraction-status.js"]

    def get_queryset(self, request):
        byline = PublicationAuthor.objects.select_related("author").order_by("position", "id")
        files = PublicationFile.objects.select_related("extraction").order_by("position", "id")
        queryset = super().get_queryset(request)
        return queryset.prefetch_related(Prefetch("authorships", byline), Prefetch("files", files))

    def get_urls(self):
        preview = path(
            "<path:object_id>/preview/",
            self.admin_site.admin_view(self.preview_view),
            name="publications_publication_preview",
        )
        extraction = path(
            "<path:object_id>/files/<int:file_id>/extraction.json",
            self.admin_site.admin_view(self.extraction_view),
            name="publications_publication_file_extraction",
        )
        body_image = path(
            "body-image/",
            self.admin_site.admin_view(partial(body_image_upload, admin_site=self.admin_site)),
            name="publications_publication_body_image",
        )
        # Before the defaults, whose "<object_id>/" catch-all would swallow them.
        return [preview, extraction, body_image, *self.workflow_urls(), *super().get_urls()]

    def extraction_view(self, request, object_id, file_id):
        """A PDF file's extraction status as JSON, polled by the change form while it runs."""
        publication = self.get_object(request, unquote(object_id))
        if publication is None:
            raise Http404("No such publication.")
        if not self.has_view_or_change_permission(request, publication):
            raise PermissionDenied
        file = PublicationFile.objects.select_related("extraction")
        file = file.filter(publication=publication, pk=file_id).first()
        if file is None:
            raise Http404("No such file.")
        return extraction_json(file)

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_public else None

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and not obj.is_public:
            context["preview_url"] = self.preview_url(obj)
        if obj is not None:
            context["workflow_panel"] = workflow_panel(obj, request.user)
        # The body editor's import map is an inline script: this page's CSP allows it by nonce.
        context["media"] = Media.from_media(context["media"], nonce=request.csp_nonce)
        response = super().render_change_form(request, context, add, change, form_url, obj)
        response._csp_update = {"script-src": [SELF, NONCE]}  # as csp.decorators.csp_update does
        return response

    def preview_view(self, request, object_id):
        """The public page of a draft or scheduled publication, for staff only."""
        from publications.views import render_publication_page  # views import the catalogue

        publication = self.get_object(request, unquote(object_id))
        if publication is None:
            raise Http404("No such publication.")
        if not self.has_view_or_change_permission(request, publication):
            raise PermissionDenied
        response = render_publication_page(request, publication, preview=True)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def preview_url(self, obj):
        return reverse("admin:publications_publication_preview", args=[obj.pk])

    def save_model(self, request, obj, form, change):
        services.publication_save(publication=obj, old_slug=form.initial.get("slug", ""))

    def save_formset(self, request, form, formset, change):
        if formset.model is PublicationFile:
            return save_files(formset, publication=form.instance)
        return super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        services.publications_delete(publications=Publication.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        services.publications_delete(publications=queryset)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.publication_renumber_authors(publication=form.instance)
        # Again now the byline and topics are saved (the same transaction as the form).
        services.publication_reindex(publication=form.instance)

    @admin.action(description="Re-extract the text of selected PDFs", permissions=["change"])
    def reextract_selected(self, request, queryset):
        queued = 0
        files = PublicationFile.objects.pdfs().filter(publication__in=queryset.values("pk"))
        for file in files.order_by("publication_id", "position", "id"):
            queued += extraction_request(file=file, force=True)
        message = ngettext(
            "Text extraction queued for %(count)d PDF.",
            "Text extraction queued for %(count)d PDFs.",
            queued,
        )
        self.message_user(request, message % {"count": queued}, _level(queued))

    @admin.display(description="text")
    def text_extraction(self, obj):
        pdfs = [file for file in obj.files.all() if file.is_pdf]
        if not pdfs:
            return "—"
        lines = ((render_extraction(extraction_of(f)),) for f in pdfs)
        return format_html_join(mark_safe("<br>"), "{}", lines)

    @admin.display(description="status", ordering="status")
    def status_label(self, obj):
        key, label = obj.status, obj.get_status_display()
        if obj.status in RELEASED_STATUSES and obj.is_public:
            key, label = Status.PUBLISHED, "Published"
        elif obj.status == Status.SCHEDULED:
            when = timezone.localtime(obj.visible_from)
            label = f"Scheduled for {format_date(when, 'M j, Y, H:i T')}"
        icon = static(f"admin/img/{STATUS_ICONS[key]}")
        return format_html('<img src="{}" alt="" width="13" height="13"> {}', icon, label)

    @admin.display(description="authors")
    def byline(self, obj):
        return ", ".join(author.name for author in obj.ordered_authors)

    @admin.display(description="files")
    def files_summary(self, obj):
        files = obj.files.all()
        if not files:
            return "no files"
        first_pdf = next((file for file in files if file.is_pdf), None)
        count = ngettext("%(count)d file", "%(count)d files", len(files)) % {"count": len(files)}
        if first_pdf is None:
            return count
        pages = first_pdf.page_count
        pages = "pages pending" if pages is None else f"{pages} pages"
        return f"{count}; PDF {filesizeformat(first_pdf.size)}, {pages}"

    @admin.display(description="public page")
    def public_link(self, obj):
        if obj.is_public:
            return format_html('<a href="{}">View on site</a>', obj.get_absolute_url())
        return format_html('<a href="{}">Preview</a>', self.preview_url(obj))


def _level(changed):
    return messages.SUCCESS if changed else messages.WARNING
