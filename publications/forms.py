"""Forms for staff. Checks that need no database live here; writes go through services."""

from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.core.files.uploadedfile import UploadedFile

from publications.models import Publication
from publications.pdf_files import check_pdf_header


class PublicationAdminForm(forms.ModelForm):
    class Meta:
        model = Publication
        fields = [
            "title",
            "subtitle",
            "slug",
            "type",
            "series",
            "status",
            "publication_date",
            "announce",
            "abstract",
            "topics",
            "doi",
            "cover_image",
            "pdf",
        ]
        widgets = {"pdf": AdminFileWidget(attrs={"accept": "application/pdf,.pdf"})}
        help_texts = {
            "status": (
                "Draft is not public. Published with a date ahead becomes Scheduled and appears "
                "by itself on that date."
            ),
            "slug": "The last part of the address. Renaming keeps the old address as a redirect.",
        }

    def clean_pdf(self):
        upload = self.cleaned_data.get("pdf")
        # Only the first bytes and the size: a PDF is never parsed in the web process.
        if isinstance(upload, UploadedFile):
            check_pdf_header(upload, size=upload.size)
        return upload
