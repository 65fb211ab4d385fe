"""Placeholder of the body's sections contract until the rich-text branch lands (replaced by it)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

HEADING = re.compile(r"<h([2-4])([^>]*)>(.*?)</h\1>", re.S | re.I)
ID = re.compile(r'\bid="([^"]*)"')
BLOCK = re.compile(r"</?(p|li|ul|ol|blockquote|h[1-6]|br|div|pre)\b[^>]*>", re.I)
TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Section:
    number: int
    anchor: str
    heading: str
    text: str


def plain_text(fragment: str) -> str:
    return html.unescape(TAG.sub("", BLOCK.sub("\n", fragment))).strip()


def sections(body: str) -> list[Section]:
    parts: list[tuple[str, str, str]] = []
    position, anchor, heading = 0, "", ""
    for match in HEADING.finditer(body):
        parts.append((anchor, heading, body[position : match.start()]))
        found = ID.search(match.group(2))
        anchor, heading = (found.group(1) if found else ""), plain_text(match.group(3))
        position = match.end()
    parts.append((anchor, heading, body[position:]))
    result = []
    for anchor, heading, fragment in parts:
        text = "\n".join(part for part in (heading, plain_text(fragment)) if part)
        if text:
            result.append(Section(len(result) + 1, anchor, heading, text))
    return result
