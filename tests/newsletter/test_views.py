import pytest

pytestmark = pytest.mark.django_db


def test_mailing_list_page_says_sign_up_opens_soon(client):
    html = client.get("/newsletter/").content.decode()

    assert "Sign-up for our mailing list opens soon" in html
    assert "Subscribe to our Mailing List!" not in html  # no second form on its own page


def test_submitting_an_address_says_plainly_that_it_was_not_stored(client):
    response = client.post("/newsletter/", {"email": "reader@example.org"})
    html = response.content.decode()

    assert response.status_code == 200
    assert "we have <strong>not</strong> stored your email address" in html
    assert "reader@example.org" not in html


def test_mailing_list_form_posts_with_a_csrf_token(client):
    html = client.get("/").content.decode()

    form = html.split('<form class="mailing-list__form"')[1].split("</form>")[0]
    assert 'method="post" action="/newsletter/"' in form
    assert 'name="csrfmiddlewaretoken"' in form
