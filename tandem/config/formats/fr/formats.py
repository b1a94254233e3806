"""French date formats: one date format and one date-time format everywhere, as in en_GB.

Django's own fr formats mix "6 janvier 2031" with "06/01/2031"; here every date reads
"6 janvier 2031" and every date-time "6 janvier 2031 à 20:17". Numbers (decimal comma, narrow
space between thousands) and input formats are Django's.
"""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y à H:i"
SHORT_DATETIME_FORMAT = "j F Y à H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # Monday
