"""BM25F computed from scratch from the catalogue's own text, reading nothing of search/'s tables:
the reference the engine's ranking is checked against, so a bug in how the index stores or
updates its inputs cannot hide in both.

Fields as the product defines them (README "Search"): A = title, subtitle and author names; B =
topic names and abstract; C = the body, its HTML read by `to_tsvector` whole (PostgreSQL's
parser drops tags and entities; the index splits it at headings instead); D = the files' pages,
each page's words counted on its own (a tsvector keeps at most 256 positions of a word). Term
frequencies and field lengths come from `to_tsvector` of that text; the collection is every
publication that is or will be public (a `visible_from`: scheduled ones count, as they are
indexed), with its document count, average field lengths and document frequencies measured now;
the answer lists the publications the public may see now (`visible_from` has come). The
weights, b and k1 are written out again here rather than imported.
"""

from __future__ import annotations

import math

from django.db import connection
from django.utils import timezone

K1 = 1.2
WEIGHTS = {"a": (3.0, 0.3), "b": (1.5, 0.6), "c": (1.25, 0.75), "d": (1.0, 0.75)}

FREQUENCIES_SQL = """
    WITH indexed AS (
        SELECT p.id, p.visible_from,
               concat_ws(' ', nullif(p.title, ''), nullif(p.subtitle, ''),
                   (SELECT string_agg(au.name, ' ' ORDER BY pa.position, pa.id)
                      FROM publications_publicationauthor pa
                      JOIN publications_author au ON au.id = pa.author_id
                     WHERE pa.publication_id = p.id)) AS field_a,
               concat_ws(' ',
                   (SELECT string_agg(tp.name, ' ' ORDER BY tp.name)
                      FROM publications_publication_topics pt
                      JOIN publications_topic tp ON tp.id = pt.topic_id
                     WHERE pt.publication_id = p.id), p.abstract) AS field_b,
               p.body AS field_c
          FROM publications_publication p
         WHERE p.visible_from IS NOT NULL
    ),
    words AS (
        SELECT i.id, u.lexeme, cardinality(u.positions) AS a, 0 AS b, 0 AS c, 0 AS d
          FROM indexed i CROSS JOIN LATERAL unnest(to_tsvector('english_unaccent', i.field_a)) u
        UNION ALL
        SELECT i.id, u.lexeme, 0, cardinality(u.positions), 0, 0
          FROM indexed i CROSS JOIN LATERAL unnest(to_tsvector('english_unaccent', i.field_b)) u
        UNION ALL
        SELECT i.id, u.lexeme, 0, 0, cardinality(u.positions), 0
          FROM indexed i CROSS JOIN LATERAL unnest(to_tsvector('english_unaccent', i.field_c)) u
        UNION ALL
        SELECT i.id, u.lexeme, 0, 0, 0, cardinality(u.positions)
          FROM indexed i JOIN publications_publicationpage pg ON pg.publication_id = i.id
         CROSS JOIN LATERAL unnest(to_tsvector('english_unaccent', pg.text)) u
    )
    SELECT i.id, i.visible_from, w.lexeme, sum(w.a)::int AS a, sum(w.b)::int AS b,
           sum(w.c)::int AS c, sum(w.d)::int AS d
      FROM indexed i LEFT JOIN words w ON w.id = i.id
     GROUP BY i.id, i.visible_from, w.lexeme
"""

QUERY_LEXEMES_SQL = (
    "SELECT DISTINCT lexeme FROM unnest(tsvector_to_array(to_tsvector('english_unaccent', %s)))"
    " AS q(lexeme)"
)


