"""Reads rendered HTML as a browser's tokenizer would (html.parser) and lists what an injected
payload could have added: a script that is not one of ours, an event-handler attribute, a
script URL, a tag our templates never write, or markup inside a search snippet other than our
bare <mark>."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
# The only external script the public pages load.
KNOWN_SCRIPTS = {"/static/js/publication-filters.js"}
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "data", "poster", "background", "xlink:href",
    "srcset", "ping", "cite", "longdesc", "manifest", "codebase", "dynsrc", "lowsrc",
}  # fmt: skip
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:application/")
# Browsers drop ASCII whitespace and control characters inside a URL's scheme.
IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")
SNIPPET_CLASS = "search-result__snippet"
TEMPLATE_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)")


def template_tags() -> set[str]:
    """Every element name our templates write (the site's and the emails'): anything else in a
    page came from data."""
    names: set[str] = set()
    for path in (BASE_DIR / "templates").rglob("*.html"):
        names.update(name.lower() for name in TEMPLATE_TAG.findall(path.read_text()))
    # Written by Python rather than templates: the form widgets and the JSON-LD tag.
    return names | {"input", "label", "select", "option", "textarea", "script", "div"}


@dataclass
class Audit:
    problems: list[str] = field(default_factory=list)
    text: str = ""  # the page's text as a reader sees it (entities decoded)
    snippets: list[str] = field(default_factory=list)  # each snippet's inner HTML, as parsed
    json_ld: list[object] = field(default_factory=list)

    @property
    def marks(self) -> int:
        return sum(snippet.count("<mark>") for snippet in self.snippets)


class _Auditor(HTMLParser):
    def __init__(self, allowed_tags: set[str], *, fragment: bool):
        super().__init__(convert_charrefs=True)
        self.allowed_tags, self.fragment = allowed_tags, fragment
        self.audit = Audit()
        self.texts: list[str] = []
        self.script: dict[str, str] | None = None
        self.script_text: list[str] = []
        self.snippet_depth = 0
        self.snippet_parts: list[str] = []
        self.counts: dict[str, int] = {}

    def problem(self, message: str) -> None:
        self.audit.problems.append(message)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.counts[tag] = self.counts.get(tag, 0) + 1
        if self.snippet_depth or self.fragment:
            self._snippet_tag(tag, attributes, attrs)
        if tag not in self.allowed_tags:
            self.problem(f"<{tag}> is not a tag our templates write")
        for name, value in attributes.items():
            if name.startswith("on"):
                self.problem(f"event handler {name}={value!r} on <{tag}>")
            if name in URL_ATTRIBUTES:
                scheme = IGNORED_IN_SCHEME.sub("", value).lower()
                if scheme.startswith(SCRIPT_SCHEMES):
                    self.problem(f"script URL {name}={value!r} on <{tag}>")
        if tag == "meta" and "http-equiv" in attributes:
            self.problem(f"<meta http-equiv={attributes['http-equiv']!r}>")
        if tag == "script":
            self._script_start(attributes)
        if tag == "p" and SNIPPET_CLASS in attributes.get("class", "").split():
            self.snippet_depth = 1
            self.snippet_parts = []
        elif self.snippet_depth and tag == "p":
            self.snippet_depth += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def _snippet_tag(self, tag, attributes, attrs) -> None:
        if tag != "mark" or attributes:
            self.problem(f"<{tag} {attrs}> inside a snippet")
        self.snippet_parts.append(f"<{tag}>")

    def _script_start(self, attributes: dict[str, str]) -> None:
        self.script = attributes
        self.script_text = []
        src, kind = attributes.get("src"), attributes.get("type", "")
        if src is not None and src not in KNOWN_SCRIPTS:
            self.problem(f"<script src={src!r}> is not one of our scripts")
        if src is None and kind != "application/ld+json":
            self.problem(f"inline <script type={kind!r}>")

    def handle_endtag(self, tag):
        if tag == "script" and self.script is not None:
            self._script_end()
        if self.snippet_depth or self.fragment:
            if tag == "mark":
                self.snippet_parts.append("</mark>")
            elif self.snippet_depth and tag == "p":
                self.snippet_depth -= 1
                if not self.snippet_depth:
                    self.audit.snippets.append("".join(self.snippet_parts))
            elif self.fragment or tag != "p":
                self.problem(f"</{tag}> inside a snippet")

    def _script_end(self) -> None:
        body = "".join(self.script_text)
        if self.script.get("type") == "application/ld+json":
            # Our JSON-LD escapes every "<", so no string in it can close the element early.
            if "<" in body:
                self.problem(f"raw '<' inside JSON-LD: {body[:200]!r}")
            try:
                self.audit.json_ld.append(json.loads(body))
            except ValueError:
                self.problem(f"JSON-LD that does not parse: {body[:200]!r}")
        elif body.strip():
            self.problem(f"script body {body[:200]!r}")
        self.script = None

    def handle_data(self, data):
        if self.script is not None:
            self.script_text.append(data)
            return
        self.texts.append(data)
        if self.snippet_depth or self.fragment:
            self.snippet_parts.append(data)

    def handle_comment(self, data):
        if self.snippet_depth or self.fragment:
            self.problem(f"comment inside a snippet: {data!r}")

    def close_document(self) -> Audit:
        self.close()
        if self.fragment:
            self.audit.snippets.append("".join(self.snippet_parts))
        else:
            for tag in ("html", "head", "body", "title", "main"):
                if self.counts.get(tag, 0) != 1:
                    self.problem(f"{self.counts.get(tag, 0)} <{tag}> elements")
        self.audit.text = " ".join(" ".join(self.texts).split())
        return self.audit


_ALLOWED: set[str] | None = None


def audit_page(html: str) -> Audit:
    """What a whole page holds that our templates did not put there."""
    global _ALLOWED
    if _ALLOWED is None:
        _ALLOWED = template_tags()
    parser = _Auditor(_ALLOWED, fragment=False)
    parser.feed(html)
    return parser.close_document()


def audit_snippet(html: str) -> Audit:
    """A snippet on its own (the API's): escaped text and bare <mark> tags, nothing else."""
    parser = _Auditor({"mark"}, fragment=True)
    parser.feed(html)
    return parser.close_document()
