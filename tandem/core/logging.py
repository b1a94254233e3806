"""Keeping personal data out of logs.

:class:`PersonalDataFilter` sits on every log handler (see ``LOGGING`` in settings): it masks
e-mail addresses in messages and tracebacks and drops query strings from request lines.
:func:`axes_client_str` makes django-axes name a login client by a pseudonym instead of the
e-mail address that was typed.
"""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_QUERY = re.compile(r"\?\S*")


def scrub(text: str) -> str:
    """``text`` with e-mail addresses replaced by ``<email>``."""
    return _EMAIL.sub("<email>", text)


class PersonalDataFilter(logging.Filter):
    """Masks e-mail addresses (message and traceback) and query strings in request lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        cleaned = scrub(message)
        if "HTTP/" in cleaned:
            cleaned = _QUERY.sub("?<query>", cleaned)
        if cleaned != message:
            record.msg = cleaned
            record.args = ()
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = scrub("".join(traceback.format_exception(*record.exc_info)))
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


def axes_client_str(
    username: str | None,
    ip_address: str | None,
    user_agent: str | None,
    path_info: Any,
    request: Any,
) -> str:
    """How django-axes names a client in its log lines: a short keyed pseudonym (HMAC with the
    secret key), no e-mail, no IP.

    The same e-mail and address give the same pseudonym, so repeated failures can still be
    followed in the logs; the database record (``axes.AccessAttempt``) holds the details for
    the lock-out itself and is deleted on erasure.
    """
    from django.utils.crypto import salted_hmac

    digest = salted_hmac("tandem.axes.client", f"{username or ''}|{ip_address or ''}").hexdigest()
    return f"client {digest[:12]}"
