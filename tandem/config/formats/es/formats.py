"""Spanish date formats: one date format and one date-time format everywhere, as in en_GB.

Django's own es formats mix "6 de enero de 2031" with "06/01/2031"; here every date reads
"6 de enero de 2031" and every date-time "6 de enero de 2031, 20:17". Numbers (decimal
comma) and input formats are Django's.
"""

DATE_FORMAT = r"j \d\e F \d\e Y"
SHORT_DATE_FORMAT = r"j \d\e F \d\e Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"j \d\e F \d\e Y, H:i"
SHORT_DATETIME_FORMAT = r"j \d\e F \d\e Y, H:i"
YEAR_MONTH_FORMAT = r"F \d\e Y"
MONTH_DAY_FORMAT = r"j \d\e F"
FIRST_DAY_OF_WEEK = 1  # Monday
