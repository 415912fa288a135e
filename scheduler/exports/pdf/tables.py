"""Table signs for the venue (`tables.pdf`): one A4 page per table, its id large enough to
read across a hall, its room and host, and below every slot of its sessions with who meets
there then (or `free`), so attendees and staff can check they are at the right table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from zoneinfo import ZoneInfo

from models.domain import Event, Meeting, Schedule
from scheduler.exports.pdf.fonts import register_fonts
from scheduler.exports.pdf.layout import (
    ACCENT,
    MARGIN,
    MUTED,
    PAGE_H,
    PAGE_W,
    Cell,
    Row,
    draw_table,
    draw_text,
    new_canvas,
    time_range,
)

TABLES_PDF = "tables.pdf"
COLUMNS = ("time", "meeting", "", "")
WIDTHS = (72.0, 0.5 * (PAGE_W - 2 * MARGIN - 72.0), 0.5 * (PAGE_W - 2 * MARGIN - 72.0) - 4, 4.0)


def _person(event: Event, ident: str) -> str:
    a = event.attendee[ident]
    return f"{a.name} ({a.organisation})" if a.organisation else a.name


def meetings_by_table(schedule: Schedule) -> dict[str, dict[int, Meeting]]:
    """Table id -> slot -> its meeting, worked out once for all the signs."""
    by_table: dict[str, dict[int, Meeting]] = {}
    for m in schedule.meetings:
        by_table.setdefault(m.table, {})[m.slot] = m
    return by_table


def table_rows(
    event: Event, schedule: Schedule, table: str, meets: Mapping[int, Meeting] | None = None
) -> list[Row]:
    """The sign's rows; `meets` (slot -> meeting at `table`, `meetings_by_table`) spares
    looking through every meeting of the event again."""
    if meets is None:
        meets = meetings_by_table(schedule).get(table, {})
    t = event.table[table]
    several_days = len({s.date for s in event.sessions}) > 1
    rows: list[Row] = []
    day = None
    for s in event.slots:
        if s.session not in t.sessions and s.index not in meets:
            continue
        if several_days and s.date != day:
            day = s.date
            rows.append(Row((Cell(f"{day:%A %d %B %Y}"),), heading=True))
        m = meets.get(s.index)
        when = Cell(time_range(s.start, s.end))
        if m is None:
            rows.append(Row((when, Cell("free")), muted=True))
        else:
            rows.append(
                Row(
                    (
                        when,
                        Cell(_person(event, m.a), bold=True),
                        Cell(_person(event, m.b), bold=True),
                    )
                )
            )
    return rows


def write_tables_pdf(
    path: Path, event: Event, schedule: Schedule, *, stamp: dt.datetime | None = None
) -> Path:
    """One sign per table (Tables sheet order) with its meetings by slot."""
    regular, bold = register_fonts()
    hosts = {
        a.host_table: a for a in event.attendees if a.host_table is not None and not a.cancelled
    }
    c = new_canvas(path, f"{event.settings.name}: table signs")
    width = PAGE_W - 2 * MARGIN
    by_table = meetings_by_table(schedule)
    for t in event.tables:
        meets = by_table.get(t.id, {})
        y = PAGE_H - MARGIN - 12
        draw_text(c, MARGIN, y, event.settings.name, regular, 10, width, MUTED)
        y -= 70
        draw_text(c, MARGIN, y, f"Table {t.id}", bold, 64, width, ACCENT)
        y -= 34
        if t.room:
            draw_text(c, MARGIN, y, t.room, bold, 22, width)
            y -= 24
        host = hosts.get(t.id)
        if host is not None:
            draw_text(c, MARGIN, y, f"Host: {_person(event, host.id)}", regular, 14, width)
            y -= 20
        meetings = len(meets)
        line = f"{meetings} meeting{'s' * (meetings != 1)}"
        draw_text(c, MARGIN, y, line, regular, 10, width, MUTED)
        y -= 18
        rows = table_rows(event, schedule, t.id, meets)
        draw_table(c, y, WIDTHS, COLUMNS, rows, (regular, bold))
        footer = "Table sign made by sigmeet"
        if stamp is not None:
            local = stamp.astimezone(ZoneInfo(event.settings.timezone))
            footer += f" · schedule version of {local:%Y-%m-%d %H:%M}"
        draw_text(c, MARGIN, MARGIN - 10, footer, regular, 7, None, MUTED)
        c.showPage()
    if not event.tables:
        c.showPage()
    c.save()
    return path
