"""Second solve phase: compact days. Same meetings and panels, better times.

Phase 1 decides WHICH pairs meet and where panels run with whom; this phase only moves
meetings between slots, so phase 1's value is kept exactly. It keeps every hard rule (the
model, models/compact_days/model.py, states them with phase 1's rule functions) and
minimises first the breaks, then the idle slots (lexicographically; models/weights.py prices
them 20 and 1), with the contract's definitions: per attendee and day, the day's slots in
time order across sessions; a break is a maximal run of idle slots between the first and
last activity of the day. On a few hundred meetings the search is staged: a gapless probe,
fewest breaks (on a leaner model of its own, compact_days/breaks_model.py, with a lower bound
from how full the slots are, compact_days/load_bound.py), then fewest idle slots among
timings with no more breaks. Larger events get LNS rounds (compact_days/lns.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from models import cpsat, weights
from models.choice import Choice
from models.compact_days.breaks_model import BreaksModel
from models.compact_days.lns import retime
from models.compact_days.load_bound import SUBSOLVERS, LoadBound
from models.compact_days.model import CompactModel, start_breaks
from models.cpsat import interrupted
from models.prepared import Prepared

# Of phase 2's time: stage A's search with LNS ends by SEARCH_SHARE, its proving by
# STAGE_A_SHARE (the proofs of the 14-table research events took 20-40 s of their 55; at
# 0.7 they were not reached); the rest is for idle slots.
SEARCH_SHARE = 0.25
STAGE_A_SHARE = 0.95
# Of phase 2's time: first look for days without any idle slot (it took 1.4-6 s when it
# succeeded). At 0.25 it took all of stage A's LNS time where it did not (forumt-14crafe,
# tic-13crafc: the LNS then got 0.1 s). On the four hardest research events 9 of 12 runs
# ended at the optimum at 0.12, 8 of 20 at 0.25 (RESULTS.md, issue 13 "day" section).
ONE_BLOCK_SHARE = 0.12
ONE_BLOCK_MAX_LITERALS = 50_000  # above this a gapless timing is hopeless and not looked for
ONE_BLOCK_MIN_SECONDS = 10.0  # the gapless search took 1.4-6 s when it succeeded
# Above this many meetings (or ONE_BLOCK_MAX_LITERALS literals) phase 2 is LNS rounds over
# a day's freed meetings (compact_days/lns.py), not stages on the whole model. The stages
# prove the research events (at most 302 meetings); on 300 attendees (770 meetings, 30 s)
# they left 722 breaks where the rounds left 679, and at 1,000 attendees 3,691 against 3,417.
WHOLE_MODEL_MEETINGS = 400
# The stages need this long. On the four hardest research events they left 11-14, 14, 6 and 4
# breaks at a 4.5 s limit (ticf-13crafb, forum-13crafb, forumt-14crafe, tic-13crafc) where
# the rounds left 68, 61, 16 and 10; at 2.5 s 28, 28, 23 and 4 against 63, 79, 22 and 15. (At
# 10 s, the stages' earlier minimum, the default limit of such events sent them to the rounds:
# ticf-13crafb ended at 56 breaks.)
STAGES_MIN_SECONDS = 2.0
# Stage B (idle slots) is skipped with less time left than this: its solve needs a moment to
# start, and at a 4.5 s limit its former 0.5 s floor made the command end 0.4 s late.
STAGE_B_MIN_SECONDS = 0.2
PHASE2_SUBSOLVERS = ("no_lp", "core")
PROBE_SUBSOLVERS = ("no_lp", "quick_restart_no_lp")
# Before that pair, the gapless question goes to an LP worker for a moment: on forumt-14crafe
# and tic-13crafc it answered "no" in 0.6-0.9 s where the pair had no answer after 8 s (so
# forumt-14crafe's bound stayed at 4 of its 5); where the answer is "yes" it is often slower
# to find one (forumt-14crafc, tic-14crafa, tic-14crafd: none in 8 s; the pair 0.8-0.9 s).
REFUTE_SUBSOLVERS = ("max_lp", "no_lp")
REFUTE_SECONDS = 2.0
# Of phase 2's time: stage A's core-guided search ends by QUESTION_AT; then, to STAGE_A_SHARE,
# the question "fewer breaks than the best?" to the LP-free pair (forum-13crafb: "no" in 13-15
# s, ticf-13crafb 2-3 s, where the core-guided worker took 15-50 s).
QUESTION_AT = 0.6
# With two workers on days longer than LONG_DAY_SLOTS slots (the 21-22-slot research events),
# stage A is one no_lp + core minimisation from no timing until STAGE_A_SHARE, with no hint
# and no bound stated: in `sigmeet schedule --time-limit 60` it proved forum-13crafb's 6 in 4
# of 5 runs (34-49 s into phase 2; 7 / 6 in the fifth) and ticf-13crafb's 3 in 4 of 5
# (12-37 s; 5 / 3 in the fifth), where the stages ended at 7 / 5 and 5 / 3. The LNS start's
# timing steered the hinted solve, and stated bounds slowed the core worker's proof
# (ticf-13crafb alone: proven in 1 of 6 runs with `at_least` or `cap`, 4 of 4 without).
# Stopping it near the bound to leave the rest to the question lost both: 8 / 5 and 5-6 / 3.
# On the 10-slot days of tic-13crafc and forumt-14crafe it found 4-6 breaks where the LNS
# start found the optimum. Other pairs served one crafb event at the other's cost: two core
# workers proved ticf-13crafb in 6 of 6 but left forum-13crafb without a timing in 3 of 6
# (RESULTS.md, "other worker pairs"); the core worker's own settings changed nothing measurable.
# Over every run measured to 2026-12-04 it proved forum-13crafb in 18 of 20, ticf-13crafb in
# 21 of 24.
LONG_DAY_SLOTS = 16
# Of phase 2's time at most, before stage A's proving: the slots' load bound (0.5-0.9 s where
# it proved tic-13crafc).
LOAD_SHARE = 0.1
LOWEST_SHARE = 0.1  # of phase 2's time at most: per-attendee lowest breaks
# Deterministic time per wall second of those tiny solves, measured ~0.2 here.
LOWEST_DETERMINISTIC_PER_SECOND = 0.2
# With one worker, deterministic time per wall second of the stages' solves: 0.4-1.2 measured
# here on tic-13crafc and forum-13crafb (models/cpsat.py's 0.1 ended tic-13crafc's 30 s of
# phase 2 after 9 s, at 48 breaks).
STAGES_DETERMINISTIC_PER_SECOND = 0.6


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
    breaks_bound: int = 0  # no timing of these meetings has fewer breaks
    breaks_proven: bool = False  # breaks == breaks_bound


@dataclass(frozen=True)
class CompactProgress:
    penalty: int
    bound: int
    seconds: float
    solutions: int
    breaks: int | None = None
    idle: int | None = None


def compact_days(
    prep: Prepared,
    choice: Choice,
    *,
    time_limit: float,
    workers: int = 2,
    seed: int = 0,
    fixed_rows: tuple[int, ...] = (),
    progress: Callable[[CompactProgress], None] | None = None,
) -> CompactDays:
    """Re-time the meetings of `choice` for the fewest breaks, then idle slots.

    `fixed_rows`: chosen meeting rows that must keep their slot (e.g. announced meetings a
    re-plan kept).
    """
    started = time.monotonic()
    try:
        phase = CompactModel(prep, choice, fixed_rows)
    except cpsat.Interrupted:  # Ctrl-C while it was built: phase 1's timing stands
        breaks, idle = start_breaks(prep, choice)
        penalty = weights.BREAK * breaks + weights.IDLE_SLOT * idle
        seconds = time.monotonic() - started
        return CompactDays(choice, "UNCHANGED", penalty, 0, breaks, idle, seconds)
    before_breaks, before_idle = phase.measure(choice.meetings)
    before = weights.BREAK * before_breaks + weights.IDLE_SLOT * before_idle
    if phase.trivial or time_limit <= 0:  # trivial: no meeting has another slot to go to
        return CompactDays(
            choice, "OPTIMAL" if phase.trivial else "UNCHANGED", before,
            before if phase.trivial else 0, before_breaks, before_idle, time.monotonic() - started,
            before_breaks if phase.trivial else 0, phase.trivial,
        )  # fmt: skip
    clock = _Clock(workers, started)  # building this model counts against the limit too
    reporter = _Reporter(progress, phase, started) if progress else None

    def run(objective, seconds: float, callback=None, model=phase.model, **how):
        solver, status = _solve(model, objective, seconds, workers, seed, callback, **how)
        clock.spend(solver)
        return solver, status

    # Per attendee, the fewest breaks their own meetings allow (a tiny model each): a lower
    # bound stated in the model, and the first question asked. Their sum was the research
    # events' optimum on 14 of 20 (the team's notes on the research events, lesson 2).
    small = len(phase.lit) <= ONE_BLOCK_MAX_LITERALS
    lowest = _lowest_breaks(phase, LOWEST_SHARE * time_limit) if small else {}
    phase.add_lower_bounds(lowest)
    low = sum(lowest.values())  # no timing has fewer breaks
    found, best_breaks = tuple(choice.meetings), before_breaks
    settled = low >= before_breaks  # the phase-1 timing already has the fewest breaks
    if not _by_stages(prep, choice, small, time_limit) and not settled:
        found, stopped = retime(
            phase, found, seconds=time_limit - clock.used, workers=workers, seed=seed,
            on_better=reporter.offer_rows if reporter else None,
        )  # fmt: skip
        breaks, idle = phase.measure(found)
        low = min(low, breaks)
        return CompactDays(
            Choice(found, choice.options, choice.seats),
            "OPTIMAL" if breaks == idle == 0 else "FEASIBLE",  # nothing left to improve
            weights.BREAK * breaks + weights.IDLE_SLOT * idle, weights.BREAK * low, breaks, idle,
            time.monotonic() - started, low, low >= breaks,
        )  # fmt: skip
    phase.hint(choice.meetings)  # the rounds set their own (it took 2.7 s at 1,000 attendees)
    # Stage 0: is there a timing with every attendee at their lowest breaks (with none, no
    # idle slot at all)? Then its breaks are the fewest. On the research events this
    # question, with the window model's propagation (see CompactModel.one_block_model), was
    # answered in 2-6 s where minimising breaks took 20 s or more.
    if not settled and small and time_limit >= ONE_BLOCK_MIN_SECONDS:
        probe = phase.one_block_model(lowest)
        probe_ends = ONE_BLOCK_SHARE * time_limit  # the LP worker's moment included
        status = cp_model.UNKNOWN
        if workers == 2:
            seconds = min(REFUTE_SECONDS, probe_ends - clock.used)
            solver, status = run(None, seconds, model=probe, named=REFUTE_SUBSOLVERS)
        if status == cp_model.UNKNOWN and not clock.stopped:
            solver, status = run(None, probe_ends - clock.used, model=probe)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            rows = phase.chosen_rows(solver)
            if reporter:
                reporter.offer_rows(rows)
            breaks, idle = phase.measure(rows)  # checked plainly
            if breaks <= low:
                found, best_breaks, settled = rows, breaks, True
                if idle == 0:  # no idle slot at all: nothing left to improve
                    new = Choice(found, choice.options, choice.seats)
                    seconds = time.monotonic() - started
                    return CompactDays(new, "OPTIMAL", 0, 0, 0, 0, seconds, 0, True)
                phase.hint(found)
        elif status == cp_model.INFEASIBLE:  # somebody has a break more than their lowest
            low += 1
    # Stage A: fewest breaks, on the fewest-breaks model (compact_days/breaks_model.py).
    if not settled:
        found, best_breaks, low = _fewest_breaks(
            run, clock, phase, lowest, found, best_breaks, low, time_limit, reporter
        )
    proven = low >= best_breaks
    # Stage B: fewest idle slots among timings with no more breaks.
    status = cp_model.UNKNOWN
    left = time_limit - clock.used
    if not clock.stopped and left >= STAGE_B_MIN_SECONDS:
        phase.model.add(phase.breaks_expr <= best_breaks)
        phase.hint(found)
        penalty_expr = weights.BREAK * phase.breaks_expr + weights.IDLE_SLOT * phase.idle_expr
        solver, status = run(penalty_expr, left, reporter)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = phase.chosen_rows(solver)
    proven = proven and status == cp_model.OPTIMAL
    bound = (
        int(round(solver.best_objective_bound)) if proven else weights.BREAK * min(low, best_breaks)
    )
    seconds = time.monotonic() - started
    breaks, idle = phase.measure(found)
    if (breaks, idle) > (before_breaks, before_idle):  # never worse (the hint is kept anyway)
        low = min(low, before_breaks)
        return CompactDays(
            choice, "UNCHANGED", before, bound, before_breaks, before_idle, seconds,
            low, low >= before_breaks,
        )  # fmt: skip
    penalty = weights.BREAK * breaks + weights.IDLE_SLOT * idle
    new = Choice(found, choice.options, choice.seats)
    status_name = "OPTIMAL" if proven else "FEASIBLE"
    low = min(low, breaks)
    return CompactDays(
        new, status_name, penalty, min(bound, penalty), breaks, idle, seconds, low, low >= breaks
    )


def _by_stages(prep: Prepared, choice: Choice, small: bool, seconds: float) -> bool:
    """Whether the whole-model stages, which can prove, beat LNS rounds here: every candidate
    pair meets (the research events), on a few hundred meetings, with 10 s or more."""
    # Where only some pairs meet, the rounds won at every limit tried (two seeds each, loaded
    # machine): the example at 28 s 124-125 breaks against the stages' 147-163, 58 attendees at
    # 20 s 132-142 against 181-200. On forum-13crafb the rounds reached 78 in 14 s, the stages 9
    # in the research table (RESULTS.md).
    everyone = len(choice.meetings) == len(prep.mo.pairs)
    meetings = len(choice.meetings) <= WHOLE_MODEL_MEETINGS
    return small and everyone and meetings and seconds >= STAGES_MIN_SECONDS


def _fewest_breaks(run, clock, phase, lowest, found, best, low, time_limit, reporter):
    """Stage A: the timing with the fewest breaks found (from `found`, with `best` breaks),
    its breaks, and a lower bound on them (from `low`).

    With two workers on long days (_long_days), one no_lp + core minimisation. Otherwise first
    the no_lp worker with CP-SAT's LNS, from no timing (from phase 1's it found less); then the
    slots' load bound (compact_days/load_bound.py); then, from the best timing, no_lp and the
    core-guided worker on a thread each, until QUESTION_AT; last, while time is left, the plain
    question "fewer breaks than the best?" to the LP-free pair. Its "no" proves the best."""
    lean = BreaksModel(phase, lowest)
    watch = _RowsReporter(reporter, lean) if reporter else None

    def take(solver, status) -> bool:
        """Keep a solve's timing if it has fewer breaks; whether it did."""
        nonlocal found, best
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False
        rows = lean.chosen_rows(solver)
        breaks = phase.measure(rows)[0]  # checked plainly
        if breaks >= best:
            return False
        found, best = rows, breaks
        if reporter:
            reporter.offer_rows(rows)
        return True

    def minimise(seconds: float, **how) -> None:
        """Minimise breaks for `seconds`: keep the timing if better, and the bound proved."""
        nonlocal low
        solver, status = run(lean.more, seconds, watch, model=lean.model, **how)
        take(solver, status)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            low = max(low, lean.low(solver))

    if clock.workers == 2 and _long_days(phase):
        if not clock.stopped and low < best:
            minimise(STAGE_A_SHARE * time_limit - clock.used, full=True)
        return found, best, low
    lean.at_least(low)
    if not clock.stopped and low < best:
        minimise(SEARCH_SHARE * time_limit - clock.used)
    if not clock.stopped and low < best:  # it proved what the core worker could not
        seconds = min(LOAD_SHARE * time_limit, STAGE_A_SHARE * time_limit - clock.used)
        low = max(low, _load_bound(run, phase, lowest, best, seconds))
    if not clock.stopped and low < best:
        lean.at_least(low)
        lean.cap(best)
        lean.hint(found)
        minimise(QUESTION_AT * time_limit - clock.used, full=True)
    while not clock.stopped and low < best and clock.used < STAGE_A_SHARE * time_limit:
        seconds = STAGE_A_SHARE * time_limit - clock.used
        solver, status = run(None, seconds, model=lean.fewer_than(best), full=True)
        if status == cp_model.INFEASIBLE:
            low = best
        elif not take(solver, status):
            break
    return found, best, low


