"""Each attendee's programme as a list of items: their meetings, panels and free slots.

The Agendas sheet, the personal agenda workbooks and the calendar files all show the same
items, so they are worked out once here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from models.domain import Attendee, Event, Schedule, Slot, Unavailability

MEETING = "meeting"
PANEL = "panel"
FREE = "free"
AWAY = "away"


@dataclass(frozen=True)
class AgendaItem:
    """One line of an attendee's agenda.

    For a meeting `counterpart*` name the other attendee and `table`/`room` the place; for a
    panel `panel`, `title`, `room` and `role` describe it. Free and away slots carry only
    their times.
    """

    attendee: str
    kind: str  # MEETING, PANEL, FREE or AWAY
    start: dt.datetime
    end: dt.datetime
    counterpart: str = ""
    counterpart_name: str = ""
    counterpart_organisation: str = ""
    table: str = ""
    room: str = ""
    panel: str = ""
    title: str = ""
    role: str = ""  # panels: moderator or participant

    @property
    def with_text(self) -> str:
        """Who or what the item is with: the counterpart's name, or the panel's title."""
        return self.counterpart_name if self.kind == MEETING else self.title

    @property
    def location(self) -> str:
        if self.kind == MEETING:
            return ", ".join(x for x in (f"Table {self.table}", self.room) if x)
        return self.room

    @property
    def is_activity(self) -> bool:
        return self.kind in (MEETING, PANEL)


def activities_by_attendee(event: Event, schedule: Schedule) -> dict[str, list[AgendaItem]]:
    """Meetings and panels of every attendee who is not cancelled, in time order.

    Keys follow the Attendees sheet order; an attendee with nothing scheduled has an empty list.
    """
    slot = {s.index: s for s in event.slots}
    items: dict[str, list[AgendaItem]] = {a.id: [] for a in event.attendees if not a.cancelled}
    for m in schedule.meetings:
        s = slot[m.slot]
        room = event.table[m.table].room if m.table in event.table else ""
        for me, other in ((m.a, m.b), (m.b, m.a)):
            if me not in items:
                continue
            counterpart = event.attendee[other]
            items[me].append(
                AgendaItem(
                    attendee=me,
                    kind=MEETING,
                    start=s.start,
                    end=s.end,
                    counterpart=other,
                    counterpart_name=counterpart.name,
                    counterpart_organisation=counterpart.organisation,
                    table=m.table,
                    room=room,
                )
            )
    for run in schedule.panels:
        panel = event.panel[run.panel]
        for member in run.members:
            if member not in items:
                continue
            items[member].append(
                AgendaItem(
                    attendee=member,
                    kind=PANEL,
                    start=run.start,
                    end=run.end,
                    room=panel.room,
                    panel=panel.id,
                    title=panel.title,
                    role="moderator" if member == panel.moderator else "participant",
                )
            )
    for person in items.values():
        person.sort(key=lambda i: (i.start, i.end, i.kind, i.counterpart, i.panel))
    return items


def personal_timeline(
    event: Event,
    attendee: Attendee,
    activities: list[AgendaItem],
    away: Sequence[Unavailability] = (),
) -> list[AgendaItem]:
    """The attendee's activities plus every other slot of the sessions they attend.

    A slot no activity touches is `free`, or `away` when the attendee's Unavailable window
    overlaps it, so the printed agenda shows the whole day and where the gaps are. `away` is
    the attendee's own Unavailable rows (see `away_by_attendee`).
    """
    present = set(attendee.sessions)
    timeline = list(activities)
    for s in event.slots:
        if s.session not in present or _overlaps_any(s, activities):
            continue
        kind = AWAY if any(u.start < s.end and s.start < u.end for u in away) else FREE
        timeline.append(AgendaItem(attendee=attendee.id, kind=kind, start=s.start, end=s.end))
    timeline.sort(key=lambda i: (i.start, i.end, i.kind, i.counterpart, i.panel))
    return timeline


def away_by_attendee(event: Event) -> dict[str, list[Unavailability]]:
    away: dict[str, list[Unavailability]] = {}
    for u in event.unavailability:
        away.setdefault(u.attendee, []).append(u)
    return away


def _overlaps_any(s: Slot, activities: list[AgendaItem]) -> bool:
    return any(a.start < s.end and s.start < a.end for a in activities)
