"""The index stops keeping the files' text twice: a page's text is the catalogue's alone
(publications_publicationpage, where snippets read it), and its vector, generated from the copy
until now, becomes a plain column written from the catalogue's text. The vectors are kept as they
are (DROP EXPRESSION): nothing is tokenised again."""

import django.contrib.postgres.search
from django.db import migrations

FORWARD_SQL = """
    ALTER TABLE search_searchpage ALTER COLUMN vector DROP EXPRESSION;
    ALTER TABLE search_searchpage ALTER COLUMN vector SET NOT NULL;
    ALTER TABLE search_searchpage DROP COLUMN text;
"""

# Back to a generated column: the copy is filled from the catalogue, then the vectors are
# generated from it again.
BACKWARD_SQL = """
    ALTER TABLE search_searchpage DROP COLUMN vector;
    ALTER TABLE search_searchpage ADD COLUMN text text NOT NULL DEFAULT '';
    UPDATE search_searchpage sp SET text = left(pg.text, 200000)
      FROM publications_publicationpage pg
     WHERE pg.publication_id = sp.document_id AND pg.number = sp.number
       AND pg.file_id IS NOT DISTINCT FROM sp.file_id;
    ALTER TABLE search_searchpage ALTER COLUMN text DROP DEFAULT;
    ALTER TABLE search_searchpage ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english_unaccent'::regconfig, coalesce(text, '')), 'C')) STORED;
"""


class Migration(migrations.Migration):
    dependencies = [("search", "0011_page_file")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(FORWARD_SQL, BACKWARD_SQL)],
            state_operations=[
                migrations.RemoveField(model_name="searchpage", name="text"),
                migrations.RemoveField(model_name="searchpage", name="vector"),
                migrations.AddField(
                    model_name="searchpage",
                    name="vector",
                    field=django.contrib.postgres.search.SearchVectorField(),
                    preserve_default=False,
                ),
            ],
        ),
    ]
