"""British English date formats: one date format and one date-time format everywhere.

Django's own en_GB formats mix "6 Dec 2026" with "06/12/2026" and write times as "8:17 p.m.";
here every date reads "6 Dec 2026" and every time "20:17" (24-hour clock). Input formats are
Django's (ISO dates are always accepted too).
"""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # Monday
