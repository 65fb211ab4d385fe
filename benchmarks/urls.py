"""The site's URLs plus a plain-text view: the baseline every page of benchmarks/pages.py is
compared with, served by the same processes through the same middleware."""

from django.http import HttpResponse
from django.urls import path

from config.urls import handler404, handler500
from config.urls import urlpatterns as site_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def plain(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/plain/", plain, name="bench-plain"), *site_urlpatterns]
