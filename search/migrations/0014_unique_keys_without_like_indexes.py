from django.db import migrations, models


class Migration(migrations.Migration):
    """Terms and words keep their unique index and lose the second one unique=True adds on
    PostgreSQL for LIKE (text_pattern_ops), which nothing here asks: every new term and word
    paid for it, and the planner chose it for the equality lookups of each index write (a
    batch's postings took a fifth longer). Rebuilding the unique index takes seconds at a
    million publications' terms."""

    dependencies = [
        ("search", "0013_word_fillfactor"),
    ]

    operations = [
        migrations.AlterField(
            model_name="searchterm",
            name="lexeme",
            field=models.TextField(),
        ),
        migrations.AlterField(
            model_name="searchword",
            name="word",
            field=models.TextField(),
        ),
        migrations.AddConstraint(
            model_name="searchterm",
            constraint=models.UniqueConstraint(fields=("lexeme",), name="search_term_lexeme_key"),
        ),
        migrations.AddConstraint(
            model_name="searchword",
            constraint=models.UniqueConstraint(fields=("word",), name="search_word_word_key"),
        ),
    ]
