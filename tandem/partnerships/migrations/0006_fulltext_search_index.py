"""The full-text index of partnerships: title (A), summary (C) (docs/decisions/0012-platform-search.md). PostgreSQL: a
generated ``tsvector`` column with a GIN index; SQLite: an FTS5 table kept in step by
triggers. The columns are written here, not imported, so that the migration stays what it was
when the model changes."""

from django.db import migrations

from tandem.core.fulltext import FullTextIndex, index_operation

INDEXES = [
    FullTextIndex("partnerships_partnership", (("title", "A"), ("summary", "C"))),
]


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0005_field_rules_and_one_contact_per_user"),
    ]

    operations = [index_operation(*INDEXES)]
