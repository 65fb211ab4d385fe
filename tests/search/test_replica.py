"""The read replica that serves search: DATABASE_REPLICA_URL adds a `replica` alias (a test
mirror of the primary), and the router sends the index's reads there and nothing else."""

from __future__ import annotations

import copy
import json

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.test.utils import CaptureQueriesContext

from newsletter.models import Subscriber
from publications.models import Publication
from search.index.writes import index_publication
from search.models import SearchDocument, SearchQuery
from search.replica import REPLICA, search_db
from tests.factories import PublicationFactory
from tests.production import production_env, run_python
from tests.search.indexed import indexed

PRINT_DATABASES = (
    "import json, django; from django.conf import settings; django.setup(); "
    "from search.replica import search_db; "
    "print(json.dumps({'databases': settings.DATABASES, 'search_db': search_db()}, default=str))"
)
REPLICA_URL = "postgres://reader:secret@replica.internal:5433/publications"
INDEX_TABLES = ("search_searchdocument", "search_searchposting", "search_searchterm")


def configured(**env: str) -> dict:
    result = run_python(["-c", PRINT_DATABASES], production_env(**env))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def replica_alias(django_db_setup, django_db_blocker):
    """A `replica` alias on the test database, as DATABASE_REPLICA_URL's test mirror is, with a
    read-only session so that a write through it fails. Module-scoped: it must exist before a
    test declares it among its databases. A replica the run configured comes back after."""
    configured_before = connections.settings.get(REPLICA)
    replica_settings = copy.deepcopy(connections.settings[DEFAULT_DB_ALIAS])
    replica_settings["TEST"] = {**replica_settings["TEST"], "MIRROR": DEFAULT_DB_ALIAS}
    replica_settings["OPTIONS"] = {
        **replica_settings["OPTIONS"],
        "options": "-c default_transaction_read_only=on",
    }
    with django_db_blocker.unblock():
        _drop_replica_connection()
        connections.settings[REPLICA] = replica_settings
        yield REPLICA
        _drop_replica_connection()
    if configured_before is None:
        del connections.settings[REPLICA]
    else:
        connections.settings[REPLICA] = configured_before


def _drop_replica_connection() -> None:
    if REPLICA in connections.settings:
        connections[REPLICA].close()
        del connections[REPLICA]


# Committed data (a transactional test) is what a second connection to the database sees.
with_replica = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])


@pytest.fixture
def replica(replica_alias):
    return connections[replica_alias]


def test_without_a_replica_url_there_is_no_replica():
    plain = configured()

    assert list(plain["databases"]) == ["default"]
    assert plain["search_db"] == "default"


def test_a_replica_url_adds_a_replica_alias_mirrored_in_tests():
    configured_replica = configured(DATABASE_REPLICA_URL=REPLICA_URL)

    replica_settings = configured_replica["databases"]["replica"]
    assert configured_replica["search_db"] == "replica"
    assert replica_settings["HOST"] == "replica.internal"
    assert replica_settings["PORT"] == 5433
    assert replica_settings["USER"] == "reader"
    assert replica_settings["TEST"]["MIRROR"] == "default"
    assert configured_replica["databases"]["default"]["HOST"] != "replica.internal"


def test_a_replica_url_that_is_not_postgresql_is_refused():
    result = run_python(
        ["manage.py", "check"], production_env(DATABASE_REPLICA_URL="sqlite:///replica.db")
    )

    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL must point to PostgreSQL" in result.stderr


@with_replica
def test_the_router_sends_index_reads_to_the_replica_and_everything_else_to_the_primary(replica):
    assert search_db() == REPLICA
    assert router.db_for_read(SearchDocument) == REPLICA
    assert router.db_for_read(SearchQuery) == REPLICA
    assert router.db_for_read(Publication) == DEFAULT_DB_ALIAS
    assert router.db_for_read(Subscriber) == DEFAULT_DB_ALIAS
    assert router.db_for_write(SearchDocument) == DEFAULT_DB_ALIAS
    assert router.db_for_write(SearchQuery) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "search")
    assert not router.allow_migrate(REPLICA, "search")
    assert not router.allow_migrate(REPLICA, "publications")


@with_replica
def test_inside_a_transaction_on_the_primary_index_reads_stay_there(replica):
    with transaction.atomic():
        assert search_db() == DEFAULT_DB_ALIAS
        assert router.db_for_read(SearchDocument) == DEFAULT_DB_ALIAS
    assert search_db() == REPLICA


@with_replica
def test_a_search_reads_the_index_from_the_replica_and_logs_on_the_primary(replica, client):
    publication = indexed(
        title="Burden sharing in the Pacific alliance",
        pages=["An introduction.", "Burden sharing, costed ally by ally."],
    )
    PublicationFactory(title="Tariffs and trade remedies")

    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        response = client.get("/api/search", {"q": "burden sharing"})

    assert response.status_code == 200
    assert [result["slug"] for result in response.json()["results"]] == [publication.slug]
    assert response.json()["results"][0]["pages"] == [2]
    replica_sql = [query["sql"] for query in on_replica.captured_queries]
    primary_sql = [query["sql"] for query in on_primary.captured_queries]
    for table in (*INDEX_TABLES, "search_searchpage", "search_searchstats"):
        assert any(table in sql for sql in replica_sql), table
    assert not any(table in sql for sql in primary_sql for table in INDEX_TABLES)
    # The catalogue (what is public, its names) comes from the primary; so does the one write.
    assert any("publications_publication" in sql for sql in primary_sql)
    assert any(sql.lstrip().startswith("INSERT INTO search_searchquery") for sql in primary_sql)
    assert SearchQuery.objects.using(DEFAULT_DB_ALIAS).get().text == "burden sharing"


@with_replica
def test_indexing_reads_and_writes_the_primary_only(replica):
    publication = PublicationFactory(title="Shipbuilding capacity")

    with CaptureQueriesContext(replica) as on_replica:
        index_publication(publication.pk)

    assert on_replica.captured_queries == []
    assert SearchDocument.objects.using(DEFAULT_DB_ALIAS).filter(pk=publication.pk).exists()
