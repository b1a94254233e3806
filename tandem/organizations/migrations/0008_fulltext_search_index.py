"""The full-text index of organizations: name (A), description (C), city and region (D) (docs/decisions/0012-platform-search.md). PostgreSQL: a
generated ``tsvector`` column with a GIN index; SQLite: an FTS5 table kept in step by
triggers. The columns are written here, not imported, so that the migration stays what it was
when the model changes."""

from django.db import migrations

from tandem.core.fulltext import FullTextIndex, index_operation

INDEXES = [
    FullTextIndex(
        "organizations_organization",
        (("name", "A"), ("description", "C"), ("city", "D"), ("region", "D")),
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0007_organization_require_mfa_for_staff"),
    ]

    operations = [index_operation(*INDEXES)]
