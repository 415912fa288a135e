"""Turn a schedule in option terms into a complete solver hint: a value for every variable.

CP-SAT only starts from a hint at once when the hint is complete and has no duplicates, so
every auxiliary variable is computed from its recorded definition (see meetings/model.py Built).
"""

from __future__ import annotations

import numpy as np

from models.choice import Choice
from models.meetings.model import Built


def complete_hint(built: Built, choice: Choice) -> np.ndarray:
    """Values of all model variables for the schedule `choice`, indexed by variable index."""
    val = np.zeros(len(built.model.proto.variables), dtype=np.int64)
    for i in choice.meetings:
        val[built.meet[i].index] = 1
    for o in choice.options:
        val[built.option[o].index] = 1
    for s in choice.seats:
        val[built.seat[s].index] = 1
    for run in built.run:
        if run is not None:
            val[run.index] = 1
    for v, inputs in built.indicators:
        val[v] = val[inputs].sum()
    for g, inputs in built.fairness:
        total = val[inputs].sum()
        for k, v in enumerate(g, start=1):
            val[v] = int(total >= k)
    for v, target, inputs in built.shortfalls:
        val[v] = max(0, target - int(val[inputs].sum()))
    return val


def set_hint(built: Built, values: np.ndarray) -> None:
    """Replace the model's hint with `values` (one entry per variable)."""
    built.model.clear_hints()
    hint = built.model.proto.solution_hint
    hint.vars.extend(range(len(values)))
    hint.values.extend(values.tolist())
