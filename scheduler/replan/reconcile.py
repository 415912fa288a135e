"""Reconcile a previous schedule with an updated registration: what still holds, and why not.

A meeting or panel seat that is invalid under the new registration (someone cancelled or is
away, the pair was declined, the table is gone, a new pin needs the slot) is released with
the reason, for the Changes sheet; it is not an error.

Validity is judged in the order the organiser's intentions rank: the registration's pins and
fixed panels first, then previous panels, then previous meetings in time order, each taking
the attendees, tables and caps it uses, so what is kept is feasible as a whole.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from models.domain import Event, Meeting, PanelRun, Pin, Schedule, Slot


@dataclass(frozen=True)
class Released:
    """A previous meeting or panel seat that cannot stay as it was, and why."""

    attendees: tuple[str, ...]  # the pair of a meeting, or the one panel member
    start: dt.datetime
    reason: str
    panel: str = ""  # the panel id for a seat, "" for a meeting
    table: str = ""


@dataclass(frozen=True)
class Reconciled:
    """The previous schedule as read, and what of it still holds under the new registration."""

    previous: Schedule  # every previous meeting and panel run, as the file says
    valid: Schedule  # the meetings and panel runs (with their valid members) that still hold
    released: tuple[Released, ...]

    def reason_for(self, people: tuple[str, ...], panel: str = "") -> str | None:
        key = tuple(sorted(people))
        for r in self.released:
            if tuple(sorted(r.attendees)) == key and r.panel == panel:
                return r.reason
        return None


# ---------------------------------------------------------------- reconciliation


class _Ledger:
    """What is already taken: attendees' times, tables per slot, meetings per attendee."""

    def __init__(self, event: Event):
        self.event = event
        self.busy: dict[str, list[tuple[dt.datetime, dt.datetime, str]]] = {}
        self.tables: dict[tuple[str, int], str] = {}
        self.count: dict[str, int] = {}
        self.meeting_slots: dict[str, set[int]] = {}
        self.rooms: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
        self.away: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
        for u in event.unavailability:
            self.away.setdefault(u.attendee, []).append((u.start, u.end))

    def absent(self, person: str, start: dt.datetime, end: dt.datetime) -> str | None:
        att = self.event.attendee[person]
        for s in self.event.sessions:
            if s.id not in att.sessions and start < s.end_dt and s.start_dt < end:
                return f"{att.name} no longer attends session {s.id}"
        if any(start < e and s < end for s, e in self.away.get(person, ())):
            return f"{att.name} is now unavailable then"
        return None

    def clash(self, person: str, start: dt.datetime, end: dt.datetime) -> str | None:
        for s, e, what in self.busy.get(person, ()):
            if start < e and s < end:
                return f"{self.event.attendee[person].name} now has {what} then"
        return None

    def occupy(self, person: str, start: dt.datetime, end: dt.datetime, what: str) -> None:
        self.busy.setdefault(person, []).append((start, end, what))

    def take_meeting(self, a: str, b: str, slot: Slot, table: str | None, what: str) -> None:
        for person in (a, b):
            self.occupy(person, slot.start, slot.end, what)
            self.count[person] = self.count.get(person, 0) + 1
            self.meeting_slots.setdefault(person, set()).add(slot.index)
        if table:
            self.tables[(table, slot.index)] = what

    def run_too_long(self, person: str, slot: Slot) -> bool:
        limit = self.event.settings.max_consecutive
        if limit is None:
            return False
        mine = self.meeting_slots.get(person, set())
        same = [s for s in self.event.slots if s.session == slot.session]
        pos = {s.index: k for k, s in enumerate(same)}
        run, k = 1, pos[slot.index]
        for step in (-1, 1):
            j = k + step
            while 0 <= j < len(same) and same[j].index in mine:
                run += 1
                j += step
        return run > limit


def reconcile(event: Event, previous: Schedule) -> Reconciled:
    """Which previous meetings and panel seats still hold under `event`, and why not."""
    ledger = _Ledger(event)
    slots = {s.index: s for s in event.slots}
    pinned = {tuple(sorted((p.a, p.b))): p for p in event.pins}
    for pin in event.pins:
        slot = event.slot_at.get(pin.start)
        if slot is not None:
            ledger.take_meeting(pin.a, pin.b, slot, pin.table, "a pinned meeting")
    for panel in event.panels:
        if panel.fixed_start is not None and panel.moderator:
            end = panel.fixed_start + dt.timedelta(minutes=panel.minutes)
            ledger.occupy(panel.moderator, panel.fixed_start, end, f"panel {panel.id}")
            if panel.room.strip():
                ledger.rooms.setdefault(panel.room.strip(), []).append((panel.fixed_start, end))
    released: list[Released] = []
    runs: list[PanelRun] = []
    for run in previous.panels:
        kept, gone = _panel_run(event, ledger, run)
        released += gone
        if kept is not None:
            runs.append(kept)
    meetings: list[Meeting] = []
    for m in previous.meetings:
        slot = slots[m.slot]
        pin = pinned.get(tuple(sorted((m.a, m.b))))
        if pin is not None:  # the registration pins this pair: the pin decides
            if pin.start != slot.start or (pin.table or m.table) != m.table:
                where = f" at table {pin.table}" if pin.table else ""
                reason = f"the organisers fixed it at {pin.start:%H:%M}{where}"
                released.append(Released((m.a, m.b), slot.start, reason, table=m.table))
            continue
        reason = _meeting_reason(event, ledger, m, slot)
        if reason:
            released.append(Released((m.a, m.b), slot.start, reason, table=m.table))
            continue
        ledger.take_meeting(m.a, m.b, slot, m.table, f"a meeting at table {m.table}")
        meetings.append(m)
    valid = Schedule(tuple(meetings), tuple(runs))
    return Reconciled(previous, valid, tuple(released))


