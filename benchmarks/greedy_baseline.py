"""The floor sigmeet must beat: what a spreadsheet or a simple matchmaking platform does.

Pins first, exactly as given. Then panels, one by one in sheet order: at their fixed time, or
at the earliest slot start where the room and the moderator are free and the panel fits in
its session; seats go by choice order (PanelChoices rows) while capacity lasts and the member
is free. Then meetings: candidate pairs (mutual ones only under `mutual_only`) by priority,
highest first, then by the row of the pair's first request, each booked in the earliest slot
where both are present, available and free, under their caps and the back-to-back limit, with
a table free (a host's own table when one of them hosts). Nothing is ever moved.

A panel counts toward the back-to-back limit like a meeting: stricter than the contract
asks, as a cautious organiser would be.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from models.domain import Event, Meeting, PanelRun, Schedule, SolveStats


@dataclass(frozen=True)
class _Busy:
    """An interval an attendee is taken by (a panel), for overlap checks finer than slots."""

    start: dt.datetime
    end: dt.datetime


class _Book:
    """Who is busy when, and which tables are taken: the greedy's only state."""

    def __init__(self, event: Event) -> None:
        self.event = event
        self.n_slots = len(event.slots)
        self.slot_session = [s.session for s in event.slots]
        self.meetings: list[Meeting] = []
        self.count: dict[str, int] = {a.id: 0 for a in event.attendees}
        self.busy: dict[str, list[bool]] = {a.id: [False] * self.n_slots for a in event.attendees}
        self.intervals: dict[str, list[_Busy]] = {a.id: [] for a in event.attendees}
        self.away: dict[str, list[_Busy]] = {a.id: [] for a in event.attendees}
        for u in event.unavailability:
            if u.attendee in self.away:
                self.away[u.attendee].append(_Busy(u.start, u.end))
        self.present = {a.id: self._presence(a.id) for a in event.attendees}
        hosted = {a.host_table for a in event.attendees if a.host_table and not a.cancelled}
        # Tables anyone may use, per slot, in sheet order; hosts' tables are theirs alone.
        self.free_tables: list[list[str]] = [
            [t.id for t in event.tables if s.session in t.sessions and t.id not in hosted]
            for s in event.slots
        ]
        self.table_taken: set[tuple[str, int]] = set()

    def _presence(self, attendee_id: str) -> list[bool]:
        attendee = self.event.attendee[attendee_id]
        away = self.away[attendee_id]
        return [
            not attendee.cancelled
            and slot.session in attendee.sessions
            and not any(u.start < slot.end and slot.start < u.end for u in away)
            for slot in self.event.slots
        ]

    def slots_overlapping(self, start: dt.datetime, end: dt.datetime) -> list[int]:
        return [s.index for s in self.event.slots if s.start < end and start < s.end]

    def free_during(self, attendee_id: str, start: dt.datetime, end: dt.datetime) -> bool:
        """Present throughout, and taken by nothing, between start and end."""
        attendee = self.event.attendee[attendee_id]
        if attendee.cancelled:
            return False
        if any(u.start < end and start < u.end for u in self.away[attendee_id]):
            return False
        for s in self.slots_overlapping(start, end):
            if self.busy[attendee_id][s] or not self.present[attendee_id][s]:
                return False
        return not any(b.start < end and start < b.end for b in self.intervals[attendee_id])

    def take_interval(self, attendee_id: str, start: dt.datetime, end: dt.datetime) -> None:
        self.intervals[attendee_id].append(_Busy(start, end))
        for s in self.slots_overlapping(start, end):
            self.busy[attendee_id][s] = True

    def run_length_with(self, attendee_id: str, slot: int) -> int:
        """Length of the run of busy consecutive slots of one session through `slot`."""
        busy = self.busy[attendee_id]
        session = self.slot_session[slot]
        length = 1
        k = slot - 1
        while k >= 0 and self.slot_session[k] == session and busy[k]:
            length, k = length + 1, k - 1
        k = slot + 1
        while k < self.n_slots and self.slot_session[k] == session and busy[k]:
            length, k = length + 1, k + 1
        return length

    def table_for(self, a: str, b: str, slot: int) -> str | None:
        host_tables = [
            t for t in (self.event.attendee[a].host_table, self.event.attendee[b].host_table) if t
        ]
        if len(host_tables) > 1:
            return None  # two hosts each bound to their own table cannot meet
        if host_tables:
            table = host_tables[0]
            usable = self.slot_session[slot] in self.event.table[table].sessions
            return table if usable and (table, slot) not in self.table_taken else None
        return self.free_tables[slot][0] if self.free_tables[slot] else None

    def book(self, a: str, b: str, slot: int, table: str, origin: str = "new") -> None:
        self.meetings.append(Meeting(a, b, slot, table, origin))
        self.table_taken.add((table, slot))
        if table in self.free_tables[slot]:
            self.free_tables[slot].remove(table)
        for x in (a, b):
            self.busy[x][slot] = True
            self.count[x] += 1


