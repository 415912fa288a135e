"""Phase 2's fewest-breaks model: the same meetings under the same hard rules as
CompactModel (models/compact_days/model.py), with only what counting breaks needs.

Per attendee and day, "a break ends at t": busy at t, idle just before, and busy at some
earlier slot of the day (a prefix-OR literal "has been busy today by t"). These literals are
0 in a gapless day, so the core-guided worker's trivial cores are few. Breaks per attendee are
at least their lowest (CompactModel.lowest_breaks) plus ordered "at least one more" literals,
the objective (the shape a MaxSAT solver works on). No idle slots: CompactModel, which counts
them, takes over once the breaks are settled. Both are in the team's notes on the research
events (lessons 1-3); on the two 14-table research events this model's core worker proved the
published optimum where CompactModel's did not (git log of this file).
"""

from __future__ import annotations

import math

from ortools.sat.python import cp_model

from models import cpsat
from models.compact_days.model import CompactModel, break_ends


class BreaksModel:
    """The fewest-breaks model of `phase`'s meetings; `lowest`: attendee -> their fewest
    breaks (a lower bound each)."""

    def __init__(self, phase: CompactModel, lowest: dict[int, int]):
        self.model = model = cp_model.CpModel()
        new = cpsat.bool_maker(model)
        timing = phase.timing(model)
        phase.clusters(model, timing)
        self.lit = timing.lit
        one = model.new_constant(1)
        busy_at: dict[int, dict[int, object]] = {}  # attendee -> slot -> busy literal
        for (who, t), x in timing.busy.items():
            busy_at.setdefault(who, {})[t] = x
        for who, t in zip(*phase.panel_busy.nonzero(), strict=True):
            busy_at.setdefault(int(who), {})[int(t)] = one  # fixed panels: no meeting there
        self.ends: dict[int, list] = {}  # attendee -> their "a break ends here" literals
        terms = []
        for who in sorted(busy_at):
            total = list(busy_at[who].values())
            ends = break_ends(model, busy_at[who], phase.day_slots, one)
            # Implied: busy slots over the event = the attendee's fixed activity count.
            model.add(sum(total) == int(phase.activities[who]))
            self.ends[who] = ends
            lo = lowest.get(who, 0)
            if lo > 0:
                model.add(sum(ends) >= lo)
            if len(ends) > lo:
                u = [new(f"u{who},{k}") for k in range(lo + 1, len(ends) + 1)]
                for higher, below in zip(u[1:], u, strict=False):
                    model.add_implication(higher, below)
                model.add(sum(ends) == lo + sum(u))
                terms += u
        self.shift = sum(lowest.get(who, 0) for who in self.ends)
        self._terms = terms
        self.more = cp_model.LinearExpr.sum(terms)  # breaks above everyone's lowest
        self.breaks = cp_model.LinearExpr.sum([e for ends in self.ends.values() for e in ends])

    def at_least(self, breaks: int) -> None:
        """No timing has fewer than `breaks` breaks (proven elsewhere)."""
        if breaks > self.shift:
            self.model.add(self.more >= breaks - self.shift)

    def cap(self, breaks: int) -> None:
        """Only timings with at most `breaks` breaks."""
        self.model.add(self.more <= breaks - self.shift)

    def fewer_than(self, breaks: int) -> cp_model.CpModel:
        """A copy of the model asking for any timing with fewer than `breaks` breaks."""
        question = self.model.clone()
        question.clear_objective()
        question.clear_hints()
        more = [question.get_bool_var_from_proto_index(u.index) for u in self._terms]
        question.add(sum(more) <= breaks - 1 - self.shift)
        return question

    def low(self, solver: cp_model.CpSolver) -> int:
        """The lower bound on breaks a minimising solve of `more` proved."""
        return self.shift + int(math.ceil(solver.best_objective_bound - 1e-6))

    def hint(self, rows) -> None:
        """Hint the meetings' slots of a timing (CP-SAT completes the rest)."""
        chosen = set(int(r) for r in rows)
        self.model.clear_hints()
        for r, x in self.lit.items():
            self.model.add_hint(x, r in chosen)

    def chosen_rows(self, solver) -> tuple[int, ...]:
        """The timing of a solve (or of a solution callback)."""
        return tuple(r for r in sorted(self.lit) if solver.boolean_value(self.lit[r]))
