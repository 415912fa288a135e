"""The contract's quality figures of a schedule (Summary sheet, `sigmeet check`).

Two entry points share one computation: `quality_figures` for a `Schedule` made in memory,
and `figures_from_activities` for what a schedule workbook says (the checker reads the
workbook itself, so meetings there may sit at times that are no slot at all).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from models.domain import Event, Schedule, Slot

FIGURE_NAMES = (
    "meetings",
    "candidate_pairs",
    "weighted_share",
    "mutual_met",
    "attendees_without_meetings",
    "min_meetings",
    "mean_meetings",
    "idle_slots",
    "breaks",
    "panel_seats",
)


@dataclass(frozen=True)
class Activity:
    """An attendee busy from `start` to `end` (a meeting or a panel)."""

    attendee: str
    start: dt.datetime
    end: dt.datetime


def quality_figures(event: Event, schedule: Schedule) -> dict[str, int | float]:
    """Every contract figure of `schedule`, under its contract name, in contract order.

    Idle slots and breaks treat an attendee's panels as activities too: a panel occupies
    every slot it overlaps, so a panel between two meetings is no idle time, and a panel
    may be an attendee's first or last activity of the day.
    """
    slot = {s.index: s for s in event.slots}
    pairs = [(m.a, m.b) for m in schedule.meetings]
    activities = [
        Activity(person, slot[m.slot].start, slot[m.slot].end)
        for m in schedule.meetings
        for person in (m.a, m.b)
    ]
    activities += [
        Activity(person, run.start, run.end) for run in schedule.panels for person in run.members
    ]
    seats = sum(len(run.members) for run in schedule.panels)
    return figures_from_activities(event, pairs, activities, seats)


def figures_from_activities(
    event: Event,
    met_pairs: Sequence[tuple[str, str]],
    activities: Sequence[Activity],
    panel_seats: int,
) -> dict[str, int | float]:
    """The figures from the pairs that met (one entry per meeting), everyone's activities
    (meetings and panels, as time intervals) and the number of panel places filled.

    With no candidate pair at all, `weighted_share` is 0.0 and the per-attendee figures
    are 0: there is nothing to share out.
    """
    candidates = event.candidates
    met = {frozenset(p) for p in met_pairs}
    met_candidates = [p for p in candidates if frozenset(p.key) in met]
    total_weight = sum(p.weight for p in candidates)
    met_weight = sum(p.weight for p in met_candidates)

    meetings_of: dict[str, int] = {}
    for a, b in met_pairs:
        for person in (a, b):
            meetings_of[person] = meetings_of.get(person, 0) + 1
    # Attendees order, not set order: the figures must not depend on hashing.
    in_candidates = {x for p in candidates for x in p.key}
    counted = [meetings_of.get(a.id, 0) for a in event.attendees if a.id in in_candidates]

    idle, breaks = idle_and_breaks(event.slots, activities)
    return {
        "meetings": len(met_pairs),
        "candidate_pairs": len(candidates),
        "weighted_share": met_weight / total_weight if total_weight else 0.0,
        "mutual_met": sum(1 for p in met_candidates if p.mutual),
        "attendees_without_meetings": sum(1 for n in counted if n == 0),
        "min_meetings": min(counted, default=0),
        "mean_meetings": sum(counted) / len(counted) if counted else 0.0,
        "idle_slots": idle,
        "breaks": breaks,
        "panel_seats": panel_seats,
    }


def idle_and_breaks(slots: Sequence[Slot], activities: Sequence[Activity]) -> tuple[int, int]:
    """Idle slots and breaks summed over attendees and days.

    Per attendee and day the day's slots are taken in time order across sessions, so an
    idle last slot before lunch and an idle first slot after it are one break.
    """
    days: dict[dt.date, list[Slot]] = {}
    for s in sorted(slots, key=lambda s: s.start):
        days.setdefault(s.date, []).append(s)

    busy: dict[tuple[str, dt.date], set[int]] = {}
    for act in activities:
        for day, day_slots in days.items():
            for i, s in enumerate(day_slots):
                if act.start < s.end and s.start < act.end:
                    busy.setdefault((act.attendee, day), set()).add(i)

    idle = breaks = 0
    for taken in busy.values():
        previous_idle = False
        for i in range(min(taken), max(taken) + 1):
            is_idle = i not in taken
            idle += is_idle
            breaks += is_idle and not previous_idle
            previous_idle = is_idle
    return idle, breaks
