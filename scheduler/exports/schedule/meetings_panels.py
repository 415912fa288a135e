"""Write the schedule workbook's Meetings and Panels sheets (docs/workbook.md, Output).

Other sheets (Agendas, Unscheduled, Summary, Grid) are added to the same workbook by their
own builders; each `build_*_sheet(wb, event, schedule)` appends one sheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

from models.domain import Event, Meeting, PanelRun, Schedule
from scheduler.exports.excel_style import Book, Sheet, write_rows
from scheduler.exports.schedule.names import MEETINGS, MEETINGS_COLUMNS, PANELS, PANELS_COLUMNS

# Columns are as wide as their longest value in the first rows (within bounds).
WIDTH_ROWS = 200


def write_schedule(path: str | Path, event: Event, schedule: Schedule) -> Path:
    """Write a workbook with the Meetings and Panels sheets to `path`; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Book(path, f"{event.settings.name}: schedule")
    build_meetings_sheet(book, event, schedule)
    build_panels_sheet(book, event, schedule)
    book.close()
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


def build_meetings_sheet(book: Book, event: Event, schedule: Schedule) -> Sheet:
    slot = {s.index: s for s in event.slots}

    def rows():
        for meeting_id, m in ordered_meetings(event, schedule):
            s = slot[m.slot]
            a, b = event.attendee[m.a], event.attendee[m.b]
            pair = event.pair_of(m.a, m.b)
            table = event.table.get(m.table)
            yield (
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
            )

    return write_list(book.sheet(MEETINGS), MEETINGS_COLUMNS, rows())


def build_panels_sheet(book: Book, event: Event, schedule: Schedule) -> Sheet:
    def rows():
        for run in ordered_panel_runs(schedule):
            panel = event.panel[run.panel]
            for person in run.members:
                attendee = event.attendee[person]
                yield (
                    panel.id,
                    panel.title,
                    run.start.date(),
                    run.start.time(),
                    run.end.time(),
                    panel.room,
                    attendee.id,
                    attendee.name,
                    "moderator" if person == panel.moderator else "participant",
                )

    return write_list(book.sheet(PANELS), PANELS_COLUMNS, rows())


def write_list(sheet: Sheet, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> Sheet:
    """Write the header and rows: dates and times as real Excel cells, every string as text;
    freeze the header and size columns to their first WIDTH_ROWS rows, as organisers expect.

    Registration text is the organisers' and their attendees' own: a name like `=HYPERLINK(…)`
    or `-Acme-` must stay text and never become a formula in someone's spreadsheet (written
    as a string cell; unlike the other sheets' lists, without Excel's quote prefix).
    """
    for c, name in enumerate(headers):
        sheet.ws.write_string(0, c, name)
    first: list[Sequence[object]] = []

    def noted():
        for r, values in enumerate(rows, start=1):
            if r < WIDTH_ROWS:
                first.append(values)
            yield values

    write_rows(sheet, len(headers), noted(), quote=False)
    widths = [len(h) for h in headers]
    for values in first:
        widths = [max(w, len(_shown(v))) for w, v in zip(widths, values, strict=True)]
    sheet.freeze(1)
    for c, width in enumerate(widths, start=1):
        sheet.set_width(c, min(max(width + 2, 8), 40))
    return sheet


def _shown(value: object) -> str:
    if isinstance(value, dt.date):
        return "yyyy-mm-dd"
    if isinstance(value, dt.time):
        return "hh:mm"
    return "" if value is None else str(value)
