"""A quick priority-first schedule, used as the solver's starting point (and as a fallback).

Pins first, then panels (each at its first time the moderator and the room are free, seats by
choice priority), then meetings: pairs by their current worth (priority value plus what the
meeting adds to fairness and minimum targets, re-evaluated as attendees fill up), each at the
free slot that best joins the two attendees' existing activities (earliest on ties). It keeps
every hard rule the model has, so the solver starts from a feasible schedule.
"""

from __future__ import annotations

import heapq

import numpy as np

from models import weights
from models.choice import Choice
from models.domain import Event, Schedule
from models.options.availability import Availability
from models.options.meeting_options import NO_PIN, POOL, MeetingOptions
from models.options.panel_options import NO_MODERATOR, PanelOptions
from models.prepared import Prepared

NOTHING_YET = -1  # first/last position of a day without any activity so far


def greedy(prep: Prepared, previous: Schedule | None = None) -> Choice:
    """Build a feasible schedule fast (previous meetings first when given)."""
    event, av, mo, po = prep.event, prep.av, prep.mo, prep.po
    state = _State(event, av, mo)
    rows = mo.rows
    pin = rows["pin"].to_numpy()
    for i in np.flatnonzero(pin != NO_PIN):
        state.take(int(i))
    options, seats = _panels(event, po, state, previous)

    free = np.flatnonzero(pin == NO_PIN)
    if previous is not None:
        pair, slot = rows["pair"].to_numpy(), rows["slot"].to_numpy()
        by_pair: dict[int, list[int]] = {}
        for i in free[np.lexsort((slot[free], pair[free]))]:
            by_pair.setdefault(int(pair[i]), []).append(int(i))
        earlier = _previous_rows(event, mo, previous, by_pair)
        for p in sorted(earlier):
            if state.fits(earlier[p]):
                state.take(earlier[p])
    _place(prep, state, free)
    return Choice(tuple(sorted(state.taken)), tuple(options), tuple(sorted(seats)))


def _place(prep: Prepared, state: _State, rows_: np.ndarray) -> None:
    """Book meetings from option rows `rows_`, pairs not met yet: pairs by their current
    worth (priority value plus what the meeting adds to fairness and minimum targets,
    re-evaluated as attendees fill up), each at the free slot that best joins the two
    attendees' existing activities (earliest on ties)."""
    event, rows = prep.event, prep.mo.rows
    pair, value, slot = (rows[c].to_numpy() for c in ("pair", "value", "slot"))
    met = {int(pair[i]) for i in state.taken}
    by_pair: dict[int, list[int]] = {}
    for i in rows_[np.lexsort((slot[rows_], pair[rows_]))]:
        if int(pair[i]) not in met:
            by_pair.setdefault(int(pair[i]), []).append(int(i))
    targets = np.array([x.min_meetings or 0 for x in event.attendees])

    def worth(p: int) -> int:
        """The pair's value now: priority, plus what it adds to fairness and targets."""
        i = by_pair[p][0]
        total = int(value[i])
        for who in (state.a[i], state.b[i]):
            k = state.count[who]
            total += weights.FAIRNESS[k] if k < len(weights.FAIRNESS) else 0
            total += weights.MIN_MEETINGS_SHORTFALL if k < targets[who] else 0
        return total

    # Lazy max-heap: a pair's worth only falls as its attendees get meetings.
    heap = [(-worth(p), p) for p in sorted(by_pair)]
    heapq.heapify(heap)
    while heap:
        key, p = heapq.heappop(heap)
        now = worth(p)
        if now < -key:
            heapq.heappush(heap, (-now, p))
            continue
        fits = [i for i in by_pair[p] if state.fits(i)]
        if fits:
            state.take(min(fits, key=state.day_cost))  # the first of the best: earliest


