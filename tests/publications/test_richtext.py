"""publications.richtext: the allow-list, heading anchors, sections and plain text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publications.richtext import (
    Heading,
    Section,
    outline,
    plain_text,
    sanitise,
    sections,
    with_absolute_urls,
    with_heading_links,
)
from tests.publications.hostile import HOSTILE_BODY, payloads_in


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://think.example"


@pytest.mark.parametrize(
    ("hostile", "kept"),
    [
        ("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
        ('<p><img src="/i.png" onerror="alert(1)"></p>', '<p><img src="/i.png"></p>'),
        ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "<a>x</a>"),
        ('<a href="jav&#x09;ascript:alert(1)">x</a>', "<a>x</a>"),
        ('<p style="position:fixed" class="x" onclick="alert(1)">s</p>', "<p>s</p>"),
        ('<iframe src="https://evil.example/"></iframe><p>k</p>', "<p>k</p>"),
        # <p> breaks out of foreign content as a browser parses it: the text was never svg's.
        ("<svg onload=alert(1)><script>alert(2)</script><p>k</p></svg>", "<p>k</p>"),
        ('<svg><a href="javascript:alert(1)"><text>t</text></a></svg>', ""),
        ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", ""),
        ('<img src="data:image/png;base64,iVBORw0KGgo=" alt="d">', ""),
        ('<img src="https://tracker.example/pixel.gif">', ""),
        ('<img src="//tracker.example/pixel.gif">', ""),
        ('<object data="javascript:alert(1)"></object><p>k</p>', "<p>k</p>"),
        ("<style>p { color: red }</style><p>k</p>", "<p>k</p>"),
        ('<form action="/x"><input name="a"></form><p>k</p>', "<p>k</p>"),
        (
            '<p><a href="/p/x/" target="_blank" rel="opener">in</a></p>',
            '<p><a href="/p/x/">in</a></p>',
        ),
        ("<!-- a comment --><p>k</p>", "<p>k</p>"),
        ("<p></p>", ""),
    ],
)
def test_sanitise_removes_each_hostile_part_and_keeps_the_prose(hostile, kept):
    assert sanitise(hostile) == kept


def test_sanitise_removes_every_payload_of_the_hostile_body():
    clean = sanitise(HOSTILE_BODY)

    assert payloads_in(clean) == []
    assert "Kept paragraph" in clean
    assert '<h2 id="opening-words">Opening words</h2>' in clean


def test_links_to_other_sites_get_rel_noopener_and_our_own_do_not():
    html = sanitise(
        '<a href="https://other.example/x">o</a><a href="https://think.example/p/">s</a>'
        '<a href="/p/">r</a><a href="mailto:a@think.example">m</a><a href="//other.example/">p</a>'
    )

    assert '<a href="https://other.example/x" rel="noopener noreferrer">o</a>' in html
    assert '<a href="https://think.example/p/">s</a>' in html
    assert '<a href="/p/">r</a>' in html
    assert '<a href="mailto:a@think.example">m</a>' in html
    assert '<a href="//other.example/" rel="noopener noreferrer">p</a>' in html


def test_kept_markup_covers_what_the_editor_writes():
    html = (
        '<h2 id="x">H</h2><p><strong>b</strong> <em>i</em> <s>s</s> <sub>1</sub><sup>2</sup> '
        '<code>c</code><br>n</p><ul><li>u</li></ul><ol start="3"><li>o</li></ol>'
        "<blockquote><p>q</p></blockquote><hr>"
        '<figure><img src="/publications/images/2026/a.png" alt="A" width="10" height="5">'
        "<figcaption>cap</figcaption></figure>"
        '<table><tbody><tr><th colspan="2">h</th></tr>'
        '<tr><td rowspan="1">d</td></tr></tbody></table>'
    )

    assert sanitise(html) == html


def test_headings_map_to_h2_h4_and_get_anchors_from_their_text():
    html = sanitise("<h1>Top</h1><h3>Middle &amp; more</h3><h5>Deep</h5><h6>Deeper</h6>")

    assert html == (
        '<h2 id="top">Top</h2><h3 id="middle-more">Middle &amp; more</h3>'
        '<h4 id="deep">Deep</h4><h4 id="deeper">Deeper</h4>'
    )


def test_repeated_headings_get_numbered_anchors():
    html = sanitise("<h2>Findings</h2><h2>Findings</h2><h3>Findings</h3><h2>Findings 2</h2>")

    assert [heading.anchor for heading in outline(html)] == [
        "findings",
        "findings-2",
        "findings-3",
        "findings-2-2",
    ]


def test_a_safe_id_the_editor_sent_is_kept_and_an_unsafe_or_taken_one_replaced():
    html = sanitise(
        '<h2 id="kept-id">One</h2><h2 id="kept-id">Two</h2><h2 id="a b&quot;>">Three</h2>'
        '<h2 id="main">Four</h2>'
    )

    assert [heading.anchor for heading in outline(html)] == ["kept-id", "two", "three", "four"]


def test_headings_with_no_words_still_get_an_anchor():
    assert [h.anchor for h in outline(sanitise("<h2>!!!</h2><h2>?</h2>"))] == [
        "section",
        "section-2",
    ]


def test_sections_split_the_body_at_its_headings():
    html = sanitise(
        "<p>Before any heading.</p><h2>Costs &amp; benefits</h2><p>One.</p>"
        "<ul><li>a</li><li>b</li></ul><h3>Detail</h3><blockquote><p>Quote &lt;x&gt;</p>"
        "</blockquote><h2></h2>"
    )

    assert sections(html) == [
        Section(number=1, anchor="", heading="", text="Before any heading."),
        Section(
            number=2,
            anchor="costs-benefits",
            heading="Costs & benefits",
            text="Costs & benefits\nOne.\na\nb",
        ),
        Section(number=3, anchor="detail", heading="Detail", text="Detail\nQuote <x>"),
    ]


def test_sections_omit_an_empty_lead_and_number_from_one():
    assert sections(sanitise("<h2>Only</h2><p>Text</p>")) == [
        Section(number=1, anchor="only", heading="Only", text="Only\nText")
    ]
    assert sections("") == []


def test_plain_text_puts_blocks_on_lines_and_unescapes():
    html = sanitise("<p>a &amp; b<br>c</p><h2>H</h2><p>d &lt; e</p>")

    assert plain_text(html) == "a & b\nc\nH\nd < e"


def test_outline_lists_levels_anchors_and_text():
    assert outline(sanitise("<h2>A</h2><h3>B <em>c</em></h3>")) == [
        Heading(level=2, anchor="a", text="A"),
        Heading(level=3, anchor="b-c", text="B c"),
    ]


def test_heading_links_point_at_their_heading_with_a_name():
    html = with_heading_links(sanitise('<h2>Why "it" matters</h2><p>x</p>'))

    assert html == (
        '<h2 id="why-it-matters">Why "it" matters <a class="heading-link" '
        'href="#why-it-matters" aria-label="Link to the section “Why &quot;it&quot; matters”">'
        "#</a></h2><p>x</p>"
    )


def test_absolute_urls_for_feeds():
    html = with_absolute_urls(
        sanitise('<p><a href="/p/">r</a><img src="/publications/images/2026/a.png"></p>'),
        base="https://think.example",
    )

    assert 'href="https://think.example/p/"' in html
    assert 'src="https://think.example/publications/images/2026/a.png"' in html


TAGS = ["p", "h1", "h2", "h3", "h5", "a", "img", "em", "script", "svg", "li", "ul", "table", "td"]
ATTRS = ["id", "href", "src", "style", "onclick", "rel", "alt"]
VALUES = ["x", "", "#a", "/p/", "https://other.example/", "javascript:alert(1)", "main", "a b"]


@st.composite
def html_soup(draw):
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["open", "close", "text"]))
        if kind == "text":
            parts.append(draw(st.text(alphabet="ab <>&;\"'#é\n", max_size=8)))
        elif kind == "close":
            parts.append(f"</{draw(st.sampled_from(TAGS))}>")
        else:
            attrs = draw(
                st.lists(st.tuples(st.sampled_from(ATTRS), st.sampled_from(VALUES)), max_size=2)
            )
            written = "".join(f' {name}="{value}"' for name, value in attrs)
            parts.append(f"<{draw(st.sampled_from(TAGS))}{written}>")
    return "".join(parts)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_soup())
def test_sanitise_is_idempotent(soup):
    once = sanitise(soup)

    assert sanitise(once) == once
    assert payloads_in(once) == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_sanitise_is_idempotent_on_any_text(text):
    once = sanitise(text)

    assert sanitise(once) == once
