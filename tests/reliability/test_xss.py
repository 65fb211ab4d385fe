"""An XSS corpus in every field readers see (titles, subtitles, abstracts, author and topic
names and bios, PDF page text extracted by the real pipeline, search queries): every public page
and the API is rendered and parsed, and no script, event handler or script URL of the corpus
ever reaches the markup; the only markup inside snippets is our bare <mark>."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest

from publications.extraction import services as extraction
from publications.models import Extraction, ExtractionStatus, Publication, PublicationType
from search.index.writes import index_publications
from tests.factories import AuthorFactory, PublicationFactory, TopicFactory
from tests.pdfs import make_cid_pdf
from tests.reliability.html_audit import Audit, audit_page, audit_snippet

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(180)]

XSS = [
    "<script>alert('xss-1')</script>",
    "<ScRiPt SRC=//evil.example/x.js></ScRiPt>",
    "<img src=x onerror=\"alert('xss-3')\">",
    "<svg onload=alert(4)>",
    "<svg><script>alert(5)</script></svg>",
    '"><script>alert(6)</script>',
    "' onmouseover='alert(7)' x='",
    '" onfocus="alert(8)" autofocus="',
    '<a href="javascript:alert(9)">click me</a>',
    "javascript:alert(10)",
    "JaVaScRiPt:alert(11)",
    '<iframe src="javascript:alert(12)"></iframe>',
    "<body onload=alert(13)>",
    "<details open ontoggle=alert(14)>",
    "</title><script>alert(15)</script>",
    "</textarea><script>alert(16)</script>",
    "</script><script>alert(17)</script>",
    "<!--<img src=--><img src=x onerror=alert(18)//>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(19)>",
    "<scr<script>ipt>alert(20)</scr</script>ipt>",
    "&lt;script&gt;alert(21)&lt;/script&gt;",
    "&#60;script&#62;alert(22)&#60;/script&#62;",
    "\uff1cscript\uff1ealert(23)\uff1c/script\uff1e",  # fullwidth: NFKC makes real < and >
    "\u202e>tpircs/<)42(trela>tpircs<",  # right-to-left override
    "java\u200bscript:alert(25)",  # zero-width space in the scheme
    '<a href="jav&#x09;ascript:alert(26)">tab</a>',
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgyNyk8L3NjcmlwdD4="></object>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(28)">',
    '<base href="javascript:alert(29)//">',
    "<style>@import 'javascript:alert(30)';</style>",
    "<mark onclick=alert(31)>marked</mark>",
    "<x onpointerenter=alert(32)>x</x>",
    '<form action="javascript:alert(33)"><button>go</button></form>',
    "\\u003cscript\\u003ealert(34)\\u003c/script\\u003e",
    "{{ 7|add:7 }}{% now 'Y' %}",  # template syntax is data, never evaluated
]
# Distinct words to find each PDF page by (letters only, so every parser keeps them whole).
TYPES = list(PublicationType.values)
PAGE_WORDS = [f"zq{chr(97 + n // 26)}{chr(97 + n % 26)}" for n in range(len(XSS))]


def entry(n: int) -> str:
    return XSS[n % len(XSS)]


def build_catalogue(with_pdf) -> dict:
    """One publication, author and topic per payload, the payload in every text field; one
    more publication whose PDF has one payload a page, extracted and indexed for real."""
    topics, authors = [], []
    for n, payload in enumerate(XSS):
        parent = topics[n - 1] if n % 2 else None
        topics.append(
            TopicFactory(
                name=f"Topic {n} {payload}"[:120],
                slug=f"topic-{n}",
                description=f"About {payload}",
                parent=parent,
            )
        )
        authors.append(
            AuthorFactory(
                name=f"Ana {n} {payload}"[:200],
                slug=f"author-{n}",
                role=payload[:200],
                affiliation=payload[:200],
                bio=f"Writes on tariffs. {payload}",
            )
        )
    publications = [
        PublicationFactory(
            title=f"Tariffs {n} {payload}",
            subtitle=entry(n + 1),
            slug=f"hostile-{n}",
            abstract=f"Tariffs and trade. {payload} Then {entry(n + 2)} and more tariffs.",
            doi=f"10.1234/{n}",
            type=TYPES[n % len(TYPES)],
            publication_date=datetime.date(2024, 1, 1) + datetime.timedelta(days=n),
            authors=[authors[n], authors[(n + 1) % len(XSS)]],
            topics=[topics[n]],
        )
        for n, payload in enumerate(XSS)
    ]
    pages = [
        f"Quarantine {word} measures: {payload} quarantine 1 < 2 & 3 {word} {payload} end"
        for word, payload in zip(PAGE_WORDS, XSS, strict=True)
    ]
    document = with_pdf(
        make_cid_pdf(pages), title="Quarantine report", slug="hostile-pdf", topics=[topics[0]]
    )
    extraction.extraction_request(file=document.first_pdf)
    extraction.extraction_run(file_id=document.first_pdf.pk, sha256=document.first_pdf.sha256)
    assert Extraction.objects.get(publication=document).status == ExtractionStatus.DONE
    index_publications([p.pk for p in Publication.objects.all()])
    return {"topics": topics, "authors": authors, "publications": publications, "pdf": document}


@pytest.fixture
def catalogue(with_pdf):
    return build_catalogue(with_pdf)


def render(client, path: str, **params) -> Audit:
    response = client.get(path, params)
    assert response.status_code == 200, (path, response.status_code)
    assert response["Content-Type"].startswith("text/html")
    audit = audit_page(response.content.decode())
    assert audit.problems == [], (path, audit.problems)
    return audit


def test_catalogue_pages_show_the_corpus_as_text_and_never_as_markup(client, catalogue):
    home = render(client, "/")
    listed = render(client, "/publications/").text + render(client, "/publications/", page=2).text
    render(client, "/authors/")
    render(client, "/topics/")
    render(client, "/publications/hostile-pdf/")  # the inline PDF viewer and its links
    for n, payload in enumerate(XSS):
        page = render(client, f"/publications/hostile-{n}/")
        # The payload is on the page, as text a reader sees: the check above saw it parsed.
        assert f"Tariffs {n} {payload}" in page.text
        assert payload in page.text
        (ld,) = page.json_ld
        assert ld["name"].startswith(f"Tariffs {n} {payload}")
        assert ld["abstract"] == catalogue["publications"][n].abstract
        assert f"Ana {n} {payload}"[:200] in render(client, f"/authors/author-{n}/").text
        assert f"Topic {n} {payload}"[:120] in render(client, f"/topics/topic-{n}/").text
    assert f"Tariffs {len(XSS) - 1} {XSS[-1]}" in home.text
    assert sum(f"Tariffs {n} {p}" in listed for n, p in enumerate(XSS)) == len(XSS)


def test_filtered_lists_render_hostile_names_inert(client, catalogue):
    for n in range(0, len(XSS), 5):
        audit = render(client, "/publications/", topic=f"topic-{n}", author=f"author-{n}")
        assert f"Tariffs {n} {XSS[n]}" in audit.text
    render(client, "/publications/", q=XSS[0], author=XSS[2], topic=XSS[3], type=XSS[4])


def test_search_results_mark_only_the_matches_in_escaped_snippets(client, catalogue):
    tariffs = render(client, "/search/", q="tariffs", page_size=100)
    assert len(tariffs.snippets) == len(XSS)
    assert tariffs.marks >= len(XSS)
    shown = []
    for word in PAGE_WORDS:
        audit = render(client, "/search/", q=word)
        (snippet,) = audit.snippets
        assert f"<mark>{word}</mark>" in snippet
        shown.append(snippet)
        assert snippet.startswith(f"Quarantine <mark>{word}</mark> measures")
    # PostgreSQL's headline drops what it parses as tags; the rest arrives escaped: text to
    # the parser (which found no tag but our marks), decoded here.
    assert sum("1 < 2 & 3" in snippet for snippet in shown) >= len(XSS) - 2
    assert "<svg onload=alert(4)>" in shown[XSS.index("<svg onload=alert(4)>")]
    assert "<mark onclick=alert(31)>" in shown[XSS.index("<mark onclick=alert(31)>marked</mark>")]
    # The matching authors and topics beside the results, and the facets, name hostile things.
    beside = render(client, "/search/", q="ana topic tariffs")
    assert f"Ana 0 {XSS[0]}" in beside.text
    assert f"Topic 0 {XSS[0]}" in beside.text


def test_the_query_itself_is_echoed_inert(client, catalogue):
    for payload in XSS:
        audit = render(client, "/search/", q=payload)
        assert " ".join(payload.split())[:40] in audit.text or not payload.strip()
        render(client, "/search/", q=payload, topic=payload, author=payload, sort=payload)


def test_the_api_snippets_hold_only_marks_and_the_json_is_never_html(client, catalogue):
    for query in ["tariffs", "quarantine", *PAGE_WORDS, *XSS]:
        response = client.get("/api/search", {"q": query, "page_size": 100})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response["X-Content-Type-Options"] == "nosniff"
        for result in response.json()["results"]:
            audit = audit_snippet(result["snippet"])
            assert audit.problems == [], (query, result["snippet"])
    data = client.get("/api/search", {"q": PAGE_WORDS[0]}).json()
    (hit,) = data["results"]
    assert hit["pages"] == [1]
    assert "alert(&#x27;xss-1&#x27;) quarantine 1 &lt; 2 &amp; 3" in hit["snippet"]
    titles = {
        r["title"] for r in client.get("/api/search?q=tariffs&page_size=100").json()["results"]
    }
    # JSON carries the text as it is; its readers escape it, as our templates do.
    assert f"Tariffs 0 {XSS[0]}" in titles


def test_author_suggestions_are_json_not_html(client, catalogue):
    response = client.get("/authors/suggest/", {"q": "Ana"})

    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert f"Ana 0 {XSS[0]}" in {author["name"] for author in response.json()}


@pytest.mark.parametrize(
    "path", ["/feeds/latest/", "/feeds/latest/atom/", "/feeds/topics/topic-0/"]
)
def test_feed_entries_carry_no_markup_from_the_corpus(client, catalogue, path):
    """Feed readers render an entry's description as HTML, so it must be escaped text."""
    response = client.get(path)
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    atom = "{http://www.w3.org/2005/Atom}"
    # Item descriptions and Atom summaries (type="html"); the channel's own is plain text.
    entries = [*root.iter("item"), *root.iter(f"{atom}entry")]
    bodies = [
        el.text or ""
        for entry in entries
        for el in entry
        if el.tag in {"description", f"{atom}summary"}
    ]
    assert len(bodies) > 1
    for body in bodies:
        assert audit_snippet(body).problems == [], body


def test_a_hostile_pdf_page_text_is_stored_as_text_after_nfkc(catalogue):
    pages = list(catalogue["pdf"].pages.values_list("text", flat=True))

    assert len(pages) == len(XSS)
    assert (
        "<script>alert(23)</script>"
        in pages[XSS.index("\uff1cscript\uff1ealert(23)\uff1c/script\uff1e")]
    )
