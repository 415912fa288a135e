"""The Pinned sheet: meetings fixed by hand, checked against every hard rule they could break."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from models.domain import Attendee, Panel, Pin, Slot, Table, Unavailability
from scheduler.registration.cells import Known, RowReader
from scheduler.registration.problems import Problem
from scheduler.registration.values import as_date, as_id, as_time


@dataclass(frozen=True)
class PinContext:
    """What a pin is checked against; built by the reader from the other sheets."""

    attendees: Known
    attendee: Mapping[str, Attendee]
    tables: Known
    table: Mapping[str, Table]
    slot_at: Mapping[dt.datetime, Slot]
    away: Mapping[str, tuple[Unavailability, ...]]
    fixed_panels: tuple[Panel, ...]
    host: Mapping[str, str]  # table -> the registered attendee hosting at it


def _check_person(
    cells: RowReader, column: str, who: Attendee, slot: Slot, ctx: PinContext
) -> None:
    if who.cancelled:
        cells.error(column, f'"{who.id}" is cancelled')
        return
    if slot.session not in who.sessions:
        cells.error(column, f'"{who.id}" is not present in session "{slot.session}"')
    for window in ctx.away.get(who.id, ()):
        if window.start < slot.end and slot.start < window.end:
            cells.error(column, f'"{who.id}" is away then (Unavailable row {window.row})')
    for panel in ctx.fixed_panels:
        end = panel.fixed_start + dt.timedelta(minutes=panel.minutes)
        if panel.moderator == who.id and panel.fixed_start < slot.end and slot.start < end:
            cells.error(
                column, f'"{who.id}" moderates panel "{panel.id}" then (Panels row {panel.row})'
            )


def _check_table(
    cells: RowReader, pin_table: str | None, people: list[Attendee], slot: Slot, ctx: PinContext
) -> str | None:
    """The table the pin will use (when known) after checking it may be used."""
    hosts = [p for p in people if p.host_table]
    if pin_table is None and len(hosts) == 2 and hosts[0].host_table != hosts[1].host_table:
        cells.error(
            None,
            f'"{hosts[0].id}" and "{hosts[1].id}" both host at their own table, '
            "so they cannot meet",
        )
        return None
    for host in hosts:
        if pin_table is not None and host.host_table != pin_table:
            cells.error(
                "table", f'"{host.id}" hosts all their meetings at table "{host.host_table}"'
            )
            return None
    table = pin_table or (hosts[0].host_table if hosts else None)
    if table is None or table not in ctx.table:
        return table
    if slot.session not in ctx.table[table].sessions:
        cells.error(
            "table" if pin_table else None,
            f'table "{table}" is not usable in session "{slot.session}"',
        )
    host = ctx.host.get(table)
    if host is not None and host not in {p.id for p in people}:
        cells.error("table", f'table "{table}" is the host table of "{host}"')
    return table


def read_pins(sheet, ctx: PinContext, problems: list[Problem]) -> tuple[Pin, ...]:
    pins: list[Pin] = []
    pair_row: dict[tuple[str, str], int] = {}
    busy: dict[tuple[str, int], int] = {}  # (attendee, slot) -> row
    table_busy: dict[tuple[str, int], int] = {}  # (table, slot) -> row
    per_slot: dict[int, int] = {}
    for row in sheet.rows if sheet else ():
        cells = RowReader(sheet, row, problems)
        a = cells.get("a", as_id, required="the first attendee of the pinned meeting is missing")
        b = cells.get("b", as_id, required="the second attendee of the pinned meeting is missing")
        for column, who in (("a", a), ("b", b)):
            if who:
                cells.refs(column, (who,), ctx.attendees)
        if a and a == b:
            cells.error("b", f'"{a}" cannot meet themselves')
        date = cells.get("date", as_date, required="the day of the pinned meeting is missing")
        start = cells.get("start", as_time, required="the start of the pinned meeting is missing")
        table = cells.get("table", as_id) or None
        if table:
            cells.refs("table", (table,), ctx.tables)
        if not cells.ok or None in (a, b, date, start):
            continue
        when = dt.datetime.combine(date, start)
        slot = ctx.slot_at.get(when)
        if slot is None:
            cells.error(
                "start",
                f"no meeting slot starts at {start:%H:%M} on {date} "
                "(a pin must start at a slot start)",
            )
            continue
        people = [ctx.attendee[x] for x in (a, b) if x in ctx.attendee]
        for column, who in zip(("a", "b"), people, strict=False):
            _check_person(cells, column, who, slot, ctx)
        key = tuple(sorted((a, b)))
        if key in pair_row:
            cells.error(
                None,
                f"this pair is already pinned on row {pair_row[key]}; a pair meets at most once",
            )
        pair_row.setdefault(key, row.number)
        for column, who in (("a", a), ("b", b)):
            if (who, slot.index) in busy:
                cells.error(
                    column,
                    f'"{who}" is already pinned at this time (row {busy[(who, slot.index)]})',
                )
            busy.setdefault((who, slot.index), row.number)
        used = _check_table(cells, table, people, slot, ctx)
        if used is not None:
            if (used, slot.index) in table_busy:
                cells.error(
                    "table" if table else None,
                    f'table "{used}" is already pinned at this time '
                    f"(row {table_busy[(used, slot.index)]})",
                )
            table_busy.setdefault((used, slot.index), row.number)
        per_slot[slot.index] = per_slot.get(slot.index, 0) + 1
        usable = sum(1 for t in ctx.table.values() if slot.session in t.sessions)
        if per_slot[slot.index] > usable:
            cells.error(
                "start",
                f"more meetings are pinned at {start:%H:%M} on {date} "
                f"than there are usable tables ({usable})",
            )
        if cells.ok:
            pins.append(Pin(a, b, when, table, row.number))
    return tuple(pins)
