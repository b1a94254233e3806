"""Secrets encrypted at rest (tandem.core.secretbox): the OpenID Connect client secret is
stored as a Fernet token, read back in clear, kept across a key rotation through
SECRET_KEY_FALLBACKS, re-encrypted by the command, and refused clearly with a wrong key."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tandem.core import secretbox
from tandem.sso.models import SsoConnection
from tests.factories.organizations import InstitutionFactory

pytestmark = pytest.mark.django_db

SECRET = "s3cr3t-client-value-🙂"


def _stored(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT client_secret FROM sso_ssoconnection WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _connection() -> SsoConnection:
    return SsoConnection.objects.create(
        organization=InstitutionFactory(),
        slug="uni",
        name="University",
        protocol="oidc",
        issuer_url="https://idp.example.edu",
        client_id="tandem",
        client_secret=SECRET,
    )


def test_the_client_secret_is_stored_encrypted_and_read_in_clear():
    conn = _connection()
    stored = _stored(conn.pk)
    assert stored.startswith("fernet:") and SECRET not in stored
    assert SsoConnection.objects.get(pk=conn.pk).client_secret == SECRET
    conn.save()
    again = _stored(conn.pk)
    assert again != stored  # a fresh IV each time: not a lookup key
    assert SsoConnection.objects.get(pk=conn.pk).client_secret == SECRET


def test_an_empty_secret_stays_empty():
    conn = _connection()
    SsoConnection.objects.filter(pk=conn.pk).update(client_secret="")
    assert _stored(conn.pk) == ""
    assert SsoConnection.objects.get(pk=conn.pk).client_secret == ""


def test_a_rotated_key_reads_through_the_fallbacks_and_the_command_reencrypts(settings):
    conn = _connection()
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-key-for-this-test-" + "x" * 20
    with pytest.raises(secretbox.SecretUnreadable) as err:
        SsoConnection.objects.get(pk=conn.pk)
    assert SECRET not in str(err.value)
    with pytest.raises(CommandError, match="SECRET_KEY_FALLBACKS"):
        call_command("reencrypt_secrets")
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert SsoConnection.objects.get(pk=conn.pk).client_secret == SECRET
    call_command("reencrypt_secrets")
    settings.SECRET_KEY_FALLBACKS = []
    assert SsoConnection.objects.get(pk=conn.pk).client_secret == SECRET


def test_values_stored_before_encryption_are_read_and_sealed_by_the_migration():
    conn = _connection()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE sso_ssoconnection SET client_secret = %s WHERE id = %s", ["legacy", conn.pk]
        )
    assert SsoConnection.objects.get(pk=conn.pk).client_secret == "legacy"
    from importlib import import_module

    from django.apps import apps

    migration = import_module("tandem.sso.migrations.0002_client_secret_encrypted")
    migration.seal_all(apps, connection.schema_editor())
    assert _stored(conn.pk).startswith("fernet:")
    assert SsoConnection.objects.get(pk=conn.pk).client_secret == "legacy"
    migration.unseal_all(apps, connection.schema_editor())
    assert _stored(conn.pk) == "legacy"


def test_an_overlong_secret_is_refused_with_a_field_message():
    from tandem.core.errors import DomainError
    from tandem.sso import services

    conn = _connection()
    with pytest.raises(DomainError) as err:
        services._validate(SsoConnection(**{**_fields(conn), "client_secret": "x" * 501}))
    assert "client_secret" in err.value.fields


def _fields(conn: SsoConnection) -> dict:
    return {
        "organization": conn.organization,
        "slug": "other",
        "name": "Other",
        "protocol": "oidc",
        "issuer_url": conn.issuer_url,
        "client_id": conn.client_id,
    }
