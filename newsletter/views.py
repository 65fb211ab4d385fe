"""A placeholder for the mailing list until the newsletter issue lands: it stores nothing and
says so, so nobody believes they have subscribed."""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request):
    submitted = request.method == "POST"
    return render(request, "newsletter/signup.html", {"submitted": submitted})
