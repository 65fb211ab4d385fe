"""The byline inline of the publication admin, and the formset both its inlines use."""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet

from publications.models import PublicationAuthor


class AppendingFormSet(BaseInlineFormSet):
    """New rows start after the existing ones."""

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        # A new row starts after the existing ones, so an added author or file goes last unless
        # moved; the blank row that "Add another" copies (index None) does too.
        if index is None or index >= self.initial_form_count():
            position = self.total_form_count() if index is None else index
            kwargs["initial"] = {"position": position}
        return kwargs


class AuthorshipInline(admin.TabularInline):
    model = PublicationAuthor
    formset = AppendingFormSet
    fields = ["position", "author"]
    autocomplete_fields = ["author"]
    ordering = ["position", "id"]
    extra = 1
    verbose_name = "author"
    verbose_name_plural = "authors, in byline order (lower position first)"