def _previous_rows(event, mo, previous, by_pair) -> dict[int, int]:
    if previous is None:
        return {}
    key_of = {k: i for i, k in enumerate(mo.pairs)}
    slot = mo.rows["slot"].to_numpy()
    found = {}
    for m in previous.meetings:
        p = key_of.get((m.a, m.b))
        for i in by_pair.get(p, []) if p is not None else []:
            if slot[i] == m.slot:
                found[p] = i
    return found


class _State:
    def __init__(self, event: Event, av: Availability, mo: MeetingOptions):
        rows = mo.rows
        self.a = rows["a"].to_numpy()
        self.b = rows["b"].to_numpy()
        self.slot = rows["slot"].to_numpy()
        self.tclass = rows["tclass"].to_numpy()
        n_att, n_slots = av.present.shape
        self.meeting = np.zeros((n_att, n_slots), dtype=bool)
        self.busy = np.zeros((n_att, n_slots), dtype=bool)  # meeting or panel
        self.panel_times: dict[int, list[tuple]] = {}
        self.pool_left = av.pool_tables_per_slot.copy()
        self.host_used: set[tuple[int, int]] = set()
        self.count = np.zeros(n_att, dtype=int)
        pins = np.zeros(n_att, dtype=int)
        for i in np.flatnonzero(rows["pin"].to_numpy() != NO_PIN):
            pins[self.a[i]] += 1
            pins[self.b[i]] += 1
        big = np.iinfo(np.int64).max
        self.cap = np.array(
            [
                max(x.max_meetings, pins[i]) if x.max_meetings is not None else big
                for i, x in enumerate(event.attendees)
            ]
        )
        self.k = event.settings.max_consecutive
        self.session_of = [s.session for s in event.slots]
        self.taken: list[int] = []
        days = sorted({s.date for s in event.slots})
        self.day_slots = [np.array([s.index for s in event.slots if s.date == d]) for d in days]
        self.day_of = np.zeros(n_slots, dtype=int)
        self.pos_of = np.zeros(n_slots, dtype=int)
        for d, slots in enumerate(self.day_slots):
            self.day_of[slots] = d
            self.pos_of[slots] = np.arange(len(slots))
        # position of each attendee's first and last activity per day, NOTHING_YET before one
        self.first = np.full((n_att, len(days)), NOTHING_YET, dtype=int)
        self.last = np.full((n_att, len(days)), NOTHING_YET, dtype=int)

    def fits(self, i: int) -> bool:
        a, b, s = self.a[i], self.b[i], self.slot[i]
        if self.busy[a, s] or self.busy[b, s]:
            return False
        if self.count[a] >= self.cap[a] or self.count[b] >= self.cap[b]:
            return False
        t = self.tclass[i]
        if t == POOL and self.pool_left[s] <= 0 or t != POOL and (t, s) in self.host_used:
            return False
        return self.k is None or (self._run(a, s) <= self.k and self._run(b, s) <= self.k)

    def _run(self, who: int, s: int) -> int:
        """Length of the meeting run through slot s if `who` met then."""
        run = 1
        for step in (-1, 1):
            t = s + step
            while 0 <= t < len(self.session_of) and self.session_of[t] == self.session_of[s]:
                if not self.meeting[who, t]:
                    break
                run += 1
                t += step
        return run

    def day_cost(self, i: int) -> int:
        """Extra breaks and idle slots (in objective points) if meeting row i happened."""
        s = self.slot[i]
        day, pos = self.day_of[s], self.pos_of[s]
        total = 0
        for who in (self.a[i], self.b[i]):
            first, last = self.first[who, day], self.last[who, day]
            if first == NOTHING_YET:
                continue
            if pos < first or pos > last:
                gap = first - pos - 1 if pos < first else pos - last - 1
                total += (weights.BREAK if gap > 0 else 0) + weights.IDLE_SLOT * gap
            else:
                row = self.day_busy(who, day)
                near = int(row[pos - 1]) + int(row[pos + 1])
                total += weights.BREAK * (1 - near) - weights.IDLE_SLOT
        return total

    def day_busy(self, who: int, day: int) -> np.ndarray:
        return self.busy[who, self.day_slots[day]]

    def _mark(self, who: int, s: int) -> None:
        day, pos = self.day_of[s], self.pos_of[s]
        if self.first[who, day] == NOTHING_YET or pos < self.first[who, day]:
            self.first[who, day] = pos
        self.last[who, day] = max(self.last[who, day], pos)

    def take(self, i: int) -> None:
        a, b, s, t = self.a[i], self.b[i], self.slot[i], self.tclass[i]
        for x in (a, b):
            self.meeting[x, s] = self.busy[x, s] = True
            self.count[x] += 1
            self._mark(x, s)
        if t == POOL:
            self.pool_left[s] -= 1
        else:
            self.host_used.add((t, s))
        self.taken.append(i)

    def free_for_panel(self, who: int, opt) -> bool:
        if any(self.busy[who, s] for s in opt.slots):
            return False
        return all(not (s < opt.end and opt.start < e) for s, e in self.panel_times.get(who, []))

    def join_panel(self, who: int, opt) -> None:
        for s in opt.slots:
            self.busy[who, s] = True
            self._mark(who, s)
        self.panel_times.setdefault(who, []).append((opt.start, opt.end))


