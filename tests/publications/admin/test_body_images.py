"""The staff-only image upload behind the body editor's figure dialog, and the view that serves
the stored images."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

pytestmark = pytest.mark.django_db

UPLOAD = "/admin/publications/publication/body-image/"


def png(size=(4, 3)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return buffer.getvalue()


def stored_url(response) -> str:
    return re.search(r'data-url="([^"]+)"', response.content.decode()).group(1)


def test_staff_upload_is_stored_and_handed_back_to_the_editor(admin_client, client):
    data = png()

    response = admin_client.post(
        f"{UPLOAD}?CKEditorFuncNum=-3",
        {"image": SimpleUploadedFile("chart.png", data), "alt": 'A "red" square'},
    )

    assert response.status_code == 200
    html = response.content.decode()
    url = stored_url(response)
    assert re.fullmatch(r"/publications/images/\d{4}/[0-9a-f]{32}\.png", url)
    assert 'data-callback="-3"' in html
    assert 'data-alt="A &quot;red&quot; square"' in html
    assert "admin/publications/body-image.js" in html
    year, name = url.split("/")[-2:]
    assert default_storage.open(f"body-images/{year}/{name}").read() == data
    served = client.get(url)  # readers, not only staff: the page links it
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == data
    assert "immutable" in served["Cache-Control"]


def test_the_upload_form_asks_for_an_image_and_its_alternative_text(admin_client):
    html = admin_client.get(f"{UPLOAD}?CKEditorFuncNum=1").content.decode()

    assert 'type="file" name="image"' in html
    assert 'name="alt"' in html


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("x.png", b"<html><script>alert(1)</script></html>"),
        ("x.pdf", b"%PDF-1.4 not an image"),
    ],
)
def test_what_is_not_a_png_jpeg_gif_or_webp_is_refused(admin_client, name, content):
    response = admin_client.post(UPLOAD, {"image": SimpleUploadedFile(name, content)})

    assert response.status_code == 200
    assert response.context["form"].errors["image"]
    assert not default_storage.exists("body-images")


def test_a_large_image_is_refused_with_the_limit(admin_client, monkeypatch):
    monkeypatch.setattr("publications.body_images.MAX_BYTES", 100)

    response = admin_client.post(UPLOAD, {"image": SimpleUploadedFile("big.png", png((64, 64)))})

    assert "the limit is 100" in str(response.context["form"].errors["image"])


def test_readers_and_staff_without_publication_rights_cannot_upload(client):
    assert client.post(UPLOAD, {"image": SimpleUploadedFile("a.png", png())}).status_code == 302
    clerk = User.objects.create_user("clerk", password="pw", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_publication"))
    client.force_login(clerk)

    response = client.post(UPLOAD, {"image": SimpleUploadedFile("a.png", png())})

    assert response.status_code == 403
    assert not default_storage.exists("body-images")


def test_only_body_images_are_served(client):
    default_storage.save("publications/2024/12/draft.pdf", io.BytesIO(b"%PDF-1.4"))
    default_storage.save("body-images/2024/" + "a" * 32 + ".png", io.BytesIO(png()))

    def get(name):
        return client.get(reverse("publications:body-image", args=[2024, name])).status_code

    assert get("a" * 32 + ".png") == 200
    assert get("b" * 32 + ".png") == 404
    assert get("draft.pdf") == 404
    assert (
        client.get(
            "/publications/images/2024/..%2F..%2Fpublications%2F2024%2F12%2Fdraft.pdf"
        ).status_code
        == 404
    )
