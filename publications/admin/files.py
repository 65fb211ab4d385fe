"""The files inline of the publication admin: each file's facts and extraction, and its rows
saved through publications.services (which hash, store and queue extraction)."""

from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from publications import services
from publications.admin.authors import AppendingFormSet
from publications.admin.extraction import extraction_of, render_extraction
from publications.file_types import file_type_of
from publications.forms import PublicationFileForm
from publications.models import Publication, PublicationFile


class PublicationFileInline(admin.TabularInline):
    model = PublicationFile
    form = PublicationFileForm
    formset = AppendingFormSet  # a new file goes last, as a new author does
    fields = ["position", "file", "role", "title", "language", "facts", "text_extraction"]
    readonly_fields = ["facts", "text_extraction"]
    ordering = ["position", "id"]
    extra = 1
    verbose_name = "file"
    verbose_name_plural = "files, in order (the first PDF is the one the page shows)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("extraction")

    @admin.display(description="size, type")
    def facts(self, obj):
        if obj.pk is None:
            return "—"
        file_type = file_type_of(obj.content_type)
        return f"{filesizeformat(obj.size)}, {file_type.label if file_type else obj.content_type}"

    @admin.display(description="text extraction")
    def text_extraction(self, obj):
        if obj.pk is None or not obj.is_pdf:
            return "—"
        poll_url = reverse(
            "admin:publications_publication_file_extraction", args=[obj.publication_id, obj.pk]
        )
        return render_extraction(extraction_of(obj), poll_url=poll_url)


def save_files(formset, *, publication: Publication) -> None:
    """Save the inline's rows through the services: deleted rows first, then new and changed
    ones (an unchanged row is left alone, so its file is not hashed again)."""
    # What formset.save() would leave for the admin's change message (its history entry).
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for file_form in formset.deleted_forms:
        if file_form.instance.pk is not None:
            formset.deleted_objects.append(file_form.instance)
            services.publication_file_delete(file=file_form.instance)
    for file_form in formset.forms:
        if file_form in formset.deleted_forms or not file_form.has_changed():
            continue
        file, upload = file_form.instance, file_form.cleaned_data.get("file")
        is_new = file.pk is None
        # The form already put any upload on the row; put the stored file back and let the
        # service store the upload, with its size, hash and type (the same bytes: nothing).
        file.file = file_form.initial.get("file") or ""
        file.publication = publication
        upload = upload if isinstance(upload, UploadedFile) else None
        services.publication_file_save(file=file, upload=upload)
        if is_new:
            formset.new_objects.append(file)
        else:
            formset.changed_objects.append((file, file_form.changed_data))
