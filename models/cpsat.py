"""CP-SAT plumbing shared by every solve (phase 1, its LNS rounds, phase 2): how a solver is
set up for a time limit, and whether Ctrl-C stopped it (CP-SAT catches the signal itself and
just returns)."""

from __future__ import annotations

import signal
import threading

from ortools.sat.python import cp_model

# One-worker runs are reproducible because they stop on CP-SAT's deterministic clock, which
# ran at about a tenth of wall time on this kind of machine.
DETERMINISTIC_PER_SECOND = 0.1
# With one worker the wall limit is only a safety net behind the deterministic one.
WALL_SAFETY = 5


class _Solver(cp_model.CpSolver):
    """A CpSolver that gives Ctrl-C back afterwards: with `catch_sigint_signal` CP-SAT sets
    SIGINT to the system default when its search ends, so a later Ctrl-C (between two
    searches, while writing the outputs) would kill the process on the spot, leaving its
    writer processes and a half-written folder behind."""

    def solve(self, *args, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            return super().solve(*args, **kwargs)
        handler = signal.getsignal(signal.SIGINT)
        try:
            return super().solve(*args, **kwargs)
        finally:
            signal.signal(signal.SIGINT, handler)


def solver(seconds: float, workers: int, seed: int, *, cheap_presolve: bool = False):
    """A CpSolver stopping after `seconds` (one worker: the same amount of deterministic
    time), with Ctrl-C caught. `cheap_presolve`: no probing or symmetry detection and one
    presolve pass; on 300 attendees they took 18 s of a 30 s run and found nothing the
    search used, and an LNS round's sub-model is nearly all fixed anyway."""
    found = _Solver()
    p = found.parameters
    if cheap_presolve:
        p.cp_model_probing_level = 0
        p.symmetry_level = 0
        p.max_presolve_iterations = 1
    p.max_time_in_seconds = seconds
    p.num_workers = max(1, workers)
    p.random_seed = seed
    p.catch_sigint_signal = True
    if workers <= 1:
        p.max_deterministic_time = seconds * DETERMINISTIC_PER_SECOND
        p.max_time_in_seconds = WALL_SAFETY * seconds
    return found


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
