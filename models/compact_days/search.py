"""Second solve phase: compact days. Same meetings and panels, better times.

Phase 1 decides WHICH pairs meet and where panels run with whom; this phase only moves
meetings between slots, so phase 1's value is kept exactly. It keeps every hard rule (one
activity at a time, tables per slot, host tables, pins, max_consecutive) and minimises
first the breaks, then the idle slots (lexicographically; models/weights.py prices them 20
and 1), with the contract's definitions: per attendee and day, the day's slots in time
order across sessions; a break is a maximal run of idle slots between the first and last
activity of the day.

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
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from models import weights
from models.cpsat import interrupted
from models.meetings.greedy import Choice
from models.meetings.model import add_consecutive_windows
from models.options.availability import Availability
from models.options.meeting_options import POOL, MeetingOptions
from models.options.panel_options import PanelOptions

DETERMINISTIC_PER_SECOND = 0.1  # as models/solve.py: one-worker runs stop on this clock
STAGE_A_SHARE = 0.7  # of phase 2's time: fewest breaks first; the rest for idle slots
ONE_BLOCK_SHARE = 0.25  # of phase 2's time: first look for days without any idle slot
ONE_BLOCK_MAX_LITERALS = 50_000  # above this a gapless timing is hopeless and not looked for
ONE_BLOCK_MIN_SECONDS = 10.0  # the gapless search took 1.4-6 s when it succeeded


@dataclass(frozen=True)
class CompactDays:
    """Phase 2's outcome: the re-timed schedule and how far it is proven."""

    choice: Choice
    status: str  # OPTIMAL, FEASIBLE, or UNCHANGED (no better timing found or time was out)
    penalty: int  # BREAK x breaks + IDLE_SLOT x idle slots of `choice`
    bound: int  # no timing of these meetings has a lower penalty
    breaks: int
    idle: int
    seconds: float


@dataclass(frozen=True)
class CompactProgress:
    penalty: int
    bound: int
    seconds: float
    solutions: int


@dataclass
class _Day:
    """One attendee's day in the model: busy literals by position, and the day's terms."""

    busy: list[tuple[int, object]]  # (position, literal); constants for panel slots
    starts: list
    anyb: object
    gaps: list[tuple[int, object]]  # (position, literal "a break starts here")
    idle: object  # integer variable (0 when the day is fixed and gapless)


