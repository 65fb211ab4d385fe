from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from publications.sitemaps import SITEMAPS
from publications.views import robots_txt

handler404 = "publications.views.page_not_found"
handler500 = "publications.views.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots-txt"),
    path("search/", include("search.urls")),
    path("newsletter/", include("newsletter.urls")),
    path("", include("publications.urls")),
]
