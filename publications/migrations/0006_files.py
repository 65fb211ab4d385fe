"""Several files per publication. Each publication's PDF becomes its first file (`full-report`),
with its pages, page count and Extraction row (status, flags, reason kept), by SQL over the
existing rows: nothing is extracted again.

A moved file takes its publication's id, so an `extract_pdf(publication_id, sha256)` task queued
before the upgrade finds its file by the same number; the sequence then starts past them.
Reversible while each publication has at most one PDF's pages; going back keeps the first PDF.
"""

import django.db.models.deletion
from django.db import migrations, models

import publications.models

MOVE_FILES_SQL = """
    INSERT INTO publications_publicationfile
           (id, publication_id, position, role, title, language, file, size, sha256,
            content_type, page_count, created_at)
    SELECT p.id, p.id, 0, 'full-report', '', '', p.pdf, coalesce(p.pdf_size, 0), p.pdf_sha256,
           'application/pdf', p.page_count, p.updated_at
      FROM publications_publication p
     WHERE p.pdf <> '';
    SELECT setval(pg_get_serial_sequence('publications_publicationfile', 'id'),
                  coalesce((SELECT max(id) FROM publications_publicationfile), 0) + 1, false);
    -- A publication's pages came from its PDF, or (imported text) are replaced once it is read.
    UPDATE publications_publicationpage pg SET file_id = pg.publication_id
     WHERE EXISTS (SELECT 1 FROM publications_publicationfile f WHERE f.id = pg.publication_id);
"""

FIRST_PDF = """
    (SELECT f.id FROM publications_publicationfile f
      WHERE f.publication_id = {alias}.id AND f.content_type = 'application/pdf'
      ORDER BY f.position, f.id LIMIT 1)
"""

RESTORE_FILES_SQL = f"""
    UPDATE publications_publication p
       SET pdf = f.file, pdf_size = f.size, pdf_sha256 = f.sha256, page_count = f.page_count
      FROM publications_publicationfile f
     WHERE f.id = {FIRST_PDF.format(alias="p")};
    DELETE FROM publications_publicationpage pg
     USING publications_publication p
     WHERE p.id = pg.publication_id AND pg.file_id IS DISTINCT FROM {FIRST_PDF.format(alias="p")}
       AND pg.file_id IS NOT NULL;
"""

EXTRACTION_BY_FILE_SQL = """
    ALTER TABLE publications_extraction ADD COLUMN file_id bigint;
    UPDATE publications_extraction SET file_id = publication_id;
    DELETE FROM publications_extraction e
     WHERE NOT EXISTS (SELECT 1 FROM publications_publicationfile f WHERE f.id = e.file_id);
    ALTER TABLE publications_extraction DROP CONSTRAINT publications_extraction_pkey;
    ALTER TABLE publications_extraction ALTER COLUMN file_id SET NOT NULL;
    ALTER TABLE publications_extraction ADD CONSTRAINT publications_extraction_pkey
          PRIMARY KEY (file_id);
    ALTER TABLE publications_extraction ADD CONSTRAINT publications_extraction_file_id_fk
          FOREIGN KEY (file_id) REFERENCES publications_publicationfile (id)
          DEFERRABLE INITIALLY DEFERRED;
    CREATE INDEX publications_extraction_publication_id ON publications_extraction (publication_id);
"""

EXTRACTION_BY_PUBLICATION_SQL = f"""
    DELETE FROM publications_extraction e
     USING publications_publication p
     WHERE p.id = e.publication_id AND e.file_id <> {FIRST_PDF.format(alias="p")};
    DROP INDEX publications_extraction_publication_id;
    ALTER TABLE publications_extraction DROP CONSTRAINT publications_extraction_pkey;
    ALTER TABLE publications_extraction ADD CONSTRAINT publications_extraction_pkey
          PRIMARY KEY (publication_id);
    ALTER TABLE publications_extraction DROP COLUMN file_id;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("publications", "0005_body"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicationFile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("full-report", "Full report"),
                            ("summary", "Summary"),
                            ("appendix", "Appendix"),
                            ("data", "Data"),
                            ("presentation", "Presentation"),
                            ("translated-edition", "Translated edition"),
                            ("other", "Other"),
                        ],
                        default="full-report",
                        max_length=32,
                    ),
                ),
                ("title", models.CharField(blank=True, max_length=300)),
                (
                    "language",
                    models.CharField(
                        blank=True,
                        help_text="A BCP 47 language tag, such as en, fr or pt-BR.",
                        max_length=16,
                    ),
                ),
                (
                    "file",
                    models.FileField(
                        max_length=300, upload_to=publications.models.file_upload_to
                    ),
                ),
                ("size", models.PositiveBigIntegerField(verbose_name="size in bytes")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                ("content_type", models.CharField(max_length=100)),
                ("page_count", models.PositiveIntegerField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "publication",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="files",
                        to="publications.publication",
                    ),
                ),
            ],
            options={
                "ordering": ["position", "id"],
                "indexes": [
                    models.Index(
                        fields=["publication", "position", "id"],
                        name="publication_file_order_idx",
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="publicationpage",
            name="file",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="pages",
                to="publications.publicationfile",
            ),
        ),
        migrations.AlterModelOptions(
            name="publicationpage",
            options={"ordering": ["publication", "file", "number"]},
        ),
        migrations.RemoveConstraint(model_name="publicationpage", name="publication_page_unique"),
        migrations.AddConstraint(
            model_name="publicationpage",
            constraint=models.UniqueConstraint(
                fields=("file", "number"), name="publication_file_page_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="publicationpage",
            constraint=models.UniqueConstraint(
                condition=models.Q(("file__isnull", True)),
                fields=("publication", "number"),
                name="publication_text_page_unique",
            ),
        ),
        migrations.RunSQL(MOVE_FILES_SQL, RESTORE_FILES_SQL),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(EXTRACTION_BY_FILE_SQL, EXTRACTION_BY_PUBLICATION_SQL)
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="extraction",
                    name="publication",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="extractions",
                        to="publications.publication",
                    ),
                ),
                migrations.AddField(
                    model_name="extraction",
                    name="file",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="extraction",
                        serialize=False,
                        to="publications.publicationfile",
                    ),
                ),
            ],
        ),
        migrations.RemoveField(model_name="publication", name="page_count"),
        migrations.RemoveField(model_name="publication", name="pdf"),
        migrations.RemoveField(model_name="publication", name="pdf_sha256"),
        migrations.RemoveField(model_name="publication", name="pdf_size"),
    ]
