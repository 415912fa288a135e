"""A lower bound on breaks from how full the slots are (one-day events, pooled tables).

Seen alone, each attendee's busy slots form one of their patterns: a set of positions in the
day that holds their panels and gives each of their meetings its own candidate slot. Per slot,
the attendees in meetings are twice the meetings held there, so at most twice the free
tables. Choosing one pattern per attendee under those slot loads, with the fewest breaks,
forgets who meets whom: its optimum is a lower bound on the breaks of every timing.

Where tables are scarce this is what the whole-model search could not prove. tic-13crafc (180
meetings for 19 tables x 10 slots): the bound is its optimum 4 in 0.5-0.9 s, where the
core-guided worker's bound stayed at 0 and the LP worker's at 1 within 60 s.
"""

from __future__ import annotations

import math

from ortools.sat.python import cp_model

from models.compact_days.model import CompactModel

# Patterns enumerated at most, over all attendees; above it there is no bound from here. The
# 10-slot research events have 170-3,450 (all of them); the 22-slot crafb events 29,000-1.4
# million at the breaks found (a million took 59 s to build).
MAX_PATTERNS = 10_000
# With an LP worker: the core-guided and LP-free pair had no bound after 20 s on tic-13crafc.
# Presolve kept cheap (models/cpsat.py): its full form took 6 s of forum-13crafc's 10 s.
SUBSOLVERS = ("max_lp", "core")


class LoadBound:
    """The patterns model for "fewer than `below` breaks?" on `phase`'s meetings; `lowest`:
    attendee -> their fewest breaks (CompactModel.lowest_breaks). `model` is None where the
    answer is known without it: `known` (below: no such timing) or where the bound does not
    apply (`known` 0).

    An attendee with more than lowest + (below - 1 - sum of lowest) breaks puts every timing
    at `below` or more, so only patterns up to that many breaks are needed."""

    def __init__(self, phase: CompactModel, lowest: dict[int, int], below: int):
        self.below = below
        self.model: cp_model.CpModel | None = None
        self.known = 0
        spare = below - 1 - sum(lowest.values())
        if spare < 0:
            self.known = below
            return
        if not phase.pooled or len(phase.day_slots) != 1:
            return
        people = sorted(set(phase.pairs_of) | set(phase.attendee_gaps))
        own = {who: phase.own_positions(who) for who in people}
        widths = {who: range(lowest.get(who, 0), lowest.get(who, 0) + spare + 1) for who in people}
        if sum(own[w].about(k) for w in people for k in widths[w]) > MAX_PATTERNS:
            return  # counted, not enumerated: that took 0.7-1.4 s on the 22-slot crafb events
        model = cp_model.CpModel()
        load: dict[int, list] = {}  # position -> "this attendee is in a meeting here" terms
        breaks = []
        count = 0
        for who in people:
            choices = []
            for k in widths[who]:
                for busy in own[who].patterns(k):
                    count += 1
                    if count > MAX_PATTERNS:
                        return
                    x = model.new_bool_var(f"p{who},{count}")
                    choices.append(x)
                    for pos in busy - own[who].panels:
                        load.setdefault(pos, []).append(x)
                    if k:
                        breaks.append(k * x)
            if not choices:  # nothing within the spare breaks: no timing below `below`
                self.known = below
                return
            model.add_exactly_one(choices)
        (slots,) = phase.day_slots.values()
        tables = phase.pool_tables_per_slot
        for pos, terms in sorted(load.items()):
            model.add(sum(terms) <= 2 * int(tables[slots[pos]]))
        self.model = model
        self.objective = cp_model.LinearExpr.sum(breaks)

    def result(self, solver: cp_model.CpSolver, status) -> int:
        """No timing has fewer breaks than this (at most `below`), from a solve of `model`
        minimising `objective`."""
        if status == cp_model.INFEASIBLE:
            return self.below
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return min(self.below, int(math.ceil(solver.best_objective_bound - 1e-6)))
        return 0
