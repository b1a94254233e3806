"""Secrets kept encrypted at rest: credentials Tandem must be able to read back (an OpenID
Connect client secret, say), unlike passwords, which are hashed.

The key is derived from ``SECRET_KEY`` (HKDF-SHA256 with a label of this purpose), so a copy
of the database or of a backup alone does not give the secrets away, and nothing new has to
be configured. ``SECRET_KEY_FALLBACKS`` are tried when reading, newest first, so rotating the
key follows Django's own procedure: put the old key in the fallbacks, and the values written
from then on use the new one (``tandem manage reencrypt_secrets`` rewrites the stored ones).
Encryption is Fernet (AES-128-CBC with HMAC-SHA256, from the ``cryptography`` package).

:class:`EncryptedTextField` stores ``fernet:<token>``; a value without the prefix (written
before encryption) is read as it is and encrypted the next time it is saved.
"""

from __future__ import annotations

import base64
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

PREFIX = "fernet:"
_INFO = b"tandem secretbox v1"


class SecretUnreadable(Exception):
    """A stored secret that none of the configured keys opens (the key changed without being
    kept in ``SECRET_KEY_FALLBACKS``). The message never holds the secret."""


def _fernet(secret_key: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def _box() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(str(k)) for k in keys])


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


def seal(value: str) -> str:
    """``value`` encrypted with the current key; the empty string stays empty."""
    if not value:
        return ""
    return PREFIX + _box().encrypt(value.encode()).decode()


def unseal(stored: str) -> str:
    """The clear value of ``stored`` (a value never sealed is returned as it is)."""
    if not stored or not is_sealed(stored):
        return stored
    try:
        return _box().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable(
            "a stored secret cannot be decrypted with SECRET_KEY or SECRET_KEY_FALLBACKS"
        ) from exc


def reseal(stored: str) -> str:
    """``stored`` encrypted again with the current key (after a key rotation)."""
    return seal(unseal(stored))


class EncryptedTextField(models.TextField):
    """A text column holding a secret encrypted at rest; Python code sees the clear value.

    Not for lookups: the stored form changes on every save (Fernet tokens carry a random IV).
    """

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return value
        return unseal(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return seal(value)
