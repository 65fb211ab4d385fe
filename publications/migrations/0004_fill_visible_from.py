"""Fill visible_from for existing rows: the start of the publication date in the site's
TIME_ZONE for published and scheduled items, null for drafts (as Publication.refresh_release)."""

from django.conf import settings
from django.db import migrations

FILL_SQL = """
    UPDATE publications_publication
       SET visible_from = CASE
           WHEN status IN ('published', 'scheduled')
           THEN publication_date::timestamp AT TIME ZONE %s
       END
"""


def fill(apps, schema_editor):
    schema_editor.execute(FILL_SQL, [settings.TIME_ZONE])


class Migration(migrations.Migration):
    dependencies = [("publications", "0003_visible_from")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