def _long_days(phase: CompactModel) -> bool:
    """Whether some day has more than LONG_DAY_SLOTS slots."""
    return max(map(len, phase.day_slots.values()), default=0) > LONG_DAY_SLOTS


def _load_bound(run, phase: CompactModel, lowest: dict[int, int], below: int, seconds) -> int:
    """A lower bound on breaks (at most `below`) from how full the slots are
    (compact_days/load_bound.py)."""
    load = LoadBound(phase, lowest, below)
    if load.model is None or seconds <= 0:
        return load.known
    solver, status = run(
        load.objective, seconds, model=load.model, full=True, named=SUBSOLVERS, cheap=True
    )
    return load.result(solver, status)


def _lowest_breaks(phase: CompactModel, seconds: float) -> dict[int, int]:
    """Attendee -> the fewest breaks their own meetings allow; attendees left when the
    time is up count 0 (still a valid bound)."""
    budget = seconds * LOWEST_DETERMINISTIC_PER_SECOND  # deterministic: runs repeat
    low: dict[int, int] = {}
    for who in sorted(phase.attendee_gaps):
        if budget <= 0 or interrupted():
            break
        if phase.attendee_gaps[who]:
            low[who], spent = phase.lowest_breaks(who)
            budget -= spent
    return low


def _solve(
    model, objective, seconds: float, workers: int, seed: int, callback, full=False, named=None,
    cheap=False,
):  # fmt: skip
    """Minimise `objective` (None: any solution) within `seconds`. With two workers they are
    named: on 2 cores CP-SAT's default pair (an LP worker and LNS) found no timing at all in
    60 s on two research events (the team's notes on the research events, lesson 4).

    Two workers get one full-problem subsolver: the first named one (no_lp) on one thread
    and CP-SAT's LNS interleaved on the other. `full`: both named subsolvers get a thread, so
    "core" runs too (it proves bounds; it finds less than LNS). `named`: these subsolvers
    instead. `cheap`: a cheap presolve (models/cpsat.py)."""
    if objective is not None:
        model.minimize(objective)
    solver = cpsat.solver(
        max(seconds, 0.1), workers, seed, cheap_presolve=cheap,
        per_second=STAGES_DETERMINISTIC_PER_SECOND,
    )  # fmt: skip
    if workers <= 1 and named is None:  # LP-free, like no_lp, which finds the timings
        solver.parameters.linearization_level = 0
    if workers == 2 and PHASE2_SUBSOLVERS:
        solver.parameters.subsolvers.extend(
            named or (PHASE2_SUBSOLVERS if objective is not None else PROBE_SUBSOLVERS)
        )
        if full:
            solver.parameters.num_full_subsolvers = 2
    status = solver.solve(model, callback)
    return solver, status


