"""Write the schedule workbook's Meetings and Panels sheets (docs/workbook.md, Output).

Other sheets (Agendas, Unscheduled, Summary, Grid) are added to the same workbook by their
own builders; each `build_*_sheet(wb, event, schedule)` appends one sheet.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from models.domain import Event, Meeting, PanelRun, Schedule
from scheduler.exports.schedule.names import MEETINGS, MEETINGS_COLUMNS, PANELS, PANELS_COLUMNS

DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "hh:mm"


def write_schedule(path: str | Path, event: Event, schedule: Schedule) -> Path:
    """Write a workbook with the Meetings and Panels sheets to `path`; return the path."""
    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    build_meetings_sheet(wb, event, schedule)
    build_panels_sheet(wb, event, schedule)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def ordered_meetings(event: Event, schedule: Schedule) -> list[tuple[str, Meeting]]:
    """Meetings with their stable ids `M-0001`, … numbered by slot, then table order."""
    table_rank = {t.id: i for i, t in enumerate(event.tables)}
    ordered = sorted(
        schedule.meetings,
        key=lambda m: (m.slot, table_rank.get(m.table, len(table_rank)), m.table, m.a, m.b),
    )
    width = max(4, len(str(len(ordered))))
    return [(f"M-{i:0{width}d}", m) for i, m in enumerate(ordered, start=1)]


def ordered_panel_runs(schedule: Schedule) -> list[PanelRun]:
    return sorted(schedule.panels, key=lambda r: (r.start, r.panel))


def build_meetings_sheet(wb: Workbook, event: Event, schedule: Schedule) -> Worksheet:
    ws = wb.create_sheet(MEETINGS)
    ws.append(MEETINGS_COLUMNS)
    slot = {s.index: s for s in event.slots}
    for row, (meeting_id, m) in enumerate(ordered_meetings(event, schedule), start=2):
        s = slot[m.slot]
        a, b = event.attendee[m.a], event.attendee[m.b]
        pair = event.pair_of(m.a, m.b)
        table = event.table.get(m.table)
        append_row(
            ws,
            row,
            [
                meeting_id,
                s.start.date(),
                s.start.time(),
                s.end.time(),
                m.table,
                table.room if table else "",
                a.id,
                a.name,
                a.organisation,
                b.id,
                b.name,
                b.organisation,
                pair.priority if pair else None,  # a pin may link a pair nobody requested
                "yes" if pair and pair.mutual else "no",
                m.origin,
            ],
        )
    finish_sheet(ws)
    return ws


def build_panels_sheet(wb: Workbook, event: Event, schedule: Schedule) -> Worksheet:
    ws = wb.create_sheet(PANELS)
    ws.append(PANELS_COLUMNS)
    row = 2
    for run in ordered_panel_runs(schedule):
        panel = event.panel[run.panel]
        for person in run.members:
            attendee = event.attendee[person]
            append_row(
                ws,
                row,
                [
                    panel.id,
                    panel.title,
                    run.start.date(),
                    run.start.time(),
                    run.end.time(),
                    panel.room,
                    attendee.id,
                    attendee.name,
                    "moderator" if person == panel.moderator else "participant",
                ],
            )
            row += 1
    finish_sheet(ws)
    return ws


def append_row(ws: Worksheet, row: int, values: list[object]) -> None:
    """Write Excel row `row`: dates and times as real Excel cells, every string as text.

    The caller counts rows because `ws.max_row` scans the whole sheet (quadratic in rows).

    Registration text is the organisers' and their attendees' own: a name like `=HYPERLINK(…)`
    or `-Acme-` must stay text and never become a formula in someone's spreadsheet.
    """
    for col, value in enumerate(values, start=1):
        put_value(ws.cell(row=row, column=col), value)


def put_value(cell: Cell, value: object) -> None:
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    elif isinstance(value, dt.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, dt.time):
        cell.number_format = TIME_FORMAT


def finish_sheet(ws: Worksheet) -> None:
    """Freeze the header and size columns to their content, as organisers expect."""
    ws.freeze_panes = "A2"
    for col_cells in ws.iter_cols(min_row=1, max_row=min(ws.max_row, 200)):
        width = max(len(_shown(c.value)) for c in col_cells)
        ws.column_dimensions[get_column_letter(col_cells[0].column)].width = min(
            max(width + 2, 8), 40
        )


def _shown(value: object) -> str:
    if isinstance(value, dt.date):
        return "yyyy-mm-dd"
    if isinstance(value, dt.time):
        return "hh:mm"
    return "" if value is None else str(value)
