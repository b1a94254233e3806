"""PostgreSQL: a trigram (``pg_trgm``) GIN index on the skill labels' folded text, for the
platform search's skills (``concept_search``: ``search LIKE '%term%'``, which a B-tree cannot
answer). Without it every search reads all ~95,000 ESCO labels (40–45 ms at load 10 on the
big world); with it, under a millisecond (docs/benchmarks.md, issue 14).

The index is on ``search::text``, the expression Django's ``__contains`` compiles to for a
``varchar`` column. SQLite has no such index (it scans; the FTS5 tables are for the other
kinds). ``pg_trgm`` is a trusted extension: the database's owner may create it.
"""

from django.db import migrations


def _create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS skills_label_search_trgm ON skills_skilllabel "
        "USING gin ((search::text) gin_trgm_ops)"
    )


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS skills_label_search_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("skills", "0005_skill_extraction"),
    ]

    operations = [
        migrations.RunPython(_create, _drop),
    ]
