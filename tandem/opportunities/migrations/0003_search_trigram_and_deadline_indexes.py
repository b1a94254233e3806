"""Indexes for the lists at 100,000 postings (issue 12): students' home orders open postings
by deadline; on PostgreSQL, trigram (``pg_trgm``) GIN indexes serve the list's and the API's
``q=`` search, which Django runs as ``UPPER(column) LIKE UPPER('%term%')`` — so the indexes
are on ``UPPER(column)``. SQLite has no such index: there the search scans (bounded by the
capped count, see ``tandem.core.pagination``).

``pg_trgm`` is a trusted extension (PostgreSQL 13+): the database's owner may create it.
"""

from django.db import migrations, models

TRIGRAM_COLUMNS = ("title", "description", "skills_wanted", "location")


def _create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in TRIGRAM_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS opportunity_{column}_trgm ON opportunities_opportunity "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def _drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in TRIGRAM_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS opportunity_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0002_student_visibility_query"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(
                fields=["status", "application_deadline"], name="opportunity_status_deadline"
            ),
        ),
        migrations.RunPython(_create_trigram_indexes, _drop_trigram_indexes),
    ]
