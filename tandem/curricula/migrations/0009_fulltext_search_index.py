"""The full-text index of programs and courses: title and code (A), description (C) (docs/decisions/0012-platform-search.md). PostgreSQL: a
generated ``tsvector`` column with a GIN index; SQLite: an FTS5 table kept in step by
triggers. The columns are written here, not imported, so that the migration stays what it was
when the model changes."""

from django.db import migrations

from tandem.core.fulltext import FullTextIndex, index_operation

INDEXES = [
    FullTextIndex("curricula_program", (("title", "A"), ("code", "A"), ("description", "C"))),
    FullTextIndex("curricula_course", (("title", "A"), ("code", "A"), ("description", "C"))),
]


class Migration(migrations.Migration):
    dependencies = [
        ("curricula", "0008_outcome_and_note_length_validators"),
    ]

    operations = [index_operation(*INDEXES)]
