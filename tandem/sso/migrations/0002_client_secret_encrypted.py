"""The OpenID Connect client secret is kept encrypted at rest (tandem.core.secretbox): the
column becomes text (a Fernet token is longer than the secret) and the stored secrets are
encrypted with the key derived from SECRET_KEY. Going back writes them in clear again."""

from django.db import migrations

import tandem.core.secretbox


def seal_all(apps, schema_editor):
    # The historical field is the encrypted one: it reads a stored value in clear (a value
    # stored before this migration is clear already) and encrypts what it writes.
    Connection = apps.get_model("sso", "SsoConnection")
    rows = Connection.objects.exclude(client_secret="").values_list("pk", "client_secret")
    for pk, clear in list(rows):
        Connection.objects.filter(pk=pk).update(client_secret=clear)


def unseal_all(apps, schema_editor):
    # Written past the field (which would encrypt again), before the column turns back to
    # plain characters.
    Connection = apps.get_model("sso", "SsoConnection")
    table = schema_editor.quote_name(Connection._meta.db_table)
    rows = Connection.objects.exclude(client_secret="").values_list("pk", "client_secret")
    with schema_editor.connection.cursor() as cursor:
        for pk, clear in list(rows):
            cursor.execute(f"UPDATE {table} SET client_secret = %s WHERE id = %s", [clear, pk])


class Migration(migrations.Migration):
    dependencies = [
        ("sso", "0001_sso_connection"),
    ]

    operations = [
        migrations.AlterField(
            model_name="ssoconnection",
            name="client_secret",
            field=tandem.core.secretbox.EncryptedTextField(
                blank=True, max_length=500, verbose_name="client secret"
            ),
        ),
        migrations.RunPython(seal_all, unseal_all),
    ]
