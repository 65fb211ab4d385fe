from django.db import migrations


class Migration(migrations.Migration):
    """Room on each page of the vocabulary, as 0003 gave the terms: every index write adds to
    the document frequency of each surface word of the titles and abstracts it writes, and on
    full pages each of those updates wrote the word again into its unique index and its
    trigram index (an import of 20,000 abstracts spent 20 of its 97 seconds there). With room,
    they are heap-only updates that leave the indexes alone. Pages written from now on keep
    the room; a rebuild writes every page so."""

    dependencies = [("search", "0012_pages_without_text")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE search_searchword SET (fillfactor = 50)",
            "ALTER TABLE search_searchword RESET (fillfactor)",
        ),
    ]
