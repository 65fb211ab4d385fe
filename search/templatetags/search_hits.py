"""Links to where a result's words are: a heading of its body, a page of one of its files."""

from django import template

from search.results.presentation import hit_label, hit_urls

register = template.Library()


@register.inclusion_tag("search/_hits.html")
def search_hits(publication, hits):
    # A page of text imported without a file has nowhere to open: not linked.
    linked = [hit for hit in hits if hit.in_body or hit.file is not None]
    urls = hit_urls(publication, linked)
    return {"links": [(url, hit_label(hit), hit) for url, hit in zip(urls, linked, strict=True)]}
