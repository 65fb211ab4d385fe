"""Template helpers for the public pages."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from publications.file_types import file_type_of

register = template.Library()

# The same escapes as Django's json_script: inside <script> only "</" and "<!--" are dangerous,
# and escaping every <, > and & as \uXXXX keeps the JSON equal while making both impossible.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data: dict[str, Any]) -> SafeString:
    """A schema.org <script type="application/ld+json"> block that no string can break out of."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    escaped = mark_safe(text.translate(JSON_SCRIPT_ESCAPES))  # noqa: S308 - escaped just above
    return format_html('<script type="application/ld+json">{}</script>', escaped)


@register.filter
def file_facts(file) -> str:
    """ "2.4 MB, 36 pages": the size always, a PDF's page count once extraction has found it."""
    facts = [filesizeformat(file.size)] if file.size else []
    if file.page_count:
        pages = file.page_count
        facts.append(f"{pages} page{'s' if pages != 1 else ''}")
    return ", ".join(facts)


@register.filter
def file_type_label(file) -> str:
    file_type = file_type_of(file.content_type)
    return file_type.label if file_type else file.content_type


@register.filter
def file_inline(file) -> bool:
    """Whether the browser may show this file itself (a PDF), rather than only download it."""
    file_type = file_type_of(file.content_type)
    return file_type is not None and file_type.inline


@register.filter
def startswith(text: str, prefix: str) -> bool:
    """For marking the current section in the navigation."""
    return str(text).startswith(prefix)
