"""What readers search for, for editors: the queries that found nothing first."""

from django.contrib import admin
from django.db.models import Case, Value, When
from django.utils.html import format_html
from django.utils.text import Truncator

from search.models import SearchQuery

FOUND_NOTHING = Case(When(last_results=0, then=Value(True)), default=Value(False))
# A logged query may be 200 characters with no space to wrap at; the list shows this many and
# keeps the whole text on hover and in the detail view.
LISTED_CHARACTERS = 60


class FoundNothingFilter(admin.SimpleListFilter):
    title = "found nothing"
    parameter_name = "found_nothing"

    def lookups(self, request, model_admin):
        return [("yes", "Yes, the last time"), ("ever", "At least once"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(last_results=0)
        if self.value() == "ever":
            return queryset.filter(zero_results__gt=0)
        if self.value() == "no":
            return queryset.filter(last_results__gt=0)
        return queryset


@admin.register(SearchQuery)
class SearchQueryAdmin(admin.ModelAdmin):
    list_display = [
        "query",
        "found_nothing",
        "searches",
        "zero_results",
        "last_results",
        "last_searched_at",
    ]
    list_filter = [FoundNothingFilter]
    search_fields = ["text"]
    # Queries that find nothing are the gaps worth filling; among them, the most asked first.
    ordering = [FOUND_NOTHING.desc(), "-searches", "text"]
    date_hierarchy = "last_searched_at"
    show_full_result_count = False

    @admin.display(description="text", ordering="text")
    def query(self, obj):
        shown = Truncator(obj.text).chars(LISTED_CHARACTERS)
        return format_html('<span title="{}">{}</span>', obj.text, shown)

    @admin.display(boolean=True, description="found nothing")
    def found_nothing(self, obj):
        return obj.last_results == 0

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
