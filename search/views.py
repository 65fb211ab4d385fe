"""A plain title search, standing in until the full-text search issue replaces it."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from publications.models import Publication
from publications.pagination import paginate

MAX_QUERY_LENGTH = 200


@require_safe
def search(request):
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    results = Publication.objects.none()
    if query:
        results = Publication.objects.published().filter(title__icontains=query)
    page = paginate(request, results.for_listing().newest_first())
    return render(request, "search/results.html", {"query": query, "page_obj": page})
