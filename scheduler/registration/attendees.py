"""The Attendees and Unavailable sheets."""

from __future__ import annotations

import datetime as dt

from models.domain import Attendee, EventSettings, Unavailability
from scheduler.registration.cells import Known, RowReader, resolve_sessions
from scheduler.registration.problems import Problem
from scheduler.registration.schema import (
    ATTENDEE_STATUSES,
    ATTENDEES,
    STATUS_SYNONYMS,
)
from scheduler.registration.sheets import RawSheet
from scheduler.registration.values import as_date, as_id, as_id_list, as_int, as_text, as_time


def _status(cells: RowReader) -> str | None:
    raw = cells.get("status", as_text, default="")
    status = raw.lower()
    status = STATUS_SYNONYMS.get(status, status)
    if status not in ATTENDEE_STATUSES:
        allowed = " or ".join(ATTENDEE_STATUSES)
        cells.error("status", f'unknown status "{raw}" (use {allowed}, or leave it blank)')
        return None
    return status


def read_attendees(
    sheet: RawSheet | None,
    settings: EventSettings,
    sessions: Known,
    tables: Known,
    problems: list[Problem],
) -> tuple[tuple[Attendee, ...], Known]:
    attendees: list[Attendee] = []
    rows: dict[str, int] = {}
    host_of: dict[str, tuple[str, int]] = {}  # table -> (host id, row)
    for row in sheet.rows if sheet else ():
        cells = RowReader(sheet, row, problems)
        aid, _ = cells.unique_id("id", rows, label="the id", required="every attendee needs an id")
        name = cells.get("name", required="every attendee needs a name")
        organisation = cells.get("organisation", required="every attendee needs an organisation")
        given = cells.get("sessions", as_id_list)
        if given is not None:
            cells.refs("sessions", given, sessions)
        own_max = cells.get("max_meetings", as_int)
        cells.in_range("max_meetings", own_max, 0)
        min_meetings = cells.get("min_meetings", as_int)
        cells.in_range("min_meetings", min_meetings, 0)
        max_meetings = own_max if own_max is not None else settings.max_meetings
        if min_meetings is not None and max_meetings is not None and min_meetings > max_meetings:
            whose = "" if own_max is not None else " (the Event default)"
            cells.error(
                "min_meetings",
                f"min_meetings {min_meetings} is above max_meetings {max_meetings}{whose}",
            )
        status = _status(cells)
        host_table = cells.get("host_table", as_id)
        if host_table:
            cells.refs("host_table", (host_table,), tables)
        # A cancelled attendee takes part in nothing, so does not hold a table either.
        if host_table and status == "registered" and aid:
            if host_table in host_of:
                other, other_row = host_of[host_table]
                cells.error(
                    "host_table",
                    f'table "{host_table}" is already the host table of "{other}" '
                    f"(row {other_row}); a table has one host",
                )
            else:
                host_of[host_table] = (aid, row.number)
        if not cells.ok or aid is None:
            continue
        cancelled = status == "cancelled"
        attendees.append(
            Attendee(
                id=aid,
                name=name,
                organisation=organisation,
                email=cells.get("email", default=""),
                country=cells.get("country", default=""),
                type=cells.get("type", default=""),
                sessions=resolve_sessions(given, sessions),
                max_meetings=max_meetings,
                min_meetings=min_meetings,
                host_table=None if cancelled else host_table,
                cancelled=cancelled,
                row=row.number,
            )
        )
    if sheet is not None and not sheet.rows:
        problems.append(Problem(ATTENDEES.name, None, None, "there are no attendees"))
    complete = sheet is not None and "id" in sheet.columns
    return tuple(attendees), Known("attendee", ATTENDEES.name, tuple(rows), complete)


def read_unavailability(
    sheet: RawSheet | None, attendees: Known, problems: list[Problem]
) -> tuple[Unavailability, ...]:
    windows: list[Unavailability] = []
    for row in sheet.rows if sheet else ():
        cells = RowReader(sheet, row, problems)
        aid = cells.get("attendee", as_id, required="which attendee is away?")
        if aid:
            cells.refs("attendee", (aid,), attendees)
        date = cells.get("date", as_date, required="the day the attendee is away is missing")
        start = cells.get("from", as_time, required="the time the absence starts is missing")
        end = cells.get("to", as_time, required="the time the absence ends is missing")
        if start is not None and end is not None and end <= start:
            cells.error(
                "to",
                f"the absence ends at {end:%H:%M}, which is not after it starts at {start:%H:%M}",
            )
        if cells.ok and None not in (aid, date, start, end):
            windows.append(
                Unavailability(
                    aid,
                    dt.datetime.combine(date, start),
                    dt.datetime.combine(date, end),
                    row.number,
                )
            )
    return tuple(windows)