def compact_days(
    event,
    av: Availability,
    mo: MeetingOptions,
    po: PanelOptions,
    choice: Choice,
    *,
    time_limit: float,
    workers: int = 2,
    seed: int = 0,
    fixed_rows: tuple[int, ...] = (),
    break_spread: int | None = None,
    progress: Callable[[CompactProgress], None] | None = None,
) -> CompactDays:
    """Re-time the meetings of `choice` for the fewest breaks, then idle slots.

    `fixed_rows`: chosen meeting rows that must keep their slot (e.g. announced meetings a
    re-plan kept). `break_spread`: when given, any two attendees' break counts (over the
    event) differ by at most this much (the research benchmark's fairness rule).
    """
    started = time.monotonic()
    phase = _Phase2(event, av, mo, po, choice, fixed_rows, break_spread)
    before_breaks, before_idle = phase.measure(choice.meetings)
    before = weights.BREAK * before_breaks + weights.IDLE_SLOT * before_idle
    if phase.trivial or time_limit <= 0:  # trivial: no meeting has another slot to go to
        return CompactDays(
            choice, "OPTIMAL" if phase.trivial else "UNCHANGED", before,
            before if phase.trivial else 0, before_breaks, before_idle, time.monotonic() - started,
        )  # fmt: skip
    phase.hint(choice.meetings)
    clock = _Clock(workers, started)  # building this model counts against the limit too
    reporter = _Reporter(progress, phase, started) if progress else None

    def run(objective, seconds: float, callback=None, model=phase.model):
        solver, status = _solve(model, objective, seconds, workers, seed, callback)
        clock.spend(solver, status)
        return solver, status

    # Stage 0: is there a timing where everybody's day is one block (no idle slot at all)?
    # Then it is optimal. On the research events this question, with the window model's
    # propagation (see _Phase2.one_block_model), was answered in 2-6 s where minimising
    # breaks took 20 s or more.
    low = 0  # no timing has fewer breaks
    if len(phase.lit) <= ONE_BLOCK_MAX_LITERALS and time_limit >= ONE_BLOCK_MIN_SECONDS:
        probe = phase.one_block_model()
        solver, status = run(None, ONE_BLOCK_SHARE * time_limit - clock.used, model=probe)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = phase.chosen_rows(solver)
            if reporter:
                reporter.offer_rows(found)
            breaks, idle = phase.measure(found)
            penalty = weights.BREAK * breaks + weights.IDLE_SLOT * idle  # 0, checked plainly
            new = Choice(found, choice.options, choice.seats)
            seconds = time.monotonic() - started
            return CompactDays(new, "OPTIMAL", penalty, 0, breaks, idle, seconds)
        if status == cp_model.INFEASIBLE:  # somebody has an idle slot, so a break
            low = 1
    # Stage A: fewest breaks, minimised from the phase-1 timing. (Probing "at most k breaks"
    # upwards from the bound instead was slower on the research events: forum-13's 0-break
    # timing was not found in 40 s that way; minimising found and proved it in ~20 s.)
    cap = phase.model.add(phase.breaks_expr <= before_breaks)
    found, best_breaks = tuple(choice.meetings), before_breaks
    solver, status = run(phase.breaks_expr, STAGE_A_SHARE * time_limit - clock.used, reporter)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        found = phase.chosen_rows(solver)
        best_breaks = phase.measure(found)[0]
        low = max(low, int(math.ceil(solver.best_objective_bound - 1e-6)))
    proven = low >= best_breaks
    # Stage B: fewest idle slots among timings with no more breaks.
    status = cp_model.UNKNOWN
    if not clock.stopped:
        _set_cap(cap, best_breaks)
        phase.hint(found)
        penalty_expr = weights.BREAK * phase.breaks_expr + weights.IDLE_SLOT * phase.idle_expr
        solver, status = run(penalty_expr, max(time_limit - clock.used, 0.5), reporter)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = phase.chosen_rows(solver)
    proven = proven and status == cp_model.OPTIMAL
    bound = (
        int(round(solver.best_objective_bound)) if proven else weights.BREAK * min(low, best_breaks)
    )
    seconds = time.monotonic() - started
    breaks, idle = phase.measure(found)
    if (breaks, idle) > (before_breaks, before_idle):  # never worse (the hint is kept anyway)
        return CompactDays(choice, "UNCHANGED", before, bound, before_breaks, before_idle, seconds)
    penalty = weights.BREAK * breaks + weights.IDLE_SLOT * idle
    new = Choice(found, choice.options, choice.seats)
    status_name = "OPTIMAL" if proven else "FEASIBLE"
    return CompactDays(new, status_name, penalty, min(bound, penalty), breaks, idle, seconds)


def _solve(model, objective, seconds: float, workers: int, seed: int, callback):
    """Minimise `objective` (None: any solution) within `seconds`."""
    if objective is not None:
        model.minimize(objective)
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = max(seconds, 0.1)
    p.num_workers = max(1, workers)
    p.random_seed = seed
    p.catch_sigint_signal = True
    if workers <= 1:  # reproducible: stop on the deterministic clock
        p.max_deterministic_time = p.max_time_in_seconds * DETERMINISTIC_PER_SECOND
        p.max_time_in_seconds *= 5
    status = solver.solve(model, callback)
    return solver, status


