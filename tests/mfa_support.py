"""Test helpers for two-factor sign-in: RFC 6238 codes computed here, independently of
allauth (HMAC-SHA1, 30-second steps, 6 digits), and sign-in through the real pages."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time

from tests.factories import PASSWORD

LOGIN = "/accounts/login/"
MFA_AUTHENTICATE = "/auth/2fa/authenticate/"


def totp_code(secret_base32: str, at: float | None = None, step: int = 0) -> str:
    """The RFC 6238 code for ``secret_base32`` at ``at`` (now), ``step`` periods later."""
    key = base64.b32decode(secret_base32.upper() + "=" * (-len(secret_base32) % 8))
    counter = int((time.time() if at is None else at) // 30) + step
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def password_step(client, email: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def totp_secret_on_page(html: str) -> str:
    """The secret the TOTP set-up page shows (for typing into an authenticator app)."""
    match = re.search(r'value="([A-Z2-7]{16,})"', html)
    assert match, html
    return match.group(1)


def reauthenticate(client, password: str = PASSWORD) -> None:
    """Confirm the password again, as allauth asks before MFA changes."""
    response = client.post("/auth/reauthenticate/", {"password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
