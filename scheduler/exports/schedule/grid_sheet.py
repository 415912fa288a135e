"""The Grid sheet: the wall chart of who sits where, slots down and tables across.

Row 1 names the rooms above their tables, row 2 the tables; each further row is a slot.
A cell holds both people of the meeting with their organisations. Tables not in use in a
session are greyed out; a last column lists the panels running in the slot. Printed on A4
or A3 landscape, fitted to the page width, with the header rows and slot columns repeated.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from models.domain import Event, Schedule, Table
from scheduler.exports.excel_style import (
    BAND_FILL,
    BOLD,
    GREY_FILL,
    WRAP_TOP,
    landscape_fit_width,
    put,
    set_widths,
    style_header,
)
from scheduler.exports.schedule.names import GRID, GRID_SLOT_COLUMNS

TABLE_WIDTH = 26
PANELS_WIDTH = 36
LINE_HEIGHT = 15  # points per line of 11-point text
# Tables that still print legibly across one landscape page of each paper size; beyond
# that the chart spreads over several A3 pages across, the slot columns repeated on each.
A4_TABLES = 8
A3_TABLES = 16

_THIN = Side(style="thin", color="A6A6A6")
_ROOM_EDGE = Border(left=_THIN)


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


def build_grid_sheet(wb: Workbook, event: Event, schedule: Schedule) -> Worksheet:
    ws = wb.create_sheet(GRID)
    rooms = grid_tables(event)
    tables = [t for _, room_tables in rooms for t in room_tables]
    first = len(GRID_SLOT_COLUMNS) + 1
    column_of = {t.id: first + i for i, t in enumerate(tables)}
    panels_column = first + len(tables)
    host_of = {a.host_table: a for a in event.attendees if a.host_table and not a.cancelled}

    # Row 1: room names merged across their tables; row 2: table ids (and hosts).
    column = first
    for room, room_tables in rooms:
        put(ws, 1, column, room or "(no room)")
        if len(room_tables) > 1:
            ws.merge_cells(
                start_row=1,
                start_column=column,
                end_row=1,
                end_column=column + len(room_tables) - 1,
            )
        ws.cell(row=1, column=column).alignment = Alignment(horizontal="center")
        column += len(room_tables)
    for i, name in enumerate(GRID_SLOT_COLUMNS):
        put(ws, 2, 1 + i, name)
    for t in tables:
        host = host_of.get(t.id)
        put(ws, 2, column_of[t.id], f"{t.id} (host: {host.name})" if host else t.id)
    put(ws, 2, panels_column, "panels")
    style_header(ws, 1, first, panels_column)
    style_header(ws, 2, 1, panels_column)

    at: dict[tuple[int, str], tuple[str, str]] = {
        (m.slot, m.table): (m.a, m.b) for m in schedule.meetings
    }
    usable = {t.id: set(t.sessions) for t in tables}
    runs = sorted(schedule.panels, key=lambda r: (r.start, r.panel))
    room_starts = set()
    column = first
    for _, room_tables in rooms:
        room_starts.add(column)
        column += len(room_tables)

    row = 2
    previous_session = None
    for s in event.slots:
        row += 1
        put(ws, row, 1, s.session)
        put(ws, row, 2, s.start.date())
        put(ws, row, 3, s.start.time())
        put(ws, row, 4, s.end.time())
        if s.session != previous_session:
            for c in range(1, first):
                ws.cell(row=row, column=c).font = BOLD
        previous_session = s.session
        lines = 1
        for t in tables:
            column = column_of[t.id]
            pair = at.get((s.index, t.id))
            if pair is not None:
                host = host_of.get(t.id)
                text = meeting_text(event, *pair, host.id if host else None)
                cell = put(ws, row, column, text)
                cell.alignment = WRAP_TOP
                lines = max(lines, _lines(text, TABLE_WIDTH))
            elif s.session not in usable[t.id]:
                ws.cell(row=row, column=column).fill = GREY_FILL
            if column in room_starts:
                ws.cell(row=row, column=column).border = _ROOM_EDGE
        running = [
            f"{event.panel[r.panel].title} ({event.panel[r.panel].room})"
            for r in runs
            if r.start < s.end and s.start < r.end
        ]
        if running:
            text = "\n".join(running)
            cell = put(ws, row, panels_column, text)
            cell.alignment = WRAP_TOP
            cell.fill = BAND_FILL
            lines = max(lines, _lines(text, PANELS_WIDTH))
        # Excel does not grow rows for wrapped text written by a program: size them here.
        ws.row_dimensions[row].height = LINE_HEIGHT * lines

    set_widths(ws, [8, 10, 5, 5])
    for t in tables:
        ws.column_dimensions[get_column_letter(column_of[t.id])].width = TABLE_WIDTH
    ws.column_dimensions[get_column_letter(panels_column)].width = PANELS_WIDTH
    ws.freeze_panes = ws.cell(row=3, column=first).coordinate
    ws.print_title_rows = "1:2"
    ws.print_title_cols = f"A:{get_column_letter(first - 1)}"
    if len(tables) <= A4_TABLES:
        landscape_fit_width(ws, "A4")
    else:
        landscape_fit_width(ws, "A3", pages_wide=-(-len(tables) // A3_TABLES))
    return ws


def _lines(text: str, width: int) -> int:
    """Printed lines of wrapped `text` in a column `width` characters wide."""
    return sum(max(1, -(-len(line) // (width - 2))) for line in text.split("\n"))
