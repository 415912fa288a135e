"""Re-planning: keep what was announced in a previous run (see models/OBJECTIVE.md, item 0).

`--keep fixed` pins still-valid previous meetings and fixes still-valid panel times before the
model is built (the application does that, on the Event); here it only adds what pins cannot
say: the previous panel members keep their seats.

`--keep flexible` lets the solver move or drop previous meetings and seats, but each attendee
whose announced agenda changes costs more than every other gain of the objective together, so
the number of attendees to re-notify is minimised first (lexicographically); each changed
previous item also costs a little (MOVED_ITEM) so that agendas already changed are not
reshuffled for nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from models import weights
from models.domain import Schedule
from models.meetings.model import Built
from models.options.meeting_options import NO_PIN
from models.prepared import Prepared


@dataclass(frozen=True)
class KeepPrevious:
    """Previous meetings and panel runs (with members) still valid, and how firmly to keep
    them. `released` names attendees whose agenda changes whatever the solver does."""

    valid: Schedule
    flexible: bool
    released: tuple[str, ...] = ()
    # Announced meetings that lost their slot (a new pin, an absence) but whose pair may
    # still meet: a flexible re-plan moves them rather than letting them vanish.
    displaced: tuple[tuple[str, str], ...] = ()


@dataclass
class KeepTerms:
    """Per attendee: the "agenda changed" literal and the literals of their previous items,
    so the hint can be completed (changed = some item not kept)."""

    changed: list[tuple[int, list[int]]] = field(default_factory=list)

    def complete(self, values: np.ndarray) -> None:
        for v, items in self.changed:
            values[v] = int(any(values[i] == 0 for i in items))


def add_keep_previous(built: Built, prep: Prepared, keep: KeepPrevious) -> KeepTerms:
    """Add the keeping rules (fixed) or the change costs (flexible) to the built model."""
    event = prep.event
    items = _previous_literals(built, prep, keep.valid)
    terms = KeepTerms()
    model = built.model
    if not keep.flexible:
        for who in sorted(items):
            for lit in items[who]:
                if lit is not None:
                    model.add(lit == 1)
        return terms
    objective = model.proto.objective
    used: set[int] = set()
    for who in sorted(items):
        for lit in items[who]:
            if lit is not None and lit.index not in used:
                used.add(lit.index)
                # Maximised objective stored negated (see models/meetings/model.py _maximize).
                objective.vars.append(lit.index)
                objective.coeffs.append(-weights.MOVED_ITEM)
    for lit in _displaced_literals(built, prep, keep.displaced):
        objective.vars.append(lit.index)
        objective.coeffs.append(-weights.DISPLACED_KEPT)
    big = _objective_bound(model) + 1
    released = set(keep.released)
    for who in sorted(items):
        lits = items[who]
        if event.attendees[who].id in released or any(x is None for x in lits):
            continue  # changed whatever happens: a constant, no variable needed
        changed = model.new_bool_var(f"changed{who}")
        for lit in lits:
            model.add_bool_or([changed, lit])
        terms.changed.append((changed.index, [x.index for x in lits]))
        objective.vars.append(changed.index)
        objective.coeffs.append(big)
    return terms


def _previous_literals(built: Built, prep: Prepared, valid: Schedule) -> dict[int, list]:
    """Per attendee position: the literal of each previous item, None when it cannot be kept.

    Meetings: the option of the pair at its previous slot. Panels: the moderator's option at
    the previous start, or the member's seat there. Only the (fixed) seats are needed when
    keeping in place, since pins and fixed times keep the rest; the rule is the same.
    """
    event, av, mo, po = prep.event, prep.av, prep.mo, prep.po
    idx = av.attendee_index
    rows = mo.rows
    pair_of = {k: i for i, k in enumerate(mo.pairs)}
    pair, slot, pin = (rows[c].to_numpy() for c in ("pair", "slot", "pin"))
    row_at = {(int(pair[i]), int(slot[i])): i for i in np.flatnonzero(pin == NO_PIN)}
    items: dict[int, list] = {}
    for m in valid.meetings:
        p = pair_of.get((m.a, m.b))
        i = row_at.get((p, m.slot)) if p is not None else None
        lit = built.meet[i] if i is not None else None
        for person in (m.a, m.b):
            items.setdefault(idx[person], []).append(lit)
    option_at = {(event.panels[o.panel].id, o.start): n for n, o in enumerate(po.options)}
    seat_at = {(s.attendee, s.option): n for n, s in enumerate(po.seats)}
    for run in valid.panels:
        o = option_at.get((run.panel, run.start))
        moderator = event.panel[run.panel].moderator
        for person in run.members:
            who = idx[person]
            if o is None:
                lit = None
            elif person == moderator:
                lit = built.option[o]
            else:
                s = seat_at.get((who, o))
                lit = built.seat[s] if s is not None else None
            items.setdefault(who, []).append(lit)
    return items


def _displaced_literals(built: Built, prep: Prepared, displaced) -> list:
    """The meeting literals of every displaced pair, at any slot (a pair meets once)."""
    wanted = {frozenset(pair) for pair in displaced}
    pairs = [i for i, pair in enumerate(prep.mo.pairs) if frozenset(pair) in wanted]
    rows = np.flatnonzero(np.isin(prep.mo.rows["pair"].to_numpy(), pairs))
    return [built.meet[i] for i in rows]


def _objective_bound(model) -> int:
    """The most the objective can differ between any two schedules (sum of |coef| x |var|)."""
    objective = model.proto.objective
    total = 0
    for v, c in zip(objective.vars, objective.coeffs, strict=True):
        domain = model.proto.variables[v].domain
        total += abs(c) * max(abs(x) for x in domain)
    return total
