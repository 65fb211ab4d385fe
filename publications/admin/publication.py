"""The publication admin: a thin layer over publications.services."""

from functools import partial

from csp.constants import NONCE, SELF
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Prefetch
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.translation import ngettext
from js_asset import Media

from publications import services
from publications.admin.body_images import body_image_upload
from publications.admin.extraction import (
    ExtractionFlagFilter,
    ExtractionStatusFilter,
    extraction_json,
    extraction_of,
    render_extraction,
)
from publications.admin.filters import YearFilter
from publications.extraction.requests import extraction_request
from publications.forms import PublicationAdminForm
from publications.models import Publication, PublicationAuthor, Status

STATUS_ICONS = {"published": "icon-yes.svg", "scheduled": "icon-clock.svg", "draft": "icon-no.svg"}


class AuthorshipFormSet(BaseInlineFormSet):
    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        # A new row starts after the existing byline, so an added author goes last unless moved;
        # the blank row that "Add another" copies (index None) does too.
        if index is None or index >= self.initial_form_count():
            position = self.total_form_count() if index is None else index
            kwargs["initial"] = {"position": position}
        return kwargs


class AuthorshipInline(admin.TabularInline):
    model = PublicationAuthor
    formset = AuthorshipFormSet
    fields = ["position", "author"]
    autocomplete_fields = ["author"]
    ordering = ["position", "id"]
    extra = 1
    verbose_name = "author"
    verbose_name_plural = "authors, in byline order (lower position first)"


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    form = PublicationAdminForm
    inlines = [AuthorshipInline]
    list_display = [
        "title",
        "type",
        "status_label",
        "publication_date",
        "byline",
        "pdf_summary",
        "text_extraction",
        "public_link",
    ]
    list_filter = [
        "status",
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
        "pdf_size",
        "pdf_sha256",
        "page_count",
        "created_at",
        "updated_at",
        "first_published_at",
        "text_extraction_detail",
    ]
    actions = ["publish_selected", "unpublish_selected", "reextract_selected"]
    fieldsets = [
        (None, {"fields": ["title", "subtitle", "slug", "type", "series"]}),
        (
            "Publishing",
            {"fields": ["status", "publication_date", "announce", "first_published_at"]},
        ),
        ("About", {"fields": ["abstract", "topics", "doi", "cover_image"]}),
        ("Body", {"fields": ["body"]}),
        (
            "PDF",
            {
                "fields": [
                    "pdf",
                    "text_extraction_detail",
                    "pdf_size",
                    "page_count",
                    "pdf_sha256",
                ]
            },
        ),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    class Media:
        css = {"all": ["admin/publications/extraction.css"]}
        js = ["admin/publications/extraction-status.js"]

    def get_queryset(self, request):
        byline = PublicationAuthor.objects.select_related("author").order_by("position", "id")
        queryset = super().get_queryset(request).select_related("extraction")
        return queryset.prefetch_related(Prefetch("authorships", byline))

    def get_urls(self):
        preview = path(
            "<path:object_id>/preview/",
            self.admin_site.admin_view(self.preview_view),
            name="publications_publication_preview",
        )
        extraction = path(
            "<path:object_id>/extraction.json",
            self.admin_site.admin_view(self.extraction_view),
            name="publications_publication_extraction",
        )
        body_image = path(
            "body-image/",
            self.admin_site.admin_view(partial(body_image_upload, admin_site=self.admin_site)),
            name="publications_publication_body_image",
        )
        # Before the defaults, whose "<object_id>/" catch-all would swallow them.
        return [preview, extraction, body_image, *super().get_urls()]

    def extraction_view(self, request, object_id):
        """The extraction status as JSON, polled by the change form while the worker runs."""
        publication = self.get_object(request, unquote(object_id))
        if publication is None:
            raise Http404("No such publication.")
        if not self.has_view_or_change_permission(request, publication):
            raise PermissionDenied
        return extraction_json(publication, empty=self.get_empty_value_display())

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_public else None

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and not obj.is_public:
            context["preview_url"] = self.preview_url(obj)
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
        upload = form.cleaned_data.get("pdf")
        # The form already put any upload on obj; put the stored file back and let the service
        # attach the upload, so its size and hash are kept (and the same bytes change nothing).
        obj.pdf = form.initial.get("pdf") or ""
        services.publication_save(
            publication=obj,
            old_slug=form.initial.get("slug", ""),
            pdf=upload if isinstance(upload, UploadedFile) else None,
            remove_pdf=upload is False,  # "Clear" ticked
        )

    def delete_model(self, request, obj):
        services.publications_delete(publications=Publication.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        services.publications_delete(publications=queryset)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.publication_renumber_authors(publication=form.instance)
        # Again now the byline and topics are saved (the same transaction as the form).
        services.publication_reindex(publication=form.instance)

    @admin.action(description="Publish selected publications", permissions=["change"])
    def publish_selected(self, request, queryset):
        changed = services.publications_publish(publications=queryset)
        message = ngettext(
            "%(count)d publication published (scheduled instead when its date is ahead).",
            "%(count)d publications published (scheduled instead when their date is ahead).",
            changed,
        )
        self.message_user(request, message % {"count": changed}, _level(changed))

    @admin.action(description="Unpublish selected publications", permissions=["change"])
    def unpublish_selected(self, request, queryset):
        changed = services.publications_unpublish(publications=queryset)
        message = ngettext(
            "%(count)d publication returned to draft.",
            "%(count)d publications returned to draft.",
            changed,
        )
        self.message_user(request, message % {"count": changed}, _level(changed))

    @admin.action(description="Re-extract the text of selected PDFs", permissions=["change"])
    def reextract_selected(self, request, queryset):
        queued = 0
        for publication in queryset.exclude(pdf_sha256=""):
            queued += extraction_request(publication=publication, force=True)
        message = ngettext(
            "Text extraction queued for %(count)d PDF.",
            "Text extraction queued for %(count)d PDFs.",
            queued,
        )
        self.message_user(request, message % {"count": queued}, _level(queued))

    @admin.display(description="text")
    def text_extraction(self, obj):
        return render_extraction(extraction_of(obj)) if obj.pdf else "—"

    @admin.display(description="text extraction")
    def text_extraction_detail(self, obj):
        if obj.pk is None or not obj.pdf:
            return "—"
        poll_url = reverse("admin:publications_publication_extraction", args=[obj.pk])
        return render_extraction(extraction_of(obj), poll_url=poll_url)

    @admin.display(description="status", ordering="status")
    def status_label(self, obj):
        if obj.status == Status.DRAFT:
            key, label = "draft", "Draft"
        elif obj.is_public:
            key, label = "published", "Published"
        else:
            key, label = "scheduled", f"Scheduled for {format_date(obj.publication_date, 'M j, Y')}"
        icon = static(f"admin/img/{STATUS_ICONS[key]}")
        return format_html('<img src="{}" alt="" width="13" height="13"> {}', icon, label)

    @admin.display(description="authors")
    def byline(self, obj):
        return ", ".join(author.name for author in obj.ordered_authors)

    @admin.display(description="PDF", ordering="pdf_size")
    def pdf_summary(self, obj):
        if not obj.pdf:
            return "no PDF"
        pages = "pages pending" if obj.page_count is None else f"{obj.page_count} pages"
        return f"{filesizeformat(obj.pdf_size or 0)}, {pages}"

    @admin.display(description="public page")
    def public_link(self, obj):
        if obj.is_public:
            return format_html('<a href="{}">View on site</a>', obj.get_absolute_url())
        return format_html('<a href="{}">Preview</a>', self.preview_url(obj))


def _level(changed):
    return messages.SUCCESS if changed else messages.WARNING
