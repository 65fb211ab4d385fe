"""Facet counts for a result set: topics, authors, types, years (many-valued fields counted once
per value, so a publication with two topics counts for both)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connections

from publications.models import PublicationType
from search.filters import Condition
from search.replica import search_db

MAX_AUTHORS = 20

# Counted in one pass over at most `facet_limit` documents of the source, with their number;
# only the leading authors are named (a broad query can touch thousands). Names and slugs come
# with the counts, so the facets cost one round trip.
FACETS_SQL = """
    WITH m AS MATERIALIZED (
        SELECT d.type, d.publication_date, d.topic_ids, d.author_ids
          FROM {source}
         LIMIT %(facet_limit)s
    )
    SELECT 'count', '', '', '', count(*) FROM m
    UNION ALL
    SELECT 'topic', tp.id::text, tp.name, tp.slug, c.n
      FROM (SELECT t, count(*) AS n FROM m CROSS JOIN unnest(m.topic_ids) t GROUP BY t) c
      JOIN publications_topic tp ON tp.id = c.t
    UNION ALL
    (SELECT 'author', au.id::text, au.name, au.slug, count(*)
       FROM m CROSS JOIN unnest(m.author_ids) a JOIN publications_author au ON au.id = a
      GROUP BY au.id, au.name, au.slug ORDER BY count(*) DESC, au.name LIMIT %(max_authors)s)
    UNION ALL
    SELECT 'type', m.type, '', '', count(*) FROM m GROUP BY m.type
    UNION ALL
    SELECT 'year', extract(year FROM m.publication_date)::int::text, '', '', count(*)
      FROM m GROUP BY 2
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
    """Counts over the documents meeting the condition (the newest `limit` of them)."""
    source = f"{condition.table} d WHERE {condition.where()} ORDER BY d.publication_date DESC"
    return counted_facets(source, condition.params, limit=limit, estimated=estimated)[1]


def counted_facets(source: str, params: dict, *, limit: int, estimated: bool) -> tuple[int, Facets]:
    """How many documents the source (SQL yielding rows `d` of the documents or their filter
    rows) holds, up to `limit`, and the facet counts over them."""
    sql = FACETS_SQL.format(source=source)
    with connections[search_db()].cursor() as cursor:
        cursor.execute(sql, {**params, "facet_limit": limit, "max_authors": MAX_AUTHORS})
        rows = cursor.fetchall()
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    named: dict[str, list[dict]] = defaultdict(list)
    for facet, key, name, slug, count in rows:
        if facet in ("topic", "author"):
            named[facet].append({"slug": slug, "name": name, "count": count})
        else:
            counts[facet][key] = count
    facets = Facets(
        topics=_by_count_and_name(named["topic"]),
        authors=_by_count_and_name(named["author"]),
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
    return counts["count"][""], facets


def _by_count_and_name(items: list[dict]) -> list[dict]:
    return sorted(items, key=lambda item: (-item["count"], item["name"]))


def _by_count(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
