"""The Panel rosters sheet: one printable block per panel, the people in it listed below.

The Panels sheet keeps the contract's one-row-per-participant list for filtering; this
sheet is what a moderator or a room steward takes along.
"""

from __future__ import annotations

from models.domain import Event, Schedule
from scheduler.exports.excel_style import (
    A4,
    BAND_FILL,
    HEADER,
    MAX_WIDTH,
    MIN_WIDTH,
    MUTED_FONT,
    SUBTITLE_FONT,
    Book,
    Sheet,
    shown_width,
)
from scheduler.exports.schedule.names import PANEL_ROSTER_COLUMNS, PANEL_ROSTERS


def build_panel_rosters_sheet(book: Book, event: Event, schedule: Schedule) -> Sheet:
    ws = book.sheet(PANEL_ROSTERS)
    widths = [len(c) for c in PANEL_ROSTER_COLUMNS]
    row = 0
    runs = sorted(schedule.panels, key=lambda r: (r.start, r.panel))
    for run in runs:
        panel = event.panel[run.panel]
        row += 1
        ws.put(row, 1, f"{panel.id}: {panel.title}", SUBTITLE_FONT)
        row += 1
        ws.put_row(
            row,
            (
                f"{run.start:%Y-%m-%d}  {run.start:%H:%M}-{run.end:%H:%M}",
                panel.room,
                f"{len(run.members)} of {panel.capacity} places taken",
            ),
            BAND_FILL,
        )
        row += 1
        ws.put_row(row, PANEL_ROSTER_COLUMNS, HEADER)
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
            ws.put_row(row, values)
            widths = [max(w, shown_width(v)) for w, v in zip(widths, values, strict=True)]
        row += 1  # blank line between panels
    placed = {r.panel for r in runs}
    for panel in event.panels:
        if panel.id not in placed:
            row += 1
            ws.put(row, 1, f"{panel.id}: {panel.title} was not scheduled", MUTED_FONT)
    if row == 0:
        ws.put(1, 1, "No panels in this event.", MUTED_FONT)
    ws.set_widths(widths)
    ws.set_width(1, max(MIN_WIDTH, min(MAX_WIDTH, widths[0] + 2), 24))  # at least 24 wide
    ws.print_setup(landscape=False, paper=A4, pages_wide=1)
    return ws
