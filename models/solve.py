"""Solve an event: the public entry point of the optimiser (domain Event in, Schedule out).

Steps: availability grids -> meeting and panel options (items impossible on their own raise
`Infeasible`) -> pins and panels checked on their own (a clash raises `Infeasible` with the
smallest clashing set) -> full model -> greedy schedule as a complete hint -> CP-SAT ->
concrete tables. A second phase (models/compact_days/) then re-times the chosen meetings
for compact days (fewest breaks, then idle slots) without changing which ones. Ctrl-C stops
the search and keeps the best schedule found (models/cpsat.py `ctrl_c_stops`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from ortools.sat.python import cp_model

from models import cpsat
from models.assign_tables import assign_tables
from models.choice import Choice
from models.compact_days.model import start_breaks
from models.compact_days.search import CompactDays, CompactProgress, compact_days
from models.cpsat import interrupted
from models.domain import Event, PanelRun, Schedule, SolveStats
from models.errors import Infeasible
from models.meetings.bound import phase1_bound
from models.meetings.explain import clashing_set
from models.meetings.greedy import greedy
from models.meetings.hint import complete_hint, set_hint
from models.meetings.keep_previous import KeepPrevious, add_keep_previous
from models.meetings.lns import improve
from models.meetings.model import Built, build_model, objective_of
from models.meetings.relaxed_timing import Timed, time_relaxation
from models.options.meeting_options import MeetingOptions
from models.options.panel_options import NO_MODERATOR
from models.prepared import Prepared, prepare

__all__ = ["Infeasible", "Progress", "default_time_limit", "solve", "to_schedule"]

# Of phase 1's time: CP-SAT on the whole model (it proves tiny events); the rest is LNS. At
# 0.4, the example's and S's whole-model searches found nothing past their start (S: its
# presolve took 1 of its 1.3 s) while the LNS went on gaining: phase 1 at 0.1 ended at
# 130,435 instead of 129,790 (example, 28 s) and 91,455 instead of 91,385 (S, 8 s).
FULL_SEARCH_SHARE = 0.1
# Variables: above this phase 1 goes straight from the greedy start to LNS. CP-SAT on the
# whole model found nothing better at 1,000 and 3,000 attendees (+0.014 %, +0.006 % in its
# share of the time) and its presolved copy doubled the memory; LNS rounds over the freed
# part only found +0.14 % at 1,000 attendees in 45 s.
WHOLE_SEARCH_MAX = 200_000
# Phase 1's LNS is skipped with less time left than this: at 8,000 attendees it was started
# after phase 1's time was up, and reading the model into its arrays alone took 25 s.
MIN_LNS_SECONDS = 0.5
# The LP bound's time at most (and a quarter of the limit): at 8,000 attendees GLOP needed
# 64 s; cut off at 30 s its duals gave a bound 2.2x the optimum (gap 86 %), optimal 0.46 %.
# At 16,000 it needed 415 s on a loaded machine (optimal: gap 0.54 %; cut at 150 s: 87.8 %),
# while the search gained 0.03 % over its start in all its time: the proof is worth more.
BOUND_SECONDS = 600.0
# The (pair, session) relaxation in integers, timed session by session and cut
# (models/meetings/relaxed_timing.py), at most this share of the limit: it proved the example
# (30 s) in 2.7 s, S (10 s) in 2.0 s. Where it does not, its optimum is a start better than
# the greedy's, and its bound below the LP's. On a slower machine (2026-12-03: Python a third
# as fast) S needed 2.3 s of its 7 s budget, which 0.3 did not give.
TIMING_SHARE = 0.45
# Its first solve, at most (it needed 0.3-0.6 s at 60-80 attendees, 2 s at 300).
RELAXED_SHARE = 0.1
RELAXED_SECONDS = 10.0
LARGE_MODEL = 20_000  # variables: above this, presolve is kept cheap (cpsat.solver)
# Share of the time limit kept for phase 2 (compact days); phase 2 also gets whatever
# phase 1 leaves when it proves its optimum early. At 0.35, size S (10 s) left phase 2
# 3.5 s and more breaks than the greedy baseline; phase 1's gap is < 1 % well before 50 %.
COMPACT_SHARE = 0.5
# With one worker the budgets (on CP-SAT's deterministic clock, so that a seed repeats) are
# sized for this share of the limit: building models and sub-models between solves is not on
# that clock (S at 6.8 s: 3.5 s of it), and the deadline that keeps the limit must not be
# what ends a run, or it would not repeat.
ONE_WORKER_SHARE = 0.6


@dataclass(frozen=True)
class Progress:
    objective: float
    bound: float
    gap: float  # relative, 0.01 = 1 %
    seconds: float
    solutions: int
    phase: str = "meetings"  # or "compact days": same meetings, better times
    breaks: int | None = None  # compact days: breaks and idle slots of the timing so far
    idle: int | None = None


def default_time_limit(event: Event) -> float:
    """Seconds to search, by size (candidate pairs x slots): 10 s small ... 300 s huge."""
    size = len(event.candidates) * max(len(event.slots), 1)
    for limit, seconds in ((5_000, 10.0), (50_000, 30.0), (300_000, 120.0), (1_000_000, 200.0)):
        if size <= limit:
            return seconds
    return 300.0


def solve(
    event: Event,
    *,
    time_limit: float | None = None,
    workers: int = 2,
    seed: int = 0,
    progress: Callable[[Progress], None] | None = None,
    previous: Schedule | None = None,
    keep: KeepPrevious | None = None,
) -> Schedule:
    """The best schedule found within the time limit; raises Infeasible when none exists.

    `previous` (a published schedule) is the solver's starting point; `keep` says which of
    its meetings and seats still hold and whether to keep them in place or only prefer them.
    """
    started = time.monotonic()
    cpsat.reset_ctrl_c()
    prep = prepare(event)
    clash = clashing_set(prep)
    if clash:
        raise Infeasible(clash)

    limit = default_time_limit(event) if time_limit is None else time_limit
    begun = _start(prep, previous, keep)  # Ctrl-C before this ends: there is nothing to keep
    deadline = float("inf")  # several workers: their wall limits keep it
    if workers <= 1:
        deadline, limit = started + limit, ONE_WORKER_SHARE * limit
    with cpsat.ctrl_c_noted(), cpsat.one_worker_deadline(deadline):
        return _improve(prep, begun, previous, keep, limit, started, workers, seed, progress)


def _improve(prep, begun, previous, keep, limit, started, workers, seed, progress) -> Schedule:
    """Phases 1 and 2 from the start (Ctrl-C in Python code is noted, not raised, here)."""
    # Phase 1 in its own function: its model is gone before phase 2 builds its own (at
    # 16,000 attendees the two together took 13 GB).
    first = _meetings(prep, begun.pop(), previous, keep, limit, started, workers, seed, progress)
    choice, stats_status = first.choice, first.status
    objective, bound, start = first.objective, first.bound, first.start
    meetings_proven = stats_status == "OPTIMAL"
    outcome = None
    if not interrupted():  # Ctrl-C: phase 2 does not run
        seconds = max(limit - (time.monotonic() - started), 0.5)
        if workers <= 1:  # reproducible: phase 2's share of the limit, not what the clock left
            seconds = COMPACT_SHARE * limit
        outcome = _compact(
            prep, choice, objective, keep, seconds, workers, seed, progress,
            time.monotonic() - started,
        )  # fmt: skip
        choice = outcome.choice
        if stats_status == "OPTIMAL" and outcome.status != "OPTIMAL":
            stats_status = "FEASIBLE"  # proven optimal only when both phases are
    seconds = time.monotonic() - started
    schedule = to_schedule(
        prep, choice, stats_status, objective, bound, seconds, seed, workers, previous
    )
    phases = dict(
        build_seconds=round(first.build_seconds, 3),
        meetings_proven=meetings_proven,
        start_objective=first.start_objective,
        start_breaks=start_breaks(prep, start)[0],
    )
    if outcome is not None:
        phases.update(
            breaks=outcome.breaks,
            idle_slots=outcome.idle,
            breaks_bound=outcome.breaks_bound,
            breaks_proven=outcome.breaks_proven,
            compact_proven=outcome.status == "OPTIMAL",
        )
    return replace(schedule, stats=replace(schedule.stats, **phases))


@dataclass(frozen=True)
class _Meetings:
    """Phase 1's outcome: which meetings and seats, how far proven, from which start."""

    choice: Choice
    status: str  # OPTIMAL, FEASIBLE or GREEDY (the start, unimproved)
    objective: float
    bound: float | None
    start: Choice
    start_objective: float
    build_seconds: float


