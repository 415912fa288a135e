"""A hand-made large-neighbourhood search on the phase-1 model: free a few attendees, fix
everyone else, let CP-SAT re-plan the freed part for a moment, keep what improves.

Why by hand: on events of a few hundred attendees CP-SAT's own search, started from the
greedy schedule, found nothing better in a minute (its LNS workers get little time with two
workers, and each presolves the whole model). Each round solves a model holding only the freed
part (models/meetings/submodel.py): its cost follows the neighbourhood, not the event.
As the team's CP-SAT practice notes put it: "freeze first, then release small neighbourhoods".

Neighbourhood: a window (the whole event or, on a several-day event, one day), a random
attendee, then attendees linked to the freed ones by a candidate pair, breadth first, until
about `size` meeting options in the window are free (every option there with a freed attendee
on either side, and the freed attendees' panel seats); an attendee with more options than the
round has room for is passed over. Its size adapts: it grows after a round proven optimal and
shrinks after one that ran out of time.

A freed meeting keeps its slot unless moving it raises the objective (`Restricted.prefer`):
free to go anywhere, each improving round scattered its meetings over the day and phase 1
handed phase 2 far more breaks than its own start had (1,000 attendees, 55 s: 3,358 at the
start, 3,541-3,554 after phase 1; kept, 3,370-3,392, and 3,274-3,295 at the end instead of
3,401-3,443, objective gain over the start within the noise of a loaded machine).

Reproducible: rounds are drawn from `seed`, and with one worker each round stops on CP-SAT's
deterministic clock and the loop on the sum of those clocks, not on wall time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from models import cpsat
from models.cpsat import DETERMINISTIC_PER_SECOND, interrupted
from models.meetings.model import Built
from models.meetings.submodel import restrict, structure
from models.prepared import Prepared

# Free meeting options in the first round. At 1,500 a round on S (60 attendees, 5,000
# options) or the example took 0.5-0.75 s and few were proven; at 800 most are, in 0.05-0.3 s,
# and 3 s from the same start ended at 91,500 instead of 91,365 (S), 12 s at 130,720
# instead of 130,355 (example), medians of 3 seeds. The size adapts from there.
FIRST_SIZE = 800
# First round's limit; longer after rounds that found no solution. Rounds that prove their
# neighbourhood optimal take 0.05-0.5 s; the others mostly found their gain by 0.5 s
# (1,000 attendees, 45 s: +0.145 % at 0.5 s a round, +0.131 % at 1 s, +0.076 % at 2 s).
ROUND_SECONDS = 0.5
MAX_ROUND_SECONDS = 12.0


@dataclass(frozen=True)
class Improved:
    values: np.ndarray  # a value for every model variable
    objective: float
    rounds: int
    improvements: int
    interrupted: bool  # Ctrl-C stopped a round: the caller should stop too


def improve(
    built: Built,
    prep: Prepared,
    values: np.ndarray,
    objective: float,
    *,
    seconds: float,
    workers: int = 2,
    seed: int = 0,
    on_better: Callable[[float, int], None] | None = None,
    ceiling: float | None = None,
) -> Improved:
    """Improve the complete feasible assignment `values` (objective `objective`) for `seconds`,
    or until it reaches `ceiling` (a proven upper bound: nothing is left to find)."""
    started = time.monotonic()
    rng = np.random.default_rng(seed)
    rows, po = prep.mo.rows, prep.po
    a, b = rows["a"].to_numpy(), rows["b"].to_numpy()
    meet = np.array([v.index for v in built.meet], dtype=np.int64)
    seat_var = np.array([v.index for v in built.seat], dtype=np.int64)
    seat_who = np.array([s.attendee for s in po.seats], dtype=np.int64)
    option_var = np.array([v.index for v in built.option], dtype=np.int64)
    # panel times stay where they are: options are decisions no round frees
    shape = structure(built.model, np.concatenate([meet, seat_var, option_var]))
    n_att = int(max(a.max(initial=-1), b.max(initial=-1), seat_who.max(initial=-1))) + 1
    linked = links(a, b, n_att)
    windows = _windows(prep, rows["slot"].to_numpy())
    options_in = [
        np.bincount(a[w], minlength=n_att) + np.bincount(b[w], minlength=n_att) for w in windows
    ]
    people = np.flatnonzero(options_in[0])
    best, value = values.copy(), objective
    size, rounds, better, budget = FIRST_SIZE, 0, 0, seconds * DETERMINISTIC_PER_SECOND
    round_seconds = ROUND_SECONDS
    spent = overhead = 0.0  # overhead: a round's wall time outside CP-SAT (model copy, setup)
    shortest = 0.0  # no round took less (loading the copy cannot be cut short)
    if len(people) == 0:
        return Improved(best, value, 0, 0, False)
    while ceiling is None or value < ceiling - 1e-6:
        left = seconds - (time.monotonic() - started)
        if workers <= 1:  # deterministic clock only; the user's limit as a safety net
            left = min((budget - spent) / DETERMINISTIC_PER_SECOND, cpsat.wall_left())
        else:  # so that the last round ends by the deadline, not a round later
            left -= overhead
            if left < shortest:
                break
        if left < 0.2:
            break
        w = int(rng.integers(len(windows)))
        options_of = options_in[w]
        freed = neighbourhood(rng, np.flatnonzero(options_of), linked, options_of, size)
        free_rows = (np.isin(a, freed) | np.isin(b, freed)) & windows[w]
        free_seats = np.isin(seat_who, freed)
        limit = min(round_seconds, left)
        round_started = time.monotonic()
        sub = restrict(shape, best, np.concatenate([meet[free_rows], seat_var[free_seats]]))
        held = meet[free_rows]
        sub.prefer(held[best[held] == 1])
        solver = cpsat.solver(limit, workers, seed + rounds, cheap_presolve=True)
        status = solver.solve(sub.model)
        took = time.monotonic() - round_started

        overhead = max(overhead, took - solver.wall_time)
        shortest = took if rounds == 0 else min(shortest, took)
        rounds += 1
        spent += solver.response_proto.deterministic_time
        if interrupted():  # Ctrl-C: the one rule of models/cpsat.py
            return Improved(best, value, rounds, better, True)
        if status == cp_model.OPTIMAL:
            size = int(size * 1.2)
        else:
            size = max(200, int(size / 1.3))
        if status == cp_model.UNKNOWN:
            # Not even the hint came back: presolve took the whole round, give the next longer.
            round_seconds = min(MAX_ROUND_SECONDS, round_seconds * 1.5)
        found = sub.put_back(best, solver.response_proto.solution) if solved(status) else None
        if found is not None and shape.objective_value(found) > value:
            best, value = found, shape.objective_value(found)
            better += 1
            if on_better is not None:
                on_better(value, better)
    return Improved(best, value, rounds, better, False)


def solved(status) -> bool:
    return status in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def links(a: np.ndarray, b: np.ndarray, n_att: int) -> list[np.ndarray]:
    """Per attendee: the attendees they share a candidate pair with, ascending."""
    pairs = np.unique(np.stack([np.concatenate([a, b]), np.concatenate([b, a])], axis=1), axis=0)
    cuts = np.searchsorted(pairs[:, 0], np.arange(n_att + 1))
    return [pairs[cuts[i] : cuts[i + 1], 1] for i in range(n_att)]


def _windows(prep: Prepared, slot: np.ndarray) -> list[np.ndarray]:
    """Row masks a round may re-plan in: the whole event, and each day on its own (on a
    several-day event a popular attendee has thousands of options, a day a third of them)."""
    day = np.array([s.start.date().toordinal() for s in prep.event.slots], dtype=np.int64)
    row_day = day[slot] if len(slot) else slot
    days = np.unique(row_day)
    whole = np.ones(len(slot), dtype=bool)
    return [whole] + ([row_day == d for d in days] if len(days) > 1 else [])


def neighbourhood(rng, people, linked, options_of, size: int) -> np.ndarray:
    """Attendees reached breadth first from a random one, about `size` options in all; an
    attendee whose options would take the total well past `size` is passed over (one host
    wanted by hundreds would otherwise make the round too big to finish)."""
    small = people[options_of[people] <= size]
    start = int(rng.choice(small if len(small) else people))
    cap = 1.25 * size
    chosen, queue, total = {start}, [start], int(options_of[start])
    while queue and total < size:
        who = queue.pop(0)
        for other in rng.permutation(linked[who]).tolist():
            if other not in chosen and total < size and total + options_of[other] <= cap:
                chosen.add(other)
                queue.append(other)
                total += int(options_of[other])
        if not queue and total < size:  # a closed group: jump to another random attendee
            rest = np.setdiff1d(small, np.fromiter(chosen, dtype=np.int64))
            if len(rest):
                nxt = int(rng.choice(rest))
                chosen.add(nxt)
                queue.append(nxt)
                total += int(options_of[nxt])
    return np.array(sorted(chosen), dtype=np.int64)
