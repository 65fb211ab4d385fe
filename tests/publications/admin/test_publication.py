import datetime
import hashlib
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from publications.models import (
    Publication,
    PublicationAuthor,
    PublicationFile,
    SlugRedirect,
    Status,
)
from publications.workflow import services as workflow
from tests.factories import AuthorFactory, PublicationFactory, SeriesFactory, TopicFactory
from tests.pdfs import make_pdf
from tests.publications.admin.forms import add_url, change_url, form_data, pdf_upload, with_pdf
from tests.workflow import editor, publisher, withdraw

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)
CHANGELIST = "admin:publications_publication_changelist"


def preview_url(publication):
    return reverse("admin:publications_publication_preview", args=[publication.pk])


def shown(response):
    return list(response.context["cl"].result_list)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- Changelist ---------------------------------------------------------------------------------


def test_changelist_shows_status_authors_pdf_and_links(admin_client):
    ada, bo = AuthorFactory(name="Ada Alpha"), AuthorFactory(name="Bo Beta")
    public = with_pdf(PublicationFactory(title="Open Trade", authors=[bo, ada]), make_pdf(["a"]))
    PublicationFile.objects.filter(publication=public).update(page_count=12)
    PublicationFactory(
        title="Coming Soon", status=Status.SCHEDULED, publication_date=datetime.date(2099, 1, 5)
    )
    draft = PublicationFactory(title="Rough Draft", status=Status.DRAFT)

    response = admin_client.get(reverse(CHANGELIST))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Bo Beta, Ada Alpha" in html
    assert "12 pages" in html
    assert "1 file; PDF" in html
    assert "no files" in html
    assert "Scheduled for Jan 5, 2099" in html
    assert "Draft" in html
    assert f'href="{public.get_absolute_url()}">View on site' in html
    assert f'href="{preview_url(draft)}">Preview' in html


def test_changelist_offers_status_type_topic_and_year_filters(admin_client):
    PublicationFactory(publication_date=datetime.date(2023, 3, 1), topics=[TopicFactory()])

    response = admin_client.get(reverse(CHANGELIST))

    titles = [spec.title for spec in response.context["cl"].filter_specs]
    assert titles == [
        "status",
        "waiting for",
        "type",
        "topics",
        "year",
        "text extraction",
        "extraction flag",
    ]
    assert "?year=2023" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status__exact": "draft"}, {"draft"}),
        ({"type__exact": "book"}, {"book"}),
        ({"year": "2023"}, {"old"}),
        ({"q": "Hopper"}, {"book"}),
        ({"q": "10.1234/xyz"}, {"old"}),
    ],
)
def test_changelist_filters_and_search(admin_client, query, expected):
    topic = TopicFactory()
    PublicationFactory(slug="draft", status=Status.DRAFT, topics=[topic])
    PublicationFactory(slug="book", type="book", authors=[AuthorFactory(name="Grace Hopper")])
    PublicationFactory(slug="old", publication_date=datetime.date(2023, 5, 1), doi="10.1234/xyz")

    response = admin_client.get(reverse(CHANGELIST), query)

    assert {publication.slug for publication in shown(response)} == expected


def test_changelist_filters_by_topic(admin_client):
    topic = TopicFactory(name="Trade")
    PublicationFactory(slug="tagged", topics=[topic])
    PublicationFactory(slug="untagged")

    response = admin_client.get(reverse(CHANGELIST), {"topics__id__exact": topic.pk})

    assert [publication.slug for publication in shown(response)] == ["tagged"]


def test_year_filter_ignores_a_value_that_is_not_a_year(admin_client):
    PublicationFactory()

    response = admin_client.get(reverse(CHANGELIST), {"year": "x; drop"})

    assert len(shown(response)) == 1


def changelist_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def make_publications(count):
    topic = TopicFactory()
    for index in range(count):
        publication = PublicationFactory(
            authors=[AuthorFactory(), AuthorFactory()],
            topics=[topic],
            series=SeriesFactory(),
            publication_date=datetime.date(2020 + index % 4, 1, 1),
        )
        with_pdf(publication, f"%PDF-1.4 {index}".encode())


@pytest.mark.parametrize(
    "url_name",
    [
        CHANGELIST,
        "admin:publications_author_changelist",
        "admin:publications_topic_changelist",
        "admin:publications_slugredirect_changelist",
    ],
)
def test_changelist_queries_do_not_grow_with_rows(admin_client, url_name):
    url = reverse(url_name)
    make_publications(5)
    for publication in Publication.objects.all():
        SlugRedirect.objects.create(old_slug=f"was-{publication.slug}", publication=publication)
    few = changelist_queries(admin_client, url)

    make_publications(20)
    for publication in Publication.objects.filter(slug_redirects=None):
        SlugRedirect.objects.create(old_slug=f"was-{publication.slug}", publication=publication)
    many = changelist_queries(admin_client, url)

    assert many == few