@dataclass(frozen=True)
class _Start:
    """Phase 1's model and the greedy start, in its variables."""

    built: Built
    kept: object | None  # the re-plan's keep-previous part of the model
    start: Choice
    hint: np.ndarray


def _start(prep: Prepared, previous, keep) -> list[_Start]:
    """Phase 1's model with its greedy start, in a list that phase 1 empties: the model is
    then gone once phase 1 returns."""
    built = build_model(prep)
    kept = add_keep_previous(built, prep, keep) if keep else None
    start = greedy(prep, previous)
    return [_Start(built, kept, start, complete_hint(built, start))]


def _meetings(
    prep: Prepared, begun: _Start, previous, keep, limit, started, workers, seed, progress
) -> _Meetings:
    """Phase 1: CP-SAT on the whole model (small events), then LNS, from the greedy start."""
    built, kept, start, hint = begun.built, begun.kept, begun.start, begun.hint
    del begun
    timed = Timed(None, None, None, 0)
    # Not on large models: at 8,000 attendees it took 38 s and found nothing in its 10 s (at
    # 1,000 its start did not beat the greedy's).
    small = len(built.model.proto.variables) <= WHOLE_SEARCH_MAX
    if previous is None and keep is None and small and not interrupted():
        timed = time_relaxation(
            prep, built, first=min(RELAXED_SHARE * limit, RELAXED_SECONDS),
            seconds=TIMING_SHARE * limit, workers=workers, seed=seed,
        )  # fmt: skip
    if timed.start is not None:
        other = timed.start
        other_hint = complete_hint(built, other)
        if objective_of(built, other_hint) > objective_of(built, hint):
            start, hint = other, other_hint
    if kept is not None:
        kept.complete(hint)
    set_hint(built, hint)
    start_objective = objective_of(built, hint)
    build_seconds = time.monotonic() - started
    ceiling = None
    if timed.bound is not None:
        ceiling = float(timed.bound)
    if not interrupted() and (ceiling is None or start_objective < ceiling):
        lp = _ceiling(prep, keep, limit)  # both valid: the integer one is usually lower
        ceiling = lp if ceiling is None or lp is None else min(ceiling, lp)
    left = max(limit * (1 - COMPACT_SHARE) - (time.monotonic() - started), 0.5)
    if workers <= 1:  # reproducible: phase 1's share of the limit, not what the clock left
        left = max((1 - COMPACT_SHARE) * limit - timed.spent, 0.5)
    phase1_end = time.monotonic() + left
    counted = [0]  # solutions reported so far, so the LNS numbers on from CP-SAT's
    report = None
    if progress is not None:

        def report(p: Progress) -> None:
            counted[0] = p.solutions
            progress(p)

    full = left * FULL_SEARCH_SHARE
    solver, status = None, cp_model.UNKNOWN
    proven = ceiling is not None and start_objective >= ceiling  # the relaxation, timed
    if small and not proven:
        solver, status = _run(built, full, workers, seed, report, ceiling)
    if status == cp_model.INFEASIBLE:  # ortools 9.15 may say so wrongly: retry with one worker
        solver, status = _run(built, full, 1, seed, report, ceiling)
    if solver is not None and status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = np.array(solver.response_proto.solution, dtype=np.int64)
        objective, bound = solver.objective_value, _lower(solver.best_objective_bound, ceiling)
        stats_status = solver.status_name(status)
    elif proven:
        values, objective, bound, stats_status = hint, start_objective, ceiling, "OPTIMAL"
        if report is not None:
            report(Progress(objective, bound, 0.0, time.monotonic() - started, 1))
    else:  # no solution in time: the greedy schedule keeps every hard rule
        values, objective, bound, stats_status = hint, objective_of(built, hint), ceiling, "GREEDY"
    lns_seconds = phase1_end - time.monotonic() if workers > 1 else left * (1 - FULL_SEARCH_SHARE)
    if (
        status != cp_model.OPTIMAL
        and not interrupted()
        and (bound is None or objective < bound)
        and lns_seconds >= MIN_LNS_SECONDS
    ):
        # CP-SAT's own search rarely improved the greedy start on hundreds of attendees;
        # small neighbourhoods re-planned one at a time do (models/meetings/lns.py).
        def better(value: float, n: int) -> None:
            if progress is not None:
                elapsed = time.monotonic() - started
                progress(Progress(value, bound, _gap(value, bound), elapsed, counted[0] + n))

        found = improve(
            built, prep, values, objective, seconds=lns_seconds,
            workers=workers, seed=seed, on_better=better if bound is not None else None,
            ceiling=bound,
        )  # fmt: skip
        if found.improvements:
            values, objective = found.values, found.objective
            stats_status = "FEASIBLE"
    if bound is not None and objective >= bound:
        stats_status = "OPTIMAL"  # proven by the LP bound
    choice = _choice(built, values) if stats_status != "GREEDY" else start
    return _Meetings(choice, stats_status, objective, bound, start, start_objective, build_seconds)


