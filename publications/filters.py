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


class TextListField(forms.Field):
    """Repeated ?name=text parameters, kept as typed (trimmed, each once): an author's slug or
    part of a name (see AuthorQuerySet.named)."""

    widget = forms.MultipleHiddenInput
    max_values = 20  # each is one more OR in the query

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else [value] if value else []
        texts = {}
        # PostgreSQL text holds no NUL byte (a name cannot contain one): dropped, not a 500.
        for text in filter(None, (raw.replace("\x00", "").strip() for raw in values)):
            texts.setdefault(text.casefold(), text)
        texts = list(texts.values())
        if len(texts) > self.max_values:
            raise forms.ValidationError(f"At most {self.max_values} authors, please.")
        return texts


class TextListFilter(django_filters.Filter):
    field_class = TextListField


class PublicationFilter(django_filters.FilterSet):
    topic = SlugListFilter(method="filter_topics", label="Topic")
    author = TextListFilter(method="filter_authors", label="Author")
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
        return queryset.by_authors(Author.objects.named(value)) if value else queryset


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
    authors: list[Author]  # the authors filtered on by slug, with their names
    author_terms: list[str]  # text filtered on that is no author's slug: part of a name
    selected: dict[str, list[str]]
    active: list[ActiveFilter]


def publication_listing(params: QueryDict) -> Listing:
    """The public publications under these filters, newest first, and what the form shows."""
    base = Publication.objects.published().for_listing().newest_first()
    filterset = PublicationFilter(params, queryset=base)
    valid = filterset.is_valid()
    data = filterset.form.cleaned_data
    topics = list(Topic.objects.order_by("name"))
    typed = data.get("author") or []
    authors = list(Author.objects.filter(slug__in=[slugify(text) for text in typed]))
    names = {author.slug: author.name for author in authors}
    terms = [text for text in typed if slugify(text) not in names]
    author_labels = {text: names.get(slugify(text), f"Name contains “{text}”") for text in typed}
    active = active_filters(params, data, {t.slug: t.name for t in topics}, author_labels)
    selected = {key: list(data.get(key) or []) for key in ("topic", "author", "type")}
    # Filters that do not parse (a date like 2024-13-45) show their error and no results,
    # rather than silently showing everything.
    publications = filterset.qs if valid else base.none()
    return Listing(filterset.form, publications, topics, authors, terms, selected, active)
