"""Existing scheduled and published rows keep their meaning: their release time is the instant
they were already visible from (the start of their date in the site's TIME_ZONE), so
visible_from does not move. Drafts stay drafts with no release time. Then the two roles."""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import F

EDITING = [
    f"{verb}_{model}"
    for model in ("publication", "publicationauthor", "publicationfile", "author", "topic", "series")
    for verb in ("add", "change", "view")
] + ["delete_publicationauthor", "delete_publicationfile", "view_extraction"]
ROLES = {
    "Editors": EDITING,
    "Publishers": [*EDITING, "publish_publication", "delete_publication"],
}


def fill_release_at(apps, schema_editor):
    Publication = apps.get_model("publications", "Publication")
    Publication.objects.filter(status__in=["published", "scheduled"]).update(
        release_at=F("visible_from")
    )


def create_roles(apps, schema_editor):
    # Permissions are made after the last migration; the roles need this app's now.
    app_config = apps.get_app_config("publications")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="publications", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("publications", "0007_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(fill_release_at, migrations.RunPython.noop),
        migrations.RunPython(create_roles, migrations.RunPython.noop),
    ]
