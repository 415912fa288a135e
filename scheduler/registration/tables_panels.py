"""The Tables, Panels and PanelChoices sheets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from models.domain import Attendee, Panel, PanelChoice, Session, Table, Unavailability
from scheduler.registration.cells import Known, RowReader, resolve_sessions
from scheduler.registration.problems import Problem
from scheduler.registration.schema import PANELS, TABLES
from scheduler.registration.sheets import RawSheet
from scheduler.registration.values import as_date, as_id, as_id_list, as_int, as_time


def read_tables(
    sheet: RawSheet | None, sessions: Known, problems: list[Problem]
) -> tuple[tuple[Table, ...], Known]:
    tables: list[Table] = []
    rows: dict[str, int] = {}
    for row in sheet.rows if sheet else ():
        cells = RowReader(sheet, row, problems)
        tid, _ = cells.unique_id(
            "table", rows, label="the table id", required="every table needs an id"
        )
        given = cells.get("sessions", as_id_list)
        if given is not None:
            cells.refs("sessions", given, sessions)
        if cells.ok and tid:
            tables.append(
                Table(
                    tid,
                    cells.get("room", default=""),
                    resolve_sessions(given, sessions),
                    row.number,
                )
            )
    complete = sheet is not None and "table" in sheet.columns
    return tuple(tables), Known("table", TABLES.name, tuple(rows), complete)


def _overlaps(
    start: dt.datetime, end: dt.datetime, other_start: dt.datetime, other_end: dt.datetime
) -> bool:
    return start < other_end and other_start < end


def read_panels(
    sheet: RawSheet | None,
    attendees: Known,
    attendee: Mapping[str, Attendee],
    away: Mapping[str, tuple[Unavailability, ...]],
    sessions: Known,
    session: Mapping[str, Session],
    problems: list[Problem],
) -> tuple[tuple[Panel, ...], Known]:
    panels: list[Panel] = []
    rows: dict[str, int] = {}
    for row in sheet.rows if sheet else ():
        cells = RowReader(sheet, row, problems)
        pid, _ = cells.unique_id(
            "panel", rows, label="the panel id", required="every panel needs an id"
        )
        title = cells.get("title", required="every panel needs a title")
        capacity = cells.get(
            "capacity", as_int, required="how many people fit? capacity is missing"
        )
        cells.in_range("capacity", capacity, 1)
        minutes = cells.get("minutes", as_int, required="how long is the panel? minutes is missing")
        if minutes is not None and minutes <= 0:
            cells.error("minutes", f'"{minutes}" must be more than 0 minutes')
            minutes = None
        moderator = cells.get("moderator", as_id)
        if moderator:
            cells.refs("moderator", (moderator,), attendees)
            if moderator in attendee and attendee[moderator].cancelled:
                cells.error("moderator", f'the moderator "{moderator}" is cancelled')
        date = cells.get("date", as_date)
        start = cells.get("start", as_time)
        if cells.has("date") != cells.has("start"):
            missing = "start" if cells.has("date") else "date"
            cells.error(
                missing, f"a fixed panel needs both a date and a start; {missing} is missing"
            )
        given = cells.get("sessions", as_id_list)
        if given is not None:
            cells.refs("sessions", given, sessions)
        allowed = resolve_sessions(given, sessions)
        fixed = dt.datetime.combine(date, start) if date and start else None
        if fixed is None and minutes is not None and allowed:
            longest = max(
                (session[s] for s in allowed if s in session),
                key=lambda s: s.end_dt - s.start_dt,
                default=None,
            )
            if longest is not None:
                length = int((longest.end_dt - longest.start_dt).total_seconds() // 60)
                if minutes > length:
                    cells.error(
                        "minutes",
                        f"the panel lasts {minutes} minutes but fits in none of its sessions "
                        f'(the longest, "{longest.id}", lasts {length} minutes)',
                    )
        if fixed is not None and minutes is not None and moderator in attendee:
            end = fixed + dt.timedelta(minutes=minutes)
            for window in away.get(moderator, ()):
                if _overlaps(fixed, end, window.start, window.end):
                    cells.error(
                        "moderator",
                        f'the moderator "{moderator}" is away then (Unavailable row {window.row})',
                    )
            for s in session.values():
                if (
                    _overlaps(fixed, end, s.start_dt, s.end_dt)
                    and s.id not in attendee[moderator].sessions
                ):
                    cells.error(
                        "moderator",
                        f'the moderator "{moderator}" is not present in session "{s.id}", '
                        "when the panel runs",
                    )
        if cells.ok and pid:
            panels.append(
                Panel(
                    id=pid,
                    title=title,
                    room=cells.get("room", default=""),
                    capacity=capacity,
                    minutes=minutes,
                    moderator=moderator or None,
                    fixed_start=fixed,
                    sessions=allowed,
                    row=row.number,
                )
            )
    _check_fixed_clashes(panels, problems)
    complete = sheet is not None and "panel" in sheet.columns
    return tuple(panels), Known("panel", PANELS.name, tuple(rows), complete)


def _check_fixed_clashes(panels: list[Panel], problems: list[Problem]) -> None:
    """Two fixed panels that overlap may share neither a room nor a moderator."""
    fixed = [p for p in panels if p.fixed_start is not None]
    for i, later in enumerate(fixed):
        later_end = later.fixed_start + dt.timedelta(minutes=later.minutes)
        for earlier in fixed[:i]:
            earlier_end = earlier.fixed_start + dt.timedelta(minutes=earlier.minutes)
            if not _overlaps(later.fixed_start, later_end, earlier.fixed_start, earlier_end):
                continue
            if later.room and later.room == earlier.room:
                problems.append(
                    Problem(
                        PANELS.name,
                        later.row,
                        "room",
                        f'the room "{later.room}" is taken by panel "{earlier.id}" '
                        f"(row {earlier.row}) at the same time",
                    )
                )
            if later.moderator and later.moderator == earlier.moderator:
                problems.append(
                    Problem(
                        PANELS.name,
                        later.row,
                        "moderator",
                        f'the moderator "{later.moderator}" also moderates panel "{earlier.id}" '
                        f"(row {earlier.row}) at the same time",
                    )
                )


def read_panel_choices(
    sheet: RawSheet | None,
    attendees: Known,
    attendee: Mapping[str, Attendee],
    panels: Known,
    problems: list[Problem],
) -> tuple[PanelChoice, ...]:
    """Valid choices; those of cancelled attendees and repeated rows are left out."""
    choices: list[PanelChoice] = []
    seen: dict[tuple[str, str], int] = {}
    for row in sheet.rows if sheet else ():
        cells = RowReader(sheet, row, problems)
        aid = cells.get("attendee", as_id, required="which attendee chose the panel?")
        if aid:
            cells.refs("attendee", (aid,), attendees)
        pid = cells.get("panel", as_id, required="which panel? the panel id is missing")
        if pid:
            cells.refs("panel", (pid,), panels)
        priority = cells.get("priority", as_int, default=3)
        cells.in_range("priority", priority, 1, 5)
        if not cells.ok or aid is None or pid is None:
            continue
        if (aid, pid) in seen:
            cells.warning(
                None, f'"{aid}" already chose panel "{pid}" on row {seen[(aid, pid)]}; counted once'
            )
            continue
        seen[(aid, pid)] = row.number
        if aid in attendee and attendee[aid].cancelled:
            cells.warning("attendee", f'"{aid}" is cancelled, so this choice is ignored')
            continue
        choices.append(PanelChoice(aid, pid, priority, row.number))
    return tuple(choices)