def _panel_run(event: Event, ledger: _Ledger, run: PanelRun):
    """The run with its members that still hold (or None), and the seats released."""
    panel = event.panel.get(run.panel)
    people = [x for x in run.members if x != (panel.moderator if panel else None)]

    def release_all(reason: str):
        return None, [Released((x,), run.start, reason, panel=run.panel) for x in run.members]

    if panel is None:
        return release_all(f"panel {run.panel} is no longer in the programme")
    if run.end - run.start != dt.timedelta(minutes=panel.minutes):
        return release_all(f"panel {panel.id} now lasts {panel.minutes} minutes")
    if panel.fixed_start is not None and panel.fixed_start != run.start:
        return release_all(f"panel {panel.id} now takes place at {panel.fixed_start:%H:%M}")
    if panel.fixed_start is None and not _allowed_start(event, panel, run):
        return release_all(f"panel {panel.id} may no longer take place then")
    room = panel.room.strip()
    if panel.fixed_start is None:
        if room and any(run.start < e and s < run.end for s, e in ledger.rooms.get(room, ())):
            return release_all(f"room {room} is now taken then")
        if panel.moderator:
            mod = event.attendee.get(panel.moderator)
            if mod is not None and not mod.cancelled:
                why = ledger.absent(mod.id, run.start, run.end) or ledger.clash(
                    mod.id, run.start, run.end
                )
                if why:
                    return release_all(f"its moderator cannot be there: {why}")
                ledger.occupy(mod.id, run.start, run.end, f"panel {panel.id}")
        if room:
            ledger.rooms.setdefault(room, []).append((run.start, run.end))
    chose = {c.attendee for c in event.panel_choices if c.panel == panel.id}
    room_left = panel.capacity - (1 if panel.moderator else 0)
    members = [panel.moderator] if panel.moderator else []
    released = []
    for person in people:
        att = event.attendee[person]
        if att.cancelled:
            why = f"{att.name} cancelled"
        elif person not in chose:
            why = f"{att.name} no longer chose panel {panel.id}"
        else:
            why = ledger.absent(person, run.start, run.end) or ledger.clash(
                person, run.start, run.end
            )
        if why is None and room_left <= 0:
            why = f"panel {panel.id} now has room for {panel.capacity}"
        if why:
            released.append(Released((person,), run.start, why, panel=panel.id))
            continue
        ledger.occupy(person, run.start, run.end, f"panel {panel.id}")
        members.append(person)
        room_left -= 1
    return dataclasses.replace(run, members=tuple(members)), released


def _allowed_start(event: Event, panel, run: PanelRun) -> bool:
    for s in event.slots:
        if s.start == run.start and s.session in panel.sessions:
            return run.end <= event.session[s.session].end_dt
    return False


def _meeting_reason(event: Event, ledger: _Ledger, m: Meeting, slot: Slot) -> str | None:
    """Why the previous meeting cannot stay as it was, or None when it can."""
    a, b = event.attendee[m.a], event.attendee[m.b]
    gone = [x.name for x in (a, b) if x.cancelled]
    if gone:
        return " and ".join(gone) + " cancelled"
    pair = event.pair_of(m.a, m.b)
    if pair is None:
        return "no request links them any more"
    if pair.declined:
        return "the request was declined"
    if event.settings.mutual_only and not pair.mutual:
        return "the event now schedules mutual requests only"
    for person in (m.a, m.b):
        why = ledger.absent(person, slot.start, slot.end)
        if why:
            return why
    if slot.session not in pair.sessions:
        return f"they may now meet only in {', '.join(pair.sessions) or 'no session'}"
    table = event.table.get(m.table)
    if table is None:
        return f"table {m.table} is no longer available"
    if slot.session not in table.sessions:
        return f"table {m.table} is not available in session {slot.session} any more"
    hosts = {x.host_table: x for x in event.attendees if x.host_table and not x.cancelled}
    for x in (a, b):
        if x.host_table and x.host_table != m.table:
            return f"{x.name} now hosts meetings at table {x.host_table}"
    host = hosts.get(m.table)
    if host is not None and host.id not in (m.a, m.b):
        return f"table {m.table} is now {host.name}'s own table"
    taken = ledger.tables.get((m.table, slot.index))
    if taken:
        return f"table {m.table} is now taken by {taken}"
    for person in (m.a, m.b):
        why = ledger.clash(person, slot.start, slot.end)
        if why:
            return why
    for x in (a, b):
        if x.max_meetings is not None and ledger.count.get(x.id, 0) >= x.max_meetings:
            return f"{x.name} may now have at most {x.max_meetings} meetings"
    for x in (a, b):
        if ledger.run_too_long(x.id, slot):
            limit = event.settings.max_consecutive
            return f"{x.name} would have more than {limit} meetings in a row"
    return None


# ---------------------------------------------------------------- keeping in place


def keep_in_place(event: Event, reconciled: Reconciled) -> Event:
    """The event with every still-valid previous meeting pinned to its slot and table, and
    every still-valid panel run fixed at its time (`--keep fixed`)."""
    slots = {s.index: s for s in event.slots}
    pins = list(event.pins)
    for m in reconciled.valid.meetings:
        pins.append(Pin(m.a, m.b, slots[m.slot].start, m.table))
    start_of = {r.panel: r.start for r in reconciled.valid.panels}
    panels = tuple(
        dataclasses.replace(p, fixed_start=start_of[p.id]) if p.id in start_of else p
        for p in event.panels
    )
    return dataclasses.replace(event, pins=tuple(pins), panels=panels)
