"""iCalendar content lines, written as icalendar writes them, without its per-line cost.

A BIO run writes 16,000 calendars of ~20 entries; building icalendar's property objects
and folding every line character by character took ~3.5 ms a calendar, more than the rest
of the file. Text lines are escaped and folded here (the same bytes as icalendar 7's
`_escape_char` and `_foldline`); a date-time line is icalendar's own, made once for each
distinct value (slots repeat in every calendar), so time zones and UTC stay its business.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from icalendar import Event as CalendarEvent

LIMIT = 75  # octets a line holds before it is folded (RFC 5545)
FOLD = "\r\n "


def escape(text: str) -> str:
    """RFC 5545 TEXT escaping, in icalendar's order (a literal `\\N` counts as a newline)."""
    return (
        text.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def fold(line: str) -> str:
    """`line` folded every 74 octets (a continuation's leading space makes 75), never
    inside a character and never right after a backslash or caret, as icalendar does."""
    if len(line) < LIMIT and line.isascii():
        return line
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = 1 if char < "\x80" else len(char.encode())
        if current and size + width >= LIMIT:
            # An escape (\, or a parameter's ^) stays with the character it escapes.
            if len(current) > 1 and current[-1] in "\\^":
                last = current.pop()
                pieces.append("".join(current))
                current, size = [last], len(last.encode())
            else:
                pieces.append("".join(current))
                current, size = [], 0
        current.append(char)
        size += width
    if current:
        pieces.append("".join(current))
    return FOLD.join(pieces)


def text_line(name: str, value: str) -> str:
    """A TEXT property's content line (no line break at the end)."""
    return fold(f"{name}:{escape(value)}")


def unknown_line(name: str, value: str) -> str:
    """An X- property's content line: icalendar writes these unescaped (its `vUnknown`), so
    commas and semicolons stay as typed; only line breaks are escaped (icalendar refused them)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", r"\n")
    return fold(f"{name}:{value}")


def moment_line(name: str, value: dt.datetime) -> str:
    """A date-time property's content line: UTC with a Z, otherwise with its TZID."""
    # The zone is part of the key: equal instants in two zones are written differently.
    return _moment_line(name, value, str(value.tzinfo))


@lru_cache(maxsize=4096)
def _moment_line(name: str, value: dt.datetime, _zone: str) -> str:
    holder = CalendarEvent()
    holder.add(name, value)
    return fold(str(holder.content_line(name, holder[name])))
