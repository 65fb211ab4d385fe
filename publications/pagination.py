"""One way to paginate every public list, so page links and sizes behave the same everywhere."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


def paginate(request: HttpRequest, items: QuerySet, *, per_page: int | None = None) -> Page:
    """The page asked for in ?page=; a page number out of range or not a number gives the
    nearest page rather than an error, since such links come from old bookmarks."""
    paginator = Paginator(items, per_page or settings.PUBLICATIONS_PER_PAGE)
    return paginator.get_page(request.GET.get("page"))
