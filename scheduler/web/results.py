"""What a finished run's pages show, worked out by the same code that writes schedule.xlsx:
Summary rows, the wall chart (Grid), the unscheduled pairs with their reasons, Changes, and
each attendee's agenda; plus publishing, which turns each attendee's agenda into the page
and the calendar feed behind their link.

The run's event, schedule and changes come from `runs/<id>/result.pickle`, written by the
solver process beside the output folder (scheduler/web/runner.py).
"""

from __future__ import annotations

import datetime as dt
import pickle
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from models.domain import Attendee, Change, Event, Schedule
from scheduler.exports.agendas.bundle import plan_agenda_files
from scheduler.exports.agendas.ics import calendar_ics, event_timezone
from scheduler.exports.agendas.items import MEETING, activities_by_attendee
from scheduler.exports.agendas.versions import CalendarVersions
from scheduler.exports.folder import file_sha256, input_stamp
from scheduler.exports.schedule.changes_sheet import change_rows
from scheduler.exports.schedule.grid_sheet import grid_tables, meeting_text
from scheduler.exports.schedule.summary_sheet import summary_rows
from scheduler.exports.schedule.unscheduled_reasons import unscheduled_pairs
from scheduler.figures import quality_figures
from scheduler.web.runner import RESULT_FILE


@dataclass(frozen=True)
class Result:
    event: Event
    schedule: Schedule
    changes: tuple[Change, ...] | None


def load(run_dir: Path) -> Result | None:
    path = run_dir / RESULT_FILE
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    return _load(str(path), stamp)


@lru_cache(maxsize=8)
def _load(path: str, stamp: int) -> Result:
    event, schedule, changes = pickle.loads(Path(path).read_bytes())  # our own file
    return Result(event, schedule, changes)


def summary(result: Result, upload: Path, original_name: str) -> list[tuple[str, object, str]]:
    figures = quality_figures(result.event, result.schedule)
    rows = summary_rows(
        result.event,
        result.schedule,
        figures=figures,
        input_name=original_name,
        input_sha256=file_sha256(upload),
    )
    return [(r.metric, _shown(r.value), r.about) for r in rows]


def _shown(value: object) -> object:
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:,.0f}"
    return value


def meetings_histogram(result: Result) -> list[tuple[int, int]]:
    """(meetings, attendees with that many), from 0 to the most anyone has."""
    count = Counter()
    for m in result.schedule.meetings:
        count[m.a] += 1
        count[m.b] += 1
    per = Counter(count.get(a.id, 0) for a in result.event.attendees if not a.cancelled)
    top = max(per, default=0)
    return [(n, per.get(n, 0)) for n in range(top + 1)]


def table_use(result: Result) -> list[tuple[str, int, int]]:
    """(slot label, tables in use, tables open) per slot, in time order."""
    event = result.event
    used = Counter(m.slot for m in result.schedule.meetings)
    rows = []
    for s in event.slots:
        open_tables = sum(1 for t in event.tables if s.session in t.sessions)
        rows.append((s.start.strftime("%H:%M"), used.get(s.index, 0), open_tables))
    return rows


def wall_chart(result: Result) -> dict:
    """Slots down, tables by room across; each cell the meeting's two names (host first)."""
    event = result.event
    rooms = grid_tables(event)
    tables = [t for _, ts in rooms for t in ts]
    host = {a.host_table: a.id for a in event.attendees if a.host_table and not a.cancelled}
    cell = {(m.slot, m.table): m for m in result.schedule.meetings}
    rows = []
    for s in event.slots:
        cells = []
        for t in tables:
            m = cell.get((s.index, t.id))
            if m is None:
                cells.append(None if s.session in t.sessions else "closed")
            else:
                cells.append(meeting_text(event, m.a, m.b, host.get(t.id)).split("\n"))
        rows.append(
            {
                "date": s.start.date().isoformat(),
                "time": f"{s.start:%H:%M}–{s.end:%H:%M}",
                "session": s.session,
                "cells": cells,
            }
        )
    return {
        "rooms": [(room or "(no room)", len(ts)) for room, ts in rooms],
        "tables": [(t.id, event.attendee[host[t.id]].name if t.id in host else "") for t in tables],
        "rows": rows,
    }


