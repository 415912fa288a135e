"""The Event and Sessions sheets: event settings, sessions and the slots cut from them."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from models.domain import EventSettings, Session, Slot
from scheduler.registration.cells import Known, RowReader
from scheduler.registration.problems import Problem
from scheduler.registration.schema import EVENT_KEYS, SESSIONS, normalise_name
from scheduler.registration.sheets import RawSheet
from scheduler.registration.values import (
    ValueProblem,
    as_date,
    as_id,
    as_int,
    as_time,
    as_yes_no,
    shown,
)


def _timezone(value: object) -> str:
    name = as_id(value)
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueProblem(
            f"unknown timezone {shown(value)} (use a name like Europe/Berlin or UTC)"
        ) from None
    return name


def read_settings(
    sheet: RawSheet | None, default_name: str, problems: list[Problem]
) -> EventSettings:
    values: dict[str, object] = {}
    key_rows: dict[str, int] = {}
    for row in sheet.rows if sheet else ():
        cells = RowReader(sheet, row, problems)
        raw_key = cells.get("key")
        if not raw_key:
            cells.error("key", "a value is given without a key")
            continue
        key = next((k for k in EVENT_KEYS if normalise_name(k) == normalise_name(raw_key)), None)
        if key is None:
            known = ", ".join(EVENT_KEYS)
            cells.warning("key", f'unknown setting "{raw_key}" is ignored (known: {known})')
            continue
        if key in key_rows:
            cells.error("key", f'"{key}" is already set on row {key_rows[key]}; keep one row')
            continue
        key_rows[key] = row.number
        parse = {
            "name": as_id,
            "venue": as_id,
            "timezone": _timezone,
            "max_meetings": as_int,
            "max_consecutive": as_int,
            "mutual_only": as_yes_no,
        }[key]
        value = cells.get("value", parse)
        if key == "max_meetings":
            cells.in_range("value", value, 0)
        elif key == "max_consecutive":
            cells.in_range("value", value, 1)
        if value is not None and cells.ok:
            values[key] = value
    return EventSettings(
        name=values.get("name") or default_name,
        timezone=values.get("timezone") or "UTC",
        venue=values.get("venue") or "",
        max_meetings=values.get("max_meetings"),
        max_consecutive=values.get("max_consecutive"),
        mutual_only=values.get("mutual_only", False),
    )


def slot_times(session: Session) -> list[tuple[dt.datetime, dt.datetime]]:
    """Slot k runs from start + k·(slot + changeover) for slot minutes, while it ends by `end`."""
    step = dt.timedelta(minutes=session.slot_minutes + session.changeover_minutes)
    length = dt.timedelta(minutes=session.slot_minutes)
    times = []
    start = session.start_dt
    while start + length <= session.end_dt:
        times.append((start, start + length))
        start += step
    return times


def make_slots(sessions: tuple[Session, ...]) -> tuple[Slot, ...]:
    timed = sorted(
        (start, end, session.id, k)
        for session in sessions
        for k, (start, end) in enumerate(slot_times(session))
    )
    return tuple(
        Slot(index=i, session=sid, position=k, start=start, end=end)
        for i, (start, end, sid, k) in enumerate(timed)
    )


def _minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)


def read_sessions(
    sheet: RawSheet | None, problems: list[Problem]
) -> tuple[tuple[Session, ...], Known, dict[str, int]]:
    """Sessions in time order, their ids in sheet order, and each session's Excel row."""
    sessions: list[Session] = []
    ids: list[str] = []
    rows: dict[str, int] = {}
    for row in sheet.rows if sheet else ():
        cells = RowReader(sheet, row, problems)
        sid, new = cells.unique_id(
            "session", rows, label="the session id", required="every session needs an id"
        )
        if not new:
            sid = None  # the first row of that id is the session
        elif sid:
            ids.append(sid)
        date = cells.get("date", as_date, required="every session needs a date")
        start = cells.get("start", as_time, required="every session needs a start time")
        end = cells.get("end", as_time, required="every session needs an end time")
        slot = cells.get("slot_minutes", as_int, required="every session needs slot_minutes")
        changeover = cells.get("changeover_minutes", as_int, default=0)
        if slot is not None and slot <= 0:
            cells.error("slot_minutes", f"{shown(slot)} must be more than 0 minutes")
        cells.in_range("changeover_minutes", changeover, 0)
        if start is not None and end is not None and end <= start:
            cells.error(
                "end",
                f"the session ends at {end:%H:%M}, which is not after its start at {start:%H:%M}",
            )
        if not cells.ok or None in (sid, date, start, end, slot):
            continue
        session = Session(sid, date, start, end, slot, changeover)
        length = _minutes(session.end_dt - session.start_dt)
        if not slot_times(session):
            cells.error(
                "slot_minutes",
                f"no meeting slot fits: the session lasts {length} minutes "
                f"and one slot takes {slot}",
            )
            continue
        sessions.append(session)
    ordered = sorted(sessions, key=lambda s: (s.start_dt, rows[s.id]))
    latest: Session | None = None  # the session reaching furthest so far
    for session in ordered:
        if latest is not None and session.start_dt < latest.end_dt:
            first, second = sorted((latest, session), key=lambda s: rows[s.id])
            problems.append(
                Problem(
                    SESSIONS.name,
                    rows[second.id],
                    "start",
                    f'the session overlaps session "{first.id}" (row {rows[first.id]}, '
                    f"{first.date} {first.start:%H:%M}-{first.end:%H:%M}); "
                    "sessions must not overlap",
                )
            )
        if latest is None or session.end_dt > latest.end_dt:
            latest = session
    if sheet is not None and not sheet.rows:
        problems.append(Problem(SESSIONS.name, None, None, "there are no sessions"))
    complete = sheet is not None and "session" in sheet.columns
    # Resolved session lists follow time order; ids of broken rows still count as known.
    timed = tuple(s.id for s in ordered)
    order = timed + tuple(i for i in ids if i not in timed)
    return tuple(ordered), Known("session", SESSIONS.name, order, complete), rows