def _compact(
    prep: Prepared, choice, objective, keep, seconds, workers, seed, progress, offset=0.0
) -> CompactDays:
    """Phase 2: the same meetings and panels at times that make days compact (progress
    times counted from the start of the solve, `offset` seconds before this phase)."""
    report = None
    if progress is not None:
        value = objective or 0.0

        def report(p: CompactProgress) -> None:
            obj, bnd = value - p.penalty, value - p.bound
            progress(
                Progress(
                    obj, bnd, _gap(obj, bnd), offset + p.seconds, p.solutions, "compact days",
                    p.breaks, p.idle,
                )
            )  # fmt: skip

    fixed = _kept_rows(prep.mo, choice, keep) if keep is not None and keep.flexible else ()
    outcome = compact_days(
        prep, choice, time_limit=seconds, workers=workers, seed=seed,
        fixed_rows=fixed, progress=report,
    )  # fmt: skip
    return outcome


def _kept_rows(mo: MeetingOptions, choice: Choice, keep: KeepPrevious) -> tuple[int, ...]:
    """Chosen meetings at their announced slot: a flexible re-plan kept them there on
    purpose (moving them would change an agenda), so phase 2 leaves them in place."""
    announced = {(m.a, m.b, m.slot) for m in keep.valid.meetings}
    pair, slot = mo.rows["pair"].to_numpy(), mo.rows["slot"].to_numpy()
    return tuple(i for i in choice.meetings if (*mo.pairs[int(pair[i])], int(slot[i])) in announced)


