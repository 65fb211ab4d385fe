"""Forms for staff. Checks that need no database live here; writes go through services."""

from dataclasses import dataclass

from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse, reverse_lazy
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget

from publications.file_types import ACCEPT, LANGUAGE_TAG, check_file
from publications.models import Publication, PublicationFile
from publications.richtext import sanitise

# What the body editor offers; publications.richtext's allow-list keeps exactly this and less
# (no classes, no styles), whatever reaches the server. The editor has no footnotes.
BODY_EDITOR_EXTENSIONS = {
    "Heading": {"levels": [2, 3, 4]},
    **dict.fromkeys(["Bold", "Italic", "Strike", "Subscript", "Superscript", "Code"], True),
    **dict.fromkeys(["BulletList", "OrderedList", "ListItem", "Blockquote"], True),
    **dict.fromkeys(["HorizontalRule", "HardBreak", "History", "HTML"], True),
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    # "Browse..." in the figure dialog opens our upload (publications/admin/body_images.py).
    "Figure": {"pickerUrl": reverse_lazy("admin:publications_publication_body_image")},
    **dict.fromkeys(["Image", "Caption"], True),
    **dict.fromkeys(["Table", "TableRow", "TableHeader", "TableCell"], True),
}


@dataclass(frozen=True)
class LinkedFile:
    """What the file widget's template reads: the stored name and where to open it."""

    name: str
    url: str

    def __str__(self):
        return self.name


class ServedFileWidget(AdminFileWidget):
    """The admin file input whose "Currently:" link opens the file through one of our views.

    MEDIA_URL is never served (a draft's PDF must not be public), so the storage URL is a 404;
    the form sets `href` to the view that serves this file to staff, drafts included.
    """

    href = ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"] and self.href:
            context["widget"]["value"] = LinkedFile(name=str(value), url=self.href)
        return context


class PublicationAdminForm(forms.ModelForm):
    class Meta:
        model = Publication
        fields = [
            "title",
            "subtitle",
            "slug",
            "type",
            "series",
            "publication_date",
            "announce",
            "corrected_on",
            "correction_note",
            "abstract",
            "body",
            "topics",
            "doi",
            "cover_image",
        ]
        widgets = {"cover_image": ServedFileWidget}
        help_texts = {
            "publication_date": (
                "The date shown and cited. Scheduling sets it to the release time's day."
            ),
            "slug": "The last part of the address. Renaming keeps the old address as a redirect.",
        }

    body = ProseEditorFormField(
        extensions=BODY_EDITOR_EXTENSIONS,
        widget=AdminProseEditorWidget,
        required=False,
        help_text=(
            "The publication as a web page, beside or instead of the PDF. Scripts, styles and "
            "unsupported markup are removed when it is saved."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # The saved slug, read before validation copies a typed (maybe invalid) one onto it.
            slug = self.instance.slug
            self.fields["cover_image"].widget.href = reverse("publications:cover", args=[slug])

    def clean_body(self):
        # The service sanitises again on save; this pass, written back into the posted data the
        # widget shows, makes a form that comes back after another field's error show the body
        # as it will be stored, not what was posted.
        body = sanitise(self.cleaned_data.get("body") or "")
        self.data = self.data.copy()
        self.data[self.add_prefix("body")] = body
        return body


class PublicationFileForm(forms.ModelForm):
    """One file in the publication's inline: the upload is checked by its extension, first bytes
    and size only (a PDF is never parsed in the web process); services store it."""

    class Meta:
        model = PublicationFile
        fields = ["position", "file", "role", "title", "language"]
        widgets = {"file": ServedFileWidget(attrs={"accept": ACCEPT})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        file = self.instance
        if file.pk is not None:
            # The saved slug, as the publication's form reads it.
            slug = Publication.objects.values_list("slug", flat=True).get(pk=file.publication_id)
            href = reverse("publications:file", args=[slug, file.pk])
            self.fields["file"].widget.href = href

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            check_file(upload, name=upload.name, size=upload.size)
        return upload

    def clean_language(self):
        language = self.cleaned_data.get("language", "")
        if language and not LANGUAGE_TAG.fullmatch(language):
            raise forms.ValidationError("Give a BCP 47 language tag, such as en, fr or pt-BR.")
        return language
