"""What the search page shows beside the results: facet links that add or remove one filter,
sort links, active filters and the page numbers. Every link is a plain, shareable URL."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.http import QueryDict
from django.urls import reverse

from publications.filters import ActiveFilter, active_filters
from publications.models import Publication, Topic
from search.engine import SearchOutcome, SearchRequest
from search.forms import MAX_RESULT_DEPTH, SORT_LABELS, SearchForm
from search.results.snippets import Hit


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: bool = False
    count: int | None = None


@dataclass(frozen=True)
class Paginator:
    num_pages: int


@dataclass(frozen=True)
class ResultPage:
    """The page of results as includes/pagination.html reads a Django Page."""

    number: int
    paginator: Paginator

    def has_previous(self) -> bool:
        return self.number > 1

    def previous_page_number(self) -> int:
        return min(self.number - 1, max(self.paginator.num_pages, 1))

    def has_next(self) -> bool:
        return self.number < self.paginator.num_pages

    def next_page_number(self) -> int:
        return self.number + 1


def result_page(outcome: SearchOutcome, request: SearchRequest) -> ResultPage:
    reachable = min(outcome.count, MAX_RESULT_DEPTH - MAX_RESULT_DEPTH % request.page_size)
    return ResultPage(request.page, Paginator(math.ceil(reachable / request.page_size)))


def hit_urls(publication: Publication, hits: list[Hit]) -> list[str]:
    """Where each hit takes a reader: the body's heading on the publication page, or the page of
    the file in the browser's PDF viewer (text imported without a file: the publication). Each
    address is reversed once per publication: a result's hits are mostly pages of one file."""
    page = publication.get_absolute_url()
    files: dict[int, str] = {}
    urls = []
    for hit in hits:
        if hit.in_body:
            urls.append(f"{page}#{hit.anchor}")
        elif hit.file is not None:
            if hit.file not in files:
                files[hit.file] = reverse("publications:file", args=[publication.slug, hit.file])
            urls.append(f"{files[hit.file]}#page={hit.page}")
        else:
            urls.append(page)
    return urls


def hit_label(hit: Hit) -> str:
    if hit.in_body:
        return hit.heading or "Text"
    return f"p. {hit.page}"


def url_with(path: str, params: QueryDict, **changes: list[str] | None) -> str:
    """This page's URL with some parameters replaced (None removes one) and page reset."""
    query = params.copy()
    query.pop("page", None)
    for key, values in changes.items():
        if values:
            query.setlist(key, values)
        else:
            query.pop(key, None)
    encoded = query.urlencode()
    return f"{path}?{encoded}" if encoded else path


def toggled(path: str, params: QueryDict, key: str, item: dict, selected: list[str]) -> Link:
    """A facet value's link: adds the value to its filter, or removes it when in force."""
    value = item.get("slug") or item["key"]
    current = value in selected
    values = [other for other in selected if other != value] if current else [*selected, value]
    label = item.get("name") or item["label"]
    return Link(label, url_with(path, params, **{key: values}), current, item["count"])


def facet_links(
    path: str, params: QueryDict, outcome: SearchOutcome, selected: dict
) -> dict[str, list[Link]]:
    facets = outcome.facets
    return {
        "topics": [
            toggled(path, params, "topic", item, selected["topic"]) for item in facets.topics
        ],
        "authors": [
            toggled(path, params, "author", item, selected["author"]) for item in facets.authors
        ],
        "types": [toggled(path, params, "type", item, selected["type"]) for item in facets.types],
        "years": [_year_link(path, params, item, selected) for item in facets.years],
    }


def _year_link(path: str, params: QueryDict, item: dict, selected: dict) -> Link:
    start, end = f"{item['year']}-01-01", f"{item['year']}-12-31"
    current = (selected["published_after"], selected["published_before"]) == (start, end)
    dates = {"published_after": None, "published_before": None}
    if not current:
        dates = {"published_after": [start], "published_before": [end]}
    return Link(str(item["year"]), url_with(path, params, **dates), current, item["count"])


def sort_links(
    path: str, params: QueryDict, request: SearchRequest, *, has_words: bool
) -> list[Link]:
    """Relevance, newest, oldest; with no words to rank by, the listing is newest first."""
    current = request.sort
    if not has_words:
        current = "oldest" if current == "oldest" else "newest"
    keys = SORT_LABELS if has_words else ("newest", "oldest")
    return [
        Link(SORT_LABELS[key], url_with(path, params, sort=[key]), key == current) for key in keys
    ]


def page_context(
    path: str, params: QueryDict, form: SearchForm, request: SearchRequest, outcome: SearchOutcome
) -> dict:
    """Everything results.html shows, besides the results themselves."""
    data = getattr(form, "cleaned_data", {})
    topics = list(Topic.objects.order_by("name"))
    selected = {
        "topic": data.get("topic") or [],
        "author": data.get("author") or [],
        "type": list(request.filters.types),
        "published_after": _iso(request.filters.published_after),
        "published_before": _iso(request.filters.published_before),
    }
    active: list[ActiveFilter] = active_filters(
        params,
        data,
        {topic.slug: topic.name for topic in topics},
        {author.slug: author.name for author in form.authors},
    )
    return {
        "form": form,
        "query": request.query,
        "sort": request.sort,
        "outcome": outcome,
        "page_obj": result_page(outcome, request),
        "facets": facet_links(path, params, outcome, selected),
        "sorts": sort_links(path, params, request, has_words=not outcome.query.is_empty),
        "active": active,
        "topics": topics,
        "selected": selected,
    }


def _iso(date) -> str:
    return date.isoformat() if date else ""
