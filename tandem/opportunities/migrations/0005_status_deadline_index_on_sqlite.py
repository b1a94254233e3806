"""The (status, application_deadline) index on SQLite too (PostgreSQL has it since 0003).

It serves the student's home (``selectors.closing_soonest``: open postings, soonest deadline
first). 0003 kept it off SQLite because its planner then answered the lists' "no deadline or
not passed" condition with it and sorted every visible posting; that condition is now written
as ``NOT (deadline <= now)``, which no index answers (``selectors.student_visible_q``).
"""

from django.db import migrations


def _create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS opportunity_status_deadline "
            "ON opportunities_opportunity (status, application_deadline)"
        )


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS opportunity_status_deadline")


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0004_fulltext_search_index"),
    ]

    operations = [migrations.RunPython(_create, _drop)]
