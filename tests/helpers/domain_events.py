"""Hand-made events and schedules for the checker, figures and schedule-writer tests.

`event_in_memory` resolves what the registration reader would (slots, pairs, blank session
lists) with a few lines of its own, so these tests need neither the reader nor the model.
`base_event`/`base_schedule` are one small event and a schedule of it that keeps every
hard rule; the tamper tests edit its workbook one rule at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from models.domain import (
    ACCEPTED,
    DECLINED,
    Attendee,
    Event,
    EventSettings,
    Meeting,
    Pair,
    Panel,
    PanelChoice,
    PanelRun,
    Pin,
    Request,
    Schedule,
    Session,
    Slot,
    Table,
    Unavailability,
)
from scheduler.registration.requests import derive_pairs
from tests.helpers.events import DAY, at


def session(sid: str, start: str, end: str, slot: int = 20, change: int = 0, day=DAY) -> Session:
    return Session(sid, day, dt.time.fromisoformat(start), dt.time.fromisoformat(end), slot, change)


def slots_of(sessions: Sequence[Session]) -> tuple[Slot, ...]:
    found = []
    for s in sessions:
        step = dt.timedelta(minutes=s.slot_minutes + s.changeover_minutes)
        length = dt.timedelta(minutes=s.slot_minutes)
        k, start = 0, s.start_dt
        while start + length <= s.end_dt:
            found.append((start, s.id, k))
            k, start = k + 1, start + step
    found.sort()
    return tuple(
        Slot(i, sid, k, start, start + dt.timedelta(minutes=_minutes(sessions, sid)))
        for i, (start, sid, k) in enumerate(found)
    )


def _minutes(sessions: Sequence[Session], sid: str) -> int:
    return next(s.slot_minutes for s in sessions if s.id == sid)


def pairs_of(
    attendees: Sequence[Attendee], requests: Sequence[Request], all_sessions: tuple[str, ...]
) -> tuple[Pair, ...]:
    """Pairs exactly as the reader derives them from requests."""
    rank = {a.id: i for i, a in enumerate(attendees)}
    return derive_pairs(tuple(requests), rank, all_sessions)


def event_in_memory(
    sessions: Sequence[Session],
    attendees: Sequence[Attendee],
    requests: Sequence[Request] = (),
    tables: Sequence[Table] = (),
    panels: Sequence[Panel] = (),
    choices: Sequence[PanelChoice] = (),
    pins: Sequence[Pin] = (),
    unavailability: Sequence[Unavailability] = (),
    settings: EventSettings | None = None,
) -> Event:
    """An Event with blank session lists resolved to all sessions, as the reader does."""
    ids = tuple(s.id for s in sessions)
    settings = settings or EventSettings(name="Test day")
    people = tuple(
        Attendee(
            **{
                **a.__dict__,
                "sessions": a.sessions or ids,
                "max_meetings": a.max_meetings
                if a.max_meetings is not None
                else settings.max_meetings,
            }
        )
        for a in attendees
    )
    return Event(
        settings=settings,
        sessions=tuple(sessions),
        slots=slots_of(sessions),
        attendees=people,
        unavailability=tuple(unavailability),
        requests=tuple(requests),
        pairs=pairs_of(people, requests, ids),
        tables=tuple(Table(t.id, t.room, t.sessions or ids, t.row) for t in tables),
        panels=tuple(Panel(**{**p.__dict__, "sessions": p.sessions or ids}) for p in panels),
        panel_choices=tuple(choices),
        pins=tuple(pins),
    )


def person(pid: str, **kw) -> Attendee:
    return Attendee(pid, kw.pop("name", f"Name {pid}"), kw.pop("organisation", f"Org {pid}"), **kw)


# ---------------------------------------------------------------- the base case
# Slots: 0 09:00, 1 09:20, 2 09:40 (S1); 3 13:00, 4 13:20, 5 13:40 (S2).


def base_event(**settings) -> Event:
    return event_in_memory(
        sessions=[session("S1", "09:00", "10:00"), session("S2", "13:00", "14:00")],
        attendees=[
            person("A1", host_table="T3"),
            person("A2"),
            person("A3"),
            person("A4"),
            person("A5", sessions=("S1",)),
            person("A6", cancelled=True),
            person("A7", max_meetings=1),
            person("A8"),
        ],
        requests=[
            Request("A1", "A2", 5, row=2),
            Request("A2", "A1", 3, row=3),
            Request("A3", "A4", 2, row=4),
            Request("A4", "A5", 4, status=ACCEPTED, row=5),
            Request("A2", "A3", 1, sessions=("S2",), row=6),
            Request("A3", "A5", 3, status=DECLINED, row=7),
            Request("A1", "A4", 3, row=8),
            Request("A6", "A2", 3, row=9),
            Request("A7", "A8", 3, row=10),
            Request("A7", "A5", 2, row=11),
            Request("A4", "A8", 1, row=12),
        ],
        tables=[
            Table("T1", "Hall A"),
            Table("T2", "Hall A"),
            Table("T3", "Hall B"),
            Table("T4", "Hall B", sessions=("S2",)),
        ],
        panels=[
            Panel(
                "P1",
                "Future of grids",
                "Room 1",
                capacity=3,
                minutes=40,
                moderator="A3",
                sessions=("S2",),
            ),
            Panel("P2", "Funding", "Room 1", capacity=2, minutes=30, fixed_start=at("10:00")),
        ],
        choices=[
            PanelChoice("A2", "P1"),
            PanelChoice("A8", "P1"),
            PanelChoice("A5", "P1"),
            PanelChoice("A1", "P2"),
            PanelChoice("A5", "P2"),
        ],
        pins=[Pin("A2", "A4", at("13:00"), "T2", row=2)],
        unavailability=[Unavailability("A4", at("09:00"), at("09:20"), row=2)],
        settings=EventSettings(name="Test day", max_consecutive=2, **settings),
    )


def base_schedule() -> Schedule:
    """Meetings rows in the written workbook (numbered by slot, then table):
    2 A1-A2 09:00 T3 | 3 A3-A4 09:20 T1 | 4 A7-A8 09:40 T1 | 5 A4-A5 09:40 T2 |
    6 A2-A4 13:00 T2 (pinned) | 7 A1-A4 13:20 T3.
    Panels rows: 2 P2 A1 | 3 P2 A5 (10:00-10:30) | 4 P1 A3 moderator | 5 P1 A2 | 6 P1 A8
    (13:20-14:00).
    """
    return Schedule(
        meetings=(
            Meeting("A1", "A2", 0, "T3"),
            Meeting("A3", "A4", 1, "T1"),
            Meeting("A4", "A5", 2, "T2"),
            Meeting("A7", "A8", 2, "T1"),
            Meeting("A2", "A4", 3, "T2", origin="pinned"),
            Meeting("A1", "A4", 4, "T3"),
        ),
        panels=(
            PanelRun("P1", at("13:20"), at("14:00"), ("A3", "A2", "A8")),
            PanelRun("P2", at("10:00"), at("10:30"), ("A1", "A5")),
        ),
    )