def unscheduled(result: Result) -> list[dict]:
    event = result.event
    out = []
    for u in unscheduled_pairs(event, result.schedule):
        a, b = event.attendee[u.a], event.attendee[u.b]
        out.append(
            {
                "a": a.id,
                "a_name": a.name,
                "b": b.id,
                "b_name": b.name,
                "priority": u.priority,
                "mutual": u.mutual,
                "reason": u.reason,
                "details": u.details,
            }
        )
    return out


def changes(result: Result) -> list[tuple[str, ...]] | None:
    if result.changes is None:
        return None
    return change_rows(result.event, result.changes)


def agendas(result: Result) -> dict[str, list[dict]]:
    """Each attendee's meetings and panels as plain data, for pages and publishing."""
    items = activities_by_attendee(result.event, result.schedule)
    return {a: [_item(i) for i in its] for a, its in items.items()}


def _item(item) -> dict:
    if item.kind == MEETING:
        return {
            "kind": "meeting",
            "date": item.start.date().isoformat(),
            "day": item.start.strftime("%a %d %b %Y"),
            "start": f"{item.start:%H:%M}",
            "end": f"{item.end:%H:%M}",
            "with": item.counterpart_name,
            "organisation": item.counterpart_organisation,
            "table": item.table,
            "room": item.room,
        }
    return {
        "kind": "panel",
        "date": item.start.date().isoformat(),
        "day": item.start.strftime("%a %d %b %Y"),
        "start": f"{item.start:%H:%M}",
        "end": f"{item.end:%H:%M}",
        "title": item.title,
        "panel": item.panel,
        "room": item.room,
        "role": item.role,
    }


def agenda_files(result: Result, out_dir: Path) -> dict[str, tuple[str, str]]:
    """Attendee id -> (xlsx, ics) paths inside the output folder, as the writer placed them."""
    people = [a for a in result.event.attendees if not a.cancelled]
    return {f.attendee: (f.xlsx, f.ics) for f in plan_agenda_files(out_dir, people)}


def event_facts(event: Event) -> dict:
    days = sorted({s.date for s in event.sessions})
    return {
        "event": event.settings.name,
        "venue": event.settings.venue or "",
        "timezone": event.settings.timezone,
        "dates": ", ".join(d.strftime("%a %d %b %Y") for d in days),
    }


def publication(
    result: Result,
    upload: Path,
    out_dir: Path,
    earlier: dict[str, tuple[dict, bytes]],
) -> dict[str, tuple[dict, bytes]]:
    """Each attendee's published agenda and calendar feed for this run.

    The feed is made by `calendar_ics`, the same function that writes the agenda .ics files,
    with the attendee's previously published calendar as its versions: entries that moved get
    a higher SEQUENCE, entries that are gone stay CANCELLED, so a subscribed calendar follows
    every re-plan. A first publication starts from the run's own .ics files (which on a
    re-plan already carry the versions of the run before). `earlier` holds what was published
    before, per attendee (including people cancelled or removed since).
    """
    event = result.event
    items = activities_by_attendee(event, result.schedule)
    data = agendas(result)
    files = agenda_files(result, out_dir)
    stamp = input_stamp(upload)
    zone = event_timezone(event)
    facts = event_facts(event)
    out: dict[str, tuple[dict, bytes]] = {}
    people: dict[str, Attendee] = {a.id: a for a in event.attendees}
    for ident, (agenda, _) in earlier.items():
        if ident not in people:  # removed from the workbook since: everything cancelled
            people[ident] = Attendee(ident, agenda.get("name", ident), "", cancelled=True)
    for ident, person in people.items():
        if person.cancelled and ident not in earlier:
            continue
        versions = CalendarVersions()
        if ident in earlier:
            versions = _versions(earlier[ident][1])
        elif ident in files:
            path = out_dir / files[ident][1]
            versions = _versions(path.read_bytes()) if path.is_file() else versions
        ics = calendar_ics(
            event, person, items.get(ident, []), dtstamp=stamp, versions=versions, timezone=zone
        )
        agenda = {
            **facts,
            "attendee": ident,
            "name": person.name,
            "organisation": person.organisation,
            "cancelled": person.cancelled,
            "items": data.get(ident, []),
            "published": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        out[ident] = (agenda, ics)
    return out


def _versions(data: bytes) -> CalendarVersions:
    try:
        return CalendarVersions.from_ics(data)
    except ValueError:
        return CalendarVersions()
