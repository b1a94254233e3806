"""Dates and times the application accepts: one range, checked where input is parsed.

``date.max`` (9999-12-31) and ``date.min`` (0001-01-01) are valid Python dates, but Tandem
adds a day to an end date (``created_at < date_to + 1 day``) and converts times with an
offset to UTC, and both overflowed into a 500 (``OverflowError: date value out of range``):
``?date_to=9999-12-31`` on the audit log, ``"measured_at": "0001-01-01T00:00:00+14:00"``,
``"application_deadline": "9999-12-31T23:59:59-14:00"``. Every date and time a request
carries must therefore lie between :data:`EARLIEST` and :data:`LATEST` (a day of headroom on
each side, more than any UTC offset) — else a 422 (API) or a form error naming the field.

API schemas annotate input fields with :data:`Date` and :data:`DateTime`; forms use
``tandem.core.forms.DateField`` and ``DateTimeField``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from django.utils.translation import gettext as _
from pydantic import AfterValidator

EARLIEST = date(1, 1, 2)
LATEST = date(9999, 12, 30)


def out_of_range_message() -> str:
    return _("Enter a date between %(earliest)s and %(latest)s.") % {
        "earliest": EARLIEST.isoformat(),
        "latest": LATEST.isoformat(),
    }


def in_range(value: date | datetime) -> bool:
    """True when ``value`` (and, for an aware time, its UTC equivalent) is in range."""
    if isinstance(value, datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            try:
                as_utc = value.astimezone(UTC)
            except OverflowError:
                return False
            if not EARLIEST <= as_utc.date() <= LATEST:
                return False
        return EARLIEST <= value.date() <= LATEST
    return EARLIEST <= value <= LATEST


def _check(value: date) -> date:
    if not in_range(value):
        raise ValueError(out_of_range_message())
    return value


def _check_datetime(value: datetime) -> datetime:
    if not in_range(value):
        raise ValueError(out_of_range_message())
    return value


#: A date in an API input schema or query (``YYYY-MM-DD``) within the accepted range.
Date = Annotated[date, AfterValidator(_check)]
#: A date and time in an API input schema within the accepted range (also once in UTC).
DateTime = Annotated[datetime, AfterValidator(_check_datetime)]
