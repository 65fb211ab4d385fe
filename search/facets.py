"""Facet counts for a result set: topics, authors, types, years (many-valued fields counted once
per value, so a publication with two topics counts for both)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection

from publications.models import Author, PublicationType, Topic
from search.filters import Condition

MAX_AUTHORS = 20

FACETS_SQL = """
    WITH m AS (
        SELECT d.type, d.publication_date, d.topic_ids, d.author_ids
          FROM search_searchdocument d
         WHERE {where}
         ORDER BY d.publication_date DESC
         LIMIT %(facet_limit)s
    )
    SELECT 'topic', t::text, count(*) FROM m CROSS JOIN unnest(m.topic_ids) t GROUP BY t
    UNION ALL
    SELECT 'author', a::text, count(*) FROM m CROSS JOIN unnest(m.author_ids) a GROUP BY a
    UNION ALL
    SELECT 'type', m.type, count(*) FROM m GROUP BY m.type
    UNION ALL
    SELECT 'year', extract(year FROM m.publication_date)::int::text, count(*) FROM m GROUP BY 2
"""


@dataclass
class Facets:
    topics: list[dict] = field(default_factory=list)
    authors: list[dict] = field(default_factory=list)
    types: list[dict] = field(default_factory=list)
    years: list[dict] = field(default_factory=list)
    estimated: bool = False

    def as_dict(self) -> dict:
        return {
            "topics": self.topics,
            "authors": self.authors,
            "types": self.types,
            "years": self.years,
        }


def count_facets(condition: Condition, *, limit: int, estimated: bool) -> Facets:
    """Counts over the documents meeting the condition (the first `limit` of them)."""
    with connection.cursor() as cursor:
        cursor.execute(
            FACETS_SQL.format(where=condition.where()), {**condition.params, "facet_limit": limit}
        )
        rows = cursor.fetchall()
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for facet, key, count in rows:
        counts[facet][key] = count
    return Facets(
        topics=_named(Topic.objects, counts["topic"]),
        authors=_named(Author.objects, counts["author"])[:MAX_AUTHORS],
        types=[
            {"key": key, "label": PublicationType(key).label, "count": count}
            for key, count in _by_count(counts["type"])
            if key in PublicationType.values
        ],
        years=sorted(
            ({"year": int(key), "count": count} for key, count in counts["year"].items()),
            key=lambda item: -item["year"],
        ),
        estimated=estimated,
    )


def _named(manager, counts: dict[str, int]) -> list[dict]:
    ids = [int(key) for key in counts]
    names = {row["id"]: row for row in manager.filter(id__in=ids).values("id", "name", "slug")}
    items = [
        {"slug": names[int(key)]["slug"], "name": names[int(key)]["name"], "count": count}
        for key, count in counts.items()
        if int(key) in names
    ]
    return sorted(items, key=lambda item: (-item["count"], item["name"]))


def _by_count(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
