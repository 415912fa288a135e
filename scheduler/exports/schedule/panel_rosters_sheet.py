"""The Panel rosters sheet: one printable block per panel, the people in it listed below.

The Panels sheet keeps the contract's one-row-per-participant list for filtering; this
sheet is what a moderator or a room steward takes along.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from models.domain import Event, Schedule
from scheduler.exports.excel_style import (
    BAND_FILL,
    MUTED_FONT,
    SUBTITLE_FONT,
    put,
    put_row,
    set_widths,
    shown_width,
    style_header,
)
from scheduler.exports.schedule.names import PANEL_ROSTER_COLUMNS, PANEL_ROSTERS


def build_panel_rosters_sheet(wb: Workbook, event: Event, schedule: Schedule) -> Worksheet:
    ws = wb.create_sheet(PANEL_ROSTERS)
    widths = [len(c) for c in PANEL_ROSTER_COLUMNS]
    row = 0
    runs = sorted(schedule.panels, key=lambda r: (r.start, r.panel))
    for run in runs:
        panel = event.panel[run.panel]
        row += 1
        title = put(ws, row, 1, f"{panel.id}: {panel.title}")
        title.font = SUBTITLE_FONT
        row += 1
        put_row(
            ws,
            row,
            (
                f"{run.start:%Y-%m-%d}  {run.start:%H:%M}-{run.end:%H:%M}",
                panel.room,
                f"{len(run.members)} of {panel.capacity} places taken",
            ),
        )
        for column in range(1, 4):
            ws.cell(row=row, column=column).fill = BAND_FILL
        row += 1
        put_row(ws, row, PANEL_ROSTER_COLUMNS)
        style_header(ws, row, 1, len(PANEL_ROSTER_COLUMNS))
        for member in run.members:
            person = event.attendee[member]
            values = (
                "moderator" if member == panel.moderator else "participant",
                person.id,
                person.name,
                person.organisation,
                person.email,
            )
            row += 1
            put_row(ws, row, values)
            widths = [max(w, shown_width(v)) for w, v in zip(widths, values, strict=True)]
        row += 1  # blank line between panels
    placed = {r.panel for r in runs}
    for panel in event.panels:
        if panel.id not in placed:
            row += 1
            cell = put(ws, row, 1, f"{panel.id}: {panel.title} was not scheduled")
            cell.font = MUTED_FONT
    if row == 0:
        put(ws, 1, 1, "No panels in this event.").font = MUTED_FONT
    set_widths(ws, widths)
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width, 24)
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return ws