class _Clock:
    """Seconds used by phase 2's solves: wall time, or with one worker CP-SAT's
    deterministic time in the same units, so that one-worker runs repeat themselves. Also
    notes whether Ctrl-C stopped a solve (models/cpsat.py)."""

    def __init__(self, workers: int, started: float):
        self.workers = workers
        self.deterministic = workers <= 1
        self.started = started
        self.spent = 0.0
        self.stopped = False

    @property
    def used(self) -> float:
        return self.spent if self.deterministic else time.monotonic() - self.started

    def spend(self, solver: cp_model.CpSolver) -> None:
        if self.deterministic:
            self.spent += solver.response_proto.deterministic_time / STAGES_DETERMINISTIC_PER_SECOND
        self.stopped = self.stopped or interrupted()


class _RowsReporter(cp_model.CpSolverSolutionCallback):
    """Reports the timings of a BreaksModel's solve to a _Reporter."""

    def __init__(self, reporter: _Reporter, lean: BreaksModel):
        super().__init__()
        self._reporter, self._lean = reporter, lean

    def on_solution_callback(self) -> None:
        self._reporter.offer_rows(self._lean.chosen_rows(self))


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
        self._offer(int(breaks), int(idle))

    def offer_rows(self, rows) -> None:
        """A timing found without the callback (feasibility searches report no values)."""
        self._offer(*self._phase.measure(rows))

    def _offer(self, breaks: int, idle: int) -> None:
        penalty = weights.BREAK * breaks + weights.IDLE_SLOT * idle
        if self.best is not None and penalty >= self.best:
            return
        self.best, self.count = penalty, self.count + 1
        elapsed = time.monotonic() - self._started
        # Bound 0: a bound on breaks alone says little about the penalty.
        self._progress(CompactProgress(penalty, 0, elapsed, self.count, breaks, idle))
