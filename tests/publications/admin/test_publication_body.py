"""The body in the publication admin: the editor on the form, sanitising on save, and what a
hostile body posted through the admin leaves for readers (page, feeds, API)."""

from __future__ import annotations

import pytest

from publications.models import Publication, Status
from publications.richtext import sanitise
from tests.publications.admin.forms import add_url, change_url, form_data
from tests.publications.hostile import HOSTILE_BODY, assert_nothing_hostile_reaches_readers
from tests.publications.pages import SITE
from tests.workflow import publish

pytestmark = pytest.mark.django_db


def test_the_change_form_offers_the_body_editor_with_its_import_map_allowed_by_nonce(
    admin_client,
):
    response = admin_client.get(add_url())
    html = response.content.decode()

    assert "data-django-prose-editor-configurable" in html
    assert "/admin/publications/publication/body-image/" in html  # the figure dialog's Browse
    nonce = response.wsgi_request.csp_nonce
    assert f'<script type="importmap" nonce="{nonce}">' in html
    policy = response["Content-Security-Policy"]
    assert f"script-src 'self' 'nonce-{nonce}'" in policy


def test_a_hostile_body_saved_in_the_admin_reaches_no_reader(admin_client, client, settings):
    settings.SITE_URL = SITE
    data = form_data(
        title="Quokka habitats",
        slug="quokka-habitats",
        status=Status.PUBLISHED,
        publication_date="2024-12-09",
        body=HOSTILE_BODY,
    )

    response = admin_client.post(add_url(), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    publication = Publication.objects.get(slug="quokka-habitats")
    assert publication.body == sanitise(HOSTILE_BODY)
    publish(Publication.objects.filter(pk=publication.pk))  # the status is not a form field
    assert_nothing_hostile_reaches_readers(client, slug="quokka-habitats", title_word="quokka")


def test_editing_keeps_a_clean_body_as_it_was(admin_client):
    post = form_data(body='<h2 id="own">Own</h2><p><a href="https://other.example/">o</a></p>')
    admin_client.post(add_url(), post)
    publication = Publication.objects.get(slug="typed-title")
    stored = publication.body

    admin_client.post(change_url(publication), form_data(publication, body=stored))

    publication.refresh_from_db()
    assert publication.body == stored
    assert 'rel="noopener noreferrer"' in stored


def test_a_form_shown_again_after_an_error_shows_the_sanitised_body(admin_client):
    data = form_data(title="", body='<p onclick="alert(1)">Typed<script>alert(2)</script></p>')

    response = admin_client.post(add_url(), data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "title" in form.errors
    assert form.cleaned_data["body"] == "<p>Typed</p>"
    assert "alert(" not in response.content.decode()


def test_an_empty_editor_document_saves_no_body(admin_client):
    admin_client.post(add_url(), form_data(body="<p></p>"))

    assert Publication.objects.get(slug="typed-title").body == ""
