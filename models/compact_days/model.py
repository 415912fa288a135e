"""The phase-2 model (compact days): the chosen meetings, each at one of its slots, every
hard rule kept, and per attendee and day the literals that count breaks and idle slots.

Formulation (after Bofill et al., JAIR 2022), per attendee and day:
  busy[p]   = the attendee is in a meeting or panel at the day's position p
  gap[p]    = busy[p - 1], idle at p, busy again later   (a break starts at p)
  breaks    = sum(gap), a sum of positive literals: the objective core-guided search needs
  idle      = span - sum(busy), the span measured with monotone "started"/"ongoing" chains
with implied constraints that tighten the search: breaks also equal blocks minus one
(start[p] = busy[p] and not busy[p - 1]); an attendee's busy slots over the event equal
their (fixed) activity count; each block is no longer than the run of slots the attendee
could be busy in from its start, so sum(start[p] x run[p]) >= sum(busy).
Panels stay where phase 1 put them, with the same members.

The hard rules are phase 1's functions (models/rules.py) on the candidate slots: H8 (as
exactly one slot per chosen pair), H5, H1 and H11. The rest hold because nothing else moves:
candidates are options (H2-H4, H6, H7, H9), the same meetings (H10), pins and kept meetings
stay at their slot (H12), and panels, fixed, only take their members' slots (H13-H16, H1).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Sequence, Set
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from models import cpsat, rules
from models.choice import Choice
from models.options.meeting_options import NO_PIN, POOL
from models.options.panel_options import NO_MODERATOR, PanelOptions
from models.prepared import Prepared

# An attendee's fewest breaks is found by trying windows of consecutive slots (0 breaks: one
# run, 1 break: two runs) before their tiny CP-SAT model: 9 meetings that cannot all fit into
# an 8-slot morning is a pigeonhole question, and that model stopped at bound 0 within its
# time on forum-14 (true: 1), so the bounds summed to 1 where the optimum is 2.
WINDOW_BREAKS = 2


@dataclass(frozen=True)
class Timing:
    """A phase-2 model's meetings: literal per candidate row, busy literal per (attendee,
    slot), and the indicator definitions (variable index, input indices) hints are computed
    from."""

    lit: dict[int, cp_model.IntVar]
    busy: dict[tuple[int, int], cp_model.IntVar]
    indicators: list[tuple[int, list[int]]]


@dataclass
class _Day:
    """One attendee's day in the model: busy literals by position, and the day's terms."""

    busy: list[tuple[int, object]]  # (position, literal); constants for panel slots
    starts: list
    anyb: object
    gaps: list[tuple[int, object]]  # (position, literal "a break starts here")
    idle: object  # integer variable (0 when the day is fixed and gapless)


class CompactModel:
    """The phase-2 model for one phase-1 choice. `fixed_rows`: chosen rows that keep their
    slot."""

    def __init__(self, prep: Prepared, choice: Choice, fixed_rows=()):
        event, av, mo = prep.event, prep.av, prep.mo
        self.event = event
        self.model = cp_model.CpModel()
        self._new = cpsat.bool_maker(self.model)  # a million of them at 3,000 attendees
        rows = mo.rows
        pair, slot = rows["pair"].to_numpy(), rows["slot"].to_numpy()
        a, b = rows["a"].to_numpy(), rows["b"].to_numpy()
        pin = rows["pin"].to_numpy()
        n_att, n_slots = av.present.shape
        self.slot_a, self.a, self.b, self.pair = slot, a, b, pair
        self._tclass = rows["tclass"].to_numpy()

        self.panel_busy = _panel_busy(prep, choice)

        chosen = np.array(sorted(choice.meetings), dtype=int)
        keep = set(int(r) for r in fixed_rows) & set(chosen.tolist())
        keep |= {int(r) for r in chosen if pin[r] != NO_PIN}
        fixed_pairs = {int(pair[r]): r for r in sorted(keep)}
        wanted = np.zeros(int(pair.max()) + 1 if len(pair) else 0, dtype=bool)
        wanted[pair[chosen]] = True
        ok = wanted[pair] if len(pair) else np.zeros(0, dtype=bool)
        ok &= ~self.panel_busy[a, slot] & ~self.panel_busy[b, slot]
        cand = np.flatnonzero(ok)
        cand = np.array([r for r in cand if fixed_pairs.get(int(pair[r]), r) == r], dtype=int)
        # A chosen row is always a candidate (phase 1 kept every rule with it).
        cand = np.union1d(cand, chosen)
        model = self.model
        self._prep, self._cand = prep, cand
        self.rows_of_pair: dict[int, list[int]] = {}  # candidate rows, ascending
        for r in cand:
            self.rows_of_pair.setdefault(int(pair[r]), []).append(int(r))
        # trivial: no meeting has another slot to go to
        self.trivial = all(len(rs) == 1 for rs in self.rows_of_pair.values())
        timing = self.timing(model)
        self.lit, self.meeting_busy = timing.lit, timing.busy
        self.indicators = timing.indicators  # (busy var, meeting literals) for the hint

        # Per attendee and day: blocks, breaks, idle slots.
        self.one = model.new_constant(1)
        self._chains: list = []  # (attendee, first position, busy by position, started, ongoing)
        days: dict[dt.date, list[int]] = {}
        for s in event.slots:
            days.setdefault(s.date, []).append(s.index)
        self.days: list[_Day] = []
        self.day_owner: list[int] = []
        terms = []
        per_attendee_breaks: dict[int, list] = {}
        people = sorted(
            {who for who, _ in self.meeting_busy} | set(np.flatnonzero(self.panel_busy.any(1)))
        )
        activities = self.panel_busy.sum(axis=1)
        for side in (a, b):
            activities += np.bincount(side[chosen], minlength=n_att)
        for who in people:
            cpsat.check_interrupted()  # the build takes 25 s at 3,000 attendees
            total = []
            for day in sorted(days):
                d = self._day(who, days[day])
                if d is None:
                    continue
                self.days.append(d)
                self.day_owner.append(who)
                per_attendee_breaks.setdefault(who, []).extend(g for _, g in d.gaps)
                terms.append(d)
                total += [x for _, x in d.busy]
            # Implied: busy slots over the event = the attendee's fixed activity count.
            if total:
                model.add(sum(total) == int(activities[who]))
        self.attendee_gaps = per_attendee_breaks  # attendee -> their "break starts" literals
        self.pooled = bool((self._tclass[cand] == POOL).all())  # every meeting takes any table
        self.pool_tables_per_slot = prep.av.pool_tables_per_slot
        self.clusters(model, timing)
        self.activities, self.day_slots = activities, days
        self.break_literals = [g for d in terms for _, g in d.gaps]
        self.breaks_expr = cp_model.LinearExpr.sum(self.break_literals)
        self.idle_expr = cp_model.LinearExpr.sum([d.idle for d in terms])

    def _day(self, who: int, slots: list[int]) -> _Day | None:
        model = self.model
        busy = []
        for pos, s in enumerate(slots):
            if self.panel_busy[who, s]:
                busy.append((pos, self.one))
            elif (who, s) in self.meeting_busy:
                busy.append((pos, self.meeting_busy[(who, s)]))
        if not busy:
            return None
        name = f"{who},{slots[0]}"
        certain = any(x is self.one for _, x in busy)
        anyb = self.one if certain else self._new(f"any{name}")
        if not certain:
            for _, x in busy:
                model.add_implication(x, anyb)
            model.add_bool_or([~anyb] + [x for _, x in busy])
        at = dict(busy)
        starts = []
        run = []  # longest possible block from each start position
        for pos, x in busy:
            length = 1
            while pos + length in at:
                length += 1
            run.append(length)
            prev = at.get(pos - 1)
            if prev is None:
                starts.append(x)
                continue
            st = self._new(f"st{name},{pos}")
            model.add_bool_or([st, ~x, prev])
            model.add_implication(st, x)
            model.add_implication(st, ~prev)
            starts.append(st)
        # Implied: at least one block on an active day; blocks cover the busy slots.
        model.add(sum(starts) >= anyb)
        model.add(sum(r * st for r, st in zip(run, starts, strict=True)) >= sum(at.values()))
        lo, hi = busy[0][0], busy[-1][0]
        width = hi - lo + 1
        gaps = []
        if width == len(busy) and certain and all(x is self.one for _, x in busy):
            idle = 0
        else:
            started = [self._new(f"sd{name},{p}") for p in range(lo, hi + 1)]
            ongoing = [self._new(f"on{name},{p}") for p in range(lo, hi + 1)]
            for k, p in enumerate(range(lo, hi + 1)):
                if p in at:
                    model.add_implication(at[p], started[k])
                    model.add_implication(at[p], ongoing[k])
                if k:
                    model.add_implication(started[k - 1], started[k])
                    model.add_implication(ongoing[k], ongoing[k - 1])
            # idle = span - busy; span = started + ongoing - width (on an active day)
            idle = model.new_int_var(0, width, f"id{name}")
            model.add(idle == sum(started) + sum(ongoing) - width * anyb - sum(at.values()))
            self._chains.append((lo, at, started, ongoing))
            # Where breaks start: busy just before p, idle at p, busy again later. These
            # literals are the objective, all positive, which core-guided search needs
            # (blocks minus one has negative terms and a bound far below 0).
            for p in range(lo + 1, hi + 1):
                prev, cur = at.get(p - 1), at.get(p)
                if prev is None or cur is self.one:
                    continue
                g = self._new(f"gap{name},{p}")
                model.add_bool_or([g, ~prev, ~ongoing[p - lo]] + ([cur] if cur is not None else []))
                gaps.append((p, g))
        breaks = sum(g for _, g in gaps)
        # Implied: both counts agree (so neither is set higher than it is).
        model.add(breaks == sum(starts) - anyb)
        return _Day(busy, starts, anyb, gaps, idle)

    def timing(self, model: cp_model.CpModel) -> Timing:
        """In `model`: each chosen meeting at one of its candidate slots under the hard rules
        H8 (as exactly one slot per chosen pair), H5, H1 and H11; the part both phase-2 models
        (this one and the fewest-breaks one, compact_days/breaks_model.py) share."""
        new = cpsat.bool_maker(model)  # a million of them at 3,000 attendees
        lit = {int(r): new(f"m{r}") for r in self._cand}
        m = rules.MeetingLiterals.of(model, self._prep.mo, self._cand, list(lit.values()))
        rules.pair_once(m, must_meet=True)  # H8, and the chosen pairs all meet
        rules.one_per_table(m, self._prep.av)
        busy = rules.one_place(m, self.event).meeting  # no panel literals: fixed
        rules.max_consecutive(m, self.event, busy)
        return Timing(lit, busy, m.indicators)

    def clusters(self, model: cp_model.CpModel, timing: Timing) -> None:
        """Table capacity restated over clusters of meetings that share an attendee (at
        most one of a cluster's meetings happens per slot): c[j, t] = "some meeting of cluster
        j is at t", and per slot sum_j c[j, t] <= free pool tables. Measured outside this
        project on the 12-table research events: 'at most one attendee may break' went from
        unsolved after 60 s to 13 s (the team's notes on the research events, lesson 3)."""
        rows, lit = self.rows_of_pair, timing.lit
        tclass = self._tclass
        pool_pairs = [p for p in sorted(rows) if all(tclass[r] == POOL for r in rows[p])]
        if not pool_pairs:
            return
        by_who: dict[int, list[int]] = {}
        for p in pool_pairs:
            r = rows[p][0]
            by_who.setdefault(int(self.a[r]), []).append(p)
            by_who.setdefault(int(self.b[r]), []).append(p)
        taken: set[int] = set()
        per_slot: dict[int, list] = {}
        for who in sorted(by_who, key=lambda w: (-len(by_who[w]), w)):
            cluster = [p for p in by_who[who] if p not in taken]
            if len(cluster) < 2:
                continue
            taken.update(cluster)
            at: dict[int, list] = {}
            for p in cluster:
                for r in rows[p]:
                    at.setdefault(int(self.slot_a[r]), []).append(lit[r])
            for t in sorted(at):
                c = model.new_bool_var(f"c{who},{t}")
                model.add(c == sum(at[t]))
                timing.indicators.append((c.index, [x.index for x in at[t]]))
                per_slot.setdefault(t, []).append(c)
        for p in pool_pairs:
            if p not in taken:
                for r in rows[p]:
                    per_slot.setdefault(int(self.slot_a[r]), []).append(lit[r])
        cap = self.pool_tables_per_slot
        for t in sorted(per_slot):
            if len(per_slot[t]) > int(cap[t]):
                model.add(sum(per_slot[t]) <= int(cap[t]))

    def lowest_breaks(self, who: int, seconds: float = 1.0) -> tuple[int, float]:
        """The fewest breaks attendee `who` can have considering only their own meetings
        (each at one of its candidate slots, one per slot) and fixed panels: a lower bound
        for the whole timing, from a tiny model of its own. Also the deterministic time
        spent."""
        fits = self._fewest_breaks_by_windows(who)
        if fits is not None and fits < WINDOW_BREAKS:
            return fits, 0.0
        sub = cp_model.CpModel()
        busy_at: dict[int, list] = {}
        for p in self.pairs_of.get(who, []):
            rs = self.rows_of_pair[p]
            xs = [sub.new_bool_var("") for _ in rs]
            sub.add_exactly_one(xs)
            for r, x in zip(rs, xs, strict=True):
                busy_at.setdefault(int(self.slot_a[r]), []).append(x)
        one = sub.new_constant(1)
        busy: dict[int, object] = {}
        for t in np.flatnonzero(self.panel_busy[who]).tolist():
            busy[t] = one
            for x in busy_at.get(t, []):
                sub.add(x == 0)
        for t, xs in busy_at.items():
            if t in busy:
                continue
            sub.add_at_most_one(xs)
            b = sub.new_bool_var("")
            sub.add(b == sum(xs))
            busy[t] = b
        ends = break_ends(sub, busy, self.day_slots, one)
        if not ends:
            return 0, 0.0
        sub.minimize(sum(ends))
        solver = cpsat.solver(seconds, 1, 0)
        status = solver.solve(sub)
        spent = solver.response_proto.deterministic_time
        low = 0 if fits is None else fits  # no window timing has fewer breaks than this
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return max(low, int(math.ceil(solver.best_objective_bound - 1e-6))), spent
        return low, spent

    def _fewest_breaks_by_windows(self, who: int) -> int | None:
        """On a one-day event: `who`'s fewest breaks if some timing of their own meetings
        and panels has fewer than WINDOW_BREAKS (busy slots in that many + 1 runs of
        consecutive slots, panels inside, meetings matched to the other slots); otherwise
        WINDOW_BREAKS, a lower bound. None on longer events."""
        own = self.own_positions(who)
        if own is None:
            return None
        for breaks in range(WINDOW_BREAKS):
            if next(own.patterns(breaks), None) is not None:
                return breaks
        return WINDOW_BREAKS

    @functools.cached_property
    def pairs_of(self) -> dict[int, list[int]]:
        """Attendee -> their chosen pairs."""
        out: dict[int, list[int]] = {}
        for p, rs in sorted(self.rows_of_pair.items()):
            for side in (int(self.a[rs[0]]), int(self.b[rs[0]])):
                out.setdefault(side, []).append(p)
        return out

    def own_positions(self, who: int) -> OwnPositions | None:
        """On a one-day event: where `who`'s own meetings and panels can be, as positions in
        the day. None on longer events."""
        if len(self.day_slots) != 1:
            return None
        (slots,) = self.day_slots.values()
        rank = {t: i for i, t in enumerate(slots)}
        panels = frozenset(rank[int(t)] for t in np.flatnonzero(self.panel_busy[who]))
        options = tuple(
            frozenset(rank[int(self.slot_a[r])] for r in self.rows_of_pair[p])
            for p in self.pairs_of.get(who, [])
        )
        return OwnPositions(options, panels, len(slots))

    def add_lower_bounds(self, low: dict[int, int]) -> None:
        """Each attendee has at least low[who] breaks (from `lowest_breaks`)."""
        for who in sorted(low):
            if low[who] > 0 and who in self.attendee_gaps:
                self.model.add(sum(self.attendee_gaps[who]) >= low[who])

    def one_block_model(self, low: dict[int, int] | None = None) -> cp_model.CpModel:
        """A copy of the model that asks for every attendee at their lowest breaks `low`
        (none at all when not given), with no idle slot in the days of attendees at 0, and
        the scheduling view of the same question added for its propagation: each meeting's
        time t = sum(slot x literal), each attendee's times all different, and on a one-day
        event each attendee at 0 has last time - first time + 1 = their number of
        activities."""
        probe = self.model.clone()
        low = low or {}

        def same(v):
            return probe.get_int_var_from_proto_index(v.index)

        gapless = set()
        for who, d in zip(self.day_owner, self.days, strict=True):
            if low.get(who, 0) == 0:
                gapless.add(who)
                if not isinstance(d.idle, int):
                    probe.add(same(d.idle) == 0)
        for who in sorted(self.attendee_gaps):
            if low.get(who, 0) > 0:
                probe.add(sum(same(g) for g in self.attendee_gaps[who]) <= low[who])
        one_day = len(self.day_slots) == 1
        rank = {s: i for slots in self.day_slots.values() for i, s in enumerate(slots)}
        times: dict[int, list] = {}  # attendee -> meeting times and panel slots
        for p, rows in sorted(self.rows_of_pair.items()):
            slots = [int(self.slot_a[r]) for r in rows]
            pos = [rank[x] if one_day else x for x in slots]
            t = probe.new_int_var(min(pos), max(pos), f"t{p}")
            probe.add(t == cp_model.LinearExpr.weighted_sum([same(self.lit[r]) for r in rows], pos))
            for who in (int(self.a[rows[0]]), int(self.b[rows[0]])):
                times.setdefault(who, []).append(t)
        for who in sorted(times):
            panel = [rank[x] if one_day else x for x in np.flatnonzero(self.panel_busy[who])]
            items = times[who] + panel
            if len(items) < 2:
                continue
            probe.add_all_different(items)
            if one_day and who in gapless:
                first, last = (probe.new_int_var(0, len(rank), "") for _ in range(2))
                probe.add_min_equality(first, items)
                probe.add_max_equality(last, items)
                probe.add(last - first + 1 == int(self.activities[who]))
        if one_day and WINDOWS:
            for who, d in zip(self.day_owner, self.days, strict=True):
                if who in gapless:
                    _one_window(probe, d, int(self.activities[who]), same, self.one)
        probe.clear_hints()
        return probe

    def measure(self, rows) -> tuple[int, int]:
        """Breaks and idle slots of a timing, computed plainly from busy grids."""
        return breaks_and_idle(self.event, self.panel_busy, self.a, self.b, self.slot_a, rows)

    def hint(self, rows) -> None:
        """Complete hint for the phase-1 timing (every variable, computed from definitions)."""
        model = self.model
        chosen = set(int(r) for r in rows)
        val: dict[int, int] = {self.one.index: 1}
        for r, v in self.lit.items():
            val[v.index] = int(r in chosen)
        for v, inputs in self.indicators:
            val[v] = int(any(val[i] for i in inputs))

        def value(x) -> int:
            return 1 if x is self.one else val[x.index]

        for d in self.days:
            on = [pos for pos, x in d.busy if value(x)]
            if d.anyb is not self.one:
                val[d.anyb.index] = int(bool(on))
            at = dict(d.busy)
            for (pos, x), st in zip(d.busy, d.starts, strict=True):
                if st is not x:
                    val[st.index] = int(value(x) == 1 and value(at[pos - 1]) == 0)
            for p, g in d.gaps:
                val[g.index] = int(bool(on) and p - 1 in on and p not in on and max(on) > p)
            if not isinstance(d.idle, int):
                val[d.idle.index] = (max(on) - min(on) + 1 - len(on)) if on else 0
        for lo, at, started, ongoing in self._chains:
            on = [p for p, x in at.items() if value(x)]
            for k in range(len(started)):
                val[started[k].index] = int(bool(on) and min(on) <= lo + k)
                val[ongoing[k].index] = int(bool(on) and max(on) >= lo + k)
        model.clear_hints()
        order = sorted(val)
        model.proto.solution_hint.vars.extend(order)
        model.proto.solution_hint.values.extend([val[i] for i in order])

    def chosen_rows(self, solver: cp_model.CpSolver) -> tuple[int, ...]:
        return tuple(r for r in sorted(self.lit) if solver.boolean_value(self.lit[r]))


WINDOWS = True


@dataclass(frozen=True)
class OwnPositions:
    """One attendee's day seen alone: each meeting's candidate positions, the fixed panel
    positions, and the day's length."""

    options: tuple[frozenset[int], ...]
    panels: frozenset[int]
    length: int

    def about(self, breaks: int) -> int:
        """About how many `patterns(breaks)` there are: the sets of breaks + 1 runs in a line
        as long as the usable positions, before meetings are matched (cheap to count)."""
        n = len(self.options) + len(self.panels)
        usable = len(self.panels.union(*self.options))
        if n == 0:
            return 0
        return math.comb(n - 1, breaks) * math.comb(max(usable - n + 1, 0), breaks + 1)

    def patterns(self, breaks: int):
        """Every set of busy positions with exactly `breaks` breaks that holds the panels and
        gives each meeting its own position among its options."""
        usable = self.panels.union(*self.options)
        items = len(self.options) + len(self.panels)
        for busy in _runs(breaks + 1, items, 0, self.length, usable):
            if self.panels <= busy and _perfect_matching(self.options, busy - self.panels):
                yield busy


def _runs(count: int, total: int, first: int, end: int, usable=None):
    """Every set of `total` slot positions in [first, end) forming exactly `count` runs of
    consecutive positions (each inside `usable`, when given)."""

    def inside(k: int, length: int) -> bool:
        return usable is None or all(p in usable for p in range(k, k + length))

    if count == 1:
        for k in range(first, end - total + 1):
            if inside(k, total):
                yield set(range(k, k + total))
        return
    for k in range(first, end):
        for length in range(1, total - count + 2):
            if k + length + 1 >= end or not inside(k, length):
                break
            head = set(range(k, k + length))
            for rest in _runs(count - 1, total - length, k + length + 1, end, usable):
                yield head | rest


def _perfect_matching(options: Sequence[Set[int]], free: set[int]) -> bool:
    """Every item gets its own slot among `free`, each from its options (Kuhn's augmenting
    paths; a handful of items)."""
    owner: dict[int, int] = {}

    def place(i: int, seen: set[int]) -> bool:
        for t in sorted(options[i] & free):
            if t in seen:
                continue
            seen.add(t)
            if t not in owner or place(owner[t], seen):
                owner[t] = i
                return True
        return False

    return all(place(i, set()) for i in sorted(range(len(options)), key=lambda i: len(options[i])))


def _one_window(probe: cp_model.CpModel, day: _Day, n: int, same, one) -> None:
    """An attendee's day as one block of their n activities: exactly one window start k is
    chosen, and busy at p is the sum of the windows covering p (so 0 outside them)."""
    at = {pos: x for pos, x in day.busy}
    if not at or n <= 0:
        return
    starts = [k for k in range(min(at), max(at) - n + 2) if all(k + i in at for i in range(n))]
    if not starts:
        probe.add_bool_or([])  # no window fits: the question has no answer
        return
    w = {k: probe.new_bool_var("") for k in starts}
    probe.add_exactly_one(list(w.values()))
    for pos, x in sorted(at.items()):
        cover = [w[k] for k in starts if k <= pos < k + n]
        if x is one:
            probe.add(sum(cover) == 1)  # a panel: inside the window
        else:
            probe.add(same(x) == sum(cover))


def break_ends(model: cp_model.CpModel, busy: dict[int, object], day_slots, one) -> list:
    """One attendee's "a break ends at t" literals in `model`, per day of `day_slots` (date ->
    slots in time order): busy at t, idle just before, busy at some earlier slot of the day (a
    prefix-OR). `busy`: slot -> busy literal, or `one` for a fixed panel slot; slots absent
    are idle. The literals are only forced up, so minimising their sum counts breaks exactly."""
    ends = []
    for slots in day_slots.values():
        had = None  # "busy at some earlier slot of the day"
        prev = None
        for t in slots:
            cur = busy.get(t)
            if cur is not None and had is not None and prev is not one:
                e = model.new_bool_var("")
                model.add_bool_or([e, ~cur, ~had] + ([prev] if prev is not None else []))
                ends.append(e)
            if cur is not None:
                nxt = model.new_bool_var("")
                model.add_implication(cur, nxt)
                if had is not None:
                    model.add_implication(had, nxt)
                had = nxt
            prev = cur
    return ends


def start_breaks(prep: Prepared, choice: Choice) -> tuple[int, int]:
    """Breaks and idle slots of a phase-1 schedule as it is, before phase 2 re-times it."""
    rows = prep.mo.rows
    a, b, slot = rows["a"].to_numpy(), rows["b"].to_numpy(), rows["slot"].to_numpy()
    return breaks_and_idle(prep.event, _panel_busy(prep, choice), a, b, slot, choice.meetings)


def _panel_busy(prep: Prepared, choice: Choice) -> np.ndarray:
    """Attendee x slot: panel members are busy at their (fixed) panel's slots."""
    busy = np.zeros(prep.av.present.shape, dtype=bool)
    for who, o in _panel_members(prep.po, choice):
        busy[who, list(prep.po.options[o].slots)] = True
    return busy


def breaks_and_idle(event, panel_busy, a, b, slot, rows) -> tuple[int, int]:
    """Breaks and idle slots (the contract's definitions) of meeting rows `rows` beside the
    panels in `panel_busy` (attendee x slot), from plain busy grids."""
    busy = panel_busy.copy()
    rows = np.asarray(list(rows), dtype=int)
    if len(rows):
        busy[a[rows], slot[rows]] = True
        busy[b[rows], slot[rows]] = True
    days: dict[dt.date, list[int]] = {}
    for s in event.slots:
        days.setdefault(s.date, []).append(s.index)
    breaks = idle = 0
    for day in sorted(days):
        grid = busy[:, days[day]]
        for row in grid[grid.any(axis=1)]:
            on = np.flatnonzero(row)
            inside = ~row[on[0] : on[-1] + 1]
            idle += int(inside.sum())
            breaks += int((inside[1:] & ~inside[:-1]).sum() + inside[0])
    return breaks, idle


def _panel_members(po: PanelOptions, choice: Choice):
    """(attendee, option) for everyone in each chosen panel option."""
    for o in choice.options:
        mod = po.moderator[po.options[o].panel]
        if mod != NO_MODERATOR:
            yield mod, o
    for s in choice.seats:
        yield po.seats[s].attendee, po.seats[s].option
