"""One attendee's printable agenda as a one-page .xlsx.

The page says which event, where and when, whose agenda it is, and then the attendee's
day slot by slot: meetings (time, table and room, the counterpart and their organisation),
panels (title, room, role) and the free slots in between, so nobody wonders whether a gap
is a mistake.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from models.domain import Attendee, Event
from scheduler.exports.agendas.items import AWAY, FREE, MEETING, PANEL, AgendaItem
from scheduler.exports.excel_style import (
    BOLD,
    MUTED_FONT,
    SUBTITLE_FONT,
    TITLE_FONT,
    put,
    put_row,
    set_widths,
    shown_width,
    style_header,
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
    wb = Workbook()
    ws = wb.active
    ws.title = "Agenda"
    wb.properties.creator = "sigmeet"
    wb.properties.title = f"{event.settings.name}: agenda of {attendee.name}"

    put(ws, 1, 1, event.settings.name).font = TITLE_FONT
    put(ws, 2, 1, " · ".join(x for x in (event.settings.venue, event_dates(event)) if x))
    who = f"{attendee.name}, {attendee.organisation}" if attendee.organisation else attendee.name
    put(ws, 3, 1, f"Agenda of {who} ({attendee.id})").font = SUBTITLE_FONT
    meetings = sum(1 for i in timeline if i.kind == MEETING)
    panels = sum(1 for i in timeline if i.kind == PANEL)
    count = f"{meetings} meeting{'s' * (meetings != 1)}"
    if panels:
        count += f", {panels} panel{'s' * (panels != 1)}"
    put(ws, 4, 1, count)

    put_row(ws, HEADER_ROW, AGENDA_COLUMNS)
    style_header(ws, HEADER_ROW, 1, len(AGENDA_COLUMNS))
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
        put_row(ws, row, values)
        widths = [max(w, shown_width(v)) for w, v in zip(widths, values, strict=True)]
        if item.kind in (FREE, AWAY):
            ws.cell(row=row, column=WHAT_COLUMN).font = MUTED_FONT
        else:
            ws.cell(row=row, column=WHAT_COLUMN).font = BOLD
        if item.start.date() != day:
            ws.cell(row=row, column=1).font = BOLD  # where a new day begins
            day = item.start.date()
    if not timeline:
        put(ws, HEADER_ROW + 1, 1, "Nothing scheduled for you.").font = MUTED_FONT
    set_widths(ws, widths)

    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    wb.save(path)
    return path