def test_author_changelist_counts_publications(admin_client):
    author = AuthorFactory(name="Counted Author", affiliation="Somewhere U")
    PublicationFactory(authors=[author])
    PublicationFactory(authors=[author], status=Status.DRAFT)

    response = admin_client.get(reverse("admin:publications_author_changelist"), {"q": "Somewhere"})

    rows = shown(response)
    assert [(row.name, row.publication_count) for row in rows] == [("Counted Author", 2)]


# --- Adding and changing ------------------------------------------------------------------------


def test_add_publication_with_ordered_authors_topics_and_pdf(admin_client):
    zed, abe = AuthorFactory(name="Zed Zulu"), AuthorFactory(name="Abe Alpha")
    trade, energy = TopicFactory(name="Trade"), TopicFactory(name="Energy")
    data = make_pdf(["Page one text", "Page two text"])

    response = admin_client.post(
        add_url(),
        form_data(
            authors=[(5, abe), (1, zed)],
            topics=[trade.pk, energy.pk],
            files=[{"file": pdf_upload(data), "role": "full-report"}],
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    publication = Publication.objects.get(slug="typed-title")
    assert publication.ordered_authors == [zed, abe]
    assert list(publication.authorships.values_list("position", flat=True)) == [0, 1]
    assert set(publication.topics.all()) == {trade, energy}
    assert publication.first_pdf.size == len(data)
    assert publication.first_pdf.sha256 == hashlib.sha256(data).hexdigest()
    assert publication.first_pdf.file.storage.exists(publication.first_pdf.file.name)


def test_change_form_shows_authors_in_byline_order(admin_client):
    zed, abe = AuthorFactory(name="Zed Zulu"), AuthorFactory(name="Abe Alpha")
    publication = PublicationFactory(authors=[zed, abe])

    html = admin_client.get(change_url(publication)).content.decode()

    assert html.index("Zed Zulu") < html.index("Abe Alpha")


def test_reordering_authors_survives_saving(admin_client):
    zed, abe = AuthorFactory(name="Zed Zulu"), AuthorFactory(name="Abe Alpha")
    publication = PublicationFactory(authors=[zed, abe])
    data = form_data(publication)
    data["authorships-0-position"], data["authorships-1-position"] = "3", "2"

    response = admin_client.post(change_url(publication), data)

    assert response.status_code == 302
    assert Publication.objects.get(pk=publication.pk).ordered_authors == [abe, zed]


def test_an_added_author_goes_last_by_default(admin_client):
    first, second, new = AuthorFactory(), AuthorFactory(), AuthorFactory()
    publication = PublicationFactory(authors=[first, second])

    response = admin_client.get(change_url(publication))

    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.forms[-1].initial["position"] == 2
    data = form_data(publication, authors=[(2, new)])
    admin_client.post(change_url(publication), data)
    assert Publication.objects.get(pk=publication.pk).ordered_authors == [first, second, new]


def test_the_same_author_twice_is_refused(admin_client):
    author = AuthorFactory()

    response = admin_client.post(add_url(), form_data(authors=[(0, author), (1, author)]))

    assert response.status_code == 200
    assert not Publication.objects.exists()


def test_a_status_posted_with_the_form_is_no_way_around_the_workflow(admin_client):
    response = admin_client.post(add_url(), form_data(status=Status.PUBLISHED))

    assert response.status_code == 302
    publication = Publication.objects.get()
    assert (publication.status, publication.visible_from) == (Status.DRAFT, None)
    assert publication.first_published_at is None


def test_editing_a_published_publication_keeps_its_stamp_and_release(admin_client):
    stamp = timezone.now() - DAY
    publication = PublicationFactory(first_published_at=stamp, publish_batch=uuid.uuid4())
    released = publication.visible_from

    admin_client.post(change_url(publication), form_data(publication, title="Retitled"))

    publication.refresh_from_db()
    assert (publication.title, publication.status) == ("Retitled", Status.PUBLISHED)
    assert (publication.first_published_at, publication.visible_from) == (stamp, released)


def test_renaming_the_slug_keeps_a_redirect(admin_client):
    publication = PublicationFactory(slug="old-address", authors=[AuthorFactory()])

    response = admin_client.post(change_url(publication), form_data(publication, slug="new-one"))

    assert response.status_code == 302
    redirect = SlugRedirect.objects.get()
    assert (redirect.old_slug, redirect.publication.slug) == ("old-address", "new-one")
    assert publication.authorships.count() == 1


def test_the_current_cover_link_opens_the_image(admin_client):
    publication = PublicationFactory(slug="covered", status=Status.DRAFT)
    publication.cover_image.save("cover.png", ContentFile(b"png bytes"))

    html = admin_client.get(change_url(publication)).content.decode()

    assert '<a href="/publications/covered/cover/">' in html
    assert "/media/" not in html


# --- Actions ------------------------------------------------------------------------------------


def run_action(client, action, publications, query=""):
    return client.post(
        reverse(CHANGELIST) + query,
        {"action": action, "_selected_action": [p.pk for p in publications]},
        follow=True,
    )


def test_publish_action_publishes_approved_ones_and_refuses_the_others(admin_client):
    approved = PublicationFactory(status=Status.APPROVED)
    draft = PublicationFactory(status=Status.DRAFT)

    response = run_action(admin_client, "publish_selected", [approved, draft])

    approved.refresh_from_db()
    draft.refresh_from_db()
    assert (approved.status, draft.status) == (Status.PUBLISHED, Status.DRAFT)
    assert approved.first_published_at is not None
    assert approved.is_public
    assert messages_of(response) == [
        "1 publication published. 1 left as it was: only approved ones can be."
    ]


def test_publish_action_shares_one_batch_and_a_reinstatement_never_restamps(admin_client):
    first = PublicationFactory(status=Status.APPROVED)
    second = PublicationFactory(status=Status.APPROVED)
    run_action(admin_client, "publish_selected", [first, second])
    first.refresh_from_db()
    second.refresh_from_db()
    stamp = (first.first_published_at, first.publish_batch)

    withdraw(Publication.objects.filter(pk=first.pk))
    workflow.publication_reinstate(publication=first, actor=publisher())

    first.refresh_from_db()
    assert first.publish_batch == second.publish_batch
    assert (first.first_published_at, first.publish_batch) == stamp


def test_publish_action_works_on_a_search_over_author_names(admin_client):
    author = AuthorFactory(name="Grace Hopper")
    chosen = [
        PublicationFactory(status=Status.APPROVED, authors=[author]),
        PublicationFactory(status=Status.APPROVED, authors=[author, AuthorFactory(name="Grace K")]),
    ]

    response = run_action(admin_client, "publish_selected", chosen, query="?q=grace")

    assert response.status_code == 200
    assert Publication.objects.filter(status=Status.PUBLISHED).count() == 2


def test_unpublish_action_unschedules_and_leaves_published_ones_to_a_withdrawal(admin_client):
    public = PublicationFactory(status=Status.PUBLISHED)
    scheduled = PublicationFactory(status=Status.SCHEDULED, publication_date=TODAY() + DAY)

    response = run_action(admin_client, "unpublish_selected", [public, scheduled])

    public.refresh_from_db()
    scheduled.refresh_from_db()
    assert (public.status, scheduled.status) == (Status.PUBLISHED, Status.APPROVED)
    assert scheduled.visible_from is None
    assert messages_of(response) == [
        "1 publication returned to approved. 1 left as it was: only scheduled ones can be."
    ]


def test_an_editor_is_not_offered_the_publish_actions(client):
    client.force_login(editor())

    response = client.get(reverse(CHANGELIST))

    actions = dict(response.context["action_form"].fields["action"].choices)
    assert "publish_selected" not in actions
    assert "unpublish_selected" not in actions


# --- Public page and preview --------------------------------------------------------------------


def test_change_form_links_a_public_item_to_its_page(admin_client):
    publication = PublicationFactory(status=Status.PUBLISHED)

    html = admin_client.get(change_url(publication)).content.decode()

    assert f'href="{publication.get_absolute_url()}"' in html
    assert preview_url(publication) not in html


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SCHEDULED])
def test_change_form_offers_a_preview_for_items_not_yet_public(admin_client, status):
    publication = PublicationFactory(status=status, publication_date=TODAY() + DAY)

    html = admin_client.get(change_url(publication)).content.decode()

    assert f'href="{preview_url(publication)}"' in html
    assert publication.get_absolute_url() not in html


