"""The table of the shared cache (Django's DatabaseCache) that every server process uses when
no Redis is configured (``tandem.config.server.DATABASE_CACHE_TABLE``; docs/operations.md).

Created here rather than by ``createcachetable`` so that ``migrate`` — which ``tandem serve``
runs and every release runs — is all an installation needs, whichever cache it configures.
"""

from django.core.management import call_command
from django.db import migrations

TABLE = "tandem_cache"  # = tandem.config.server.DATABASE_CACHE_TABLE, frozen here


def create(apps, schema_editor):
    call_command(
        "createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0
    )


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = []

    operations = [migrations.RunPython(create, drop)]
