"""Logging filter that keeps personal data out of log records."""

from __future__ import annotations

import logging
import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


class PersonalDataFilter(logging.Filter):
    """Masks e-mail addresses and drops query strings from logged request lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001
            return True
        cleaned = _EMAIL.sub("<email>", message)
        cleaned = re.sub(r"\?\S*", "?<query>", cleaned) if "HTTP/" in cleaned else cleaned
        if cleaned != message:
            record.msg = cleaned
            record.args = ()
        return True
