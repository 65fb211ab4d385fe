import datetime

import pytest
from django.http import QueryDict

from search.filters import Filters
from search.forms import SearchForm
from search.query import MAX_QUERY_CHARACTERS
from tests.factories import AuthorFactory, TopicFactory

pytestmark = pytest.mark.django_db


def parsed(query: str, **kwargs):
    form = SearchForm(QueryDict(query), **kwargs)
    valid = form.is_valid()
    return valid, form, form.search_request()


def test_defaults_are_page_one_twenty_results_by_relevance():
    valid, _, request = parsed("")

    assert valid
    assert (request.query, request.page, request.page_size, request.sort) == (
        "",
        1,
        20,
        "relevance",
    )
    assert request.filters == Filters()


def test_a_long_query_is_cut_not_refused():
    valid, _, request = parsed("q=" + "word+" * 2000)

    assert valid
    assert 0 < len(request.query) <= MAX_QUERY_CHARACTERS


def test_control_characters_in_the_query_become_spaces():
    valid, _, request = parsed("q=ports%00and%1Bharbours")

    assert valid
    assert request.query == "ports and harbours"


def test_slugs_become_ids_and_dates_are_read():
    topic, author = TopicFactory(name="Trade"), AuthorFactory(name="Ana Ruiz")

    valid, _, request = parsed(
        "topic=trade&author=ana-ruiz&type=report&type=book"
        "&published_after=2020-01-31&published_before=2021-02-01&sort=oldest&page=3&page_size=7"
    )

    assert valid
    assert request.filters == Filters(
        topic_ids=(topic.pk,),
        author_ids=(author.pk,),
        types=("report", "book"),
        published_after=datetime.date(2020, 1, 31),
        published_before=datetime.date(2021, 2, 1),
    )
    assert (request.page, request.page_size, request.sort) == (3, 7, "oldest")


def test_slugs_that_name_nothing_make_the_filter_impossible():
    TopicFactory(name="Trade")

    assert parsed("topic=nope")[2].filters.impossible
    assert parsed("author=nope")[2].filters.impossible
    assert not parsed("topic=nope&topic=trade")[2].filters.impossible


def test_deep_paging_stops_at_ten_thousand_results():
    assert parsed("page=500&page_size=20")[0]
    assert not parsed("page=501&page_size=20")[0]
    assert parsed("page=100&page_size=100")[0]
    assert not parsed("page=101&page_size=100")[0]


def test_malformed_values_count_as_absent_for_the_page():
    valid, form, request = parsed("page=x&page_size=1000&sort=best&type=pamphlet&q=ports")

    assert not valid
    assert set(form.errors) == {"page", "page_size", "sort", "type"}
    assert (request.query, request.page, request.page_size, request.sort) == (
        "ports",
        1,
        20,
        "relevance",
    )
    assert request.filters.types == ()


def test_the_page_may_set_its_own_default_page_size():
    assert parsed("", default_page_size=12)[2].page_size == 12
