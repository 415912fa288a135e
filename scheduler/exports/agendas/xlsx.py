"""One attendee's printable agenda as a one-page .xlsx.

The page says which event, where and when, whose agenda it is, and then the attendee's
day slot by slot: meetings (time, table and room, the counterpart and their organisation),
panels (title, room, role) and the free slots in between, so nobody wonders whether a gap
is a mistake.

A BIO event writes 16,000 of these: each is written from a template package that XlsxWriter
makes once per process (`xlsx_package`; ~2.5 ms a file, 6 ms with XlsxWriter for each,
~15 with openpyxl). The styles are `excel_style`'s and the cells what `Sheet.put` writes, as
in the schedule workbook (cleaned text, formula-like text kept as text with Excel's quote
prefix, dates and times as real cells with their number format).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from models.domain import Attendee, Event
from scheduler.exports.agendas.items import AWAY, FREE, MEETING, PANEL, AgendaItem
from scheduler.exports.agendas.xlsx_package import Cell, Format, template, write_workbook
from scheduler.exports.excel_style import (
    A4,
    BOLD,
    DATE_FORMAT,
    FORMULA_PREFIXES,
    HEADER,
    MAX_WIDTH,
    MIN_WIDTH,
    MUTED_FONT,
    SUBTITLE_FONT,
    TIME_FORMAT,
    TITLE_FONT,
    Sheet,
    clean_text,
    shown_width,
)
from scheduler.exports.list_rows import excel_serial

AGENDA_COLUMNS = ("date", "from", "to", "what", "with", "organisation", "where")
HEADER_ROW = 6
WHAT_COLUMN = AGENDA_COLUMNS.index("what") + 1
# What a date, a from and a to take on screen (every row has all three).
SAMPLE_MOMENTS = (dt.date(2000, 1, 1), dt.time(0, 0), dt.time(0, 0))


def event_dates(event: Event) -> str:
    days = sorted({s.date for s in event.sessions})
    if not days:
        return ""
    if len(days) == 1:
        return f"{days[0]:%A %d %B %Y}"
    return f"{days[0]:%d %B %Y} to {days[-1]:%d %B %Y}"


def what(item: AgendaItem) -> str:
    if item.kind == MEETING:
        return "meeting"
    if item.kind == PANEL:
        return f"panel ({item.role})"
    return "away" if item.kind == AWAY else "free"


# Every format an agenda's cells use: the template has each once.
TITLE, SUBTITLE = Format((TITLE_FONT,)), Format((SUBTITLE_FONT,))
HEAD, STRONG, MUTED = Format((HEADER,)), Format((BOLD,)), Format((MUTED_FONT,))
DAY, NEW_DAY = Format(number_format=DATE_FORMAT), Format((BOLD,), DATE_FORMAT)
TIME = Format(number_format=TIME_FORMAT)
PLAIN = Format()
FORMATS = (TITLE, SUBTITLE, HEAD, STRONG, MUTED, DAY, NEW_DAY, TIME)
FORMATS += tuple(f._replace(quote=True) for f in (PLAIN, TITLE, SUBTITLE, STRONG, MUTED))


def text(column: int, value: str, f: Format = PLAIN) -> Cell | None:
    """A text cell as `Sheet.put` writes it: cleaned, formula-like text with Excel's quote
    prefix; None for empty text."""
    value = clean_text(value)
    if not value:
        return None
    return Cell(column, value, f._replace(quote=True) if value.startswith(FORMULA_PREFIXES) else f)


def page_setup(page: Sheet) -> None:
    """A4 portrait on one page, the column headers repeated, narrower sides than a list."""
    page.print_setup(landscape=False, paper=A4, pages_wide=1, pages_high=1)
    page.ws.repeat_rows(HEADER_ROW - 1)
    page.ws.set_margins(left=0.5, right=0.5, top=1, bottom=1)


def timeline_rows(timeline: Sequence[AgendaItem], widths: list[int]):
    """The rows below the header, one per item (row number, cells); `widths` grows to fit."""
    day = None
    for row, item in enumerate(timeline, start=HEADER_ROW + 1):
        start = item.start
        date = start.date()
        cells = [
            Cell(1, excel_serial(date), NEW_DAY if date != day else DAY),  # bold: a new day
            Cell(2, excel_serial(start.time()), TIME),
            Cell(3, excel_serial(item.end.time()), TIME),
            text(WHAT_COLUMN, what(item), MUTED if item.kind in (FREE, AWAY) else STRONG),
        ]
        day = date
        texts = (what(item), item.with_text, item.counterpart_organisation, item.location)
        for column, value in enumerate(texts[1:], start=WHAT_COLUMN + 1):
            cells.append(text(column, value))
        for column, value in enumerate(texts, start=WHAT_COLUMN):
            widths[column - 1] = max(widths[column - 1], shown_width(value))
        yield row, [c for c in cells if c is not None]


def write_agenda_workbook(
    path: Path, event: Event, attendee: Attendee, timeline: Sequence[AgendaItem]
) -> Path:
    """Write `attendee`'s agenda (from `personal_timeline`) to `path`, fitted to one page."""
    venue = " · ".join(x for x in (event.settings.venue, event_dates(event)) if x)
    who = f"{attendee.name}, {attendee.organisation}" if attendee.organisation else attendee.name
    meetings = sum(1 for i in timeline if i.kind == MEETING)
    panels = sum(1 for i in timeline if i.kind == PANEL)
    count = f"{meetings} meeting{'s' * (meetings != 1)}"
    if panels:
        count += f", {panels} panel{'s' * (panels != 1)}"
    top = (
        (1, text(1, event.settings.name, TITLE)),
        (2, text(1, venue)),
        (3, text(1, f"Agenda of {who} ({attendee.id})", SUBTITLE)),
        (4, text(1, count)),
    )
    rows = [(r, [c]) for r, c in top if c is not None]
    rows.append((HEADER_ROW, [Cell(c, name, HEAD) for c, name in enumerate(AGENDA_COLUMNS, 1)]))
    widths = [len(c) for c in AGENDA_COLUMNS]
    if timeline:  # dates and times always take as much room
        widths[:3] = [max(w, shown_width(v)) for w, v in zip(widths, SAMPLE_MOMENTS, strict=False)]
        rows += timeline_rows(timeline, widths)
    else:
        rows.append((HEADER_ROW + 1, [Cell(1, "Nothing scheduled for you.", MUTED)]))
    widths = [max(MIN_WIDTH, min(MAX_WIDTH, w + 2)) for w in widths]
    package = template("Agenda", FORMATS, page_setup)
    title = f"{event.settings.name}: agenda of {attendee.name}"
    write_workbook(path, package, title, rows, widths)
    return path
