from django.db import migrations


class Migration(migrations.Migration):
    """Room on each page of the terms table, so the document-frequency update every indexed
    publication makes (one row per distinct word) is a heap-only update that leaves its two
    indexes alone: with full pages, four in five of those updates rewrote both indexes."""

    dependencies = [("search", "0002_impact_blocks")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE search_searchterm SET (fillfactor = 50)",
            "ALTER TABLE search_searchterm RESET (fillfactor)",
        ),
    ]
