"""The publication list's filters: topic, author, type and a date range.

Several values of one filter are alternatives (OR); different filters must all hold (AND).
"""

from __future__ import annotations

from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.text import slugify

from publications.models import Author, Publication, PublicationType, Topic


class SlugListField(forms.Field):
    """Repeated ?name=slug parameters. A typed name also works: slugify("Jane Doe") is the slug
    the catalogue gives her, so the author box is usable before its script has loaded."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else [value] if value else []
        return list(dict.fromkeys(slug for slug in map(slugify, values) if slug))


class SlugListFilter(django_filters.Filter):
    field_class = SlugListField


class PublicationFilter(django_filters.FilterSet):
    topic = SlugListFilter(method="filter_topics", label="Topic")
    author = SlugListFilter(method="filter_authors", label="Author")
    type = django_filters.MultipleChoiceFilter(
        choices=PublicationType.choices,
        distinct=False,
        label="Type",
        widget=forms.CheckboxSelectMultiple,
    )
    published_after = django_filters.DateFilter(
        field_name="publication_date",
        lookup_expr="gte",
        label="Published from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    published_before = django_filters.DateFilter(
        field_name="publication_date",
        lookup_expr="lte",
        label="Published until",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Publication
        fields = ["topic", "author", "type", "published_after", "published_before"]

    def filter_topics(self, queryset, name, value):
        # An unknown slug matches nothing rather than being dropped: a stale link must not
        # quietly widen into the whole catalogue.
        return queryset.in_topics(Topic.objects.filter(slug__in=value)) if value else queryset

    def filter_authors(self, queryset, name, value):
        return queryset.by_authors(Author.objects.filter(slug__in=value)) if value else queryset


@dataclass(frozen=True)
class ActiveFilter:
    label: str
    remove_query: str  # the current query string without this one value (and without ?page)


def active_filters(
    params: QueryDict, data: dict, topics: dict[str, str], authors: dict[str, str]
) -> list[ActiveFilter]:
    """The filters in force (cleaned form data), each with a link that removes it alone."""
    names = {"topic": topics, "author": authors, "type": dict(PublicationType.choices)}
    found = []
    for key in ("topic", "author", "type"):
        for value in data.get(key) or []:
            label = names[key].get(value, value)
            found.append(ActiveFilter(label, _without(params, key, value)))
    for key, prefix in (("published_after", "From"), ("published_before", "Until")):
        if data.get(key):
            label = f"{prefix} {data[key]:%B} {data[key].day}, {data[key].year}"
            found.append(ActiveFilter(label, _without(params, key, None)))
    return found


def _without(params: QueryDict, key: str, value: str | None) -> str:
    query = params.copy()
    query.pop("page", None)
    if value is None:
        query.pop(key, None)
    else:
        query.setlist(key, [v for v in query.getlist(key) if slugify(v) != value and v != value])
    return query.urlencode()


@dataclass(frozen=True)
class Listing:
    form: forms.Form
    publications: QuerySet[Publication]
    topics: list[Topic]  # every topic, for the topic checkboxes
    authors: list[Author]  # the authors filtered on, with their names
    selected: dict[str, list[str]]
    active: list[ActiveFilter]


def publication_listing(params: QueryDict) -> Listing:
    """The public publications under these filters, newest first, and what the form shows."""
    base = Publication.objects.published().for_listing().newest_first()
    filterset = PublicationFilter(params, queryset=base)
    valid = filterset.is_valid()
    data = filterset.form.cleaned_data
    topics = list(Topic.objects.order_by("name"))
    authors = list(Author.objects.filter(slug__in=data.get("author") or []))
    active = active_filters(
        params, data, {t.slug: t.name for t in topics}, {a.slug: a.name for a in authors}
    )
    selected = {key: list(data.get(key) or []) for key in ("topic", "author", "type")}
    # Filters that do not parse (a date like 2024-13-45) show their error and no results,
    # rather than silently showing everything.
    publications = filterset.qs if valid else base.none()
    return Listing(filterset.form, publications, topics, authors, selected, active)
