"""The full-text index of postings (docs/decisions/0012-platform-search.md): title (A), skills
wanted (B), description (C), location (D). PostgreSQL: a generated ``tsvector`` column with a
GIN index; SQLite: an FTS5 table kept in step by triggers. The columns are written here, not
imported, so that the migration stays what it was when the model changes."""

from django.db import migrations

from tandem.core.fulltext import FullTextIndex, index_operation

INDEX = FullTextIndex(
    "opportunities_opportunity",
    (("title", "A"), ("skills_wanted", "B"), ("description", "C"), ("location", "D")),
)


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0003_search_trigram_and_deadline_indexes"),
    ]

    operations = [index_operation(INDEX)]
