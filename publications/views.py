"""The public pages of the catalogue: each view parses the request, makes one read, responds."""

from __future__ import annotations

from functools import wraps

from csp.decorators import csp_replace
from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

from publications import body_images, citations, metadata, richtext, selectors
from publications.filters import publication_listing
from publications.models import Author, Publication, Topic, listing_prefetches
from publications.page_cache import cached_page
from publications.pagination import paginate
from publications.pdf_responses import (
    content_disposition,
    cover_response,
    file_name,
    file_response,
)

HOME_LATEST = 10
CONTENTS_MIN_HEADINGS = 3
AUTHORS_PER_PAGE = 60


def site_publisher() -> citations.Publisher:
    return citations.Publisher(name=settings.SITE_NAME, url=settings.SITE_URL)


def with_publication(view):
    """Resolve <slug> to a publication this user may see; an old slug redirects (301) to the same
    kind of page under the new one, so renamed publications keep their links and citations."""

    @wraps(view)
    def wrapper(request, slug, **kwargs):
        publication = selectors.visible_publication(slug, user=request.user)
        if publication is not None:
            return view(request, publication, **kwargs)
        new_slug = selectors.renamed_slug(slug, user=request.user)
        if new_slug is None:
            withdrawn = selectors.withdrawn_publication(slug)
            if withdrawn is not None:
                return withdrawn_response(request, withdrawn)
            raise Http404("No such publication.")
        return redirect(request.resolver_match.view_name, slug=new_slug, permanent=True, **kwargs)

    return wrapper


@require_safe
@cached_page
def home(request):
    context = {
        "latest": selectors.latest_publications(HOME_LATEST),
        "topics": Topic.objects.filter(parent=None).with_publication_count(),
    }
    return render(request, "publications/home.html", context)


@require_safe
@cached_page
def publication_list(request):
    listing = publication_listing(request.GET)
    context = {"listing": listing, "page_obj": paginate(request, listing.publications)}
    return render(request, "publications/publication_list.html", context)


@require_safe
@cached_page  # before the slug lookup, so a page served from the cache makes no query
@with_publication
def publication_detail(request, publication):
    return render_publication_page(request, publication)


def withdrawn_response(request, publication: Publication):
    """410 Gone for a withdrawn publication's page and every file and citation under it: its
    title, date and the reason, so a reader who followed a citation learns what happened."""
    response = render(
        request, "publications/withdrawn.html", {"publication": publication}, status=410
    )
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def render_publication_page(request, publication: Publication, *, preview: bool = False):
    """The publication page as the public sees it; also the admin's preview of drafts and
    scheduled items, which shows a "Preview — not public" banner and is never cached."""
    prefetch_related_objects([publication], *listing_prefetches(), "files")
    publisher = site_publisher()
    preview = preview or not publication.is_public
    context = {
        "publication": publication,
        "related": selectors.related_publications(publication),
        "citation": citations.formatted_citation(publication, publisher),
        "scholar_meta": metadata.scholar_meta(publication, publisher),
        "open_graph": metadata.open_graph(publication, publisher),
        "json_ld": metadata.json_ld(publication, publisher),
        "description": metadata.description(publication),
        "preview": preview,
        **body_context(publication.body),
    }
    response = render(request, "publications/publication_detail.html", context)
    if preview:
        patch_cache_control(response, private=True, no_store=True)
        response.headers["X-Robots-Tag"] = "noindex"
    return response


# A file is no page of ours: it may run nothing, load nothing and send no form. Only an inline
# file (the PDF viewer) may be framed, and only by our own pages; every other page refuses it.
FILE_CSP = {
    "default-src": ["'none'"],
    "img-src": None,
    "object-src": ["'self'"],
    "frame-src": None,
    "form-action": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'self'"],
}
DOWNLOAD_CSP = {**FILE_CSP, "frame-ancestors": ["'none'"]}


def _serve(request, publication: Publication, file, *, attachment: bool):
    filename = file_name(publication, file) if file is not None else ""
    return file_response(
        request, file, public=publication.is_public, attachment=attachment, filename=filename
    )


def body_context(body: str) -> dict[str, object]:
    """The body as the page shows it, with links on its headings, and its table of contents
    when it is long enough to need one."""
    if not body:
        return {"body": "", "contents": []}
    outline = richtext.outline(body)
    return {
        # Sanitised on every write (publications.richtext.sanitise in publication_save).
        "body": mark_safe(richtext.with_heading_links(body)),  # noqa: S308
        "contents": outline if len(outline) >= CONTENTS_MIN_HEADINGS else [],
    }


