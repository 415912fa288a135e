"""The Grid sheet: the wall chart of who sits where, slots down and tables across.

Row 1 names the rooms above their tables, row 2 the tables; each further row is a slot.
A cell holds both people of the meeting with their organisations. Tables not in use in a
session are greyed out; a last column lists the panels running in the slot. Printed on A4
or A3 landscape, fitted to the page width, with the header rows and slot columns repeated.
"""

from __future__ import annotations

from models.domain import Event, Schedule, Table
from scheduler.exports.excel_style import (
    A3,
    A4,
    BAND_FILL,
    BOLD,
    GREY_FILL,
    HEADER,
    ROOM_EDGE,
    WRAP_TOP,
    Book,
    Sheet,
    landscape_fit_width,
)
from scheduler.exports.schedule.names import GRID, GRID_SLOT_COLUMNS

TABLE_WIDTH = 26
PANELS_WIDTH = 36
LINE_HEIGHT = 15  # points per line of 11-point text
# Tables that still print legibly across one landscape page of each paper size; beyond
# that the chart spreads over several A3 pages across, the slot columns repeated on each.
A4_TABLES = 8
A3_TABLES = 16


def grid_tables(event: Event) -> list[tuple[str, list[Table]]]:
    """Tables grouped by room, rooms and tables in Tables-sheet order."""
    rooms: dict[str, list[Table]] = {}
    for t in event.tables:
        rooms.setdefault(t.room, []).append(t)
    return list(rooms.items())


def meeting_text(event: Event, a: str, b: str, host: str | None = None) -> str:
    """Both people, one per line, the table's host (if one of them) first."""
    order = (b, a) if host == b else (a, b)
    lines = []
    for person in (event.attendee[x] for x in order):
        lines.append(
            f"{person.name} ({person.organisation})" if person.organisation else person.name
        )
    return "\n".join(lines)


def build_grid_sheet(book: Book, event: Event, schedule: Schedule) -> Sheet:
    """Rows are written top to bottom, each cell once with all its styles (the workbook may
    be written in constant-memory mode)."""
    ws = book.sheet(GRID)
    rooms = grid_tables(event)
    tables = [t for _, room_tables in rooms for t in room_tables]
    first = len(GRID_SLOT_COLUMNS) + 1
    column_of = {t.id: first + i for i, t in enumerate(tables)}
    panels_column = first + len(tables)
    host_of = {a.host_table: a for a in event.attendees if a.host_table and not a.cancelled}

    # Row 1: room names merged across their tables; row 2: table ids (and hosts).
    column = first
    room_starts = set()
    for room, room_tables in rooms:
        room_starts.add(column)
        name = room or "(no room)"
        if len(room_tables) > 1:
            ws.merge(1, column, column + len(room_tables) - 1, name, HEADER)
        else:
            ws.put(1, column, name, HEADER)
        column += len(room_tables)
    ws.blank(1, panels_column, HEADER)
    for i, name in enumerate(GRID_SLOT_COLUMNS):
        ws.put(2, 1 + i, name, HEADER)
    for t in tables:
        host = host_of.get(t.id)
        ws.put(2, column_of[t.id], f"{t.id} (host: {host.name})" if host else t.id, HEADER)
    ws.put(2, panels_column, "panels", HEADER)

    at: dict[tuple[int, str], tuple[str, str]] = {
        (m.slot, m.table): (m.a, m.b) for m in schedule.meetings
    }
    usable = {t.id: set(t.sessions) for t in tables}
    runs = sorted(schedule.panels, key=lambda r: (r.start, r.panel))

    row = 2
    previous_session = None
    for s in event.slots:
        row += 1
        first_of_session = (BOLD,) if s.session != previous_session else ()
        ws.put(row, 1, s.session, *first_of_session)
        ws.put(row, 2, s.start.date(), *first_of_session)
        ws.put(row, 3, s.start.time(), *first_of_session)
        ws.put(row, 4, s.end.time(), *first_of_session)
        previous_session = s.session
        lines = 1
        for t in tables:
            column = column_of[t.id]
            edge = (ROOM_EDGE,) if column in room_starts else ()
            pair = at.get((s.index, t.id))
            if pair is not None:
                host = host_of.get(t.id)
                text = meeting_text(event, *pair, host.id if host else None)
                ws.put(row, column, text, WRAP_TOP, *edge)
                lines = max(lines, _lines(text, TABLE_WIDTH))
            elif s.session not in usable[t.id]:
                ws.blank(row, column, GREY_FILL, *edge)
            elif edge:
                ws.blank(row, column, *edge)
        running = [
            f"{event.panel[r.panel].title} ({event.panel[r.panel].room})"
            for r in runs
            if r.start < s.end and s.start < r.end
        ]
        if running:
            text = "\n".join(running)
            ws.put(row, panels_column, text, WRAP_TOP, BAND_FILL)
            lines = max(lines, _lines(text, PANELS_WIDTH))
        # Excel does not grow rows for wrapped text written by a program: size them here.
        ws.set_height(row, LINE_HEIGHT * lines)

    ws.set_widths([8, 10, 5, 5])
    for t in tables:
        ws.set_width(column_of[t.id], TABLE_WIDTH)
    ws.set_width(panels_column, PANELS_WIDTH)
    ws.freeze(2, first - 1)
    titles = {"title_rows": 2, "title_columns": first - 1}
    if len(tables) <= A4_TABLES:
        landscape_fit_width(ws, A4, **titles)
    else:
        landscape_fit_width(ws, A3, pages_wide=-(-len(tables) // A3_TABLES), **titles)
    return ws


def _lines(text: str, width: int) -> int:
    """Printed lines of wrapped `text` in a column `width` characters wide."""
    return sum(max(1, -(-len(line) // (width - 2))) for line in text.split("\n"))
