"""What the index stores for visibility is when a publication becomes public (publications'
visible_from), not its status: scheduled items appear by time, with no write. Filled from the
catalogue in SQL; nothing is indexed again."""

from django.db import migrations, models

FILL_SQL = """
    UPDATE search_searchdocument d SET visible_from = p.visible_from
      FROM publications_publication p WHERE p.id = d.publication_id;
    UPDATE search_searchfilterrow f SET visible_from = d.visible_from
      FROM search_searchdocument d WHERE d.publication_id = f.publication_id;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0008_posting_term_index_includes_the_document"),
        ("publications", "0004_fill_visible_from"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="visible_from",
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name="searchfilterrow",
            name="visible_from",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunSQL(FILL_SQL, migrations.RunSQL.noop),
        migrations.RemoveField(model_name="searchdocument", name="status"),
        migrations.RemoveField(model_name="searchfilterrow", name="status"),
        migrations.AddIndex(
            model_name="searchfilterrow",
            index=models.Index(fields=["visible_from"], name="search_filter_visible_idx"),
        ),
    ]
