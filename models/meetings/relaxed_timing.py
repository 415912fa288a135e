"""Phase 1 proven through its relaxation (models/meetings/bound.py `RelaxedModel`), where it
can be. The relaxation's integer optimum says which pairs meet in which session, where the
panels run and who sits in them; only the slots are left. If every session can be timed
with exactly those meetings, that is a schedule worth the relaxation's bound: optimal.

A session that cannot be timed is a small feasibility problem for CP-SAT, and it names a
set of that session's meetings that cannot be timed together, given the panel seats of the
people in them. No schedule has that set, so the relaxation is told that one of them must go
(a cut) and solved again. Sessions are timed apart (given the pairs of each session and
the panels, nothing links two sessions), and a session whose meetings and panels did not
change is not timed again. This is logic-based Benders decomposition: the relaxation is
the master problem, a session's slots the subproblem.

Measured (`sigmeet schedule`, 2 workers): the example proven at 131,235 after 2 cuts at
2.7 s, size S at 91,705 after one cut at 2.1 s, size M at 381,270 with no cut at 2.9 s; the
LNS had ended at gap 0.04 % (example, 15 s), 0.10 % (S) and 0.08 % (M). The first cuts
on the example were attendees with a panel seat and, in the slots left, more meetings than
max_consecutive allows in a row: the relaxation counts slots, not runs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from models import cpsat
from models.choice import Choice
from models.cpsat import interrupted
from models.meetings.bound import (
    RELAXED_DETERMINISTIC_PER_SECOND,
    RelaxedModel,
    RelaxedOptimum,
    session_of_slot,
)
from models.meetings.model import Built
from models.meetings.relaxed_start import relaxed_start
from models.options.meeting_options import NO_PIN
from models.options.panel_options import NO_MODERATOR
from models.prepared import Prepared

# CP-SAT's deterministic clock against wall time on a session's timing (one worker): 0.35-0.45
# on the example's, not the tenth cpsat.DETERMINISTIC_PER_SECOND assumes for whole models.
TIMING_DETERMINISTIC_PER_SECOND = 0.4
# Below this the relaxation is solved once (a start and a bound) and not timed: size S at a
# 5 s limit gave the loop 1.2 s, which proved nothing and left the LNS no time (90,905
# instead of 91,355); it needs 2.0 s there.
MIN_TIMING_SECONDS = 2.0
# A relaxed solve's time at most: 2 s at 300 attendees; at 1,000 it found no integer point
# in 10 s.
RELAXED_SECONDS = 10.0


@dataclass(frozen=True)
class Timed:
    """What the loop reached: a schedule worth `bound` (proven optimal), or none."""

    choice: Choice | None
    bound: int | None  # the relaxation's, after the cuts: still valid for every schedule
    start: Choice | None  # `choice`, or else the greedy's timing of the last relaxed optimum
    cuts: int
    spent: float = 0.0  # seconds used: with one worker on the deterministic clock


@dataclass(frozen=True)
class _Session:
    """One session's question: can these (pair, session) columns be timed there, with these
    panel options and seats (those with a slot in the session)?"""

    group: int
    ys: tuple[int, ...]
    options: tuple[int, ...]
    seats: tuple[int, ...]


class _Clock:
    """Time left: wall time with several workers; with one, CP-SAT's deterministic time, so
    that a seed gives the same loop twice."""

    def __init__(self, seconds: float, workers: int) -> None:
        self._end = time.monotonic() + seconds
        self._budget, self._spent, self._workers = seconds, 0.0, workers

    def left(self) -> float:
        if self._workers <= 1:
            return self._budget - self._spent
        return self._end - time.monotonic()

    def spend(self, deterministic: float, per_second: float) -> None:
        self._spent += deterministic / per_second

    @property
    def spent(self) -> float:
        return self._spent

    @property
    def workers(self) -> int:
        return self._workers


def time_relaxation(
    prep: Prepared, built: Built, *, first: float, seconds: float, workers: int, seed: int
) -> Timed:
    """The relaxation solved (in `first` seconds at most), then timed and cut, for `seconds`
    in all, while its optimum is proven and a session cannot be timed (only solved, with
    under MIN_TIMING_SECONDS)."""
    master = RelaxedModel.of(prep)
    if master is None:
        return Timed(None, None, None, 0)
    clock = _Clock(seconds, workers)
    relaxed = master.solve(min(first, seconds))
    clock.spend(master.deterministic_time, RELAXED_DETERMINISTIC_PER_SECOND)
    timer = _SessionTimer(prep, built, master, workers, seed)
    cuts = 0
    timing = seconds >= MIN_TIMING_SECONDS
    while timing and relaxed is not None and relaxed.proven and not interrupted():
        meetings, conflict = timer.time(relaxed, clock)
        if meetings is not None:
            choice = Choice(
                tuple(sorted(meetings)),
                tuple(np.flatnonzero(relaxed.options).tolist()),
                tuple(np.flatnonzero(relaxed.seats).tolist()),
            )
            return Timed(choice, relaxed.bound, choice, cuts, clock.spent)
        if conflict is None or clock.left() <= 0:
            break
        master.cut_off(conflict.ys, conflict.options, conflict.seats)
        cuts += 1
        again = master.solve(min(RELAXED_SECONDS, clock.left()))
        clock.spend(master.deterministic_time, RELAXED_DETERMINISTIC_PER_SECOND)
        if again is None:
            break
        relaxed = again
    if relaxed is None:
        return Timed(None, None, None, cuts, clock.spent)
    return Timed(None, relaxed.bound, timer.start(relaxed), cuts, clock.spent)


class _SessionTimer:
    """Times sessions on copies of the phase-1 model (objective and hint dropped), and
    remembers each session's answer."""

    def __init__(self, prep: Prepared, built: Built, master: RelaxedModel, workers, seed):
        rows = prep.mo.rows
        self._prep, self._master, self._workers, self._seed = prep, master, workers, seed
        self._base = built.model.clone()
        self._base.clear_objective()
        self._base.clear_hints()
        self._meet = np.array([v.index for v in built.meet], dtype=np.int64)
        self._option = [v.index for v in built.option]
        self._seat = [v.index for v in built.seat]
        self._pinned = rows["pin"].to_numpy() != NO_PIN
        slot_group = session_of_slot(prep.event)
        self._groups = range(int(slot_group.max(initial=-1)) + 1)
        self._option_groups = [{int(slot_group[t]) for t in o.slots} for o in prep.po.options]
        self._a, self._b = rows["a"].to_numpy(), rows["b"].to_numpy()
        self._answers: dict[_Session, tuple[int, ...] | _Session | None] = {}
        self._start: tuple[RelaxedOptimum, Choice] | None = None

    def start(self, relaxed: RelaxedOptimum) -> Choice:
        """The greedy's timing of the relaxed meetings (models/meetings/relaxed_start.py),
        worked out once per relaxed optimum."""
        if self._start is None or self._start[0] is not relaxed:
            self._start = (relaxed, relaxed_start(self._prep, relaxed))
        return self._start[1]

    def time(self, relaxed: RelaxedOptimum, clock: _Clock):
        """(meeting rows of a timing of every session, None), or (None, a conflict to cut
        off), or (None, None) when a session was left undecided."""
        meetings: list[int] = []
        for g in self._groups:
            question = self._question(relaxed, g)
            if question not in self._answers:
                if clock.left() <= 0:
                    return None, None
                near = set(self.start(relaxed).meetings)
                self._answers[question] = self._time_session(question, clock, near)
            answer = self._answers[question]
            if not isinstance(answer, tuple):
                return None, answer
            meetings += answer
        return meetings, None

    def _question(self, relaxed: RelaxedOptimum, g: int) -> _Session:
        po = self._prep.po
        ys = np.flatnonzero(relaxed.ys & (self._master.y_session == g))
        options = [o for o in np.flatnonzero(relaxed.options) if g in self._option_groups[o]]
        seats = [
            s for s in np.flatnonzero(relaxed.seats) if g in self._option_groups[po.seats[s].option]
        ]
        return _Session(g, tuple(ys.tolist()), tuple(map(int, options)), tuple(map(int, seats)))

    def _time_session(self, question: _Session, clock: _Clock, near: set[int]):
        """The session's meeting rows, or the conflict to cut off, or None (undecided).
        `near`: meeting rows to start from (a hint)."""
        model = self._base.clone()
        variables = model.proto.variables
        y_of_row = self._master.y_of_row
        asked = np.isin(y_of_row, question.ys)
        # only the asked meetings (and pins, which are in every schedule) may happen
        for i in self._meet[~asked & ~self._pinned]:
            _fix(variables[int(i)], 0)
        # this session's panels as the relaxation put them; other sessions' are left free
        g, po = question.group, self._prep.po
        for o, v in enumerate(self._option):
            if g in self._option_groups[o]:
                _fix(variables[v], int(o in question.options))
        for s, v in enumerate(self._seat):
            if g in self._option_groups[po.seats[s].option]:
                _fix(variables[v], int(s in question.seats))
        said = {}
        for j in question.ys:
            said[j] = model.new_bool_var("")
            rows = np.flatnonzero(y_of_row == j)
            lits = [model.get_bool_var_from_proto_index(int(self._meet[i])) for i in rows]
            model.add_bool_or(lits).only_enforce_if(said[j])
        fixed = model.clone()
        for lit in said.values():
            _fix(fixed.proto.variables[lit.index], 1)
        # From the greedy's slots: CP-SAT alone scattered the meetings over the day (M's
        # timing had 791 breaks, 734 so hinted; the greedy's own timing 623).
        for i in np.flatnonzero(asked):
            fixed.add_hint(fixed.get_bool_var_from_proto_index(int(self._meet[i])), i in near)
        solver = _solver(clock, self._workers, self._seed)
        status = solver.solve(fixed)
        clock.spend(solver.response_proto.deterministic_time, TIMING_DETERMINISTIC_PER_SECOND)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            values = np.array(solver.response_proto.solution, dtype=np.int64)
            return tuple(np.flatnonzero(values[self._meet] & asked).tolist())
        if status != cp_model.INFEASIBLE:
            return None
        # Which meetings clash: one worker on assumptions (it also checks the INFEASIBLE,
        # which ortools 9.15 was seen to say wrongly)
        model.add_assumptions(list(said.values()))
        solver = _solver(clock, 1, self._seed)
        status = solver.solve(model)
        clock.spend(solver.response_proto.deterministic_time, TIMING_DETERMINISTIC_PER_SECOND)
        if status != cp_model.INFEASIBLE:
            return None
        core = set(solver.sufficient_assumptions_for_infeasibility())
        ys = [j for j, lit in said.items() if lit.index in core]
        return self._conflict(question, ys)

    def _conflict(self, question: _Session, ys: list[int]) -> _Session | None:
        """The cut: these meetings, with the seats and moderated panels of their people in
        this session (a seat elsewhere in time could make them fit); None without meetings
        (then the clash is not the meetings', and cutting would prove nothing)."""
        if not ys:
            return None
        po, rows = self._prep.po, np.isin(self._master.y_of_row, ys)
        people = set(self._a[rows].tolist()) | set(self._b[rows].tolist())
        seats = tuple(s for s in question.seats if po.seats[s].attendee in people)
        options = tuple(
            o
            for o in question.options
            if po.moderator[po.options[o].panel] != NO_MODERATOR
            and po.moderator[po.options[o].panel] in people
        )
        return _Session(question.group, tuple(ys), options, seats)


def _fix(variable, value: int) -> None:
    """A boolean variable's domain in the proto, set to one value."""
    variable.domain[0] = value
    variable.domain[1] = value


def _solver(clock: _Clock, workers: int, seed: int):
    """A CP-SAT solver for one session's timing, stopping when the loop's time is out."""
    seconds = max(clock.left(), 0.1)
    solver = cpsat.solver(seconds, workers, seed, per_second=TIMING_DETERMINISTIC_PER_SECOND)
    if clock.workers > 1:  # the run does not repeat anyway: wall time only
        solver.parameters.max_deterministic_time = float("inf")
        solver.parameters.max_time_in_seconds = seconds
    return solver