class Reference:
    """The collection as it is now; `top(query)` ranks it by BM25F over plain words."""

    def __init__(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(FREQUENCIES_SQL)
            rows = cursor.fetchall()
        self.frequencies: dict[int, dict[str, tuple[int, ...]]] = {}
        self.visible: set[int] = set()
        now = timezone.now()
        for pk, visible_from, lexeme, *counts in rows:
            words = self.frequencies.setdefault(pk, {})
            if visible_from <= now:
                self.visible.add(pk)
            if lexeme is not None and sum(counts) > 0:
                words[lexeme] = tuple(int(count) for count in counts)
        fields = range(len(WEIGHTS))
        self.lengths = {
            pk: tuple(sum(tf[n] for tf in words.values()) for n in fields)
            for pk, words in self.frequencies.items()
        }
        count = max(len(self.lengths), 1)
        self.averages = tuple(
            max(sum(lengths[n] for lengths in self.lengths.values()) / count, 1.0) for n in fields
        )
        self.df: dict[str, int] = {}
        for words in self.frequencies.values():
            for lexeme in words:
                self.df[lexeme] = self.df.get(lexeme, 0) + 1

    def score(self, pk: int, lexemes: list[str]) -> float:
        words, lengths = self.frequencies[pk], self.lengths[pk]
        total = 0.0
        for lexeme in lexemes:
            if lexeme not in words:
                continue
            pseudo = sum(
                weight * words[lexeme][n] / (1 - b + b * lengths[n] / self.averages[n])
                for n, (weight, b) in enumerate(WEIGHTS.values())
            )
            total += self._idf(lexeme) * pseudo * (K1 + 1) / (pseudo + K1)
        return total

    def lexemes(self, query: str) -> list[str]:
        """The query's distinct lexemes, as PostgreSQL stems them."""
        with connection.cursor() as cursor:
            cursor.execute(QUERY_LEXEMES_SQL, [query])
            return [row[0] for row in cursor.fetchall()]

    def top(self, query: str, k: int = 10) -> list[tuple[int, float]]:
        """The k best visible publications for these plain words, best first (ties by id)."""
        lexemes = self.lexemes(query)
        scored = [
            (pk, self.score(pk, lexemes))
            for pk in self.visible
            if any(lexeme in self.frequencies[pk] for lexeme in lexemes)
        ]
        return sorted(scored, key=lambda item: (-item[1], item[0]))[:k]

    def _idf(self, lexeme: str) -> float:
        documents, df = len(self.lengths), self.df[lexeme]
        return math.log(1 + (documents - df + 0.5) / (df + 0.5))


def same_top(reference: Reference, query: str, found: list[int], k: int = 10) -> bool:
    """Whether the publications found, in their order, are a top k by the reference: the same
    number, and at each rank the reference's own score at that rank (to 1e-6 relative), so
    documents may trade places only with one of equal score."""
    expected = reference.top(query, k)
    if len(found) != len(expected):
        return False
    lexemes = reference.lexemes(query)
    return all(
        math.isclose(reference.score(pk, lexemes), score, rel_tol=1e-6, abs_tol=1e-9)
        for pk, (_, score) in zip(found, expected, strict=True)
    )


# The same reference for collections too large to hold in memory (the benchmark's): the
# catalogue's term frequencies materialised once in a schema of their own, then each query
# scored in SQL. Still nothing of search/'s tables is read.
SCHEMA = "reference"

MATERIALISE_SQL = [
    f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE",
    f"CREATE SCHEMA {SCHEMA}",
    f"CREATE UNLOGGED TABLE {SCHEMA}.frequencies AS {FREQUENCIES_SQL}",
    f"""CREATE UNLOGGED TABLE {SCHEMA}.documents AS
        SELECT id, visible_from,
               coalesce(sum(a), 0) AS length_a, coalesce(sum(b), 0) AS length_b,
               coalesce(sum(c), 0) AS length_c, coalesce(sum(d), 0) AS length_d
          FROM {SCHEMA}.frequencies GROUP BY id, visible_from""",
    f"DELETE FROM {SCHEMA}.frequencies WHERE lexeme IS NULL OR a + b + c + d = 0",
    f"CREATE INDEX ON {SCHEMA}.frequencies (lexeme)",
    f"CREATE UNIQUE INDEX ON {SCHEMA}.documents (id)",
    f"ANALYZE {SCHEMA}.frequencies, {SCHEMA}.documents",
]

_PSEUDO = " + ".join(
    f"{weight}::float8 * f.{field} / (1 - {b}::float8 + {b}::float8 * d.length_{field}"
    f" / s.average_{field})"
    for field, (weight, b) in WEIGHTS.items()
)

TOP_SQL = f"""
    WITH s AS (
        SELECT count(*) AS n, greatest(avg(length_a), 1) AS average_a,
               greatest(avg(length_b), 1) AS average_b, greatest(avg(length_c), 1) AS average_c,
               greatest(avg(length_d), 1) AS average_d
          FROM {SCHEMA}.documents
    ),
    q AS (SELECT DISTINCT lexeme
            FROM unnest(tsvector_to_array(to_tsvector('english_unaccent', %(query)s))) lexeme),
    df AS (SELECT f.lexeme, count(*) AS df FROM {SCHEMA}.frequencies f JOIN q USING (lexeme)
            GROUP BY f.lexeme)
    SELECT f.id, sum(ln(1 + (s.n - df.df + 0.5) / (df.df + 0.5))
                     * ({_PSEUDO}) * {K1 + 1} / (({_PSEUDO}) + {K1})) AS score
      FROM {SCHEMA}.frequencies f
      JOIN df USING (lexeme)
      JOIN {SCHEMA}.documents d ON d.id = f.id
     CROSS JOIN s
     WHERE d.visible_from <= %(now)s
     GROUP BY f.id
     ORDER BY score DESC, f.id
     LIMIT %(k)s
"""


def materialise() -> None:
    """Count the catalogue's words into the reference schema (minutes at 100,000 publications:
    to_tsvector over all their text)."""
    with connection.cursor() as cursor:
        for statement in MATERIALISE_SQL:
            cursor.execute(statement)


def top_from_sql(query: str, k: int = 10) -> list[tuple[int, float]]:
    """The k best visible publications for these plain words, from the materialised counts."""
    with connection.cursor() as cursor:
        cursor.execute(TOP_SQL, {"query": query, "now": timezone.now(), "k": k})
        return cursor.fetchall()
