"""The search index: its own tables beside the catalogue, kept current in the catalogue's
transactions. Megabytes of text live here, off the rows that lists read."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from search.index.vectors import document_vector, section_vector


class SearchDocument(models.Model):
    """One publication as search sees it: weighted text, plus what filters and facets read."""

    publication = models.OneToOneField(
        "publications.Publication",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
        db_constraint=True,
    )
    title = models.TextField()
    authors_text = models.TextField(blank=True)
    topics_text = models.TextField(blank=True)
    abstract = models.TextField(blank=True)
    vector = models.GeneratedField(
        expression=document_vector(), output_field=SearchVectorField(), db_persist=True
    )
    # Copies for filtering and faceting without joins (a generated column cannot read them).
    # visible_from: when the public may see it (publications' one visibility rule; null never).
    visible_from = models.DateTimeField(null=True)
    publication_date = models.DateField()
    type = models.CharField(max_length=32)
    topic_ids = ArrayField(models.IntegerField(), default=list)
    author_ids = ArrayField(models.IntegerField(), default=list)
    # Field lengths (indexed words) for BM25F's length normalisation, per field.
    length_a = models.IntegerField(default=0)
    length_b = models.IntegerField(default=0)
    length_c = models.IntegerField(default=0)
    length_d = models.IntegerField(default=0)
    truncated = models.BooleanField(default=False)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            GinIndex(fields=["vector"], name="search_doc_vector_gin"),
            GinIndex(fields=["topic_ids"], name="search_doc_topics_gin"),
            GinIndex(fields=["author_ids"], name="search_doc_authors_gin"),
            models.Index(fields=["-publication_date"], name="search_doc_date_idx"),
        ]

    def __str__(self):
        return self.title


class SearchFilterRow(models.Model):
    """A document's filter and facet columns alone, ~120 bytes a row against the ~1.6 kB of a
    search document (at 1,000,000 publications a 119 MB table beside a 1,590 MB one): listing
    or counting a filter's documents (a topic holds tens of thousands, on every page) reads the
    small table. Written with its document, in the same transaction; the document keeps its own
    copies for conditions that also read its vector (phrases, exclusions), so those need no
    join."""

    # Its column named as the document's, so one condition reads the same on either table.
    document = models.OneToOneField(
        SearchDocument,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="filter_row",
        db_column="publication_id",
    )
    visible_from = models.DateTimeField(null=True)
    publication_date = models.DateField()
    type = models.CharField(max_length=32)
    topic_ids = ArrayField(models.IntegerField(), default=list)
    author_ids = ArrayField(models.IntegerField(), default=list)
    # The document's field lengths, read with its postings wherever a score is computed: the
    # length normalisation is applied at query time, with the current averages.
    length_a = models.IntegerField(default=0)
    length_b = models.IntegerField(default=0)
    length_c = models.IntegerField(default=0)
    length_d = models.IntegerField(default=0)

    class Meta:
        indexes = [
            GinIndex(fields=["topic_ids"], name="search_filter_topics_gin"),
            GinIndex(fields=["author_ids"], name="search_filter_authors_gin"),
            models.Index(fields=["-publication_date"], name="search_filter_date_idx"),
            # The few documents not visible yet (scheduled), set aside before ranking.
            models.Index(fields=["visible_from"], name="search_filter_visible_idx"),
        ]

    def __str__(self):
        return str(self.document_id)


class SearchPage(models.Model):
    """One page of a publication's PDF as search reads it: its words and their positions, for
    postings, phrase checks and page-level hits. The text itself is the catalogue's alone
    (publications.PublicationPage, where snippets read it): the index does not keep a copy."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="pages")
    # The publication file the page is of (null: an import's plain text). No foreign key: the
    # pages are rewritten from the catalogue's on every index write.
    file_id = models.IntegerField(null=True)
    number = models.PositiveIntegerField()
    # Written from the catalogue's text by documents.PAGES_SQL (vectors.page_vector_sql).
    vector = SearchVectorField()

    class Meta:
        # Pages are only ever read by their document (postings, phrase checks, snippets), through
        # this constraint's index: a GIN index over their vectors cost half of a page's write.
        constraints = [
            models.UniqueConstraint(
                fields=["document", "file_id", "number"],
                name="search_page_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        return f"{self.document_id} p.{self.number}"


class SearchSection(models.Model):
    """One section of a publication's body (its text under one heading, the heading included),
    for the body's field of BM25F, hits that link to the heading's anchor, and snippets."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveIntegerField()
    anchor = models.CharField(max_length=200, blank=True)  # "" before the first heading
    heading = models.TextField(blank=True)
    text = models.TextField(blank=True)
    vector = models.GeneratedField(
        expression=section_vector(), output_field=SearchVectorField(), db_persist=True
    )

    class Meta:
        # Read only by their document, as pages are.
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="search_section_unique"),
        ]

    def __str__(self):
        return f"{self.document_id} §{self.number}"


class SearchTerm(models.Model):
    """A lexeme of the index and how many documents hold it (BM25's document frequency)."""

    id = models.AutoField(primary_key=True)
    lexeme = models.TextField()
    df = models.IntegerField(default=0)

    class Meta:
        # A constraint, not unique=True, which on PostgreSQL adds a second index for LIKE that
        # nothing here asks and every new term paid for (the planner even chose it for equality).
        constraints = [models.UniqueConstraint(fields=["lexeme"], name="search_term_lexeme_key")]

    def __str__(self):
        return self.lexeme


class SearchPosting(models.Model):
    """A term in a document: how often it stands in each field. Scores are computed from these
    and the document's field lengths with the collection's current statistics wherever they are
    read (search.ranking.scoring), so no posting depends on when it was written."""

    # The largest table: its key is (document, term), and one more index lists a term's documents.
    pk = models.CompositePrimaryKey("document", "term_id")
    document = models.ForeignKey(
        SearchDocument, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    term_id = models.IntegerField()
    tf_a = models.IntegerField(default=0)
    tf_b = models.IntegerField(default=0)
    tf_c = models.IntegerField(default=0)
    tf_d = models.IntegerField(default=0)

    class Meta:
        # A term's documents, for its blocks and the lists that match; the document only
        # included, so that probes for (document, term) take the primary key, where a document's
        # postings lie together (a candidate's terms read on one page, not one page each).
        indexes = [
            models.Index(fields=["term_id"], include=["document"], name="search_posting_term"),
        ]

    def __str__(self):
        return f"{self.term_id}@{self.document_id}"


class SearchBlock(models.Model):
    """A run of one term's postings in impact order (best first), packed as two arrays: a query
    reads a term's best postings a few rows at a time, however long its list. Derived from the
    postings by `search.index.blocks` with the scoring averages of the moment (kept on the row, so a
    reader knows how far the impacts may be from today's); documents changed since are listed
    in SearchStaleDocument."""

    pk = models.CompositePrimaryKey("term_id", "number")
    term_id = models.IntegerField()
    number = models.IntegerField()  # 0 holds the term's best postings
    floor = models.FloatField()  # the smallest impact in the block: a bound on all later ones
    size = models.IntegerField()
    # Big-endian int8 publication ids and float4 impacts, in the same order.
    documents = models.BinaryField()
    impacts = models.BinaryField()
    # The average field lengths the impacts were computed with.
    average_a = models.FloatField(default=1.0)
    average_b = models.FloatField(default=1.0)
    average_c = models.FloatField(default=1.0)
    average_d = models.FloatField(default=1.0)

    def __str__(self):
        return f"{self.term_id}#{self.number}"


class SearchStaleDocument(models.Model):
    """A document written (or removed) since the blocks were last built: the blocks' entries for
    it are ignored and its score read from the postings, until the next compaction."""

    id = models.BigAutoField(primary_key=True)
    document_id = models.IntegerField(db_index=True)  # no foreign key: removals are listed too

    def __str__(self):
        return str(self.document_id)


class SearchStaleTerm(models.Model):
    """A term whose postings lost a document since the blocks were built (the document changed
    or left): its blocks are rebuilt at the next compaction, with the terms stale documents hold
    now."""

    id = models.BigAutoField(primary_key=True)
    term_id = models.IntegerField()

    def __str__(self):
        return str(self.term_id)


class SearchWord(models.Model):
    """Surface words of titles, abstracts, topics and names: the vocabulary "did you mean"
    corrects towards."""

    word = models.TextField()
    df = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["word"], name="search_word_word_key")]
        indexes = [
            GinIndex(OpClass("word", name="gin_trgm_ops"), name="search_word_trgm"),
        ]

    def __str__(self):
        return self.word


class SearchStats(models.Model):
    """Collection statistics for BM25F. The count and the length totals are kept exact by every
    index write, in its transaction; the averages scores are computed with follow them, moved
    whenever they drift past the tolerance (search.index.statistics)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    documents = models.IntegerField(default=0)
    total_length_a = models.BigIntegerField(default=0)
    total_length_b = models.BigIntegerField(default=0)
    total_length_c = models.BigIntegerField(default=0)
    total_length_d = models.BigIntegerField(default=0)
    # The averages every score is computed with (scoring averages).
    average_length_a = models.FloatField(default=1.0)
    average_length_b = models.FloatField(default=1.0)
    average_length_c = models.FloatField(default=1.0)
    average_length_d = models.FloatField(default=1.0)
    updated_at = models.DateTimeField(auto_now=True)
    # When every term's blocks were last built from the postings; until then (an index from
    # before blocks existed) ranking scores from the postings alone.
    blocks_built_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.documents} documents"


class SearchQuery(models.Model):
    """What readers search for, counted per normalised query; nothing about who searched."""

    text = models.CharField(max_length=200, unique=True)
    searches = models.PositiveIntegerField(default=0)
    zero_results = models.PositiveIntegerField(default=0)
    last_results = models.PositiveIntegerField(default=0)
    last_searched_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "search queries"

    def __str__(self):
        return self.text
