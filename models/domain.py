"""Domain types: what a registration workbook means, and what a schedule is.

Everything here is a frozen dataclass built once by `read_workbook`; the model, the
checker and the exports only read them. Times are naive local wall-clock datetimes of the
event (the Event sheet's `timezone` applies only when writing calendar files).

Session lists are resolved when reading: a blank `sessions` cell becomes every session id,
so downstream code never has to know that blank means "all".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

# Request status values after normalisation.
ACCEPTED = "accepted"
DECLINED = "declined"
PENDING = "pending"

# Meeting origins (schedule workbook `origin` column).
ORIGINS = ("new", "kept", "moved", "pinned")


@dataclass(frozen=True)
class EventSettings:
    name: str
    timezone: str = "UTC"
    venue: str = ""
    max_meetings: int | None = None
    max_consecutive: int | None = None
    mutual_only: bool = False


@dataclass(frozen=True)
class Session:
    id: str
    date: dt.date
    start: dt.time
    end: dt.time
    slot_minutes: int
    changeover_minutes: int = 0

    @property
    def start_dt(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.start)

    @property
    def end_dt(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.end)


@dataclass(frozen=True)
class Slot:
    """One meeting slot. `index` is global and in time order across all sessions."""

    index: int
    session: str
    position: int  # k within its session
    start: dt.datetime
    end: dt.datetime

    @property
    def date(self) -> dt.date:
        return self.start.date()


@dataclass(frozen=True)
class Attendee:
    id: str
    name: str
    organisation: str
    email: str = ""
    country: str = ""
    type: str = ""
    sessions: tuple[str, ...] = ()  # resolved: sessions the attendee is present for
    max_meetings: int | None = None  # resolved: own value, else the Event default
    min_meetings: int | None = None
    host_table: str | None = None
    cancelled: bool = False
    row: int = 0  # Excel row in Attendees, for messages


@dataclass(frozen=True)
class Unavailability:
    attendee: str
    start: dt.datetime
    end: dt.datetime
    row: int = 0


@dataclass(frozen=True)
class Request:
    source: str  # the `from` column
    target: str  # the `to` column
    priority: int = 3
    status: str = PENDING
    sessions: tuple[str, ...] | None = None  # None: no restriction given
    row: int = 0


@dataclass(frozen=True)
class Pair:
    """Two attendees linked by at least one request, in canonical order (a before b).

    Canonical order is the attendees' order in the Attendees sheet.
    """

    a: str
    b: str
    priority: int  # highest priority among the pair's requests
    weight: int  # sum of the priorities of all the pair's requests (weighted_share)
    mutual: bool
    declined: bool  # some request between them was declined: not a candidate
    sessions: tuple[str, ...]  # resolved: sessions the pair may meet in
    requests: int  # number of requests linking them

    @property
    def key(self) -> tuple[str, str]:
        return (self.a, self.b)


@dataclass(frozen=True)
class Table:
    id: str
    room: str
    sessions: tuple[str, ...] = ()  # resolved
    row: int = 0


@dataclass(frozen=True)
class Panel:
    id: str
    title: str
    room: str
    capacity: int
    minutes: int
    moderator: str | None = None
    fixed_start: dt.datetime | None = None
    sessions: tuple[str, ...] = ()  # resolved
    row: int = 0


@dataclass(frozen=True)
class PanelChoice:
    attendee: str
    panel: str
    priority: int = 3
    row: int = 0


@dataclass(frozen=True)
class Pin:
    a: str
    b: str
    start: dt.datetime
    table: str | None = None
    row: int = 0


@dataclass(frozen=True)
class Event:
    settings: EventSettings
    sessions: tuple[Session, ...]
    slots: tuple[Slot, ...]
    attendees: tuple[Attendee, ...]
    unavailability: tuple[Unavailability, ...] = ()
    requests: tuple[Request, ...] = ()
    pairs: tuple[Pair, ...] = ()  # every linked pair, declined ones included
    tables: tuple[Table, ...] = ()
    panels: tuple[Panel, ...] = ()
    panel_choices: tuple[PanelChoice, ...] = ()
    pins: tuple[Pin, ...] = ()

    @cached_property
    def attendee(self) -> dict[str, Attendee]:
        return {a.id: a for a in self.attendees}

    @cached_property
    def session(self) -> dict[str, Session]:
        return {s.id: s for s in self.sessions}

    @cached_property
    def table(self) -> dict[str, Table]:
        return {t.id: t for t in self.tables}

    @cached_property
    def panel(self) -> dict[str, Panel]:
        return {p.id: p for p in self.panels}

    @cached_property
    def pair(self) -> dict[tuple[str, str], Pair]:
        return {p.key: p for p in self.pairs}

    @cached_property
    def slot_at(self) -> dict[dt.datetime, Slot]:
        """Slot by its start time."""
        return {s.start: s for s in self.slots}

    @cached_property
    def candidates(self) -> tuple[Pair, ...]:
        """Candidate pairs: linked, none declined, neither attendee cancelled.

        With `mutual_only` non-mutual pairs stay candidates (they count in the figures)
        but the scheduler may not meet them.
        """
        return tuple(
            p
            for p in self.pairs
            if not p.declined
            and not self.attendee[p.a].cancelled
            and not self.attendee[p.b].cancelled
        )

    def pair_of(self, x: str, y: str) -> Pair | None:
        return self.pair.get((x, y)) or self.pair.get((y, x))


# ---------------------------------------------------------------- the schedule


@dataclass(frozen=True)
class Meeting:
    a: str
    b: str
    slot: int  # Slot.index
    table: str
    origin: str = "new"


@dataclass(frozen=True)
class PanelRun:
    panel: str
    start: dt.datetime
    end: dt.datetime
    members: tuple[str, ...]  # the moderator (if any) first, then participants


@dataclass(frozen=True)
class SolveStats:
    status: str  # OPTIMAL, FEASIBLE, ...
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None  # relative, 0.01 = 1 %
    seconds: float = 0.0  # in all, model building included
    build_seconds: float = 0.0  # checks, model, greedy start and hint, before any search
    seed: int = 0
    workers: int = 0
    min_meetings_missed: tuple[str, ...] = ()  # attendees whose target was not reached
    # Phase 1 (meetings, seats, fairness): objective, bound and gap above are its figures.
    meetings_proven: bool = False  # objective = bound: no schedule scores more
    # Phase 2 (compact days): the same meetings re-timed; None when it did not run.
    breaks: int | None = None
    idle_slots: int | None = None
    breaks_bound: int | None = None  # no timing of these meetings has fewer breaks
    breaks_proven: bool = False  # breaks = breaks_bound
    compact_proven: bool = False  # breaks and then idle slots both proven fewest
    # The greedy start both phases improved on (None on a re-plan's or an explained run).
    start_objective: float | None = None
    start_breaks: int | None = None

    def meetings_text(self) -> str:
        """Phase 1 in words, e.g. 'meetings: OPTIMAL (objective 127,030 = bound)'."""
        if self.objective is None:
            return f"meetings: {self.status}"
        if self.meetings_proven:
            return f"meetings: OPTIMAL (objective {self.objective:,.0f} = bound)"
        if self.bound is None:
            return f"meetings: not proven (objective {self.objective:,.0f}, no bound)"
        gap = "" if self.gap is None else f", gap {100 * self.gap:.2f} %"
        return (
            f"meetings: not proven (objective {self.objective:,.0f}, bound {self.bound:,.0f}{gap})"
        )

    def compact_text(self) -> str:
        """Phase 2 in words, e.g. 'compact days: 5 breaks, 12 idle slots, lower bound 5
        breaks, proven'."""
        if self.breaks is None:
            return "compact days: not run"
        found = f"compact days: {self.breaks} breaks, {self.idle_slots} idle slots"
        bound = "" if self.breaks_bound is None else f", lower bound {self.breaks_bound} breaks"
        if self.compact_proven:
            proof = "proven"
        elif self.breaks_proven:
            proof = "breaks proven, idle slots not"
        else:
            proof = "not proven"
        return f"{found}{bound}, {proof}"


@dataclass(frozen=True)
class Schedule:
    meetings: tuple[Meeting, ...] = ()
    panels: tuple[PanelRun, ...] = ()
    stats: SolveStats | None = field(default=None, compare=False)


# ---------------------------------------------------------------- changes after a re-plan

# How an attendee's agenda item changed since the previous (announced) schedule.
ADDED, MOVED, CANCELLED = "added", "moved", "cancelled"
CHANGE_KINDS = (ADDED, MOVED, CANCELLED)


@dataclass(frozen=True)
class Change:
    attendee: str
    change: str  # ADDED, MOVED or CANCELLED
    details: str
    at: dt.datetime  # when the item was (moved, cancelled) or will be (added): for ordering
