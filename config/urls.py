from django.apps import apps
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from publications.sitemaps import SITEMAPS
from publications.views import favicon, robots_txt
from search.views import search_api

handler404 = "publications.views.page_not_found"
handler500 = "publications.views.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots-txt"),
    path("favicon.ico", favicon, name="favicon"),
    path("search/", include("search.urls")),
    path("api/search", search_api, name="search-api"),
    path("api/search/", search_api),
    path("newsletter/", include("newsletter.urls")),
    path("dev/mail/", include("config.devmail.urls")),  # 404 unless under development defaults
    path("", include("publications.urls")),
]

if apps.is_installed("anymail"):  # an ESP is configured: its bounce and complaint webhooks
    urlpatterns.insert(0, path("anymail/", include("anymail.urls")))