def _panels(
    event: Event, po: PanelOptions, state: _State, previous: Schedule | None = None
) -> tuple[list[int], list[int]]:
    # A re-run starts from the previous panel times and members, where they still fit.
    was_at = {r.panel: r.start for r in previous.panels} if previous else {}
    was_in = {(r.panel, x) for r in previous.panels for x in r.members} if previous else set()
    # ... and gives nobody a new seat over one of their previous meetings.
    index = {x.id: i for i, x in enumerate(event.attendees)}
    met_at = (
        {(index[x], m.slot) for m in previous.meetings for x in (m.a, m.b)} if previous else set()
    )
    by_panel: dict[int, list[int]] = {}
    for o, opt in enumerate(po.options):
        by_panel.setdefault(opt.panel, []).append(o)
    seats_at: dict[int, list[int]] = {}
    for s, seat in enumerate(po.seats):
        seats_at.setdefault(seat.option, []).append(s)
    room_times: dict[str, list[tuple]] = {}
    fixed_first = sorted(by_panel, key=lambda p: (event.panels[p].fixed_start is None, p))
    chosen, seats = [], []
    for p in fixed_first:
        panel, mod = event.panels[p], po.moderator[p]
        room = panel.room.strip()

        def ok(o: int, panel=panel, mod=mod, room=room) -> bool:
            opt = po.options[o]
            if mod != NO_MODERATOR and not state.free_for_panel(mod, opt):
                return False
            taken = room_times.get(room, []) if room else []
            return all(not (s < opt.end and opt.start < e) for s, e in taken)

        order = sorted(by_panel[p], key=lambda o: po.options[o].start != was_at.get(panel.id))
        o = next((o for o in order if ok(o)), by_panel[p][0])
        opt = po.options[o]
        chosen.append(o)
        if room:
            room_times.setdefault(room, []).append((opt.start, opt.end))
        if mod != NO_MODERATOR:
            state.join_panel(mod, opt)
        left = panel.capacity - (1 if mod != NO_MODERATOR else 0)
        ids = [x.id for x in event.attendees]
        candidates = sorted(
            seats_at.get(o, []),
            key=lambda s: (
                (panel.id, ids[po.seats[s].attendee]) not in was_in,
                -po.seats[s].priority,
                po.seats[s].attendee,
            ),
        )
        for s in candidates:
            who = po.seats[s].attendee
            if (panel.id, event.attendees[who].id) not in was_in and any(
                (who, t) in met_at for t in opt.slots
            ):
                continue
            if left > 0 and state.free_for_panel(who, opt):
                state.join_panel(who, opt)
                seats.append(s)
                left -= 1
    return chosen, seats
