"""sitemap.xml: public publications, authors and topics, and the main lists.

URLs use the host of settings.SITE_URL, as canonical links do, not the host the request came in by.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from publications.models import Author, Publication, Topic


class SiteUrlSitemap(Sitemap):
    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme


class PublicationSitemap(SiteUrlSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        # Only what a URL and <lastmod> need: the sitemap lists the whole catalogue.
        return Publication.objects.published().only("slug", "updated_at").order_by("-id")

    def lastmod(self, item):
        return item.updated_at


class AuthorSitemap(SiteUrlSitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Author.objects.with_public_publications().only("slug").order_by("name")


class TopicSitemap(SiteUrlSitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Topic.objects.only("slug").order_by("name")


class PageSitemap(SiteUrlSitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return [
            "publications:home",
            "publications:list",
            "publications:topics",
            "publications:authors",
        ]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "pages": PageSitemap,
    "publications": PublicationSitemap,
    "topics": TopicSitemap,
    "authors": AuthorSitemap,
}
