"""What a workbook cell shows, for the cells whose value the archive stores otherwise.

The archive cuts a number to a whole number (0.65 -> 0), reads a date as its day number
(2024-01-15 -> 45306) and a boolean as 1 or 0 (domain.md §2, XLSX). The cell holds the value
itself, so what a person typed can be written back as text, which the archive keeps as it is:
``bia-hooks export`` does. Nothing here guesses: a value with no plain text form gives None.
"""

from __future__ import annotations

import datetime
import math

# The codes of cells whose value is known and can be kept as text.
KEPT_AS_TEXT = frozenset({"BIA222", "BIA223", "BIA224"})

_DAY = 86400
# Excel's day 0 in its 1900 date system, for days after the 29 February 1900 it counts (Lotus's
# mistake, kept for compatibility); in the 1904 system (old Mac workbooks), 1 January 1904.
_EPOCH_1900 = datetime.datetime(1899, 12, 30)
_EPOCH_1904 = datetime.datetime(1904, 1, 1)
_LAST_DATE = 2958465  # 9999-12-31, the last day Excel shows


def shown_text(code: str, raw: str, date1904: bool = False) -> str | None:
    """The text of a cell the archive alters (BIA222 number, BIA223 date, BIA224 boolean), from
    the value the sheet holds (``raw``: the ``<v>`` text; ``TRUE``/``FALSE`` for a boolean)."""
    if code == "BIA224":
        return raw if raw in ("TRUE", "FALSE") else None
    try:
        value = float(raw)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    if code == "BIA222":
        return number_text(value)
    if code == "BIA223":
        return date_text(value, date1904)
    return None


def number_text(value: float) -> str:
    """The number as Excel's General format shows it, without its rounding: 0.65, 12, 1e+20."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)  # the shortest text that reads back as the same number


def date_text(serial: float, date1904: bool = False) -> str | None:
    """A date as ISO 8601 (2024-01-15; with its time when it has one, 2024-01-15 12:30:00; a time
    alone, 12:30:00). None for a day Excel does not show (negative, after 9999, 29 Feb 1900)."""
    if serial < 0 or serial > _LAST_DATE:
        return None
    days = math.floor(serial)
    seconds = round((serial - days) * _DAY)
    if seconds == _DAY:
        days, seconds = days + 1, 0
    time = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    if days == 0 and not date1904:
        return time  # a time of day, which Excel stores as a fraction of day 0
    if date1904:
        day = _EPOCH_1904 + datetime.timedelta(days=days)
    elif days == 60:
        return None  # 29 February 1900, which never was
    else:
        day = _EPOCH_1900 + datetime.timedelta(days=days + (1 if days < 60 else 0))
    text = day.date().isoformat()
    return f"{text} {time}" if seconds else text
