"""PostgreSQL indexes for the lists at 100,000 postings (issue 12):

- (status, application_deadline): students' home lists open postings closing soonest first.
  Not on SQLite: there its planner then answers the list's ``deadline IS NULL OR deadline >
  now`` with this index instead of walking (status, created) newest first, and sorts every
  visible posting (11 s instead of milliseconds at 100,000 postings).
- trigram (``pg_trgm``) GIN indexes for the list's and the API's ``q=`` search, which Django
  runs as ``UPPER(column) LIKE UPPER('%term%')`` — so the indexes are on ``UPPER(column)``.
  SQLite has no such index: there the search scans (bounded by the capped count, see
  ``tandem.core.pagination``).

``pg_trgm`` is a trusted extension (PostgreSQL 13+): the database's owner may create it.
"""

from django.db import migrations

TRIGRAM_COLUMNS = ("title", "description", "skills_wanted", "location")


def _create_postgresql_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS opportunity_status_deadline "
        "ON opportunities_opportunity (status, application_deadline)"
    )
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in TRIGRAM_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS opportunity_{column}_trgm ON opportunities_opportunity "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def _drop_postgresql_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS opportunity_status_deadline")
    for column in TRIGRAM_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS opportunity_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0002_student_visibility_query"),
    ]

    operations = [
        migrations.RunPython(_create_postgresql_indexes, _drop_postgresql_indexes),
    ]
