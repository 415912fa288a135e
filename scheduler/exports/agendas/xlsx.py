"""One attendee's printable agenda as a one-page .xlsx.

The page says which event, where and when, whose agenda it is, and then the attendee's
day slot by slot: meetings (time, table and room, the counterpart and their organisation),
panels (title, room, role) and the free slots in between, so nobody wonders whether a gap
is a mistake.

A BIO event writes 16,000 of these (a few ms a file with XlsxWriter; openpyxl took ~15): the
styles and cells are `excel_style`'s, as in the schedule workbook (cleaned text, formula-like
text kept as text with Excel's quote prefix, dates and times as real cells).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from models.domain import Attendee, Event
from scheduler.exports.agendas.items import AWAY, FREE, MEETING, PANEL, AgendaItem
from scheduler.exports.excel_style import (
    A4,
    BOLD,
    HEADER,
    MAX_WIDTH,
    MIN_WIDTH,
    MUTED_FONT,
    SUBTITLE_FONT,
    TITLE_FONT,
    Book,
    shown_width,
)

AGENDA_COLUMNS = ("date", "from", "to", "what", "with", "organisation", "where")
HEADER_ROW = 6
WHAT_COLUMN = AGENDA_COLUMNS.index("what") + 1


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


def write_agenda_workbook(
    path: Path, event: Event, attendee: Attendee, timeline: Sequence[AgendaItem]
) -> Path:
    """Write `attendee`'s agenda (from `personal_timeline`) to `path`, fitted to one page."""
    book = Book(path, f"{event.settings.name}: agenda of {attendee.name}")
    page = book.sheet("Agenda")

    page.put(1, 1, event.settings.name, TITLE_FONT)
    page.put(2, 1, " · ".join(x for x in (event.settings.venue, event_dates(event)) if x))
    who = f"{attendee.name}, {attendee.organisation}" if attendee.organisation else attendee.name
    page.put(3, 1, f"Agenda of {who} ({attendee.id})", SUBTITLE_FONT)
    meetings = sum(1 for i in timeline if i.kind == MEETING)
    panels = sum(1 for i in timeline if i.kind == PANEL)
    count = f"{meetings} meeting{'s' * (meetings != 1)}"
    if panels:
        count += f", {panels} panel{'s' * (panels != 1)}"
    page.put(4, 1, count)

    for column, name in enumerate(AGENDA_COLUMNS, start=1):
        page.put(HEADER_ROW, column, name, HEADER)
    widths = [len(c) for c in AGENDA_COLUMNS]
    day = None
    for row, item in enumerate(timeline, start=HEADER_ROW + 1):
        values = (
            item.start.date(),
            item.start.time(),
            item.end.time(),
            what(item),
            item.with_text,
            item.counterpart_organisation,
            item.location,
        )
        fonts = [None] * len(values)
        fonts[WHAT_COLUMN - 1] = MUTED_FONT if item.kind in (FREE, AWAY) else BOLD
        if item.start.date() != day:
            fonts[0] = BOLD  # where a new day begins
            day = item.start.date()
        for column, (value, font) in enumerate(zip(values, fonts, strict=True), start=1):
            if value is not None and value != "":
                page.put(row, column, value, *((font,) if font else ()))
        widths = [max(w, shown_width(v)) for w, v in zip(widths, values, strict=True)]
    if not timeline:
        page.put(HEADER_ROW + 1, 1, "Nothing scheduled for you.", MUTED_FONT)
    for column, width in enumerate(widths, start=1):
        page.set_width(column, max(MIN_WIDTH, min(MAX_WIDTH, width + 2)))

    page.print_setup(landscape=False, paper=A4, pages_wide=1, pages_high=1)
    page.ws.repeat_rows(HEADER_ROW - 1)
    page.ws.set_margins(left=0.5, right=0.5, top=1, bottom=1)  # narrower sides than a list
    book.close()
    return path