def greedy_schedule(event: Event) -> Schedule:
    """Schedule `event` the simple way (see the module docstring); hard rules always hold."""
    started = time.perf_counter()
    book = _Book(event)
    _place_pins(event, book)
    panels = _place_panels(event, book)
    _place_meetings(event, book)
    meetings = tuple(sorted(book.meetings, key=lambda m: (m.slot, m.table)))
    stats = SolveStats(status="GREEDY", seconds=time.perf_counter() - started)
    return Schedule(meetings=meetings, panels=tuple(panels), stats=stats)


def _place_pins(event: Event, book: _Book) -> None:
    for pin in event.pins:
        slot = event.slot_at[pin.start].index
        pair = event.pair_of(pin.a, pin.b)
        a, b = pair.key if pair else (pin.a, pin.b)
        table = pin.table or book.table_for(a, b, slot)
        if table is None:
            raise ValueError(f"no free table for the pin {a}–{b} at {pin.start}")
        book.book(a, b, slot, table, origin="pinned")


def _place_panels(event: Event, book: _Book) -> list[PanelRun]:
    runs: list[PanelRun] = []
    room_taken: list[tuple[str, dt.datetime, dt.datetime]] = []
    for panel in event.panels:
        length = dt.timedelta(minutes=panel.minutes)
        if panel.fixed_start is not None:
            starts = [panel.fixed_start]
        else:
            starts = [
                s.start
                for s in event.slots
                if s.session in panel.sessions
                and s.start + length <= event.session[s.session].end_dt
            ]
        for start in starts:
            end = start + length
            room_free = not any(
                r == panel.room and rs < end and start < re for r, rs, re in room_taken
            )
            moderator_free = panel.moderator is None or book.free_during(
                panel.moderator, start, end
            )
            if panel.fixed_start is not None or (room_free and moderator_free):
                break
        else:
            continue  # nowhere to hold it: the panel does not run
        members = [panel.moderator] if panel.moderator else []
        for choice in event.panel_choices:
            if len(members) >= panel.capacity:
                break
            if (
                choice.panel == panel.id
                and choice.attendee not in members
                and book.free_during(choice.attendee, start, end)
            ):
                members.append(choice.attendee)
        for member in members:
            book.take_interval(member, start, end)
        room_taken.append((panel.room, start, end))
        runs.append(PanelRun(panel.id, start, end, tuple(members)))
    return runs


def _place_meetings(event: Event, book: _Book) -> None:
    first_row: dict[tuple[str, str], int] = {}
    for position, request in enumerate(event.requests):
        pair = event.pair_of(request.source, request.target)
        if pair is not None:
            first_row.setdefault(pair.key, request.row or position)
    pinned = {(m.a, m.b) for m in book.meetings} | {(m.b, m.a) for m in book.meetings}
    candidates = [
        p
        for p in event.candidates
        if (p.mutual or not event.settings.mutual_only) and (p.a, p.b) not in pinned
    ]
    candidates.sort(key=lambda p: (-p.priority, first_row.get(p.key, 0), p.key))
    cap = {a.id: a.max_meetings for a in event.attendees}
    max_run = event.settings.max_consecutive
    for pair in candidates:
        a, b = pair.a, pair.b
        if _at_cap(book, cap, a) or _at_cap(book, cap, b):
            continue
        for slot in event.slots:
            s = slot.index
            if slot.session not in pair.sessions:
                continue
            if not (book.present[a][s] and book.present[b][s]):
                continue
            if book.busy[a][s] or book.busy[b][s]:
                continue
            if max_run is not None and (
                book.run_length_with(a, s) > max_run or book.run_length_with(b, s) > max_run
            ):
                continue
            table = book.table_for(a, b, s)
            if table is None:
                continue
            book.book(a, b, s, table)
            break


def _at_cap(book: _Book, cap: dict[str, int | None], attendee_id: str) -> bool:
    limit = cap[attendee_id]
    return limit is not None and book.count[attendee_id] >= limit
