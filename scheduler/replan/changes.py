"""What changed for each attendee between a previous (announced) schedule and a re-plan.

One `Change` per item of an attendee's agenda that was added, moved or cancelled, with the
reason when the updated registration gives one, so organisers can mail exactly the people
concerned. Attendees whose agenda is unchanged get no row; cancelled attendees get none
either (they take part in nothing and receive no agenda).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from models.domain import (
    ADDED,
    CANCELLED,
    CHANGE_KINDS,
    MOVED,
    Change,
    Event,
    Meeting,
    PanelRun,
    Schedule,
)
from scheduler.replan.reconcile import Reconciled

# Said when the solver moved or dropped an item that was still valid (`--keep flexible`).
REPLANNED = "re-planned to fit the updated programme"


def with_origins(event: Event, schedule: Schedule, previous: Schedule | None) -> Schedule:
    """`schedule` with each meeting's origin: pinned (by the registration), kept (same slot
    and table as announced), moved (announced elsewhere) or new."""
    pinned = {frozenset((p.a, p.b)) for p in event.pins}
    was = {frozenset((m.a, m.b)): m for m in previous.meetings} if previous else {}

    def origin(m: Meeting) -> str:
        key = frozenset((m.a, m.b))
        if key in pinned:
            return "pinned"
        old = was.get(key)
        if old is None:
            return "new"
        return "kept" if (old.slot, old.table) == (m.slot, m.table) else "moved"

    meetings = tuple(dataclasses.replace(m, origin=origin(m)) for m in schedule.meetings)
    return dataclasses.replace(schedule, meetings=meetings)


def agenda_changes(event: Event, reconciled: Reconciled, new: Schedule) -> tuple[Change, ...]:
    """Every change of every (not cancelled) attendee's agenda, in Attendees order, then time."""
    slot = {s.index: s for s in event.slots}
    several_days = len({s.date for s in event.slots}) > 1

    def at(moment: dt.datetime) -> str:
        return f"{moment:%Y-%m-%d %H:%M}" if several_days else f"{moment:%H:%M}"

    def who(person: str) -> str:
        x = event.attendee[person]
        return f"{x.name} ({x.organisation})" if x.organisation else x.name

    def because(people: tuple[str, ...], panel: str = "") -> str:
        return reconciled.reason_for(people, panel) or REPLANNED

    found: list[Change] = []
    old = {frozenset((m.a, m.b)): m for m in reconciled.previous.meetings}
    now = {frozenset((m.a, m.b)): m for m in new.meetings}
    for key in _in_order(old, now, event):
        before, after = old.get(key), now.get(key)
        a, b = (before or after).a, (before or after).b
        for me, other in ((a, b), (b, a)):
            what = f"meeting with {who(other)}"
            if before is None:
                s = slot[after.slot]
                found.append(
                    Change(me, ADDED, f"{what} at {at(s.start)}, table {after.table}", s.start)
                )
                continue
            s0 = slot[before.slot]
            if after is None:
                text = f"{what} at {at(s0.start)} — {because((a, b))}"
                found.append(Change(me, CANCELLED, text, s0.start))
            elif (before.slot, before.table) != (after.slot, after.table):
                s1 = slot[after.slot]
                if before.slot == after.slot:
                    text = (
                        f"{what} at {at(s0.start)} moves from table {before.table} to {after.table}"
                    )
                else:
                    text = (
                        f"{what} moves from {at(s0.start)} (table {before.table})"
                        f" to {at(s1.start)} (table {after.table})"
                    )
                found.append(Change(me, MOVED, f"{text} — {because((a, b))}", s0.start))
    old_seats, new_seats = _seats(reconciled.previous), _seats(new)
    for panel_id, person in sorted(old_seats.keys() | new_seats.keys(), key=lambda k: (k[0], k[1])):
        before, after = old_seats.get((panel_id, person)), new_seats.get((panel_id, person))
        panel = event.panel.get(panel_id)
        what = f"panel {panel_id} “{panel.title if panel else panel_id}”"
        if before is None:
            found.append(Change(person, ADDED, f"{what} at {at(after.start)}", after.start))
        elif after is None:
            text = f"{what} at {at(before.start)} — {because((person,), panel_id)}"
            found.append(Change(person, CANCELLED, text, before.start))
        elif (before.start, before.end) != (after.start, after.end):
            reason = reconciled.reason_for((person,), panel_id) or REPLANNED
            text = f"{what} moves from {at(before.start)} to {at(after.start)} — {reason}"
            found.append(Change(person, MOVED, text, before.start))
    rank = {x.id: i for i, x in enumerate(event.attendees)}
    kept = [c for c in found if c.attendee in rank and not event.attendee[c.attendee].cancelled]
    kept.sort(key=lambda c: (rank[c.attendee], c.at, CHANGE_KINDS.index(c.change), c.details))
    return tuple(kept)


def _in_order(old: dict, now: dict, event: Event) -> list[frozenset]:
    rank = {x.id: i for i, x in enumerate(event.attendees)}
    keys = list(old.keys() | now.keys())
    return sorted(keys, key=lambda k: sorted(rank.get(x, len(rank)) for x in k))


def _seats(schedule: Schedule) -> dict[tuple[str, str], PanelRun]:
    return {(r.panel, x): r for r in schedule.panels for x in r.members}