def test_preview_of_a_draft_renders_the_public_page_for_staff(admin_client):
    publication = PublicationFactory(
        status=Status.DRAFT, title="Secret Draft", authors=[AuthorFactory(name="Ada Draftwriter")]
    )

    response = admin_client.get(preview_url(publication))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Secret Draft" in html
    assert "Ada Draftwriter" in html
    assert "Preview — not public" in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_preview_hands_the_publication_to_the_public_renderer(admin_client, monkeypatch):
    from django.http import HttpResponse

    calls = []

    def fake_render(request, publication, *, preview=False):
        calls.append((publication.pk, preview))
        return HttpResponse("rendered")

    monkeypatch.setattr("publications.views.render_publication_page", fake_render, raising=False)
    publication = PublicationFactory(status=Status.SCHEDULED, publication_date=TODAY() + DAY)

    response = admin_client.get(preview_url(publication))

    assert response.content == b"rendered"
    assert calls == [(publication.pk, True)]


def test_preview_sends_anonymous_visitors_to_the_login_page(client):
    publication = PublicationFactory(status=Status.DRAFT)

    response = client.get(preview_url(publication))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_preview_is_forbidden_to_staff_without_permission(client):
    user = User.objects.create_user("intern", password="pw", is_staff=True)
    client.force_login(user)
    publication = PublicationFactory(status=Status.DRAFT)

    assert client.get(preview_url(publication)).status_code == 403

    user.user_permissions.add(Permission.objects.get(codename="view_publication"))
    client.force_login(User.objects.get(pk=user.pk))
    assert client.get(preview_url(publication)).status_code == 200


