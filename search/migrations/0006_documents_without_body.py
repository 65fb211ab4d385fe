import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


class Migration(migrations.Migration):
    """The full text is stored once, in the pages: the document's vector keeps title, names,
    topics and abstract. A generated column cannot be altered: the vector is removed with its
    index and added again without the body (computed for every document as it is added)."""

    dependencies = [
        ("search", "0005_scores_at_query_time"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="searchdocument", name="search_doc_vector_gin"),
        migrations.RemoveField(model_name="searchdocument", name="vector"),
        migrations.RemoveField(model_name="searchdocument", name="body"),
        migrations.AddField(
            model_name="searchdocument",
            name="vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.SearchVector(
                        "title", "authors_text", config="english_unaccent", weight="A"
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        "topics_text", "abstract", config="english_unaccent", weight="B"
                    ),
                    django.contrib.postgres.search.SearchConfig("english_unaccent"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="searchdocument",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["vector"], name="search_doc_vector_gin"
            ),
        ),
    ]
