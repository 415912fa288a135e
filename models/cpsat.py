"""Whether Ctrl-C stopped a CP-SAT search (CP-SAT catches the signal itself and just returns)."""

from __future__ import annotations

from ortools.sat.python import cp_model

# Not 0.9: on 3,000 attendees CP-SAT gave up presolving at 82 % of its limit by itself, and
# the run skipped everything after it as if interrupted.
INTERRUPTED_BEFORE = 0.5


def interrupted(solver: cp_model.CpSolver, status, workers: int) -> bool:
    """The search ended unproven before half its limit: on CP-SAT's deterministic clock for
    one worker (reproducible runs stop on it), on the wall clock otherwise."""
    if status == cp_model.OPTIMAL or status == cp_model.INFEASIBLE:
        return False
    p = solver.parameters
    if workers <= 1:
        used = solver.response_proto.deterministic_time / max(p.max_deterministic_time, 1e-9)
    else:
        used = solver.wall_time / max(p.max_time_in_seconds, 1e-9)
    return used < INTERRUPTED_BEFORE
