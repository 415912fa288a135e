"""A provably valid upper bound on the phase-1 objective (targets, meetings, fairness, panel
seats; see build_model.add_objective), so the reported gap means something even when
CP-SAT's own bound is weak (on 300 attendees its LP bound stayed near 2.5x the optimum).

The relaxation works on (pair, session) instead of (pair, slot): y[p, c] = "pair p meets in
session c", plus the fairness, shortfall, seat and panel-option variables of the model. Every
schedule that keeps the hard rules gives a point of this LP with the same objective value:
  - a pair meets at most once, so sum_c y[p, c] <= 1; pinned pairs have y = 1;
  - per attendee and session, the model's "one activity per slot" rows summed over the
    session's slots: meetings + slots taken by their panels <= slots they are present for;
  - pool meetings per session <= the sum over its slots of usable pool tables; likewise each
    host table (once per slot);
  - caps; per attendee and session, meetings only in slots where they have a meeting
    option, and with max_consecutive k, in a run of n such slots at most n - floor(n / (k +
    1)) (the floor not for attendees with pins, who may exceed k);
  - fairness g[a, k] in [0, 1] with sum_k g[a, k] <= meetings of a (at least as many levels
    as the model has, which can only raise the LP), shortfall >= target - meetings;
  - panels: one option each, seats only at the chosen option, seats <= room; at most one
    of an attendee's panels, and of a room's, at any moment (H1, H14);
Rules left out (meetings' slots within a session, table details) only enlarge the LP. So
the LP optimum is >= the best schedule's objective.

We also do not trust the LP solver's optimum (floating point, time limits). For any row
multipliers y, weak duality gives a lower bound on the minimised objective c.x:
    c.x = y.(A x) + (c - A'y).x >= sum_i min(y_i lo_i, y_i hi_i) + sum_j min(r_j l_j, r_j u_j)
for every x within the row and variable bounds (a multiplier whose row side is infinite is
zeroed first). We evaluate it with GLOP's duals, minus a float safety margin, so an inexact
or interrupted LP solve still yields a valid (maybe weaker) bound. The objective is
integral, so the bound is rounded down.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace

import numpy as np
from ortools.linear_solver import linear_solver_pb2
from ortools.linear_solver.python import model_builder_helper
from ortools.sat.python import cp_model

from models import cpsat, weights
from models.options.meeting_options import NO_PIN, POOL
from models.options.panel_options import NO_MODERATOR, PanelOptions
from models.prepared import Prepared

INF = math.inf
RELAXED_DETERMINISTIC_PER_SECOND = 0.5


@dataclass(frozen=True)
class LpBound:
    """A valid upper bound on the phase-1 objective and how it was found."""

    bound: int
    lp_value: float  # GLOP's own optimum, for comparison only
    status: str  # GLOP's status name
    seconds: float


@dataclass(frozen=True)
class _Lp:
    """min cost.x subject to lo <= A x <= hi (A in coordinate form), xlo <= x <= xhi."""

    cost: np.ndarray
    xlo: np.ndarray
    xhi: np.ndarray
    row: np.ndarray
    col: np.ndarray
    coef: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    # the (pair, session) columns, first in x: MeetingOptions row -> its column; column -> session
    y_of_row: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    y_session: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


def session_of_slot(event) -> np.ndarray:
    """Per slot, its session's position among the event's sessions (sorted by id)."""
    sessions = sorted({s.session for s in event.slots})
    return np.array([sessions.index(s.session) for s in event.slots], dtype=np.int64)


def phase1_bound(prep: Prepared, time_limit: float = 20.0) -> LpBound | None:
    """An upper bound on the phase-1 objective of any schedule; None when the LP gives none."""
    started = time.monotonic()
    lp = _relaxation(prep)
    if len(lp.cost) == 0:
        return None
    duals, lp_value, status = _glop(lp, time_limit)
    lower = _dual_bound(lp, duals)
    if not math.isfinite(lower):
        return None
    return LpBound(math.floor(-lower), -lp_value, status, time.monotonic() - started)


class _Builder:
    """Collects variables and rows of the LP."""

    def __init__(self) -> None:
        self.cost: list[np.ndarray] = []
        self.xlo: list[np.ndarray] = []
        self.xhi: list[np.ndarray] = []
        self.n = 0
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # row, col, coef
        self.lo: list[np.ndarray] = []
        self.hi: list[np.ndarray] = []
        self.m = 0

    def vars(self, value, lo, hi, count: int) -> np.ndarray:
        """`count` variables maximising `value` (the LP minimises its negation)."""
        first = self.n
        self.n += count
        self.cost.append(-np.broadcast_to(np.asarray(value, dtype=float), (count,)))
        self.xlo.append(np.broadcast_to(np.asarray(lo, dtype=float), (count,)))
        self.xhi.append(np.broadcast_to(np.asarray(hi, dtype=float), (count,)))
        return np.arange(first, first + count)

    def rows(self, key, col, coef, lo, hi) -> None:
        """One row per distinct `key`: lo <= sum of coef x[col] over the key's entries <= hi.
        `lo`, `hi` are per distinct key (in sorted key order) or scalars."""
        key = np.asarray(key)
        if len(key) == 0:
            return
        uniq, inv = np.unique(key, return_inverse=True)
        self.parts.append(
            (inv + self.m, np.asarray(col), np.broadcast_to(np.asarray(coef, float), key.shape))
        )
        self.lo.append(np.broadcast_to(np.asarray(lo, dtype=float), uniq.shape))
        self.hi.append(np.broadcast_to(np.asarray(hi, dtype=float), uniq.shape))
        self.m += len(uniq)
        return uniq

    def lp(self) -> _Lp:
        cat = lambda xs: np.concatenate(xs) if xs else np.zeros(0)  # noqa: E731
        return _Lp(
            cat(self.cost),
            cat(self.xlo),
            cat(self.xhi),
            cat([p[0] for p in self.parts]).astype(np.int64),
            cat([p[1] for p in self.parts]).astype(np.int64),
            cat([p[2] for p in self.parts]),
            cat(self.lo),
            cat(self.hi),
        )


def _relaxation(prep: Prepared) -> _Lp:
    event, av, mo, po = prep.event, prep.av, prep.mo, prep.po
    rows = mo.rows
    lp = _Builder()
    n_att, n_slots = av.present.shape
    group = session_of_slot(event)
    n_groups = max(int(group.max(initial=-1)) + 1, 1)

    # y[p, c]: one per (pair, session) that has options
    key = rows["pair"].to_numpy() * n_groups + group[rows["slot"].to_numpy()]
    ykey, first, y_of_row = np.unique(key, return_index=True, return_inverse=True)
    ya, yb = rows["a"].to_numpy()[first], rows["b"].to_numpy()[first]
    ypair, ygroup = ykey // n_groups, ykey % n_groups
    ytclass = rows["tclass"].to_numpy()[first]
    pinned = rows["pin"].to_numpy()[first] != NO_PIN
    y = lp.vars(rows["value"].to_numpy()[first], pinned.astype(float), 1.0, len(ykey))
    lp.rows(ypair, y, 1.0, -INF, 1.0)
    who, ycol = np.concatenate([ya, yb]), np.concatenate([y, y])
    wgroup = np.concatenate([ygroup, ygroup])

    # panels: one option each; seats at the chosen option only; seats within the room
    opt = lp.vars(0.0, 0.0, 1.0, len(po.options))
    seat = lp.vars([weights.seat_value(s.priority) for s in po.seats], 0.0, 1.0, len(po.seats))
    lp.rows([o.panel for o in po.options], opt, 1.0, 1.0, 1.0)
    if len(po.seats):
        seat_opt = np.array([s.option for s in po.seats])
        lp.rows(
            np.concatenate([seat, seat]),
            np.concatenate([seat, opt[seat_opt]]),
            np.concatenate([np.ones(len(seat)), -np.ones(len(seat))]),
            -INF,
            0.0,
        )
        seat_panel = np.array([po.options[s.option].panel for s in po.seats])
        rooms = np.array(
            [
                event.panels[p].capacity - (po.moderator[p] != NO_MODERATOR)
                for p in range(len(event.panels))
            ]
        )
        uniq = np.unique(seat_panel)
        lp.rows(seat_panel, seat, 1.0, -INF, np.maximum(rooms[uniq], 0))
    cliques = list(_panel_overlaps(event, po, opt, seat))
    if cliques:
        key = np.repeat(np.arange(len(cliques)), [len(c) for c in cliques])
        lp.rows(key, np.concatenate(cliques), 1.0, -INF, 1.0)

    # per attendee and session: meetings + panel slots <= slots present
    busy_who, busy_col, busy_group, busy_coef = [who], [ycol], [wgroup], [np.ones(len(ycol))]
    for users, cols in _panel_users(po, opt, seat):
        for (w, o), c in zip(users, cols, strict=True):
            g, n = np.unique(group[list(po.options[o].slots)], return_counts=True)
            busy_who.append(np.full(len(g), w))
            busy_col.append(np.full(len(g), c))
            busy_group.append(g)
            busy_coef.append(n.astype(float))
    bw, bg = np.concatenate(busy_who), np.concatenate(busy_group)
    present = np.zeros((n_att, n_groups))
    np.add.at(
        present,
        (np.repeat(np.arange(n_att), n_slots), np.tile(group, n_att)),
        av.present.ravel().astype(float),
    )
    k_ag = bw * n_groups + bg
    uniq = np.unique(k_ag)
    lp.rows(k_ag, np.concatenate(busy_col), np.concatenate(busy_coef), -INF, present.ravel()[uniq])

    # caps, and what max_consecutive implies per session
    pins = np.zeros(n_att, dtype=int)
    np.add.at(pins, who[np.concatenate([pinned, pinned])], 1)
    cap = np.array([INF if a.max_meetings is None else a.max_meetings for a in event.attendees])
    cap = np.maximum(cap, pins)
    uniq = np.unique(who)
    lp.rows(who, ycol, 1.0, -INF, cap[uniq])
    kw = who * n_groups + wgroup
    uniq = np.unique(kw)
    lp.rows(kw, ycol, 1.0, -INF, _most_meetings(event, rows, pins, n_groups, group)[uniq])

    # tables: pool meetings per session, and each host table once per slot
    pool_per_group = np.bincount(group, weights=av.pool_tables_per_slot, minlength=n_groups)
    is_pool = ytclass == POOL
    uniq = np.unique(ygroup[is_pool])
    lp.rows(ygroup[is_pool], y[is_pool], 1.0, -INF, pool_per_group[uniq])
    host = ~is_pool
    if host.any():
        usable = np.zeros((len(av.pool), n_groups))
        for g in range(n_groups):
            usable[:, g] = av.usable[:, group == g].sum(axis=1)
        kt = ytclass[host] * n_groups + ygroup[host]
        uniq = np.unique(kt)
        lp.rows(kt, y[host], 1.0, -INF, usable.ravel()[uniq])

    # fairness levels and minimum-meeting shortfalls, per attendee with options
    people = np.unique(who)
    levels = len(weights.FAIRNESS)
    g = lp.vars(np.tile(weights.FAIRNESS, len(people)), 0.0, 1.0, levels * len(people))
    owner = np.repeat(people, levels)
    lp.rows(
        np.concatenate([owner, who]),
        np.concatenate([g, ycol]),
        np.concatenate([np.ones(len(g)), -np.ones(len(ycol))]),
        -INF,
        0.0,
    )
    targets = np.array([(a.min_meetings or 0) if not a.cancelled else 0 for a in event.attendees])
    wanted = np.flatnonzero(targets > 0)
    if len(wanted):
        sh = lp.vars(-weights.MIN_MEETINGS_SHORTFALL, 0.0, targets[wanted], len(wanted))
        mine = np.isin(who, wanted)
        lp.rows(
            np.concatenate([wanted, who[mine]]),
            np.concatenate([sh, ycol[mine]]),
            1.0,
            targets[wanted],
            INF,
        )
    return replace(lp.lp(), y_of_row=y_of_row, y_session=ygroup)


def _most_meetings(event, rows, pins, n_groups: int, group: np.ndarray) -> np.ndarray:
    """Per (attendee, session), flattened: the most meetings they can have there. Only in
    slots where they have a meeting option, and with max_consecutive k, a run of r such
    slots in a row holds at most r - floor(r / (k + 1)) (not for attendees with pins, who
    may exceed k)."""
    n_att = len(event.attendees)
    slot = rows["slot"].to_numpy()
    usable = np.zeros((n_att, len(event.slots)), dtype=bool)
    usable[rows["a"].to_numpy(), slot] = True
    usable[rows["b"].to_numpy(), slot] = True
    k = event.settings.max_consecutive
    most = np.zeros((n_att, n_groups))
    for g in range(n_groups):
        here = usable[:, group == g]  # slots of a session are in time order
        most[:, g] = here.sum(axis=1)
        if k is None:
            continue
        run = np.zeros(n_att, dtype=np.int64)
        cut = np.zeros(n_att, dtype=np.int64)  # slots a run of length r must leave free
        for j in range(here.shape[1]):
            run = np.where(here[:, j], run + 1, 0)
            cut += (run > 0) & (run % (k + 1) == 0)
        most[:, g] -= np.where(pins > 0, 0, cut)
    return most.ravel()


def _panel_users(po: PanelOptions, opt: np.ndarray, seat: np.ndarray):
    """(attendee, option) and the LP column that occupies them: moderators, then seats."""
    mods = [
        (po.moderator[o.panel], i)
        for i, o in enumerate(po.options)
        if po.moderator[o.panel] != NO_MODERATOR
    ]
    yield mods, [opt[i] for _, i in mods]
    seats = [(s.attendee, s.option) for s in po.seats]
    yield seats, list(seat)


def _panel_overlaps(event, po: PanelOptions, opt: np.ndarray, seat: np.ndarray):
    """LP columns of which at most one is true: one attendee's panels (H1) and one room's
    panels (H14) overlapping in time, per elementary time segment. Without them the example's
    relaxed optimum seated one attendee at two panels at once, so no schedule realised it."""
    timed: dict[tuple, list] = {}
    for users, cols in _panel_users(po, opt, seat):
        for (w, o), c in zip(users, cols, strict=True):
            timed.setdefault((0, w), []).append((po.options[o].start, po.options[o].end, c))
    for i, o in enumerate(po.options):
        room = event.panels[o.panel].room.strip()
        if room:
            timed.setdefault((1, room), []).append((o.start, o.end, opt[i]))
    for key in sorted(timed):
        items = timed[key]
        bounds = sorted({t for start, end, _ in items for t in (start, end)})
        seen: list[frozenset] = []
        for lo, hi in zip(bounds, bounds[1:], strict=False):
            cover = frozenset(int(c) for start, end, c in items if start < hi and lo < end)
            if len(cover) > 1 and not any(cover <= done for done in seen):
                seen.append(cover)
                yield np.array(sorted(cover), dtype=np.int64)


def _glop(lp: _Lp, time_limit: float) -> tuple[np.ndarray, float, str]:
    """Row duals, optimum and status from GLOP (duals all zero when it gives none)."""
    mp = linear_solver_pb2.MPModelProto()
    for c, lo, hi in zip(lp.cost.tolist(), lp.xlo.tolist(), lp.xhi.tolist(), strict=True):
        mp.variable.add(lower_bound=lo, upper_bound=hi, objective_coefficient=c)
    order = np.argsort(lp.row, kind="stable")
    cuts = np.searchsorted(lp.row[order], np.arange(len(lp.lo) + 1)).tolist()
    cols, coefs = lp.col[order].tolist(), lp.coef[order].tolist()
    for i, (lo, hi) in enumerate(zip(lp.lo.tolist(), lp.hi.tolist(), strict=True)):
        mp.constraint.add(
            lower_bound=lo,
            upper_bound=hi,
            var_index=cols[cuts[i] : cuts[i + 1]],
            coefficient=coefs[cuts[i] : cuts[i + 1]],
        )
    request = linear_solver_pb2.MPModelRequest(
        model=mp,
        solver_type=linear_solver_pb2.MPModelRequest.GLOP_LINEAR_PROGRAMMING,
        solver_time_limit_seconds=max(time_limit, 0.1),
    ).SerializeToString()
    del mp, cols, coefs
    # model_builder's solver, not pywraplp's: the same direct solve of the request, and it
    # can be interrupted (a Ctrl-C waited minutes for GLOP at 16,000 attendees). pywraplp's
    # MPSolver can be too, but gave zero duals for rows its presolve removed: a weak bound.
    glop = model_builder_helper.ModelSolverHelper("glop")
    answer = cpsat.until_interrupted(
        lambda: glop.solve_serialized_request(request), glop.interrupt_solve
    )  # interrupted, its duals so far still give a valid bound
    response = linear_solver_pb2.MPSolutionResponse.FromString(answer)
    status = linear_solver_pb2.MPSolverResponseStatus.Name(response.status)
    duals = np.zeros(len(lp.lo))
    if len(response.dual_value) == len(lp.lo):
        duals = np.asarray(response.dual_value, dtype=float)
    return duals, response.objective_value, status


def _dual_bound(lp: _Lp, duals: np.ndarray) -> float:
    """Weak-duality lower bound on min cost.x for any multipliers (see the module docstring)."""
    y = duals.copy()
    y[(y > 0) & ~np.isfinite(lp.lo)] = 0.0  # y > 0 uses the row's lower side
    y[(y < 0) & ~np.isfinite(lp.hi)] = 0.0
    side = np.where(y > 0, lp.lo, lp.hi)
    row_terms = np.where(y != 0, y * np.where(y != 0, side, 0.0), 0.0)
    reduced = lp.cost - np.bincount(lp.col, weights=lp.coef * y[lp.row], minlength=len(lp.cost))
    var_side = np.where(reduced > 0, lp.xlo, lp.xhi)
    with np.errstate(invalid="ignore"):
        var_terms = np.where(reduced != 0, reduced * var_side, 0.0)
    total = row_terms.sum() + var_terms.sum()
    if not math.isfinite(total):
        return -INF
    margin = 1e-9 * (np.abs(row_terms).sum() + np.abs(var_terms).sum()) + 1e-6
    return float(total - margin)


@dataclass(frozen=True)
class RelaxedOptimum:
    """The relaxation above solved in integers by CP-SAT: a valid upper bound on the phase-1
    objective (every schedule is an integer point of it with the same objective), usually
    below the LP's, and the (pair, session) meetings, panel options and seats of its best
    point, which models/meetings/relaxed_start.py turns into a start schedule."""

    bound: int
    objective: int  # of its best integer point (>= bound when proven)
    proven: bool
    meets: np.ndarray  # per MeetingOptions row: its pair meets in the row's session there
    options: np.ndarray  # per panel option: chosen
    seats: np.ndarray  # per seat: taken
    ys: np.ndarray  # per (pair, session) column of RelaxedModel: chosen


class RelaxedModel:
    """The relaxation above as a CP-SAT model in integers, kept so that it can be cut and
    solved again (models/meetings/relaxed_timing.py). Its (pair, session) columns come
    first: `y_of_row[i]` is MeetingOptions row i's, `y_session[j]` column j's session."""

    def __init__(self, prep: Prepared, lp: _Lp) -> None:
        model = cp_model.CpModel()
        x = [model.new_int_var(int(lo), int(hi), "") for lo, hi in zip(lp.xlo, lp.xhi, strict=True)]
        order = np.argsort(lp.row, kind="stable")
        cuts = np.searchsorted(lp.row[order], np.arange(len(lp.lo) + 1)).tolist()
        cols, coefs = lp.col[order].tolist(), lp.coef[order].astype(np.int64).tolist()
        for i, (lo, hi) in enumerate(zip(lp.lo.tolist(), lp.hi.tolist(), strict=True)):
            terms = cp_model.LinearExpr.weighted_sum(
                [x[j] for j in cols[cuts[i] : cuts[i + 1]]], coefs[cuts[i] : cuts[i + 1]]
            )
            low = int(lo) if math.isfinite(lo) else cp_model.INT_MIN
            high = int(hi) if math.isfinite(hi) else cp_model.INT_MAX
            model.add_linear_constraint(terms, low, high)
        model.minimize(cp_model.LinearExpr.weighted_sum(x, lp.cost.astype(np.int64).tolist()))
        self.model, self._x = model, x
        self.y_of_row, self.y_session = lp.y_of_row, lp.y_session
        self._sizes = (len(lp.y_session), len(prep.po.options), len(prep.po.seats))

    @classmethod
    def of(cls, prep: Prepared) -> RelaxedModel | None:
        """None when the relaxation has no columns or an unbounded one (no integer model)."""
        lp = _relaxation(prep)
        if len(lp.cost) == 0 or not np.all(np.isfinite(lp.xhi)):
            return None
        return cls(prep, lp)

    def solve(self, time_limit: float) -> RelaxedOptimum | None:
        """The integer optimum within `time_limit` (one worker, deterministic).

        With full linearization (level 2; the default's level 1 leaves out the implications
        its presolve makes of the fairness and seat rows, and its LP bound stayed 10 % above
        the optimum) CP-SAT proved it in 0.3-0.6 s on 60-80 attendees and got within 0.1 %
        on 300 in 2 s, where CP-SAT on the whole (pair, slot) model never left its root LP
        in 30 s."""
        # Its deterministic clock ran at about half of wall time here (one worker, small LP),
        # not the tenth cpsat.DETERMINISTIC_PER_SECOND assumes for whole models: 300
        # attendees found no integer point at all in a tenth of 3 s.
        solver = cpsat.solver(time_limit, 1, 0, per_second=RELAXED_DETERMINISTIC_PER_SECOND)
        solver.parameters.linearization_level = 2
        status = solver.solve(self.model)
        self.deterministic_time = solver.response_proto.deterministic_time
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        values = np.array(solver.response_proto.solution, dtype=np.int64)
        n_y, n_opt, n_seat = self._sizes
        ys = values[:n_y] > 0
        return RelaxedOptimum(
            bound=int(math.floor(-solver.best_objective_bound + 1e-6)),
            objective=int(round(-solver.objective_value)),
            proven=status == cp_model.OPTIMAL,
            meets=ys[self.y_of_row],
            options=values[n_y : n_y + n_opt] > 0,
            seats=values[n_y + n_opt : n_y + n_opt + n_seat] > 0,
            ys=ys,
        )

    def cut_off(self, ys, options, seats) -> None:
        """No schedule has all these (pair, session) meetings, panel options and seats at
        once: at least one of them goes."""
        n_y, n_opt, _ = self._sizes
        cols = [*ys, *(n_y + o for o in options), *(n_y + n_opt + s for s in seats)]
        self.model.add(sum(self._x[c] for c in cols) <= len(cols) - 1)


def relaxed_optimum(prep: Prepared, time_limit: float) -> RelaxedOptimum | None:
    """The relaxation's integer optimum within `time_limit` (RelaxedModel.solve)."""
    relaxed = RelaxedModel.of(prep)
    return None if relaxed is None else relaxed.solve(time_limit)
