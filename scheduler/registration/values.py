"""Turn one spreadsheet cell into a typed value, the way organisers' spreadsheets hold it.

Real exports mix Excel date/time cells, numbers and text in every common notation, so each
parser accepts all of them and raises `ValueProblem` with a plain-English message (quoting
the offending value) for anything it cannot read. Blank cells are the caller's business:
parsers are only called on non-blank values.
"""

from __future__ import annotations

import datetime as dt
import re

from openpyxl.utils.datetime import from_excel


class ValueProblem(ValueError):
    """A cell value that cannot be read; the message is meant for the organiser."""


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def shown(value: object) -> str:
    """The value as the organiser would recognise it, quoted."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, dt.datetime):
        value = value.strftime("%Y-%m-%d %H:%M" if value.time() else "%Y-%m-%d")
    elif isinstance(value, dt.date):
        value = value.isoformat()
    elif isinstance(value, dt.time):
        value = value.strftime("%H:%M")
    return f'"{str(value).strip()}"'


def as_text(value: object) -> str:
    """Trimmed text; a whole-number float (how Excel stores 17) reads as the integer."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


as_id = as_text


_LIST_SEPARATORS = re.compile(r"[,;\n]")


def as_id_list(value: object) -> tuple[str, ...]:
    """Comma-separated ids (semicolons and line breaks also separate), in given order."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (as_id(value),)
    ids: list[str] = []
    for part in _LIST_SEPARATORS.split(as_text(value)):
        part = part.strip()
        if part and part not in ids:
            ids.append(part)
    return tuple(ids)


_INT = re.compile(r"[+-]?\d+(?:\.0*)?")


def as_int(value: object) -> int:
    if isinstance(value, bool):
        raise ValueProblem(f"{shown(value)} is not a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueProblem(f"{shown(value)} is not a whole number")
    text = as_text(value)
    if _INT.fullmatch(text):
        return int(float(text))
    raise ValueProblem(f"{shown(value)} is not a whole number")


_YES = ("yes", "y", "true", "1", "x")
_NO = ("no", "n", "false", "0")


def as_yes_no(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = as_text(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueProblem(f"{shown(value)} is not yes or no")


# ------------------------------------------------------------------------- dates

_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?")
_DMY_DATE = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?:\s.*)?")
_NAMED_MONTH_FORMATS = ("%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%d-%b-%y", "%b %d, %Y", "%B %d, %Y")
# Excel serial day numbers of plausible event dates (1982..2064): a bare number outside
# this range in a date column is more likely a typo than a date.
_SERIAL_RANGE = (30000, 60000)


def _date(year: int, month: int, day: int, value: object) -> dt.date:
    if year < 100:
        year += 2000
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueProblem(f"{shown(value)} is not a real date") from None


def as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, dt.time):
        raise ValueProblem(f"{shown(value)} is a time, not a date")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if _SERIAL_RANGE[0] <= value < _SERIAL_RANGE[1]:
            return from_excel(value).date()
        raise ValueProblem(f"{shown(value)} is not a date")
    text = as_text(value)
    if m := _ISO_DATE.fullmatch(text):
        return _date(int(m[1]), int(m[2]), int(m[3]), value)
    if m := _DMY_DATE.fullmatch(text):
        first, second, year = int(m[1]), int(m[3]), int(m[4])
        # Day first (27/02/2013) unless only the month-first reading is possible (02/27/2013).
        if m[2] == "/" and second > 12 >= first:
            return _date(year, first, second, value)
        return _date(year, second, first, value)
    for fmt in _NAMED_MONTH_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise ValueProblem(f"{shown(value)} is not a date (write it like 2013-02-27 or 27.02.2013)")


# ------------------------------------------------------------------------- times

_CLOCK = re.compile(
    r"(\d{1,2})(?:[:.h](\d{2}))?(?::(\d{2}))?\s*(?:([ap])\.?\s*m\.?)?", flags=re.IGNORECASE
)


def _round_to_second(t: dt.time) -> dt.time:
    # Excel stores times as fractions of a day, so 09:20 may come back as 09:19:59.999999.
    seconds = round(t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6)
    if seconds >= 24 * 3600:
        seconds = 24 * 3600 - 1
    return dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60)


def _clock(hour: int, minute: int, second: int, value: object) -> dt.time:
    if not (0 <= hour < 24 and 0 <= minute < 60 and 0 <= second < 60):
        raise ValueProblem(f"{shown(value)} is not a time of day")
    return dt.time(hour, minute, second)


def _time_from_text(text: str, value: object) -> dt.time | None:
    m = _CLOCK.fullmatch(text)
    if m is None:
        return None
    hour, minute, second = int(m[1]), int(m[2] or 0), int(m[3] or 0)
    if m[4]:
        if not 1 <= hour <= 12:
            raise ValueProblem(f"{shown(value)} is not a time of day")
        hour = hour % 12 + (12 if m[4].lower() == "p" else 0)
    return _clock(hour, minute, second, value)


def as_time(value: object) -> dt.time:
    if isinstance(value, dt.datetime):
        return _round_to_second(value.time())
    if isinstance(value, dt.time):
        return _round_to_second(value)
    if isinstance(value, dt.date):
        raise ValueProblem(f"{shown(value)} is a date, not a time")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 0 <= value < 1:  # Excel's fraction of a day
            return _round_to_second(from_excel(value))
        if 1 <= value < 24:  # typed as 9.30 (hours.minutes) in a cell Excel took for a number
            hour = int(value)
            return _clock(hour, round((value - hour) * 100), 0, value)
        if value >= _SERIAL_RANGE[0]:  # a date-and-time serial
            return _round_to_second(from_excel(value).time())
        raise ValueProblem(f"{shown(value)} is not a time of day")
    text = as_text(value)
    found = _time_from_text(text, value)
    if found is not None:
        return found
    # A date and a time in one text cell: the time is what is wanted here.
    head, _, tail = text.replace("T", " ", 1).partition(" ")
    if tail:
        try:
            as_date(head)
        except ValueProblem:
            pass
        else:
            found = _time_from_text(tail.strip(), value)
            if found is not None:
                return found
    raise ValueProblem(f"{shown(value)} is not a time (write it like 09:00 or 9:00 AM)")
