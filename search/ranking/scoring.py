"""BM25F, the one definition of a score (Robertson, Zaragoza and Taylor, "Simple BM25 extension
to multiple weighted fields", 2004; IDF as Lucene's BM25).

Each field is length-normalised on its own (a long report's title is not diluted by its body),
then the fields are summed with their weights into one pseudo-frequency, saturated with k1 into
the term's "impact"; a score is the sum over the query's terms of IDF times impact.

The index stores only what does not depend on the rest of the collection: per posting the
term's frequency in each field, per document its field lengths. The averages and IDF are applied
where a score is computed, with the collection's current statistics, so a score never depends on
the order in which documents were indexed. The impact-ordered blocks are the one place impacts
are stored, computed with the averages of the moment they were built and kept beside them:
`impact_bounds` says how far those impacts can be from today's, so bounds stay valid while the
statistics move.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

K1 = 1.2
# Field weight and length normalisation (b) per tsvector weight, the one place they are set:
# A = title and authors, B = topics and abstract, C = the body (web text, per section),
# D = the full text of the files (per page). The body weighs between the abstract and the
# files: it is written for the web, the files' text carries running heads, tables and notes.
FIELDS = {"a": (3.0, 0.3), "b": (1.5, 0.6), "c": (1.25, 0.75), "d": (1.0, 0.75)}


@dataclass(frozen=True)
class CollectionStats:
    """What scores are computed with: the document count (for IDF) and the average lengths."""

    documents: int
    average_length_a: float
    average_length_b: float
    average_length_c: float
    average_length_d: float

    def averages(self) -> dict[str, float]:
        """The averages as the parameters `impact_sql` names."""
        return {
            "average_a": self.average_length_a,
            "average_b": self.average_length_b,
            "average_c": self.average_length_c,
            "average_d": self.average_length_d,
        }


def idf(documents: int, df: int) -> float:
    """Lucene's BM25 IDF: never negative, highest for the rarest terms."""
    df = max(df, 1)
    return math.log(1 + (max(documents, df) - df + 0.5) / (df + 0.5))


def impact_sql(posting: str = "sp", lengths: str = "l") -> str:
    """SQL for a posting's impact: `posting` names a row with a tf_<field> per field, `lengths`
    one with a length_<field>; the averages are the parameters average_<field>."""
    # In double precision throughout: a bare literal such as 0.3 is numeric in PostgreSQL,
    # which is slower and would make the whole expression numeric.
    parts = " + ".join(
        f"{weight}::float8 * {posting}.tf_{field} / (1 - {b}::float8 + {b}::float8"
        f" * {lengths}.length_{field} / GREATEST(%(average_{field})s::float8, 1))"
        for field, (weight, b) in FIELDS.items()
    )
    return f"(({parts}) * {K1 + 1}::float8 / (({parts}) + {K1}::float8))"


def impact_bounds(built: tuple[float, ...], now: CollectionStats) -> tuple[float, float]:
    """Factors (low, high) such that an impact computed with the averages `built` times low is at
    most, and times high at least, the same posting's impact with today's averages.

    A field's normaliser 1 - b + b * length / average changes by at most the ratio of the two
    averages, so the pseudo-frequency does too; saturation x -> x (k1 + 1) / (x + k1) is concave
    and 0 at 0, so it scales by no more than its argument did. Both factors are 1 when the
    averages are the same.
    """
    ratios = [
        max(average, 1) / max(before, 1)
        for before, average in zip(built, now.averages().values(), strict=True)
    ]
    return min(1.0, *ratios), max(1.0, *ratios)
