from django.urls import path

from publications.views import _todo

app_name = "search"
urlpatterns = [path("", _todo, name="search")]
