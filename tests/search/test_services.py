import threading

import pytest
from django.db import connection

from search.models import SearchQuery
from search.services import search_log_query
from tests.search.shelf import make_shelf


def logged() -> dict[str, tuple[int, int, int]]:
    return {
        row.text: (row.searches, row.zero_results, row.last_results)
        for row in SearchQuery.objects.all()
    }


@pytest.mark.django_db
def test_log_counts_searches_and_those_that_found_nothing():
    search_log_query(text="tariffs", results=3)
    search_log_query(text="tariffs", results=0)
    search_log_query(text="tariffs", results=2)
    search_log_query(text="securty", results=0)

    assert logged() == {"tariffs": (3, 1, 2), "securty": (1, 1, 0)}


@pytest.mark.django_db
def test_log_counts_a_query_under_its_normal_form():
    search_log_query(text="  Energy   SECURITY\t", results=1)
    search_log_query(text="energy security", results=1)
    search_log_query(text="energy\x00security", results=1)

    assert logged() == {"energy security": (3, 0, 1)}


@pytest.mark.django_db
def test_log_keeps_at_most_200_characters():
    search_log_query(text="word " * 100, results=0)

    (text,) = logged()
    assert len(text) <= 200
    assert text.startswith("word word")
    assert text == text.strip()


@pytest.mark.django_db
def test_blank_queries_are_not_logged():
    search_log_query(text=" \x00 \t", results=5)

    assert logged() == {}


@pytest.mark.django_db
def test_log_keeps_no_personal_data():
    fields = {field.name for field in SearchQuery._meta.get_fields()}

    assert fields == {"id", "text", "searches", "zero_results", "last_results", "last_searched_at"}


@pytest.mark.django_db(transaction=True)
def test_concurrent_searches_for_the_same_words_are_all_counted():
    barrier = threading.Barrier(4)
    errors = []

    def search_often():
        try:
            barrier.wait()
            for _ in range(10):
                search_log_query(text="Same Words", results=0)
        except Exception as error:  # noqa: BLE001 - reported to the test thread below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=search_often) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert logged() == {"same words": (40, 40, 0)}


@pytest.mark.django_db
def test_the_api_and_the_page_log_first_pages_of_searches_with_words(client):
    make_shelf()

    client.get("/api/search?q=Tariffs")
    client.get("/search/?q=tariffs")
    client.get("/search/?q=tariffs&page=2")
    client.get("/api/search?q=nothingmatchesthis")
    client.get("/api/search?q=&topic=trade")
    client.get("/search/")
    client.get("/api/search?q=tariffs&page=0")  # refused: not a search

    assert logged() == {"tariffs": (2, 0, 3), "nothingmatchesthis": (1, 1, 0)}


@pytest.mark.django_db
def test_logging_a_search_commits_without_waiting_for_the_disk():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('synchronous_commit')")
        before = cursor.fetchone()[0]
        search_log_query(text="tariffs", results=3)
        # Set for the logging transaction alone (here the test's own, still open).
        cursor.execute("SELECT current_setting('synchronous_commit')")
        during = cursor.fetchone()[0]

    assert (before, during) == ("on", "off")
    assert logged() == {"tariffs": (1, 0, 3)}
