"""Images in publication bodies: what an upload may be, where it is stored, how it is named.

Uploaded by staff through the editor's figure dialog (publications/admin/body_images.py), stored
through Django's storage API like PDFs, and served by publications.views.body_image, which
serves these names only: MEDIA_URL is never served.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

FOLDER = "body-images"
MAX_BYTES = 10 * 1024 * 1024
# Pillow's format names and the extension each is stored under; no SVG (it can carry script).
FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}
# A random name: a draft's image is not public until its page links it, and cannot be guessed.
NAME = re.compile(r"[0-9a-f]{32}\.(png|jpg|gif|webp)")


def check_body_image(*, size: int, image_format: str | None) -> str:
    """The extension to store an upload under; ValidationError for a format or size we refuse."""
    if size > MAX_BYTES:
        raise ValidationError(
            "The image is %(size)s; the limit is %(limit)s.",
            code="too-large",
            params={"size": filesizeformat(size), "limit": filesizeformat(MAX_BYTES)},
        )
    if image_format not in FORMATS:
        raise ValidationError(
            "Upload a PNG, JPEG, GIF or WebP image (not %(format)s).",
            code="format",
            params={"format": image_format or "an image Pillow can read"},
        )
    return FORMATS[image_format]


def storage_name(*, year: int, name: str) -> str | None:
    """The storage path a served URL names, or None when it names no body image."""
    return f"{FOLDER}/{year:04d}/{name}" if NAME.fullmatch(name) else None
