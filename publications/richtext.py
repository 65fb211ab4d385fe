"""The publication body: the allow-list every write path sanitises with, and the reads of
sanitised HTML (its sections, its outline, its plain text) that pages, feeds and search share.

Sanitising is two passes of nh3 (ammonia) around one of our own: nh3 drops whatever is not on
the allow-list and leaves well-formed HTML, which html.parser then reads to number the heading
levels, give headings stable anchors and mark links to other sites; the last nh3 pass keeps
that serialisation in nh3's own form, so sanitise() is idempotent.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.utils.text import slugify

TAGS = {
    *("p", "br", "hr", "blockquote", "pre", "code"),
    *("h1", "h2", "h3", "h4", "h5", "h6"),
    *("strong", "em", "b", "i", "u", "s", "sub", "sup"),
    *("ul", "ol", "li", "a", "figure", "figcaption", "img"),
    *("table", "thead", "tbody", "tr", "th", "td"),
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
}
# Content dropped with its tag: the text of a script or a style sheet is no prose.
CLEAN_CONTENT_TAGS = {"script", "style", "template", "noscript", "iframe", "object", "svg", "math"}
URL_SCHEMES = {"http", "https", "mailto"}
# The outline has three levels under the page's own h1: h1 becomes h2, h5 and h6 become h4.
HEADING_LEVELS = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h4", "h6": "h4"}
HEADINGS = ("h2", "h3", "h4")
# The id of the body's element on the publication page: where a search hit in the text before
# the first heading lands.
BODY_ID = "body"
# Ids the publication page gives its own elements: a heading never takes one of them.
RESERVED_IDS = frozenset(
    {"main", "site-search", BODY_ID, "abstract-heading", "body-heading", "contents-heading"}
    | {"pdf-heading", "files-heading", "cite-heading", "topics-heading", "authors-heading"}
    | {"related-heading"}
    | {"mailing-list-heading", "mailing-list-email", "mailing-list-website"}
)
SAFE_ID = re.compile(r"[^\W_][\w-]{0,79}")
ID_LENGTH = 80
BLOCKS = frozenset(
    {"p", "br", "hr", "blockquote", "pre", "li", "ul", "ol", "figure", "figcaption"}
    | {"table", "thead", "tbody", "tr", "th", "td", *HEADINGS}
)
VOID = frozenset({"br", "hr", "img"})
VISIBLE = re.compile(r"<(img|hr)\b")

_first = nh3.Cleaner(
    tags=TAGS,
    clean_content_tags=CLEAN_CONTENT_TAGS,
    attributes=ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel=None,  # rel is ours to set, on links to other sites only (_Rewriter)
)
_last = nh3.Cleaner(
    tags=TAGS,
    clean_content_tags=CLEAN_CONTENT_TAGS,
    attributes={**ATTRIBUTES, "a": {"href", "title", "rel"}},
    url_schemes=URL_SCHEMES,
    link_rel=None,
)


@dataclass(frozen=True)
class Section:
    number: int
    anchor: str
    heading: str
    text: str


@dataclass(frozen=True)
class Heading:
    level: int
    anchor: str
    text: str


def sanitise(html: str) -> str:
    """The body as stored: allow-listed tags and attributes, headings h2-h4 with anchors, rel
    on links to other sites, images only from our own paths. Idempotent."""
    if not html or not html.strip():
        return ""
    rewriter = _Rewriter()
    rewriter.feed(_first.clean(html.replace("\x00", "")))
    rewriter.close()
    cleaned = _last.clean(rewriter.html()).strip()
    # The editor sends "<p></p>" for an empty document: a body with nothing to show is none.
    return cleaned if plain_text(cleaned) or VISIBLE.search(cleaned) else ""


def sections(html: str) -> list[Section]:
    """The sanitised body split at its headings, in order; text before the first heading is
    a section with no anchor or heading. Each text includes its heading's."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    parts = [(anchor, heading, _tidy("".join(chunks))) for anchor, heading, chunks in reader.parts]
    kept = [(anchor, heading, text) for anchor, heading, text in parts if text]
    return [Section(number, *part) for number, part in enumerate(kept, start=1)]


