"""How search documents become tsvectors: the configuration, the weights, the size limits.

A pure module (no models imported), as djangoproject.com keeps its vector builders, so the
generated columns, the migrations and the query side agree on one definition.
"""

from django.contrib.postgres.search import SearchVector

# english stemming with accents folded (created by search's first migration).
CONFIG = "english_unaccent"
# Surface words for "did you mean": lower-cased, unaccented, not stemmed.
VOCABULARY_CONFIG = "simple_unaccent"

# PostgreSQL refuses a tsvector over 1 MB; a page is cut well before that and flagged.
MAX_PAGE_CHARACTERS = 200_000


def document_vector() -> SearchVector:
    """Title and author names weigh A, topics and abstract B; the full text (C) is in the
    pages' vectors alone."""
    return SearchVector("title", "authors_text", weight="A", config=CONFIG) + SearchVector(
        "topics_text", "abstract", weight="B", config=CONFIG
    )


def section_vector() -> SearchVector:
    """The body, section by section: weight C, between the abstract (B) and the files' text."""
    return SearchVector("text", weight="C", config=CONFIG)


def page_vector_sql(text: str) -> str:
    """SQL for a page's vector from the SQL expression `text` (the catalogue's page text, cut to
    MAX_PAGE_CHARACTERS by the caller). BM25F reads it as field D (search.ranking.scoring) by its
    table, never by this letter C: the vectors were generated as C before the body existed, and
    snippets rank a page's and a section's (C) matches against each other with ts_rank_cd, which
    weighs the letters, so every page keeps C."""
    return f"setweight(to_tsvector('{CONFIG}'::regconfig, coalesce({text}, '')), 'C')"
