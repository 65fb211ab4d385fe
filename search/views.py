"""The search page and the JSON search API: parse the parameters, run the engine, log the query,
respond."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from core.ratelimit import Rate, rate_limited
from publications.context_processors import total_index
from publications.page_cache import page_slot
from search import engine
from search.forms import SearchForm
from search.results import selectors
from search.results.presentation import page_context
from search.serializers import outcome_as_json
from search.services import search_log_query


@require_safe
def search(request):
    form = SearchForm(request.GET, default_page_size=settings.PUBLICATIONS_PER_PAGE)
    # A malformed parameter is left out and its error shown beside the filters.
    form.is_valid()
    search_request = form.search_request()
    slot = page_slot(request)  # publications/page_cache.py: replaced whenever the catalogue changes
    if slot is not None and slot.page is not None:
        # A page served from the cache is still a search, counted in the editors' log.
        _log_words(request, search_request, **slot.page.extra)
        return slot.page.response(request)
    outcome = engine.search(search_request)
    _log(request, search_request, outcome)
    context = page_context(request.path, request.GET, form, search_request, outcome)
    context["matching_authors"] = selectors.matching_authors(outcome.query)
    context["matching_topics"] = selectors.matching_topics(outcome.query)
    response = render(request, "search/results.html", context)
    if slot is not None:
        slot.store(response, extra={"text": outcome.query.text, "results": outcome.count})
    return response


def too_many_requests(request: HttpRequest, rate: str) -> JsonResponse:
    response = JsonResponse({"error": "Too many requests; please slow down."}, status=429)
    response["Retry-After"] = str(Rate.parse(rate).seconds)
    return response


@require_safe
@rate_limited(
    "search-api",
    rate=lambda: settings.SEARCH_API_RATE_LIMIT,
    methods=("GET", "HEAD"),
    response=too_many_requests,
)
def search_api(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        return _no_store(JsonResponse({"error": form.error_message()}, status=400))
    search_request = form.search_request()
    outcome = engine.search(search_request)
    _log(request, search_request, outcome)
    data = outcome_as_json(outcome, search_request, total_index=total_index())
    return _no_store(JsonResponse(data))


def _log(request: HttpRequest, search_request: engine.SearchRequest, outcome) -> None:
    _log_words(request, search_request, text=outcome.query.text, results=outcome.count)


def _log_words(
    request: HttpRequest, search_request: engine.SearchRequest, *, text: str, results: int
) -> None:
    # Each search once: page 1 only, and only searches with words in them.
    if request.method == "GET" and search_request.page == 1 and text:
        search_log_query(text=text, results=results)


def _no_store(response: JsonResponse) -> JsonResponse:
    # A publication must show up the moment it is published, so no cache keeps answers.
    patch_cache_control(response, no_store=True)
    return response
