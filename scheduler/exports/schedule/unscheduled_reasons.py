"""Why a linked pair did not meet, in words an organiser can pass on to the attendee.

Reasons are checked from the most to the least explanatory, and each comes from the data:
the pair's own rules first (declined, cancelled, not mutual), then what the input leaves
possible (no common free slot), then what the schedule used up (caps, busy slots, tables).
Slot sets are Python ints used as bit sets (bit = `Slot.index`) so thousands of pairs are
checked in milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models.domain import Attendee, Event, Pair, Schedule, Slot

DECLINED = "declined"
CANCELLED = "attendee cancelled"
NOT_MUTUAL = "not mutual"
NO_COMMON_SLOT = "no common free slot"
CAP_REACHED = "attendee cap reached"
NO_SLOT_LEFT = "no common free slot left"
TOO_MANY_IN_A_ROW = "max_consecutive reached"
LOWER_PRIORITY = "lower priority than competing meetings"
NOT_PLACED = "not placed by the solver"


@dataclass(frozen=True)
class UnscheduledPair:
    a: str
    b: str
    priority: int
    mutual: bool
    reason: str  # one of the constants above: short, for filtering
    details: str  # the same in full, naming who and when


def unscheduled_pairs(event: Event, schedule: Schedule) -> list[UnscheduledPair]:
    """Every linked pair that did not meet, in the order of `event.pairs`, with its reason."""
    met = {frozenset((m.a, m.b)) for m in schedule.meetings}
    ctx = _Context(event, schedule)
    result = []
    for pair in event.pairs:
        if frozenset(pair.key) in met:
            continue
        reason, details = ctx.explain(pair)
        result.append(UnscheduledPair(pair.a, pair.b, pair.priority, pair.mutual, reason, details))
    return result


def _bits(indices: Sequence[int]) -> int:
    mask = 0
    for i in indices:
        mask |= 1 << i
    return mask


def _count(mask: int) -> int:
    return mask.bit_count()


def _who(attendee: Attendee) -> str:
    return f"{attendee.name} ({attendee.id})"


class _Context:
    """Slot sets of every attendee and table, computed once for all pairs."""

    def __init__(self, event: Event, schedule: Schedule) -> None:
        self.event = event
        self.slots: dict[int, Slot] = {s.index: s for s in event.slots}
        by_session: dict[str, list[int]] = {}
        for s in event.slots:
            by_session.setdefault(s.session, []).append(s.index)
        self.session_mask = {sid: _bits(ix) for sid, ix in by_session.items()}

        self.present = {a.id: self.sessions_mask(a.sessions) for a in event.attendees}
        self.away: dict[str, int] = {}
        for u in event.unavailability:
            hit = [s.index for s in event.slots if s.start < u.end and u.start < s.end]
            self.away[u.attendee] = self.away.get(u.attendee, 0) | _bits(hit)

        self.meetings_of: dict[str, int] = {}
        self.in_meeting: dict[str, int] = {}  # slots with a meeting (max_consecutive counts these)
        self.busy: dict[str, int] = {}  # slots with any activity
        taken_tables: dict[int, set[str]] = {}
        for m in schedule.meetings:
            taken_tables.setdefault(m.slot, set()).add(m.table)
            for person in (m.a, m.b):
                self.meetings_of[person] = self.meetings_of.get(person, 0) + 1
                self.in_meeting[person] = self.in_meeting.get(person, 0) | (1 << m.slot)
        self.busy = dict(self.in_meeting)
        for run in schedule.panels:
            hit = _bits([s.index for s in event.slots if s.start < run.end and run.start < s.end])
            for person in run.members:
                self.busy[person] = self.busy.get(person, 0) | hit

        self.table_mask = {t.id: self.sessions_mask(t.sessions) for t in event.tables}
        hosted = {a.host_table for a in event.attendees if a.host_table and not a.cancelled}
        open_tables = [t.id for t in event.tables if t.id not in hosted]
        self.any_open_table = 0
        for t in open_tables:
            self.any_open_table |= self.table_mask[t]
        # Slots where some table nobody hosts is usable and still unused.
        self.open_table_free = _bits(
            [
                s.index
                for s in event.slots
                if any(
                    self.table_mask[t] >> s.index & 1 and t not in taken_tables.get(s.index, ())
                    for t in open_tables
                )
            ]
        )

    def sessions_mask(self, sessions: Sequence[str]) -> int:
        mask = 0
        for sid in sessions:
            mask |= self.session_mask.get(sid, 0)
        return mask

    def explain(self, pair: Pair) -> tuple[str, str]:
        ev = self.event
        a, b = ev.attendee[pair.a], ev.attendee[pair.b]
        if pair.declined:
            return DECLINED, "a request between them was declined"
        gone = [x for x in (a, b) if x.cancelled]
        if gone:
            return CANCELLED, " and ".join(_who(x) for x in gone) + " cancelled"
        if ev.settings.mutual_only and not pair.mutual:
            return NOT_MUTUAL, "only mutual requests are scheduled (mutual_only = yes)"

        possible, why_not = self.possible_slots(pair, a, b)
        if not possible:
            return NO_COMMON_SLOT, why_not

        capped = [x for x in (a, b) if self.at_cap(x)]
        if capped:
            return CAP_REACHED, "; ".join(
                f"{_who(x)} has {_meetings(self.meetings_of.get(x.id, 0))}, the cap is "
                f"{x.max_meetings}"
                for x in capped
            )

        busy_a, busy_b = self.busy.get(a.id, 0), self.busy.get(b.id, 0)
        free = possible & ~busy_a & ~busy_b
        if not free:
            return NO_SLOT_LEFT, (
                f"all {_count(possible)} slots both could meet are taken by other activities: "
                f"{_who(a)} is busy at {_count(possible & busy_a)}, "
                f"{_who(b)} at {_count(possible & busy_b)}"
            )

        limit = ev.settings.max_consecutive
        if limit is not None:
            blocked = {a.id: 0, b.id: 0}
            allowed = []
            for i in self.indices(free):
                over = [x for x in (a.id, b.id) if self.run_through(x, i) > limit]
                for x in over:
                    blocked[x] += 1
                if not over:
                    allowed.append(i)
            if not allowed:
                everywhere = [x for x in (a, b) if blocked[x.id] == _count(free)]
                who = " and ".join(_who(x) for x in everywhere) or "one of them"
                return TOO_MANY_IN_A_ROW, (
                    f"{_at_slots(_count(free))} both are free, {who} would have more than "
                    f"{limit} meetings in a row"
                )
            free = _bits(allowed)

        if not (a.host_table or b.host_table):
            with_table = free & self.open_table_free
            if not with_table:
                return LOWER_PRIORITY, (
                    f"{_at_slots(_count(free))} both were free, every table was taken"
                )
            free = with_table
        first = self.slots[self.indices(free)[0]]
        return NOT_PLACED, (
            f"both were free at {first.start:%Y-%m-%d %H:%M} with a table free; pin the "
            "meeting or give the solver more time"
        )

    def possible_slots(self, pair: Pair, a: Attendee, b: Attendee) -> tuple[int, str]:
        """Slots where the input lets the pair meet, ignoring the schedule; else why none."""
        both = self.present[a.id] & self.present[b.id]
        if not both:
            return 0, f"{_who(a)} and {_who(b)} attend no session in common"
        allowed = both & self.sessions_mask(pair.sessions)
        if not allowed:
            sessions = ", ".join(pair.sessions) or "none"
            return 0, f"their requests allow only sessions {sessions}, which not both attend"
        there = allowed & ~self.away.get(a.id, 0) & ~self.away.get(b.id, 0)
        if not there:
            return 0, "one of them is away (Unavailable) at every slot they share"
        hosts = sorted({x.host_table for x in (a, b) if x.host_table})
        if len(hosts) > 1:
            return 0, f"both host at their own tables ({', '.join(hosts)})"
        tables = self.table_mask.get(hosts[0], 0) if hosts else self.any_open_table
        with_table = there & tables
        if not with_table:
            if hosts:
                return 0, f"host table {hosts[0]} is not in use when both are there"
            return 0, "no table is in use when both are there"
        return with_table, ""

    def at_cap(self, x: Attendee) -> bool:
        return x.max_meetings is not None and self.meetings_of.get(x.id, 0) >= x.max_meetings

    def indices(self, mask: int) -> list[int]:
        return [i for i in sorted(self.slots) if mask >> i & 1]

    def run_through(self, person: str, index: int) -> int:
        """Meetings in a row `person` would have with one more meeting at slot `index`."""
        meets = self.in_meeting.get(person, 0)
        session = self.slots[index].session
        run = 1
        for step in (-1, 1):
            i = index + step
            while i in self.slots and self.slots[i].session == session and meets >> i & 1:
                run += 1
                i += step
        return run


def _meetings(n: int) -> str:
    return f"{n} meeting" if n == 1 else f"{n} meetings"


def _at_slots(n: int) -> str:
    return "at the one slot" if n == 1 else f"at each of the {n} slots"