def _ceiling(prep: Prepared, keep: KeepPrevious | None, limit: float) -> float | None:
    """Our own valid bound (models/meetings/bound.py): CP-SAT's stayed near 2.5x the optimum on 300
    attendees. Not with `--keep flexible`, whose objective also rewards kept items."""
    if keep is not None and keep.flexible:
        return None
    found = phase1_bound(prep, time_limit=min(0.25 * limit, BOUND_SECONDS))
    return None if found is None else float(found.bound)


def _lower(bound: float, ceiling: float | None) -> float:
    return bound if ceiling is None else min(bound, ceiling)


def _run(built: Built, seconds: float, workers: int, seed: int, progress, ceiling=None):
    large = len(built.model.proto.variables) > LARGE_MODEL
    solver = cpsat.solver(seconds, workers, seed, cheap_presolve=large)
    callback = _Reporter(progress, ceiling) if progress or ceiling is not None else None
    status = solver.solve(built.model, callback)
    if callback is not None and callback.at_ceiling:
        status = cp_model.OPTIMAL  # proven by models/meetings/bound.py, not by CP-SAT
    return solver, status


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Reports objective, bound and time of each new solution (reads no variable values),
    and stops the search once a solution reaches our own bound: CP-SAT cannot know it is
    optimal then (its own bound is weaker) and would search to the time limit."""

    def __init__(self, progress: Callable[[Progress], None] | None, ceiling: float | None):
        super().__init__()
        self._progress = progress
        self._ceiling = ceiling
        self._count = 0
        self.at_ceiling = False

    def on_solution_callback(self) -> None:
        self._count += 1
        obj, bound = self.objective_value, _lower(self.best_objective_bound, self._ceiling)
        if self._progress is not None:
            self._progress(Progress(obj, bound, _gap(obj, bound), self.wall_time, self._count))
        if self._ceiling is not None and obj >= self._ceiling - 1e-6:
            self.at_ceiling = True
            self.stop_search()


def _gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    return abs(bound - objective) / max(1.0, abs(objective))


def _choice(built: Built, sol: np.ndarray) -> Choice:
    def on(vars_: list) -> tuple[int, ...]:
        if not vars_:
            return ()
        idx = np.array([v.index for v in vars_])
        return tuple(np.flatnonzero(sol[idx]).tolist())

    return Choice(on(built.meet), on(built.option), on(built.seat))


def to_schedule(
    prep: Prepared,
    choice: Choice,
    status: str,
    objective: float | None,
    bound: float | None,
    seconds: float,
    seed: int,
    workers: int,
    previous: Schedule | None = None,
) -> Schedule:
    """The Schedule of `choice`: concrete tables, panel rosters, and the solve's figures."""
    event, po = prep.event, prep.po
    meetings = assign_tables(prep, choice.meetings, previous)
    runs = []
    for o in choice.options:
        opt = po.options[o]
        mod = po.moderator[opt.panel]
        seated = sorted(po.seats[s].attendee for s in choice.seats if po.seats[s].option == o)
        members = ([mod] if mod != NO_MODERATOR else []) + seated
        ids = tuple(event.attendees[x].id for x in members)
        runs.append(PanelRun(event.panels[opt.panel].id, opt.start, opt.end, ids))
    runs.sort(key=lambda r: (r.start, r.panel))
    count: dict[str, int] = {}
    for m in meetings:
        count[m.a] = count.get(m.a, 0) + 1
        count[m.b] = count.get(m.b, 0) + 1
    missed = tuple(
        a.id
        for a in event.attendees
        if a.min_meetings and not a.cancelled and count.get(a.id, 0) < a.min_meetings
    )
    stats = SolveStats(
        status=status,
        objective=objective,
        bound=bound,
        gap=_gap(objective, bound),
        seconds=round(seconds, 3),
        seed=seed,
        workers=workers,
        min_meetings_missed=missed,
    )
    return Schedule(meetings=meetings, panels=tuple(runs), stats=stats)