def test_preview_of_a_missing_publication_is_not_found(admin_client):
    url = reverse("admin:publications_publication_preview", args=[987654])

    assert admin_client.get(url).status_code == 404


# --- Autocomplete and the other admins ----------------------------------------------------------


def autocomplete(client, model_name, field_name, term):
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "publications",
            "model_name": model_name,
            "field_name": field_name,
            "term": term,
        },
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_author_autocomplete_answers_by_name(admin_client):
    AuthorFactory(name="Rosalind Franklin")
    AuthorFactory(name="Someone Else")

    assert autocomplete(admin_client, "publicationauthor", "author", "rosal") == [
        "Rosalind Franklin"
    ]


def test_topic_and_series_autocomplete_answer_by_name(admin_client):
    TopicFactory(name="Energy Policy")
    TopicFactory(name="Trade")
    SeriesFactory(name="Energy Papers")

    assert autocomplete(admin_client, "publication", "topics", "energy") == ["Energy Policy"]
    assert autocomplete(admin_client, "publication", "series", "energy") == ["Energy Papers"]


@pytest.mark.parametrize("model", ["author", "topic", "series"])
def test_add_forms_prepopulate_the_slug(admin_client, model):
    response = admin_client.get(reverse(f"admin:publications_{model}_add"))

    assert response.status_code == 200
    (field,) = response.context["prepopulated_fields"]
    assert field["field"].name == "slug"
    assert [dependency.name for dependency in field["dependencies"]] == ["name"]


def test_publication_add_form_prepopulates_the_slug_from_the_title(admin_client):
    response = admin_client.get(add_url())

    (field,) = response.context["prepopulated_fields"]
    assert field["field"].name == "slug"
    assert [dependency.name for dependency in field["dependencies"]] == ["title"]


def test_topic_changelist_shows_parent_and_searches_names(admin_client):
    parent = TopicFactory(name="Economy")
    TopicFactory(name="Trade Policy", parent=parent)
    TopicFactory(name="Health")

    response = admin_client.get(reverse("admin:publications_topic_changelist"), {"q": "trade"})

    rows = shown(response)
    assert [(row.name, row.parent) for row in rows] == [("Trade Policy", parent)]


def test_slug_redirects_are_listed_but_not_added_or_edited(admin_client):
    publication = PublicationFactory(slug="current")
    redirect = SlugRedirect.objects.create(old_slug="former", publication=publication)

    listing = admin_client.get(reverse("admin:publications_slugredirect_changelist"))
    added = admin_client.get(reverse("admin:publications_slugredirect_add"))
    changed = admin_client.post(
        reverse("admin:publications_slugredirect_change", args=[redirect.pk]),
        {"old_slug": "hijacked", "publication": publication.pk},
    )

    assert "former" in listing.content.decode()
    assert "current" in listing.content.decode()
    assert added.status_code == 403
    assert changed.status_code == 403
    redirect.refresh_from_db()
    assert redirect.old_slug == "former"


def test_inline_positions_are_stored_compactly(admin_client):
    first, second = AuthorFactory(), AuthorFactory()

    admin_client.post(add_url(), form_data(authors=[(40, first), (90, second)]))

    positions = PublicationAuthor.objects.order_by("position")
    assert [(link.author, link.position) for link in positions] == [(first, 0), (second, 1)]


def test_deleting_in_the_admin_removes_the_publication_from_the_index_and_its_file(
    admin_client, django_capture_on_commit_callbacks
):
    from search.index.writes import index_publication
    from search.models import SearchDocument, SearchTerm

    publication = with_pdf(
        PublicationFactory(title="Zeppelinmoorings"), make_pdf(["Zeppelin page."])
    )
    index_publication(publication.pk)
    stored = Path(publication.first_pdf.file.path)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            f"/admin/publications/publication/{publication.pk}/delete/", {"post": "yes"}
        )

    assert not SearchDocument.objects.filter(publication_id=publication.pk).exists()
    assert SearchTerm.objects.get(lexeme="zeppelinmoor").df == 0
    assert not stored.exists()
