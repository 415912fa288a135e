"""Who is present when, and which tables are usable when: the grids the model is cut from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from models.domain import Event

NOT_A_HOST = -1  # host_table of an attendee who hosts no table
UNKNOWN_TABLE = -2  # host_table of a host whose table does not exist: they cannot meet


@dataclass(frozen=True)
class Availability:
    """Presence of attendees and usability of tables per slot, indexed by position.

    Attendees and tables are numbered by their order in the event; slots by `Slot.index`.
    """

    event: Event
    present: np.ndarray  # bool [attendee, slot]: registered, in one of their sessions, not away
    usable: np.ndarray  # bool [table, slot]: the table stands in the slot's session
    host_table: np.ndarray  # int [attendee]: the host table's index, NOT_A_HOST, UNKNOWN_TABLE
    pool: np.ndarray  # bool [table]: no attendee hosts it, so any meeting may use it

    @cached_property
    def attendee_index(self) -> dict[str, int]:
        return {a.id: i for i, a in enumerate(self.event.attendees)}

    @cached_property
    def table_index(self) -> dict[str, int]:
        return {t.id: i for i, t in enumerate(self.event.tables)}

    @cached_property
    def pool_tables_per_slot(self) -> np.ndarray:
        """Tables any (non-host) meeting may use, counted per slot."""
        return self.usable[self.pool].sum(axis=0).astype(int)

    def slot_mask(self, sessions: tuple[str, ...]) -> np.ndarray:
        """Slots that belong to one of `sessions`."""
        return _slot_mask(self.event, sessions)

    def present_during(self, attendee: int, start: dt.datetime, end: dt.datetime) -> bool:
        """Whether the attendee can take part in an activity from start to end.

        Present means: registered, not away at any moment of it, and every session the
        activity overlaps is one of theirs; an activity outside all sessions (a lunch panel)
        needs them to attend some session that day.
        """
        att = self.event.attendees[attendee]
        if att.cancelled:  # H3
            return False
        for u in self.event.unavailability:
            if u.attendee == att.id and u.start < end and start < u.end:
                return False
        overlapped = [s for s in self.event.sessions if s.start_dt < end and start < s.end_dt]
        if overlapped:
            return all(s.id in att.sessions for s in overlapped)
        return any(s.id in att.sessions and s.date == start.date() for s in self.event.sessions)


def _slot_mask(event: Event, sessions: tuple[str, ...]) -> np.ndarray:
    wanted = set(sessions)
    return np.array([s.session in wanted for s in event.slots], dtype=bool)


def availability(event: Event) -> Availability:
    """Compute presence and table grids for an event."""
    n_slots = len(event.slots)
    starts = np.array([s.start for s in event.slots], dtype="datetime64[m]")
    ends = np.array([s.end for s in event.slots], dtype="datetime64[m]")
    index = {a.id: i for i, a in enumerate(event.attendees)}

    present = np.zeros((len(event.attendees), n_slots), dtype=bool)
    masks: dict[tuple[str, ...], np.ndarray] = {}
    for i, att in enumerate(event.attendees):
        if att.cancelled:  # H3 registered: a cancelled attendee is never present
            continue
        if att.sessions not in masks:  # H2 present: only in their sessions (absences below)
            masks[att.sessions] = _slot_mask(event, att.sessions)
        present[i] = masks[att.sessions]
    for u in event.unavailability:
        i = index.get(u.attendee)
        if i is not None:
            away = (starts < np.datetime64(u.end, "m")) & (np.datetime64(u.start, "m") < ends)
            present[i] &= ~away

    usable = np.zeros((len(event.tables), n_slots), dtype=bool)
    for t, table in enumerate(event.tables):
        usable[t] = _slot_mask(event, table.sessions)

    t_index = {t.id: i for i, t in enumerate(event.tables)}
    host_table = np.full(len(event.attendees), NOT_A_HOST, dtype=int)
    pool = np.ones(len(event.tables), dtype=bool)
    for i, att in enumerate(event.attendees):
        if att.host_table is None:
            continue
        t = t_index.get(att.host_table, -1)
        if t >= 0:
            # A cancelled host's table stays reserved: the contract gives it to its host only.
            pool[t] = False
        if not att.cancelled:
            host_table[i] = t if t >= 0 else UNKNOWN_TABLE
    return Availability(event, present, usable, host_table, pool)
