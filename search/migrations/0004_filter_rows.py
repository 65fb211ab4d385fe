import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
from django.db import migrations, models

# The existing documents' filter columns, copied once; the indexes are built after, over the
# whole table, rather than updated row by row.
COPY_SQL = """
    INSERT INTO search_searchfilterrow (
        publication_id, status, publication_date, type, topic_ids, author_ids)
    SELECT publication_id, status, publication_date, type, topic_ids, author_ids
      FROM search_searchdocument
"""


class Migration(migrations.Migration):
    """Narrow rows of the documents' filter and facet columns, so listing or counting a filter's
    documents does not read the wide document rows."""

    dependencies = [("search", "0003_term_fillfactor")]

    operations = [
        migrations.CreateModel(
            name="SearchFilterRow",
            fields=[
                (
                    "document",
                    models.OneToOneField(
                        db_column="publication_id",
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="filter_row",
                        serialize=False,
                        to="search.searchdocument",
                    ),
                ),
                ("status", models.CharField(max_length=16)),
                ("publication_date", models.DateField()),
                ("type", models.CharField(max_length=32)),
                (
                    "topic_ids",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.IntegerField(), default=list, size=None
                    ),
                ),
                (
                    "author_ids",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.IntegerField(), default=list, size=None
                    ),
                ),
            ],
        ),
        migrations.RunSQL(COPY_SQL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="searchfilterrow",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["topic_ids"], name="search_filter_topics_gin"
            ),
        ),
        migrations.AddIndex(
            model_name="searchfilterrow",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["author_ids"], name="search_filter_authors_gin"
            ),
        ),
        migrations.AddIndex(
            model_name="searchfilterrow",
            index=models.Index(fields=["-publication_date"], name="search_filter_date_idx"),
        ),
        migrations.RunSQL("ANALYZE search_searchfilterrow", migrations.RunSQL.noop),
    ]
