import pytest
from django.urls import reverse

from search.models import SearchQuery

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:search_searchquery_changelist"


@pytest.fixture
def log():
    rows = [
        ("popular", 90, 0, 12),
        ("rare gap", 2, 2, 0),
        ("big gap", 30, 30, 0),
        ("fixed now", 50, 10, 4),
        ("quiet", 1, 0, 1),
    ]
    return [
        SearchQuery.objects.create(
            text=text, searches=searches, zero_results=zero, last_results=last
        )
        for text, searches, zero, last in rows
    ]


def listed(response) -> list[str]:
    return [row.text for row in response.context["cl"].result_list]


def test_queries_that_found_nothing_come_first_then_the_most_searched(admin_client, log):
    response = admin_client.get(reverse(CHANGELIST))

    assert listed(response) == ["big gap", "rare gap", "popular", "fixed now", "quiet"]


def test_found_nothing_filter(admin_client, log):
    assert listed(admin_client.get(reverse(CHANGELIST), {"found_nothing": "yes"})) == [
        "big gap",
        "rare gap",
    ]
    assert listed(admin_client.get(reverse(CHANGELIST), {"found_nothing": "ever"})) == [
        "big gap",
        "rare gap",
        "fixed now",
    ]
    assert listed(admin_client.get(reverse(CHANGELIST), {"found_nothing": "no"})) == [
        "popular",
        "fixed now",
        "quiet",
    ]


def test_queries_are_searchable(admin_client, log):
    assert listed(admin_client.get(reverse(CHANGELIST), {"q": "gap"})) == ["big gap", "rare gap"]


def test_changelist_shows_the_counts(admin_client, log):
    html = admin_client.get(reverse(CHANGELIST)).content.decode()

    for heading in ("Searches", "Zero results", "Last results", "Last searched at"):
        assert heading in html


def test_log_is_read_only(admin_client, log):
    change = reverse("admin:search_searchquery_change", args=[log[0].pk])

    assert admin_client.get(reverse("admin:search_searchquery_add")).status_code == 403
    assert admin_client.post(change, {"text": "edited", "searches": 1}).status_code == 403
    assert SearchQuery.objects.get(pk=log[0].pk).text == "popular"
    assert admin_client.get(change).status_code == 200


def test_a_long_query_is_cut_short_in_the_list_and_whole_on_hover_and_in_the_detail(
    admin_client,
):
    text = "x" * 200  # the longest the log keeps, with no space to wrap at
    query = SearchQuery.objects.create(text=text, searches=1, last_results=0)

    html = admin_client.get(reverse(CHANGELIST)).content.decode()

    assert f'<span title="{text}">{"x" * 59}…</span>' in html
    assert f">{text}<" not in html
    detail = admin_client.get(reverse("admin:search_searchquery_change", args=[query.pk]))
    assert text in detail.content.decode()


def test_the_query_column_links_to_the_detail_and_sorts_by_text(admin_client, log):
    response = admin_client.get(reverse(CHANGELIST), {"o": "1"})
    change = reverse("admin:search_searchquery_change", args=[log[2].pk])

    link = f'<a href="{change}?_changelist_filters=o%3D1"><span title="big gap">'
    assert link in response.content.decode()
    assert listed(response) == ["big gap", "fixed now", "popular", "quiet", "rare gap"]
