"""The body becomes a field of its own (issue 21): weight C, between the abstract (B) and the
files' text, which moves from field C to D. The columns holding the files' text are renamed (no
data moves, nothing is indexed again), then empty body columns are added: until a publication
has a body, its body field is empty, which is what the zeros say. Blocks keep the body's
average beside the others, so bounds stay valid as it moves."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

# Each model and the columns of its own that hold the files' text, field C before, D now.
RENAMED = {
    "searchdocument": ("length",),
    "searchfilterrow": ("length",),
    "searchposting": ("tf",),
    "searchblock": ("average",),
    "searchstats": ("total_length", "average_length"),
}
NEW_DEFAULTS = {"length": 0, "tf": 0, "total_length": 0, "average": 1.0, "average_length": 1.0}


def _field(prefix: str) -> models.Field:
    if prefix.startswith("average"):
        return models.FloatField(default=NEW_DEFAULTS[prefix])
    if prefix == "total_length":
        return models.BigIntegerField(default=0)
    return models.IntegerField(default=0)


def _renames_and_additions() -> list:
    operations = []
    for model, prefixes in RENAMED.items():
        for prefix in prefixes:
            operations.append(
                migrations.RenameField(model, f"{prefix}_c", f"{prefix}_d"),
            )
            operations.append(
                migrations.AddField(model_name=model, name=f"{prefix}_c", field=_field(prefix))
            )
    return operations


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0009_visible_from"),
    ]

    operations = [
        *_renames_and_additions(),
        migrations.CreateModel(
            name="SearchSection",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField()),
                ("anchor", models.CharField(blank=True, max_length=200)),
                ("heading", models.TextField(blank=True)),
                ("text", models.TextField(blank=True)),
                (
                    "vector",
                    models.GeneratedField(
                        db_persist=True,
                        expression=django.contrib.postgres.search.SearchVector(
                            "text", config="english_unaccent", weight="C"
                        ),
                        output_field=django.contrib.postgres.search.SearchVectorField(),
                    ),
                ),
                (
                    "document",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sections",
                        to="search.searchdocument",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("document", "number"), name="search_section_unique"
                    )
                ],
            },
        ),
    ]
