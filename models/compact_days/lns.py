"""Compact days on large events: re-time a few attendees' meetings on one day at a time,
everyone else's fixed, keep what lowers breaks and idle slots.

Why: on 1,000 and 3,000 attendees CP-SAT on the whole phase-2 model returned the phase-1
timing nearly unchanged (its presolve alone took much of the time), so breaks stayed above a
spreadsheet's. A round's model holds only the freed meetings (models/meetings/submodel.py).

Neighbourhood: one day, a random attendee with meetings that day, then their partners that
day breadth first, until about `size` of the day's meeting literals are free. Reproducible
like phase 1's LNS: rounds drawn from `seed`, one worker stops on CP-SAT's deterministic clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from ortools.sat.python import cp_model

from models import cpsat, weights
from models.compact_days.model import CompactModel
from models.cpsat import DETERMINISTIC_PER_SECOND, interrupted
from models.meetings.lns import links, neighbourhood, solved
from models.meetings.submodel import restrict, structure

# Free meeting literals in the first round, and a round's limit. From the same start, loaded
# machine: 300 and 0.5 s left 164 breaks (S, 1.5 s), 603 (M, 15 s), 3,184 (L, 30 s); 150 and
# 0.2 s, 149-155, 567 and 3,158 (0.3 s: 153, 559, 3,167): most small rounds are proven in
# 0.02-0.2 s, and the size grows from there where they are.
FIRST_SIZE = 150
ROUND_SECONDS = 0.2
# With less time left than this, no round is started at all: reading the model into arrays
# (`structure`) took 25 us a variable, 0.26 s at 58 attendees and 25 s at 8,000.
MIN_SECONDS = 0.5
MIN_SECONDS_PER_VARIABLE = 3e-5


def retime(
    phase: CompactModel,
    rows: tuple[int, ...],
    *,
    seconds: float,
    workers: int,
    seed: int,
    on_better: Callable[[tuple[int, ...]], None] | None = None,
) -> tuple[tuple[int, ...], bool]:
    """A timing of the meetings `rows` with a penalty no higher, found within `seconds`;
    and whether Ctrl-C stopped the search."""
    started = time.monotonic()
    model = phase.model
    if seconds < MIN_SECONDS + MIN_SECONDS_PER_VARIABLE * len(model.proto.variables):
        return tuple(rows), False
    model.minimize(weights.BREAK * phase.breaks_expr + weights.IDLE_SLOT * phase.idle_expr)
    phase.hint(rows)
    values = np.zeros(len(model.proto.variables), dtype=np.int64)
    hint = model.proto.solution_hint
    values[np.asarray(list(hint.vars), dtype=np.int64)] = list(hint.values)
    model.clear_hints()
    lit_rows = np.array(sorted(phase.lit), dtype=np.int64)
    lit_var = np.array([phase.lit[int(r)].index for r in lit_rows], dtype=np.int64)
    shape = structure(model, np.concatenate([lit_var, [phase.one.index]]))
    a, b = phase.a[lit_rows], phase.b[lit_rows]
    day_of_slot = np.zeros(len(phase.event.slots), dtype=np.int64)
    for d, date in enumerate(sorted(phase.day_slots)):
        day_of_slot[phase.day_slots[date]] = d
    day = day_of_slot[phase.slot_a[lit_rows]]
    n_att = len(phase.event.attendees)
    linked = links(a, b, n_att)
    per_day = [
        np.bincount(a[day == d], minlength=n_att) + np.bincount(b[day == d], minlength=n_att)
        for d in range(len(phase.day_slots))
    ]
    best, penalty = values, shape.objective_value(values)
    size, rounds, spent = FIRST_SIZE, 0, 0.0
    budget = seconds * DETERMINISTIC_PER_SECOND
    rng = np.random.default_rng(seed)
    while True:
        left = seconds - (time.monotonic() - started)
        if workers <= 1:  # deterministic clock only; the user's limit as a safety net
            left = min((budget - spent) / DETERMINISTIC_PER_SECOND, cpsat.wall_left())
        if left < 0.2 or penalty <= 0:
            break
        d = int(rng.integers(len(per_day)))
        people = np.flatnonzero(per_day[d])
        if not len(people):
            continue
        freed = neighbourhood(rng, people, linked, per_day[d], size)
        free = (np.isin(a, freed) | np.isin(b, freed)) & (day == d)
        sub = restrict(shape, best, lit_var[free])
        solver = cpsat.solver(min(ROUND_SECONDS, left), workers, seed + rounds, cheap_presolve=True)
        status = solver.solve(sub.model)
        rounds += 1
        # A round costs its whole share with one worker: building and reading back the
        # sub-model took as long as the solve (S: 42 rounds in 8.2 s of a 5 s budget).
        spent += max(
            solver.response_proto.deterministic_time, ROUND_SECONDS * DETERMINISTIC_PER_SECOND
        )
        if interrupted():
            return _rows(best, lit_rows, lit_var), True
        size = int(size * 1.2) if status == cp_model.OPTIMAL else max(100, int(size / 1.3))
        if solved(status):
            found = sub.put_back(best, solver.response_proto.solution)
            if shape.objective_value(found) < penalty:
                best, penalty = found, shape.objective_value(found)
                if on_better is not None:
                    on_better(_rows(best, lit_rows, lit_var))
    return _rows(best, lit_rows, lit_var), False


def _rows(values: np.ndarray, lit_rows: np.ndarray, lit_var: np.ndarray) -> tuple[int, ...]:
    return tuple(lit_rows[values[lit_var] == 1].tolist())
