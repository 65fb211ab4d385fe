"""Bytes of uploads and of the file responses that serve them, for the tests of files."""

from __future__ import annotations

import io
import zipfile


def zipped(*members: str) -> bytes:
    """A ZIP archive holding these members (each a tiny XML part)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in members:
            archive.writestr(member, "<x/>")
    return buffer.getvalue()


def body(response) -> bytes:
    """What a streaming file response sends."""
    return b"".join(response.streaming_content)
