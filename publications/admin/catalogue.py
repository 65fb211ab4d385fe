"""Admins for what publications refer to: authors, topics, series, and old slugs."""

from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from publications import services
from publications.models import Author, Publication, PublicationAuthor, Series, SlugRedirect, Topic


class CatalogueEntryAdmin(admin.ModelAdmin):
    """Saves and deletions through the services: a new name reaches the search index (the
    entry's publications are re-indexed after commit) and cached public pages are replaced."""

    def save_model(self, request, obj, form, change):
        services.catalogue_entry_save(entry=obj, old_name=form.initial.get("name", ""))

    def delete_model(self, request, obj):
        services.catalogue_entries_delete(entries=type(obj).objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        services.catalogue_entries_delete(entries=queryset)


def link_count(links, field):
    """How many link rows point at each row: a subquery per row shown, so the list query needs
    no GROUP BY and the autocomplete (which reuses get_queryset) pays only for the rows it returns.
    """
    rows = links.filter(**{field: OuterRef("pk")}).order_by().values(field)
    counted = rows.annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@admin.register(Author)
class AuthorAdmin(CatalogueEntryAdmin):
    list_display = ["name", "role", "affiliation", "publication_count"]
    search_fields = ["name", "affiliation"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "role", "affiliation", "bio"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(publication_count=link_count(PublicationAuthor.objects, "author"))
        )

    @admin.display(description="publications", ordering="publication_count")
    def publication_count(self, obj):
        return obj.publication_count


@admin.register(Topic)
class TopicAdmin(CatalogueEntryAdmin):
    list_display = ["name", "parent", "publication_count"]
    list_select_related = ["parent"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    fields = ["name", "slug", "parent", "description"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(publication_count=link_count(Publication.topics.through.objects, "topic"))
        )

    @admin.display(description="publications", ordering="publication_count")
    def publication_count(self, obj):
        return obj.publication_count


@admin.register(Series)
class SeriesAdmin(CatalogueEntryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    """Made by renaming a publication's slug; staff may look, or delete one to free the slug."""

    list_display = ["old_slug", "new_slug", "publication", "created_at"]
    list_select_related = ["publication"]
    search_fields = ["old_slug", "publication__slug", "publication__title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="redirects to", ordering="publication__slug")
    def new_slug(self, obj):
        return obj.publication.slug