@require_safe
def body_image(request, year, name):
    """An image of a publication body, by the random name its upload was given."""
    stored = body_images.storage_name(year=year, name=name)
    if stored is None or not default_storage.exists(stored):
        raise Http404("No such image.")
    extension = name.rsplit(".", 1)[-1]
    response = FileResponse(
        default_storage.open(stored), content_type=body_images.CONTENT_TYPES[extension]
    )
    # The name is new for every upload, so the bytes behind it never change.
    patch_cache_control(response, public=True, max_age=365 * 24 * 3600, immutable=True)
    return response


# The one response our own pages may frame (the inline viewer); every other page refuses framing.
@require_safe
@xframe_options_sameorigin
@csp_replace(FILE_CSP)
@with_publication
def publication_pdf(request, publication):
    """The first PDF, inline: the address the page, citations and feeds have always given."""
    return _serve(request, publication, publication.first_pdf, attachment=False)


@require_safe
@csp_replace(DOWNLOAD_CSP)
@with_publication
def publication_download(request, publication):
    return _serve(request, publication, publication.first_pdf, attachment=True)


@require_safe
@xframe_options_sameorigin
@csp_replace(FILE_CSP)
@with_publication
def publication_file(request, publication, file_id):
    """One file by its id (never its position), inline when its type allows."""
    return _serve(
        request, publication, publication.files.filter(pk=file_id).first(), attachment=False
    )


@require_safe
@csp_replace(DOWNLOAD_CSP)
@with_publication
def publication_file_download(request, publication, file_id):
    return _serve(
        request, publication, publication.files.filter(pk=file_id).first(), attachment=True
    )


@require_safe
@with_publication
def publication_cover(request, publication):
    return cover_response(publication)


@require_safe
@with_publication
def citation_bibtex(request, publication):
    text = citations.bibtex(publication, site_publisher())
    return _citation_response(text, publication, "bib", "application/x-bibtex")


@require_safe
@with_publication
def citation_ris(request, publication):
    text = citations.ris(publication, site_publisher())
    return _citation_response(text, publication, "ris", "application/x-research-info-systems")


def _citation_response(text: str, publication: Publication, extension: str, content_type: str):
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    response.headers["Content-Disposition"] = content_disposition(
        attachment=True, filename=f"{publication.slug}.{extension}"
    )
    return response


@require_safe
@cached_page
def author_list(request):
    authors = Author.objects.with_public_publications().with_publication_count().order_by("name")
    page = paginate(request, authors, per_page=AUTHORS_PER_PAGE)
    return render(request, "publications/author_list.html", {"page_obj": page})


@require_safe
def author_suggest(request):
    suggestions = selectors.suggest_authors(request.GET.get("q", ""))
    response = JsonResponse(suggestions, safe=False)
    patch_cache_control(response, public=True, max_age=300)
    return response


@require_safe
@cached_page
def author_detail(request, slug):
    author = selectors.public_author(slug, user=request.user)
    if author is None:
        raise Http404("No such author.")
    publications = Publication.objects.published().by_authors([author.pk])
    page = paginate(request, publications.for_listing().newest_first())
    return render(request, "publications/author_detail.html", {"author": author, "page_obj": page})


@require_safe
@cached_page
def topic_list(request):
    return render(request, "publications/topic_list.html", {"topics": selectors.topic_tree()})


@require_safe
@cached_page
def topic_detail(request, slug):
    topic = get_object_or_404(Topic.objects.select_related("parent"), slug=slug)
    publications = Publication.objects.published().in_topics(
        selectors.topic_and_descendant_ids(topic)
    )
    context = {
        "topic": topic,
        "subtopics": topic.children.with_publication_count(),
        "page_obj": paginate(request, publications.for_listing().newest_first()),
    }
    return render(request, "publications/topic_detail.html", context)


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",  # result pages are endless variations of the catalogue
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    # Browsers ask for /favicon.ico whatever the page says (the admin's pages, a PDF, a feed).
    return redirect(static("favicon.svg"), permanent=True)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No request, no context processors: whatever broke (the database, the cache) must not be
    # needed to say so.
    return HttpResponseServerError(render_to_string("500.html"))
