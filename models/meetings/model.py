"""The phase-1 CP-SAT model: the hard rules (models/rules.py, one function per rule family,
shared with phase 2), then the objective.

Variables: one boolean per meeting option (pair, slot), per panel option (where a panel runs)
and per seat (a chooser at one panel option). Tables are counted per slot, not assigned:
`assign_tables` gives concrete tables after the solve. Auxiliary variables (busy flags, "has
at least k meetings", day spans) are all defined from those, and every definition is recorded
so `hint.complete_hint` can compute a full hint from a greedy schedule.

Objective (maximised; weights in models/weights.py, reasons in models/OBJECTIVE.md):
  - MIN_MEETINGS_SHORTFALL x meetings short of each attendee's min_meetings
  + meeting_value(priority, mutual) per meeting            (60 x priority, 90 x if mutual)
  + FAIRNESS[k-1] per attendee having at least k meetings   (240, 120, 80, 50, ...)
  + seat_value(choice priority) per panel seat              (120 x priority)
Compact days (breaks, idle slots) are a second phase, models/compact_days/: it re-times
the meetings chosen here without changing which ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from models import rules, weights
from models.domain import Event
from models.options.meeting_options import NO_PIN, MeetingOptions
from models.options.panel_options import PanelOptions, panel_label
from models.prepared import Prepared


@dataclass
class Built:
    """The model, its decision variables, and how each auxiliary variable is defined."""

    model: cp_model.CpModel
    meet: list  # per MeetingOptions row
    option: list  # per panel option
    seat: list  # per seat
    run: list  # per panel: the "panel runs" literal (None when it has no options)
    assumptions: list[tuple[object, str]] = field(default_factory=list)  # (literal, label)
    # definitions, in creation order, as variable indices
    indicators: list[tuple[int, list[int]]] = field(default_factory=list)  # v = sum(inputs)
    fairness: list[tuple[list[int], list[int]]] = field(default_factory=list)  # g_k, inputs
    shortfalls: list[tuple[int, int, list[int]]] = field(default_factory=list)  # v, target, in
    busy: dict[tuple[int, int], object] = field(default_factory=dict)  # (attendee, slot)
    meeting_busy: dict[tuple[int, int], object] = field(default_factory=dict)


def build_model(prep: Prepared, *, explain: bool = False) -> Built:
    """Build the whole model. `explain`: pins and panel runs become assumptions, no objective."""
    event, av, mo, po = prep.event, prep.av, prep.mo, prep.po
    model = cp_model.CpModel()
    rows = mo.rows
    meet = list(model.new_bool_var_series("m", rows.index)) if len(rows) else []
    option = [model.new_bool_var(f"o{i}") for i in range(len(po.options))]
    seat = [model.new_bool_var(f"s{i}") for i in range(len(po.seats))]
    built = Built(model, meet, option, seat, [None] * len(event.panels))
    m = rules.MeetingLiterals.of(model, mo, rows.index, meet, built.indicators)

    rules.pair_once(m)
    built.assumptions += rules.pins(m, event)
    built.run = rules.panel_runs_once(model, event, po, option)
    built.assumptions += [
        (run, panel_label(event.panels[p])) for p, run in enumerate(built.run) if run is not None
    ]
    rules.panel_members(model, po, option, seat)
    rules.panel_capacity(model, event, po, seat)
    rules.panel_rooms(model, event, po, option)
    consecutive = event.settings.max_consecutive is not None
    busy = rules.one_place(
        m, event, rules.panel_literals(po, option, seat), meetings_apart=consecutive
    )
    built.busy, built.meeting_busy = busy.busy, busy.meeting if consecutive else {}
    rules.one_per_table(m, av)
    rules.meeting_caps(m, event)
    rules.max_consecutive(m, event, built.meeting_busy)
    if explain:
        for lit, _ in built.assumptions:
            model.add_assumption(lit)
    else:
        for lit, _ in built.assumptions:
            model.add(lit == 1)
        add_objective(built, event, m, mo, po)
    return built


def add_objective(
    built: Built, event: Event, m: rules.MeetingLiterals, mo: MeetingOptions, po: PanelOptions
) -> None:
    """Maximise targets, priority-weighted meetings, fairness, panel seats."""
    model = built.model
    terms, coeffs = list(built.meet), mo.rows["value"].tolist()
    per, _ = rules.per_attendee(m)
    pair, pin = m.pair, m.pin
    for who, idx in per.items():
        att = event.attendees[who]
        inputs = [built.meet[i] for i in idx]
        in_idx = [v.index for v in inputs]
        partners = len(np.unique(pair[idx]))
        top = min(len(weights.FAIRNESS), partners, att.max_meetings or partners)
        pins = int((pin[idx] != NO_PIN).sum())
        top = max(top, min(pins, len(weights.FAIRNESS)))
        g = [model.new_bool_var(f"g{who},{k}") for k in range(1, top + 1)]
        if g:
            model.add(rules.lin_sum(g) <= rules.lin_sum(inputs))
            for lo, hi in zip(g, g[1:], strict=False):
                model.add_implication(hi, lo)
            built.fairness.append(([x.index for x in g], in_idx))
            terms += g
            coeffs += list(weights.FAIRNESS[:top])
    for who, att in enumerate(event.attendees):
        if att.min_meetings and not att.cancelled:
            idx = per.get(who, [])
            sh = model.new_int_var(0, att.min_meetings, f"short{who}")
            model.add(rules.lin_sum(built.meet[i] for i in idx) + sh >= att.min_meetings)
            built.shortfalls.append(
                (sh.index, att.min_meetings, [built.meet[i].index for i in idx])
            )
            terms.append(sh)
            coeffs.append(-weights.MIN_MEETINGS_SHORTFALL)
    for s, seat in enumerate(po.seats):
        terms.append(built.seat[s])
        coeffs.append(weights.seat_value(seat.priority))
    _maximize(model, terms, coeffs)


def objective_of(built: Built, values: np.ndarray) -> float:
    """The objective of a complete assignment, as CP-SAT would report it."""
    obj = built.model.proto.objective
    total = float(
        np.dot(np.asarray(obj.coeffs, dtype=float), values[np.asarray(obj.vars, dtype=np.int64)])
    )
    return (total + obj.offset) * (obj.scaling_factor or 1.0)


# ------------------------------------------------------------------ helpers


def _maximize(model: cp_model.CpModel, terms: list, coeffs: list[int]) -> None:
    """Set the objective straight in the proto, repeated variables merged: the Python
    expression route took 8 s for 600,000 terms."""
    idx = np.fromiter((t.index for t in terms), dtype=np.int64, count=len(terms))
    total = np.bincount(idx, weights=np.asarray(coeffs, dtype=np.float64))
    used = np.flatnonzero(total)
    objective = model.proto.objective
    objective.vars.extend(used.tolist())
    objective.coeffs.extend((-total[used]).astype(np.int64).tolist())
    objective.scaling_factor = -1.0  # CP-SAT's encoding of "maximise"
