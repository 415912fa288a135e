"""Find the smallest set of pins and panels that cannot all hold together.

Only pins and panels (with their moderators) are compulsory; every other meeting or seat may
simply not happen. So a model of just those, each as an assumption, with no objective and one
worker (the only setting where CP-SAT returns a small core), tells whether the hard rules
can hold; its core is then shrunk by deletion to a minimal clashing set.
"""

from __future__ import annotations

from dataclasses import replace

from ortools.sat.python import cp_model

from models import cpsat
from models.meetings.model import build_model
from models.options.meeting_options import NO_PIN
from models.prepared import Prepared

_TIME_LIMIT = 30.0


def clashing_set(prep: Prepared) -> tuple[str, ...]:
    """Labels of a minimal clashing set of pins and panels; () when they can all hold."""
    mo = prep.mo
    pins_only = replace(mo, rows=mo.rows[mo.rows["pin"] != NO_PIN].reset_index(drop=True))
    built = build_model(replace(prep, mo=pins_only, po=replace(prep.po, seats=())), explain=True)
    if not built.assumptions:
        return ()
    label = {lit.index: text for lit, text in built.assumptions}
    lit_of = {lit.index: lit for lit, _ in built.assumptions}
    solver = _solver()
    if _feasible(solver, built.model, list(lit_of.values())):
        return ()
    core = [i for i in solver.sufficient_assumptions_for_infeasibility() if i in lit_of]
    core = sorted(core) or sorted(lit_of)
    for i in list(core):
        rest = [lit_of[j] for j in core if j != i]
        if not _feasible(solver, built.model, rest):
            core.remove(i)
    return tuple(label[i] for i in core)


def _solver() -> cp_model.CpSolver:
    return cpsat.solver(_TIME_LIMIT, 1, 0)


def _feasible(solver: cp_model.CpSolver, model: cp_model.CpModel, assumed: list) -> bool:
    model.clear_assumptions()
    model.add_assumptions(assumed)
    status = solver.solve(model)
    if cpsat.interrupted():  # before the search: Ctrl-C means stop, as anywhere else there
        raise KeyboardInterrupt
    # UNKNOWN (time out) counts as feasible: never blame a pin we could not prove guilty.
    return status != cp_model.INFEASIBLE
