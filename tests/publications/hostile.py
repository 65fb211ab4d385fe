"""A hostile body, and where its payloads must never show: the page, the feeds, the API."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

HOSTILE_BODY = (
    "<h1 onclick=\"alert('h-1')\">Opening words</h1>"
    '<p style="color:red">Kept paragraph<script>alert("s-1")</script></p>'
    '<img src="x" onerror="alert(\'i-1\')">'
    "<a href=\"javascript:alert('j-1')\">script link</a>"
    "<a href=\"jav&#x09;ascript:alert('j-2')\">tab link</a>"
    '<a href="https://other.example/page">outside link</a>'
    '<iframe src="https://evil.example/frame"></iframe>'
    "<svg onload=\"alert('v-1')\"><script>alert('v-2')</script></svg>"
    "<math><mtext><table><mglyph><style><img src=x onerror=\"alert('m-1')\">"
    '<img src="data:image/png;base64,iVBORw0KGgo=" alt="inline data">'
    "<object data=\"javascript:alert('o-1')\"></object>"
)
# None of these may reach a reader, in any form.
PAYLOADS = (
    "alert(",
    "onerror",
    "onclick",
    "onload",
    "javascript:",
    "<iframe",
    "<svg",
    "<math",
    "<object",
    'style="color',
    "data:image",
    "evil.example",
)


def payloads_in(text: str) -> list[str]:
    return [payload for payload in PAYLOADS if payload in text]


def rss_descriptions(client, url: str = "/feeds/latest/") -> list[str]:
    response = client.get(url)
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314 - our own output
    return [item.findtext("description") or "" for item in channel.findall("item")]


def atom_summaries(client, url: str = "/feeds/latest/atom/") -> list[str]:
    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.fromstring(client.get(url).content)  # noqa: S314 - our own output
    return [entry.findtext(f"{atom}summary") or "" for entry in root.findall(f"{atom}entry")]


def api_text(client, query: str) -> tuple[list[str], str]:
    """The slugs the search API finds for `query`, and its whole answer as JSON text."""
    answer = client.get("/api/search", {"q": query}).json()
    return [result["slug"] for result in answer["results"]], json.dumps(answer)


def assert_nothing_hostile_reaches_readers(client, *, slug: str, title_word: str) -> None:
    page = client.get(f"/publications/{slug}/").content.decode()
    assert "Kept paragraph" in page
    assert payloads_in(page) == []
    for descriptions in (rss_descriptions(client), atom_summaries(client)):
        assert any("Kept paragraph" in text for text in descriptions)
        assert [payloads_in(text) for text in descriptions if payloads_in(text)] == []
    slugs, answer = api_text(client, title_word)
    assert slug in slugs
    assert payloads_in(answer) == []
