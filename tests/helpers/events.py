"""Small registration workbooks for the optimiser tests, and an assertion of every hard rule.

Events are written as real .xlsx files with `write_registration` and read back with the
reader, so slots and pairs come out exactly as the contract says. `assert_hard_rules` is the
tests' own, deliberately plain re-statement of the hard rules; `assert_checked` also writes
the schedule workbook and runs the independent checker on it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from models.domain import Event, Schedule
from scheduler.check import check_workbook
from scheduler.exports.schedule.meetings_panels import write_schedule
from scheduler.registration.read import read_workbook
from scheduler.registration.write import write_registration

DAY = dt.date(2027, 3, 16)


def at(hhmm: str, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm))


def people(*ids: str, **extra: dict) -> list[dict]:
    """Attendee rows; `extra` maps an id to more columns for that attendee."""
    return [
        {"id": i, "name": f"Person {i}", "organisation": f"Org {i}", **extra.get(i, {})}
        for i in ids
    ]


def wants(*pairs: tuple) -> list[dict]:
    """Request rows from (from, to) or (from, to, priority) or (from, to, priority, status)."""
    rows = []
    for p in pairs:
        row = {"from": p[0], "to": p[1], "priority": p[2] if len(p) > 2 else 3}
        if len(p) > 3:
            row["status"] = p[3]
        rows.append(row)
    return rows


def session_rows(*specs: tuple[str, str, str], slot: int = 20, day: dt.date = DAY) -> list[dict]:
    return [
        {
            "session": sid,
            "date": day,
            "start": dt.time.fromisoformat(s),
            "end": dt.time.fromisoformat(e),
            "slot_minutes": slot,
        }
        for sid, s, e in specs
    ]


def make_event(
    tmp_path: Path,
    *,
    attendees: list[dict],
    requests: list[dict],
    tables: int | list[dict] = 1,
    sessions: list[dict] | None = None,
    settings: dict | None = None,
    **sheets: list[dict],
) -> Event:
    """Write a registration workbook (3 slots of 20 min from 09:00 by default), read it back."""
    if isinstance(tables, int):
        tables = [{"table": f"T{i + 1}", "room": "Hall"} for i in range(tables)]
    rows = {
        "Event": [{"key": k, "value": v} for k, v in {"name": "Test", **(settings or {})}.items()],
        "Sessions": sessions or session_rows(("S1", "09:00", "10:00")),
        "Attendees": attendees,
        "Requests": requests,
        "Tables": tables,
    }
    names = {
        "unavailable": "Unavailable",
        "panels": "Panels",
        "choices": "PanelChoices",
        "pins": "Pinned",
    }
    for key, rows_ in sheets.items():
        rows[names[key]] = rows_
    path = write_registration(tmp_path / "registration.xlsx", rows)
    result = read_workbook(path)
    assert not result.errors, [str(p) for p in result.errors]
    return result.event


def met(schedule: Schedule) -> set[tuple[str, str]]:
    return {(m.a, m.b) for m in schedule.meetings}


def meetings_of(schedule: Schedule, who: str) -> list:
    return [m for m in schedule.meetings if who in (m.a, m.b)]


def assert_hard_rules(event: Event, schedule: Schedule) -> None:
    """Every hard rule of the contract, checked plainly on the domain objects."""
    slots = {s.index: s for s in event.slots}
    busy: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
    pinned = {(min(p.a, p.b), max(p.a, p.b), p.start): p for p in event.pins}
    pins_of = Counter(x for p in event.pins for x in (p.a, p.b))
    hosts = {a.host_table: a.id for a in event.attendees if a.host_table}
    for m in schedule.meetings:
        slot = slots[m.slot]
        pair = event.pair.get((m.a, m.b))
        key = (min(m.a, m.b), max(m.a, m.b), slot.start)
        if m.origin == "pinned":
            assert key in pinned, m
        else:
            assert pair is not None and pair in event.candidates, m
            assert pair.mutual or not event.settings.mutual_only, m
            assert slot.session in pair.sessions, m
        table = event.table[m.table]
        assert slot.session in table.sessions, m
        if m.table in hosts:
            assert hosts[m.table] in (m.a, m.b), m
        for who in (m.a, m.b):
            att = event.attendee[who]
            assert not att.cancelled and slot.session in att.sessions, m
            assert (
                att.host_table is None
                or m.origin == "pinned"
                or m.table
                in (
                    event.attendee[m.a].host_table,
                    event.attendee[m.b].host_table,
                )
            ), m
            busy.setdefault(who, []).append((slot.start, slot.end))
    assert len({(m.slot, m.table) for m in schedule.meetings}) == len(schedule.meetings)
    assert len({(m.a, m.b) for m in schedule.meetings}) == len(schedule.meetings)
    for p in event.pins:
        assert any(
            {m.a, m.b} == {p.a, p.b}
            and slots[m.slot].start == p.start
            and p.table in (None, m.table)
            for m in schedule.meetings
        ), p
    count = Counter(x for m in schedule.meetings for x in (m.a, m.b))
    for att in event.attendees:
        if att.max_meetings is not None:
            assert count[att.id] <= max(att.max_meetings, pins_of[att.id]), att.id
    k = event.settings.max_consecutive
    if k is not None:
        for att in event.attendees:
            mine = {m.slot for m in meetings_of(schedule, att.id)}
            for s in event.slots:
                run = [slots.get(s.index + j) for j in range(k + 1)]
                if all(r is not None and r.session == s.session and r.index in mine for r in run):
                    raise AssertionError(f"{att.id} has more than {k} meetings in a row")
    runs = Counter(r.panel for r in schedule.panels)
    assert set(runs) == {p.id for p in event.panels} and set(runs.values()) <= {1}
    chose = {(c.attendee, c.panel) for c in event.panel_choices}
    rooms: dict[str, list] = {}
    for r in schedule.panels:
        panel = event.panel[r.panel]
        assert r.end - r.start == dt.timedelta(minutes=panel.minutes)
        if panel.fixed_start is not None:
            assert r.start == panel.fixed_start
        else:
            assert r.start in {s.start for s in event.slots if s.session in panel.sessions}
        assert len(r.members) <= panel.capacity and len(set(r.members)) == len(r.members)
        if panel.moderator:
            assert r.members[0] == panel.moderator
        for who in r.members[1 if panel.moderator else 0 :]:
            assert (who, r.panel) in chose, (who, r.panel)
        for who in r.members:
            assert not event.attendee[who].cancelled
            busy.setdefault(who, []).append((r.start, r.end))
        if panel.room:
            rooms.setdefault(panel.room, []).append((r.start, r.end))
    for who, times in list(busy.items()) + list(rooms.items()):
        times.sort()
        for (_, end), (start, _) in zip(times, times[1:], strict=False):
            assert end <= start, f"{who} is in two places at once"
    for u in event.unavailability:
        for start, end in busy.get(u.attendee, []):
            assert end <= u.start or u.end <= start, u


def assert_checked(event: Event, schedule: Schedule, tmp_path: Path) -> None:
    """Both our own hard-rule assertions and the independent checker on the written workbook."""
    assert_hard_rules(event, schedule)
    path = write_schedule(tmp_path / "schedule.xlsx", event, schedule)
    report = check_workbook(event, path)
    assert report.ok, [str(v) for v in report.violations]
