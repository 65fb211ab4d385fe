from django.db import migrations, models

# Postings keep each term's frequency per field instead of an impact computed with the averages
# of the day they were written; scores apply the current statistics where they are read. The
# existing postings are counted again from the documents' vectors (nothing is extracted again),
# the lengths copied to the filter rows, the totals measured, and the blocks left for the next
# compaction to build (ranking scores from the postings until then).
EMPTY_SQL = """
    TRUNCATE search_searchposting, search_searchblock, search_searchstaledocument,
             search_searchstaleterm
"""

POSTINGS_SQL = """
    INSERT INTO search_searchposting (document_id, term_id, tf_a, tf_b, tf_c)
    SELECT x.doc, t.id, sum(x.tfa), sum(x.tfb), sum(x.tfc)
      FROM (SELECT d.publication_id AS doc, u.lexeme,
                   cardinality(array_positions(u.weights, 'A')) AS tfa,
                   cardinality(array_positions(u.weights, 'B')) AS tfb,
                   0 AS tfc
              FROM search_searchdocument d CROSS JOIN LATERAL unnest(d.vector) u
             WHERE u.weights && ARRAY['A', 'B']
            UNION ALL
            SELECT p.document_id, u.lexeme, 0, 0, cardinality(u.positions)
              FROM search_searchpage p CROSS JOIN LATERAL unnest(p.vector) u) x
      JOIN search_searchterm t ON t.lexeme = x.lexeme
     GROUP BY x.doc, t.id
    HAVING sum(x.tfa) + sum(x.tfb) + sum(x.tfc) > 0
"""

LENGTHS_SQL = """
    UPDATE search_searchfilterrow f
       SET length_a = d.length_a, length_b = d.length_b, length_c = d.length_c
      FROM search_searchdocument d
     WHERE d.publication_id = f.publication_id
"""

STATS_SQL = """
    UPDATE search_searchstats s
       SET documents = m.n, total_length_a = m.a, total_length_b = m.b, total_length_c = m.c,
           average_length_a = greatest(m.a::float8 / greatest(m.n, 1), 1),
           average_length_b = greatest(m.b::float8 / greatest(m.n, 1), 1),
           average_length_c = greatest(m.c::float8 / greatest(m.n, 1), 1),
           blocks_built_at = NULL
      FROM (SELECT count(*) AS n, coalesce(sum(length_a), 0) AS a,
                   coalesce(sum(length_b), 0) AS b, coalesce(sum(length_c), 0) AS c
              FROM search_searchfilterrow) m
     WHERE s.id = 1
"""


class Migration(migrations.Migration):
    dependencies = [("search", "0004_filter_rows")]

    operations = [
        migrations.RunSQL(EMPTY_SQL, migrations.RunSQL.noop),
        migrations.RemoveIndex(model_name="searchposting", name="search_posting_impact"),
        migrations.RemoveField(model_name="searchposting", name="impact"),
        migrations.AddField(
            model_name="searchposting", name="tf_a", field=models.IntegerField(default=0)
        ),
        migrations.AddField(
            model_name="searchposting", name="tf_b", field=models.IntegerField(default=0)
        ),
        migrations.AddField(
            model_name="searchposting", name="tf_c", field=models.IntegerField(default=0)
        ),
        migrations.AddField(
            model_name="searchfilterrow", name="length_a", field=models.IntegerField(default=0)
        ),
        migrations.AddField(
            model_name="searchfilterrow", name="length_b", field=models.IntegerField(default=0)
        ),
        migrations.AddField(
            model_name="searchfilterrow", name="length_c", field=models.IntegerField(default=0)
        ),
        migrations.AddField(
            model_name="searchblock", name="average_a", field=models.FloatField(default=1.0)
        ),
        migrations.AddField(
            model_name="searchblock", name="average_b", field=models.FloatField(default=1.0)
        ),
        migrations.AddField(
            model_name="searchblock", name="average_c", field=models.FloatField(default=1.0)
        ),
        migrations.AddField(
            model_name="searchstats",
            name="total_length_a",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="searchstats",
            name="total_length_b",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="searchstats",
            name="total_length_c",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunSQL(POSTINGS_SQL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="searchposting",
            index=models.Index(fields=["term_id", "document"], name="search_posting_term"),
        ),
        migrations.RunSQL(LENGTHS_SQL, migrations.RunSQL.noop),
        migrations.RunSQL(STATS_SQL, migrations.RunSQL.noop),
    ]
