from django.urls import path

from publications.views import _todo

app_name = "newsletter"
urlpatterns = [path("", _todo, name="signup")]
