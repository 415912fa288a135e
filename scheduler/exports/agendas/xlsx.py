"""One attendee's printable agenda as a one-page .xlsx.

The page says which event, where and when, whose agenda it is, and then the attendee's
day slot by slot: meetings (time, table and room, the counterpart and their organisation),
panels (title, room, role) and the free slots in between, so nobody wonders whether a gap
is a mistake.

A BIO event writes 16,000 of these, so the page is written with XlsxWriter (a few ms a
file; openpyxl took ~15): the styles are those of `excel_style`, converted once per file by
`excel_style.xlsxwriter_style`, and the cells are what `excel_style.put` would write
(cleaned text, formula-like text kept as text with Excel's quote prefix, dates and times as
real cells), so openpyxl reads the page back as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import xlsxwriter

from models.domain import Attendee, Event
from scheduler.exports.agendas.items import AWAY, FREE, MEETING, PANEL, AgendaItem
from scheduler.exports.excel_style import (
    BOLD,
    DATE_FORMAT,
    FORMULA_PREFIXES,
    HEADER_ALIGNMENT,
    HEADER_FILL,
    HEADER_FONT,
    MAX_WIDTH,
    MIN_WIDTH,
    MUTED_FONT,
    SUBTITLE_FONT,
    TIME_FORMAT,
    TITLE_FONT,
    clean_text,
    shown_width,
    xlsxwriter_style,
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


class _Page:
    """One agenda sheet and its cell formats (an XlsxWriter format belongs to one workbook,
    so they are made per file, each the first time it is used)."""

    def __init__(self, wb, ws) -> None:
        self.wb, self.ws = wb, ws
        self.formats: dict[tuple, object] = {}

    def format(self, font=None, number_format=None, quote=False, header=False):
        key = (id(font), number_format, quote, header)
        fmt = self.formats.get(key)
        if fmt is None:
            style = xlsxwriter_style(
                font=font,
                fill=HEADER_FILL if header else None,
                alignment=HEADER_ALIGNMENT if header else None,
            )
            if number_format:
                style["num_format"] = number_format
            if quote:
                style["quote_prefix"] = True
            fmt = self.formats[key] = self.wb.add_format(style) if style else None
        return fmt

    def put(self, row: int, column: int, value: object, font=None, header=False) -> None:
        """`excel_style.put` (1-based row and column) with the cell's font."""
        r, c = row - 1, column - 1
        if isinstance(value, str):
            value = clean_text(value)
            quote = value.startswith(FORMULA_PREFIXES)
            self.ws.write_string(r, c, value, self.format(font, None, quote, header))
        elif isinstance(value, dt.datetime):
            raise TypeError("agenda cells hold a date or a time, not both")
        elif isinstance(value, dt.date):
            self.ws.write_datetime(r, c, value, self.format(font, DATE_FORMAT, False, header))
        elif isinstance(value, dt.time):
            self.ws.write_datetime(r, c, value, self.format(font, TIME_FORMAT, False, header))
        else:
            self.ws.write(r, c, value, self.format(font, None, False, header))


def write_agenda_workbook(
    path: Path, event: Event, attendee: Attendee, timeline: Sequence[AgendaItem]
) -> Path:
    """Write `attendee`'s agenda (from `personal_timeline`) to `path`, fitted to one page."""
    wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
    wb.set_properties(
        {"author": "sigmeet", "title": f"{event.settings.name}: agenda of {attendee.name}"}
    )
    ws = wb.add_worksheet("Agenda")
    page = _Page(wb, ws)

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
        page.put(HEADER_ROW, column, name, HEADER_FONT, header=True)
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
                page.put(row, column, value, font)
        widths = [max(w, shown_width(v)) for w, v in zip(widths, values, strict=True)]
    if not timeline:
        page.put(HEADER_ROW + 1, 1, "Nothing scheduled for you.", MUTED_FONT)
    for column, width in enumerate(widths):
        # `excel_style.set_widths`: openpyxl stores the width as given; XlsxWriter stores
        # pixels / 7 (its maximum digit width), so this is the same <col width>.
        ws.set_column_pixels(column, column, 7 * max(MIN_WIDTH, min(MAX_WIDTH, width + 2)))

    ws.repeat_rows(HEADER_ROW - 1)
    ws.set_portrait()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 1)
    # openpyxl's margins with left and right at 0.5 inch, as before.
    ws.set_margins(left=0.5, right=0.5, top=1, bottom=1)
    ws.set_header("", {"margin": 0.5})
    ws.set_footer("", {"margin": 0.5})
    wb.close()
    return path