class _Clock:
    """Seconds used by phase 2's solves: wall time, or with one worker CP-SAT's
    deterministic time in the same units, so that one-worker runs repeat themselves. Also
    notices Ctrl-C: a solve that ended unproven well before its limit was interrupted."""

    def __init__(self, workers: int, started: float):
        self.workers = workers
        self.deterministic = workers <= 1
        self.started = started
        self.spent = 0.0
        self.stopped = False

    @property
    def used(self) -> float:
        return self.spent if self.deterministic else time.monotonic() - self.started

    def spend(self, solver: cp_model.CpSolver, status) -> None:
        if self.deterministic:
            self.spent += solver.response_proto.deterministic_time / DETERMINISTIC_PER_SECOND
        self.stopped = self.stopped or interrupted(solver, status, self.workers)


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Reports each timing better than any reported before, over both stages (the phase-2
    model is small enough to read the penalty's terms)."""

    def __init__(self, progress: Callable[[CompactProgress], None], phase, started: float):
        super().__init__()
        self._progress, self._phase, self._started = progress, phase, started
        self.best: int | None = None
        self.count = 0

    def on_solution_callback(self) -> None:
        breaks, idle = self.value(self._phase.breaks_expr), self.value(self._phase.idle_expr)
        self._offer(int(weights.BREAK * breaks + weights.IDLE_SLOT * idle))

    def offer_rows(self, rows) -> None:
        """A timing found without the callback (feasibility searches report no values)."""
        breaks, idle = self._phase.measure(rows)
        self._offer(weights.BREAK * breaks + weights.IDLE_SLOT * idle)

    def _offer(self, penalty: int) -> None:
        if self.best is not None and penalty >= self.best:
            return
        self.best, self.count = penalty, self.count + 1
        elapsed = time.monotonic() - self._started
        # Bound 0: a bound on breaks alone says little about the penalty.
        self._progress(CompactProgress(penalty, 0, elapsed, self.count))


class _Phase2:
    """The phase-2 model for one phase-1 choice."""

    def __init__(self, event, av, mo, po, choice, fixed_rows, break_spread):
        self.event = event
        self.model = cp_model.CpModel()
        rows = mo.rows
        pair, slot = rows["pair"].to_numpy(), rows["slot"].to_numpy()
        a, b, tclass = rows["a"].to_numpy(), rows["b"].to_numpy(), rows["tclass"].to_numpy()
        pin = rows["pin"].to_numpy()
        n_att, n_slots = av.present.shape
        self.slot_a, self.a, self.b, self.pair = slot, a, b, pair

        # Panel members are busy at their (fixed) panel's slots.
        self.panel_busy = np.zeros((n_att, n_slots), dtype=bool)
        for who, o in _panel_members(po, choice):
            self.panel_busy[who, list(po.options[o].slots)] = True

        chosen = np.array(sorted(choice.meetings), dtype=int)
        keep = set(int(r) for r in fixed_rows) & set(chosen.tolist())
        keep |= {int(r) for r in chosen if pin[r] >= 0}
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
        self.lit = {int(r): model.new_bool_var(f"m{r}") for r in cand}
        self.trivial = True
        self.rows_of_pair: dict[int, list[int]] = {}  # candidate rows, ascending
        for r in cand:
            self.rows_of_pair.setdefault(int(pair[r]), []).append(int(r))
        for p in sorted(self.rows_of_pair):
            lits = [self.lit[r] for r in self.rows_of_pair[p]]
            model.add_exactly_one(lits)
            if len(lits) > 1:
                self.trivial = False

        # Tables: pool meetings within the pool per slot; shared host tables once per slot.
        pool = cand[tclass[cand] == POOL]
        for s in sorted(set(slot[pool].tolist())):
            here = pool[slot[pool] == s]
            cap = int(av.pool_tables_per_slot[s])
            if len(here) > cap:
                model.add(sum(self.lit[int(r)] for r in here) <= cap)
        hosts = np.bincount(av.host_table[av.host_table >= 0], minlength=len(av.pool))
        shared = cand[np.isin(tclass[cand], np.flatnonzero(hosts > 1))]
        at_table: dict[tuple[int, int], list[int]] = {}
        for r in shared.tolist():
            at_table.setdefault((int(tclass[r]), int(slot[r])), []).append(r)
        for key in sorted(at_table):
            if len(at_table[key]) > 1:
                model.add_at_most_one([self.lit[r] for r in at_table[key]])

        # One activity at a time; busy literals per (attendee, slot).
        cells: dict[tuple[int, int], list[int]] = {}
        for r in cand:
            for who in (int(a[r]), int(b[r])):
                cells.setdefault((who, int(slot[r])), []).append(int(r))
        self.defs: list[tuple[object, list[int]]] = []  # (busy var, rows) for the hint
        self.meeting_busy: dict[tuple[int, int], object] = {}
        for key in sorted(cells):
            lits = [self.lit[r] for r in cells[key]]
            if len(lits) == 1:
                self.meeting_busy[key] = lits[0]
            else:
                v = model.new_bool_var(f"b{key}")
                model.add_exactly_one([*lits, ~v])
                self.defs.append((v, cells[key]))
                self.meeting_busy[key] = v
        self._max_consecutive(event, cand, pin)

        # Per attendee and day: blocks, breaks, idle slots.
        self.one = model.new_constant(1)
        self._chains: list = []  # (attendee, first position, busy by position, started, ongoing)
        days: dict[dt.date, list[int]] = {}
        for s in event.slots:
            days.setdefault(s.date, []).append(s.index)
        self.days: list[_Day] = []
        self.day_owner: list[int] = []
        self.spread = None
        terms = []
        per_attendee_breaks: dict[int, list] = {}
        people = sorted({who for who, _ in cells} | set(np.flatnonzero(self.panel_busy.any(1))))
        activities = self.panel_busy.sum(axis=1)
        for side in (a, b):
            activities += np.bincount(side[chosen], minlength=n_att)
        for who in people:
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
        if break_spread is not None and per_attendee_breaks:
            top = max(len(days[d]) for d in days) * len(days)
            hi, lo = model.new_int_var(0, top, "maxb"), model.new_int_var(0, top, "minb")
            for who in sorted(per_attendee_breaks):
                b_who = sum(per_attendee_breaks[who])
                model.add(b_who <= hi)
                model.add(b_who >= lo)
            model.add(hi - lo <= break_spread)
            self.spread = (hi, lo)
        self.activities, self.day_slots = activities, days
        self.breaks_expr = cp_model.LinearExpr.sum([g for d in terms for _, g in d.gaps])
        self.idle_expr = cp_model.LinearExpr.sum([d.idle for d in terms])

    def _max_consecutive(self, event, cand, pin) -> None:
        k = event.settings.max_consecutive
        if k is None:
            return
        pinned = {
            (int(x[r]), int(self.slot_a[r])) for r in cand if pin[r] >= 0 for x in (self.a, self.b)
        }
        add_consecutive_windows(self.model, event, self.meeting_busy, pinned)

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
        anyb = self.one if certain else model.new_bool_var(f"any{name}")
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
            st = model.new_bool_var(f"st{name},{pos}")
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
            started = [model.new_bool_var(f"sd{name},{p}") for p in range(lo, hi + 1)]
            ongoing = [model.new_bool_var(f"on{name},{p}") for p in range(lo, hi + 1)]
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
                g = model.new_bool_var(f"gap{name},{p}")
                model.add_bool_or([g, ~prev, ~ongoing[p - lo]] + ([cur] if cur is not None else []))
                gaps.append((p, g))
        breaks = sum(g for _, g in gaps)
        # Implied: both counts agree (so neither is set higher than it is).
        model.add(breaks == sum(starts) - anyb)
        return _Day(busy, starts, anyb, gaps, idle)

    def one_block_model(self) -> cp_model.CpModel:
        """A copy of the model that also asks for no idle slot in anybody's day, with the
        scheduling view of the same question added for its propagation: each meeting's time
        t = sum(slot x literal), each attendee's times all different, and on a one-day event
        each attendee's last time - first time + 1 = their number of activities."""
        probe = self.model.clone()

        def same(v):
            return probe.get_int_var_from_proto_index(v.index)

        for d in self.days:
            if not isinstance(d.idle, int):
                probe.add(same(d.idle) == 0)
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
            if one_day:
                first, last = (probe.new_int_var(0, len(rank), "") for _ in range(2))
                probe.add_min_equality(first, items)
                probe.add_max_equality(last, items)
                probe.add(last - first + 1 == int(self.activities[who]))
        probe.clear_hints()
        return probe

    def measure(self, rows) -> tuple[int, int]:
        """Breaks and idle slots of a timing, computed plainly from busy grids."""
        event = self.event
        busy = self.panel_busy.copy()
        rows = np.asarray(list(rows), dtype=int)
        if len(rows):
            busy[self.a[rows], self.slot_a[rows]] = True
            busy[self.b[rows], self.slot_a[rows]] = True
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

    def hint(self, rows) -> None:
        """Complete hint for the phase-1 timing (every variable, computed from definitions)."""
        model = self.model
        chosen = set(int(r) for r in rows)
        val: dict[int, int] = {self.one.index: 1}
        for r, v in self.lit.items():
            val[v.index] = int(r in chosen)
        for v, rs in self.defs:
            val[v.index] = int(any(r in chosen for r in rs))

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
        if self.spread is not None:
            per: dict[int, int] = {}
            for who, d in zip(self.day_owner, self.days, strict=True):
                per[who] = per.get(who, 0) + sum(val[g.index] for _, g in d.gaps)
            val[self.spread[0].index] = max(per.values())
            val[self.spread[1].index] = min(per.values())
        model.clear_hints()
        for idx in sorted(val):
            model.proto.solution_hint.vars.append(idx)
            model.proto.solution_hint.values.append(val[idx])

    def chosen_rows(self, solver: cp_model.CpSolver) -> tuple[int, ...]:
        return tuple(r for r in sorted(self.lit) if solver.boolean_value(self.lit[r]))


def _panel_members(po: PanelOptions, choice: Choice):
    """(attendee, option) for everyone in each chosen panel option."""
    for o in choice.options:
        mod = po.moderator[po.options[o].panel]
        if mod >= 0:
            yield mod, o
    for s in choice.seats:
        yield po.seats[s].attendee, po.seats[s].option


def _set_cap(constraint, most: int) -> None:
    """Change the right-hand side of `breaks_expr <= ...` in place (the expression has no
    constant term, so the stored domain is exactly [lowest, most])."""
    domain = constraint.proto.linear.domain
    assert len(domain) == 2
    domain[1] = most
