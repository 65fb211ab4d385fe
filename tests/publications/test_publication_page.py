import datetime
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone

from publications.models import SlugRedirect, Status
from publications.richtext import sanitise
from publications.views import render_publication_page
from tests.factories import AuthorFactory, PublicationFactory, SeriesFactory, TopicFactory
from tests.publications.pages import attach_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_publication():
    kim, lee = AuthorFactory(name="Kim Min-ji"), AuthorFactory(name="Lee Joon")
    return PublicationFactory(
        title="US-South Korea Defense Industrial Cooperation",
        subtitle="Drivers, Developments, and Tasks Ahead",
        abstract="Defense industrial cooperation between the United States and South Korea.",
        publication_date=datetime.date(2024, 12, 9),
        series=SeriesFactory(name="Alliance Papers"),
        authors=[lee, kim],
        topics=[TopicFactory(name="Defense Industry"), TopicFactory(name="Korea")],
    )


def test_publication_page_shows_what_a_reader_needs(client, seed_publication):
    attach_pdf(seed_publication)
    seed_publication.first_pdf.page_count = 2
    seed_publication.save()

    html = client.get(seed_publication.get_absolute_url()).content.decode()

    assert "<h1>US-South Korea Defense Industrial Cooperation</h1>" in html
    assert "Drivers, Developments, and Tasks Ahead" in html
    assert 'Published <time datetime="2024-12-09">December 9, 2024</time>' in html
    assert '<p class="kicker">Report <span aria-hidden="true">·</span> Alliance Papers</p>' in html
    assert "Defense industrial cooperation between the United States" in html
    assert 'href="/topics/defense-industry/"' in html
    assert 'href="/topics/korea/"' in html


def test_publication_page_byline_keeps_the_author_order(client, seed_publication):
    html = client.get(seed_publication.get_absolute_url()).content.decode()

    byline = html.split('class="byline"')[1].split("</p>")[0]
    assert byline.index("Lee Joon") < byline.index("Kim Min-ji")
    assert 'href="/authors/lee-joon/"' in byline


def test_publication_page_offers_the_pdf_inline_with_size_pages_and_fallback(
    client, seed_publication
):
    attach_pdf(seed_publication)
    seed_publication.files.update(page_count=24)
    slug = seed_publication.slug

    html = client.get(seed_publication.get_absolute_url()).content.decode()

    assert f'href="/publications/{slug}/download/">Download PDF</a>' in html
    assert "KB, 24 pages)" in html
    assert f'<object class="pdf-viewer__frame" data="/publications/{slug}/pdf/"' in html
    assert (
        "This browser does not support PDFs. Please download the PDF to view it: "
        f'<a href="/publications/{slug}/download/">Download PDF</a>'
    ) in html


def test_publication_without_a_pdf_renders_without_download_or_viewer(client, seed_publication):
    response = client.get(seed_publication.get_absolute_url())
    html = response.content.decode()

    assert response.status_code == 200
    assert "Download PDF" not in html
    assert "<object" not in html


def test_page_count_is_left_out_until_extraction_has_counted_the_pages(client, seed_publication):
    attach_pdf(seed_publication)

    html = client.get(seed_publication.get_absolute_url()).content.decode()

    assert "Download PDF" in html
    assert "pages)" not in html


def test_publication_page_offers_citations(client, seed_publication):
    html = client.get(seed_publication.get_absolute_url()).content.decode()

    assert "Cite this" in html
    assert f'href="/publications/{seed_publication.slug}/cite.bib"' in html
    assert f'href="/publications/{seed_publication.slug}/cite.ris"' in html
    assert "Joon, Lee, and Kim Min-ji. “US-South Korea Defense Industrial" in html


def test_publication_page_lists_related_public_publications(client, seed_publication):
    topic = seed_publication.topics.first()
    PublicationFactory(title="Related one", topics=[topic])
    PublicationFactory(title="Related draft", topics=[topic], status=Status.DRAFT)
    PublicationFactory(title="Unrelated")

    response = client.get(seed_publication.get_absolute_url())

    assert [p.title for p in response.context["related"]] == ["Related one"]
    assert "Related draft" not in response.content.decode()


def test_old_slug_redirects_permanently_to_the_new_one(client):
    publication = PublicationFactory(slug="new-name")
    SlugRedirect.objects.create(old_slug="old-name", publication=publication)

    page = client.get("/publications/old-name/")
    pdf = client.get("/publications/old-name/pdf/")

    assert page.status_code == 301
    assert page["Location"] == "/publications/new-name/"
    assert pdf.status_code == 301
    assert pdf["Location"] == "/publications/new-name/pdf/"


def test_old_slug_of_a_draft_is_404_to_the_public(client):
    publication = PublicationFactory(slug="new-name", status=Status.DRAFT)
    SlugRedirect.objects.create(old_slug="old-name", publication=publication)

    assert client.get("/publications/old-name/").status_code == 404


def test_render_publication_page_preview_shows_the_banner():
    scheduled = PublicationFactory(
        status=Status.SCHEDULED,
        publication_date=timezone.localdate() + datetime.timedelta(days=3),
    )
    request = RequestFactory().get("/admin/preview/")
    request.user = AnonymousUser()

    response = render_publication_page(request, scheduled, preview=True)

    assert response.status_code == 200
    assert "Preview — not public" in response.content.decode()


def test_public_page_has_no_preview_banner(client, seed_publication):
    response = client.get(seed_publication.get_absolute_url())

    assert "Preview — not public" not in response.content.decode()
    assert "X-Robots-Tag" not in response


def body_of(html: str) -> str:
    return html.split('<div class="prose body" id="body">', 1)[1].split("</div>", 1)[0]


def test_the_body_is_shown_as_an_article_before_the_pdf(client, seed_publication):
    seed_publication.body = sanitise("<p>Opening.</p><h2>Costs</h2><p>Some &amp; more.</p>")
    seed_publication.save()
    attach_pdf(seed_publication)

    html = client.get(seed_publication.get_absolute_url()).content.decode()

    assert html.index('<div class="prose body" id="body">') < html.index('id="pdf-heading"')
    assert body_of(html) == (
        '<p>Opening.</p><h2 id="costs">Costs <a class="heading-link" href="#costs" '
        'aria-label="Link to the section “Costs”">#</a></h2><p>Some &amp; more.</p>'
    )
    assert 'id="contents-heading"' not in html  # one heading needs no table of contents


def test_a_body_with_three_headings_gets_a_table_of_contents(client, seed_publication):
    seed_publication.body = sanitise("<h2>One</h2><p>a</p><h3>Two</h3><p>b</p><h2>Three</h2>")
    seed_publication.save()

    html = client.get(seed_publication.get_absolute_url()).content.decode()

    contents = html.split('id="contents-heading"', 1)[1].split("</nav>", 1)[0]
    assert [
        (level, anchor, text)
        for level, anchor, text in re.findall(
            r'contents__item--(\d)"><a href="#([^"]+)">([^<]+)</a>', contents
        )
    ] == [("2", "one", "One"), ("3", "two", "Two"), ("2", "three", "Three")]
    for anchor in ("one", "two", "three"):
        assert f'id="{anchor}"' in html


def test_a_publication_without_a_body_shows_no_article(client, seed_publication):
    html = client.get(seed_publication.get_absolute_url()).content.decode()

    assert "prose body" not in html
    assert "contents-heading" not in html