def outline(html: str) -> list[Heading]:
    """The sanitised body's headings with their levels (2-4) and anchors: the table of contents."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.headings


def plain_text(html: str) -> str:
    """The body as text: blocks on lines of their own, entities unescaped."""
    return "\n".join(section.text for section in sections(html))


def with_absolute_urls(html: str, *, base: str) -> str:
    """The sanitised body with relative links and images resolved against `base` (feeds)."""
    cleaner = nh3.Cleaner(
        tags=TAGS,
        attributes={**ATTRIBUTES, "a": {"href", "title", "rel"}},
        url_schemes=URL_SCHEMES,
        link_rel=None,
        url_relative=("rewrite_with_base", base.rstrip("/") + "/"),
    )
    return cleaner.clean(html)


def with_heading_links(html: str) -> str:
    """The sanitised body with a link to itself in each heading, for the page (never stored)."""
    return _render(html, on_heading_end=_self_link)


def _self_link(anchor: str, text: str) -> str:
    label = escape(f"Link to the section “{text}”")
    return f' <a class="heading-link" href="#{escape(anchor)}" aria-label="{label}">#</a>'


def site_host() -> str:
    return (urlsplit(settings.SITE_URL).hostname or "").lower()


def is_external(href: str) -> bool:
    parts = urlsplit(href.strip())
    if parts.scheme not in ("http", "https", "") or not parts.netloc:
        return False
    return (parts.hostname or "").lower() != site_host()


def is_own_path(src: str) -> bool:
    # Images come from our own uploads: an outside image would be blocked by the page's CSP
    # (img-src 'self') and would tell another site who reads what; data: URLs are refused too.
    parts = urlsplit(src.strip())
    return not parts.scheme and not parts.netloc and src.strip().startswith("/")


def _tidy(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


class _Serialiser(HTMLParser):
    """Writes back what it reads; nh3's output is well-formed, so tags pair up."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def html(self) -> str:
        return "".join(self.out)

    def start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        written = "".join(f' {name}="{escape(value or "", quote=True)}"' for name, value in attrs)
        self.out.append(f"<{tag}{written}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_data(self, data):
        self.out.append(escape(data, quote=False))


class _Rewriter(_Serialiser):
    """Heading levels and anchors, rel on outside links, images from our own paths only."""

    def __init__(self):
        super().__init__()
        self.used: set[str] = set(RESERVED_IDS)
        self.heading: tuple[str, str | None, int, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in HEADING_LEVELS:
            level = HEADING_LEVELS[tag]
            self.heading = (level, values.get("id"), len(self.out), [])
            self.out.append("")  # the start tag, written at the end when the id is known
            return
        if tag == "img" and not is_own_path(values.get("src") or ""):
            return
        if tag == "a":
            attrs = [(name, value) for name, value in attrs if name != "rel"]
            if is_external(values.get("href") or ""):
                attrs.append(("rel", "noopener noreferrer"))
        self.start(tag, attrs)

    def handle_endtag(self, tag):
        if tag in HEADING_LEVELS and self.heading is not None:
            level, given, at, text = self.heading
            self.out[at] = f'<{level} id="{escape(self._anchor(given, "".join(text)))}">'
            self.out.append(f"</{level}>")
            self.heading = None
            return
        if tag not in VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if self.heading is not None:
            self.heading[3].append(data)
        super().handle_data(data)

    def _anchor(self, given: str | None, text: str) -> str:
        if given and SAFE_ID.fullmatch(given) and given not in self.used:
            anchor = given
        else:
            base = slugify(text, allow_unicode=True)[:ID_LENGTH].strip("-_") or "section"
            anchor, number = base, 1
            while anchor in self.used:
                number += 1
                anchor = f"{base}-{number}"
        self.used.add(anchor)
        return anchor


class _Reader(HTMLParser):
    """Splits sanitised HTML at its headings, into text with a newline at each block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[tuple[str, str, list[str]]] = [("", "", [])]
        self.headings: list[Heading] = []
        self.in_heading: tuple[int, str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in HEADINGS:
            anchor = dict(attrs).get("id") or ""
            self.in_heading = (int(tag[1]), anchor, [])
            self.parts.append((anchor, "", []))
        elif tag in BLOCKS:
            self.parts[-1][2].append("\n")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in HEADINGS and self.in_heading is not None:
            level, anchor, chunks = self.in_heading
            text = " ".join("".join(chunks).split())
            self.parts[-1] = (anchor, text, self.parts[-1][2])
            self.headings.append(Heading(level=level, anchor=anchor, text=text))
            self.in_heading = None
        if tag in BLOCKS:
            self.parts[-1][2].append("\n")

    def handle_data(self, data):
        if self.in_heading is not None:
            self.in_heading[2].append(data)
        self.parts[-1][2].append(data)


def _render(html: str, *, on_heading_end: Callable[[str, str], str]) -> str:
    writer = _HeadingLinks(on_heading_end)
    writer.feed(html)
    writer.close()
    return writer.html()


class _HeadingLinks(_Serialiser):
    def __init__(self, on_heading_end: Callable[[str, str], str]):
        super().__init__()
        self.on_heading_end = on_heading_end
        self.heading: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in HEADINGS:
            self.heading = (dict(attrs).get("id") or "", [])
        self.start(tag, attrs)

    def handle_endtag(self, tag):
        if tag in HEADINGS and self.heading is not None:
            anchor, chunks = self.heading
            if anchor:
                self.out.append(self.on_heading_end(anchor, " ".join("".join(chunks).split())))
            self.heading = None
        if tag not in VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if self.heading is not None:
            self.heading[1].append(data)
        super().handle_data(data)
