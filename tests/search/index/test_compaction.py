"""Compaction of the ranking blocks beside other connections: one at a time, and never waiting."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection

from search.index import blocks
from search.models import SearchStaleDocument, SearchStats
from tests.search.indexed import indexed

pytestmark = pytest.mark.django_db


def test_one_compaction_at_a_time_and_a_second_one_skips(settings):
    indexed(title="Harbour cranes")
    database = settings.DATABASES["default"]
    with psycopg.connect(
        host=database["HOST"],
        port=database["PORT"] or None,
        user=database["USER"],
        password=database["PASSWORD"],
        dbname=connection.settings_dict["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [blocks.COMPACTION_LOCK])

        assert blocks.compact() == 0
        assert SearchStaleDocument.objects.exists()

        other.execute("SELECT pg_advisory_unlock(%s)", [blocks.COMPACTION_LOCK])
    assert blocks.compact() > 0
    assert not SearchStaleDocument.objects.exists()
    assert SearchStats.objects.get(pk=1).blocks_built_at is not None
