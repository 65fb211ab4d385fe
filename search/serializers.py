"""The search API's JSON, exactly as DESIGN.md specifies it (extended with paging details)."""

from __future__ import annotations

from django.utils import timezone

from publications.models import Publication
from search.engine import Result, SearchOutcome, SearchRequest
from search.results.presentation import hit_urls


def outcome_as_json(outcome: SearchOutcome, request: SearchRequest, *, total_index: int) -> dict:
    return {
        "count": outcome.count,
        "count_is_estimate": outcome.count_is_estimate,
        "total_index": total_index,
        "page": request.page,
        "page_size": request.page_size,
        "results": [result_as_json(result) for result in outcome.results],
        "facets": outcome.facets.as_dict(),
        "facets_are_estimates": outcome.facets.estimated,
        "exact_ranking": outcome.exact_ranking,
        "suggestion": outcome.suggestion,
    }


def result_as_json(result: Result) -> dict:
    publication: Publication = result.publication
    return {
        "slug": publication.slug,
        "title": publication.title,
        "url": publication.get_absolute_url(),
        "published": publication.publication_date.isoformat(),
        "released_at": released_at(publication),
        "type": publication.type,
        "type_label": publication.get_type_display(),
        "authors": [_named(author) for author in result.authors],
        "topics": [_named(topic) for topic in result.topics],
        "score": result.score,
        # Escaped text with our own <mark> tags only (search/snippets.py).
        "snippet": result.snippet,
        "pages": result.pages,
        "hits": [
            {"file": hit.file, "page": hit.page, "anchor": hit.anchor, "url": url}
            for hit, url in zip(result.hits, hit_urls(publication, result.hits), strict=True)
        ],
    }


def released_at(publication: Publication) -> str | None:
    """When it became public, to the second, with the site's offset (ISO 8601)."""
    if publication.visible_from is None:
        return None
    zone = timezone.get_default_timezone()
    return timezone.localtime(publication.visible_from, zone).isoformat()


def _named(entry) -> dict[str, str]:
    return {"name": entry.name, "slug": entry.slug}
