"""A page says which of the publication's files it is of (publications migration 0006 gave
publications several files): filled from the catalogue's pages in SQL, nothing indexed again."""

from django.db import migrations, models

FILL_SQL = """
    UPDATE search_searchpage sp SET file_id = pg.file_id
      FROM publications_publicationpage pg
     WHERE pg.publication_id = sp.document_id AND pg.number = sp.number
       AND pg.file_id IS NOT NULL;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0010_body_field"),
        ("publications", "0006_files"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchpage",
            name="file_id",
            field=models.IntegerField(null=True),
        ),
        migrations.RunSQL(FILL_SQL, migrations.RunSQL.noop),
        migrations.RemoveConstraint(model_name="searchpage", name="search_page_unique"),
        migrations.AddConstraint(
            model_name="searchpage",
            constraint=models.UniqueConstraint(
                fields=("document", "file_id", "number"),
                name="search_page_unique",
                nulls_distinct=False,
            ),
        ),
    ]
