"""The CP-SAT model: one function per family of hard rules, then the objective.

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
Compact days (breaks, idle slots) are a second phase, models/compact_days.py: it re-times
the meetings chosen here without changing which ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from models import weights
from models.domain import Event
from models.options.availability import Availability
from models.options.meeting_options import POOL, MeetingOptions, pin_label
from models.options.panel_options import PanelOptions, panel_label


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


def build_model(
    event: Event, av: Availability, mo: MeetingOptions, po: PanelOptions, *, explain: bool = False
) -> Built:
    """Build the whole model. `explain`: pins and panel runs become assumptions, no objective."""
    model = cp_model.CpModel()
    rows = mo.rows
    meet = list(model.new_bool_var_series("m", rows.index)) if len(rows) else []
    option = [model.new_bool_var(f"o{i}") for i in range(len(po.options))]
    seat = [model.new_bool_var(f"s{i}") for i in range(len(po.seats))]
    built = Built(model, meet, option, seat, [None] * len(event.panels))

    add_one_meeting_per_pair(built, rows)
    add_pins(built, event, rows)
    add_panels(built, event, po, explain)
    add_attendee_one_activity_at_a_time(built, event, rows, po)
    add_table_capacity(built, av, rows)
    add_meeting_caps(built, event, rows)
    add_max_consecutive(built, event, rows)
    if explain:
        for lit, _ in built.assumptions:
            model.add_assumption(lit)
    else:
        for lit, _ in built.assumptions:
            model.add(lit == 1)
        add_objective(built, event, rows, po)
    return built


def add_one_meeting_per_pair(built: Built, rows) -> None:
    """A pair meets at most once."""
    for idx in _groups(rows["pair"].to_numpy()):
        if len(idx) > 1:
            built.model.add_at_most_one([built.meet[i] for i in idx])


def add_pins(built: Built, event: Event, rows) -> None:
    """Pinned meetings happen exactly as pinned."""
    for i in np.flatnonzero(rows["pin"].to_numpy() >= 0):
        pin = event.pins[int(rows["pin"].iat[i])]
        built.assumptions.append((built.meet[i], pin_label(pin)))


def add_panels(built: Built, event: Event, po: PanelOptions, explain: bool) -> None:
    """Every panel runs once; capacity kept; seats only where the panel runs; rooms never clash."""
    model = built.model
    by_panel: dict[int, list[int]] = {}
    for o, opt in enumerate(po.options):
        by_panel.setdefault(opt.panel, []).append(o)
    for p, panel in enumerate(event.panels):
        opts = by_panel.get(p)
        if not opts:
            continue
        run = model.new_bool_var(f"run{p}")
        built.run[p] = run
        model.add(_sum(built.option[o] for o in opts) == run)
        built.assumptions.append((run, panel_label(panel)))
    seats_of: dict[int, list[int]] = {}
    for s, seat in enumerate(po.seats):
        model.add_implication(built.seat[s], built.option[seat.option])
        seats_of.setdefault(po.options[seat.option].panel, []).append(s)
    for p, seats in sorted(seats_of.items()):
        panel = event.panels[p]
        room = panel.capacity - (1 if po.moderator[p] >= 0 else 0)
        if len(seats) > room:
            model.add(_sum(built.seat[s] for s in seats) <= max(room, 0))
    rooms: dict[str, list[tuple[dt.datetime, dt.datetime, object]]] = {}
    for o, opt in enumerate(po.options):
        room = event.panels[opt.panel].room.strip()
        if room:
            rooms.setdefault(room, []).append((opt.start, opt.end, built.option[o]))
    for room in sorted(rooms):
        _at_most_one_at_any_time(model, rooms[room])


def add_attendee_one_activity_at_a_time(built: Built, event: Event, rows, po: PanelOptions):
    """An attendee is in at most one activity at any moment (meetings and panels)."""
    model = built.model
    n_slots = len(event.slots)
    a, b, slot = (rows[c].to_numpy() for c in ("a", "b", "slot"))
    att = [np.concatenate([a, b])]
    slots = [np.concatenate([slot, slot])]
    lits = list(built.meet) * 2
    kind = [np.zeros(2 * len(rows), dtype=bool)]  # True: panel literal
    timed: dict[int, list[tuple[dt.datetime, dt.datetime, object]]] = {}
    for who, opt, lit in _panel_literals(built, po):
        if opt.slots:
            att.append(np.full(len(opt.slots), who))
            slots.append(np.array(opt.slots))
            kind.append(np.ones(len(opt.slots), dtype=bool))
            lits += [lit] * len(opt.slots)
        timed.setdefault(who, []).append((opt.start, opt.end, lit))
    att_a, slot_a, kind_a = np.concatenate(att), np.concatenate(slots), np.concatenate(kind)
    consecutive = event.settings.max_consecutive is not None
    for idx in _groups(att_a * max(n_slots, 1) + slot_a):
        key = (int(att_a[idx[0]]), int(slot_a[idx[0]]))
        meetings = [lits[i] for i in idx if not kind_a[i]]
        panels = [lits[i] for i in idx if kind_a[i]]
        if consecutive and meetings:
            mbusy = _indicator(built, meetings, f"mb{key}")
            built.meeting_busy[key] = mbusy
            built.busy[key] = _indicator(built, [mbusy, *panels], f"b{key}")
        else:
            built.busy[key] = _indicator(built, meetings + panels, f"b{key}")
    # Panels may also overlap each other outside slot times (changeovers, fixed times).
    for who in sorted(timed):
        if len(timed[who]) > 1:
            _at_most_one_at_any_time(model, timed[who])


def add_table_capacity(built: Built, av: Availability, rows) -> None:
    """One meeting per table per slot: pool meetings within pool tables, host tables once."""
    tclass, slot = rows["tclass"].to_numpy(), rows["slot"].to_numpy()
    pool = np.flatnonzero(tclass == POOL)
    for idx in _groups(slot[pool]):
        s = int(slot[pool[idx[0]]])
        cap = int(av.pool_tables_per_slot[s])
        if len(idx) > cap:
            built.model.add(_sum(built.meet[pool[i]] for i in idx) <= cap)
    hosts_per_table = np.bincount(av.host_table[av.host_table >= 0], minlength=len(av.pool))
    shared = np.flatnonzero(np.isin(tclass, np.flatnonzero(hosts_per_table > 1)))
    for idx in _groups(tclass[shared] * max(len(av.event.slots), 1) + slot[shared]):
        if len(idx) > 1:
            built.model.add_at_most_one([built.meet[shared[i]] for i in idx])


def add_meeting_caps(built: Built, event: Event, rows) -> None:
    """Per-attendee meeting caps (pins always count and always stay)."""
    per, pins = _per_attendee(rows)
    for who, idx in per.items():
        cap = event.attendees[who].max_meetings
        if cap is None:
            continue
        limit = max(cap, pins.get(who, 0))
        if len(idx) > limit:
            built.model.add(_sum(built.meet[i] for i in idx) <= limit)


def add_max_consecutive(built: Built, event: Event, rows) -> None:
    """At most max_consecutive meetings in consecutive slots of one session."""
    k = event.settings.max_consecutive
    if k is None:
        return
    pinned = set()
    for i in np.flatnonzero(rows["pin"].to_numpy() >= 0):
        pinned.add((int(rows["a"].iat[i]), int(rows["slot"].iat[i])))
        pinned.add((int(rows["b"].iat[i]), int(rows["slot"].iat[i])))
    add_consecutive_windows(built.model, event, built.meeting_busy, pinned)


def add_consecutive_windows(model, event: Event, meeting_busy: dict, pinned: set) -> None:
    """Every k + 1 consecutive slots of a session hold at most k of an attendee's meetings
    (k = max_consecutive; more only where pins put more): `meeting_busy` maps (attendee,
    slot) to "in a meeting then", `pinned` holds the (attendee, slot) of pinned meetings."""
    k = event.settings.max_consecutive
    for who, session_slots in _session_runs(event, meeting_busy):
        for start in range(len(session_slots) - k):
            window = session_slots[start : start + k + 1]
            lits = [meeting_busy.get((who, s)) for s in window]
            lits = [x for x in lits if x is not None]
            if len(lits) > k:
                limit = max(k, sum((who, s) in pinned for s in window))
                model.add(_sum(lits) <= limit)


def add_objective(built: Built, event: Event, rows, po: PanelOptions) -> None:
    """Maximise targets, priority-weighted meetings, fairness, panel seats."""
    model = built.model
    terms, coeffs = list(built.meet), rows["value"].tolist()
    per, _ = _per_attendee(rows)
    pair, pin = rows["pair"].to_numpy(), rows["pin"].to_numpy()
    for who, idx in per.items():
        att = event.attendees[who]
        inputs = [built.meet[i] for i in idx]
        in_idx = [v.index for v in inputs]
        partners = len(np.unique(pair[idx]))
        top = min(len(weights.FAIRNESS), partners, att.max_meetings or partners)
        pins = int((pin[idx] >= 0).sum())
        top = max(top, min(pins, len(weights.FAIRNESS)))
        g = [model.new_bool_var(f"g{who},{k}") for k in range(1, top + 1)]
        if g:
            model.add(_sum(g) <= _sum(inputs))
            for lo, hi in zip(g, g[1:], strict=False):
                model.add_implication(hi, lo)
            built.fairness.append(([x.index for x in g], in_idx))
            terms += g
            coeffs += list(weights.FAIRNESS[:top])
    for who, att in enumerate(event.attendees):
        if att.min_meetings and not att.cancelled:
            idx = per.get(who, [])
            sh = model.new_int_var(0, att.min_meetings, f"short{who}")
            model.add(_sum(built.meet[i] for i in idx) + sh >= att.min_meetings)
            built.shortfalls.append(
                (sh.index, att.min_meetings, [built.meet[i].index for i in idx])
            )
            terms.append(sh)
            coeffs.append(-weights.MIN_MEETINGS_SHORTFALL)
    for s, seat in enumerate(po.seats):
        terms.append(built.seat[s])
        coeffs.append(weights.seat_value(seat.priority))
    _maximize(model, terms, coeffs)


# ------------------------------------------------------------------ helpers


def _sum(lits) -> cp_model.LinearExpr:
    return cp_model.LinearExpr.sum(list(lits))


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


def _indicator(built: Built, lits: list, name: str):
    """A literal equal to the sum of at-most-one `lits` (which this also enforces)."""
    if len(lits) == 1:
        return lits[0]
    v = built.model.new_bool_var(name)
    built.model.add_exactly_one([*lits, ~v])
    built.indicators.append((v.index, [x.index for x in lits]))
    return v


def _panel_literals(built: Built, po: PanelOptions):
    """(attendee, option, literal) for everyone a panel option would occupy."""
    for o, opt in enumerate(po.options):
        mod = po.moderator[opt.panel]
        if mod >= 0:
            yield mod, opt, built.option[o]
    for s, seat in enumerate(po.seats):
        yield seat.attendee, po.options[seat.option], built.seat[s]


def _at_most_one_at_any_time(model: cp_model.CpModel, items) -> None:
    """At most one of the timed literals is true at any moment (elementary time segments)."""
    bounds = sorted({t for start, end, _ in items for t in (start, end)})
    added: list[set[int]] = []
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        cover = [lit for start, end, lit in items if start < hi and lo < end]
        ids = {lit.index for lit in cover}
        if len(cover) > 1 and not any(ids <= done for done in added):
            model.add_at_most_one(cover)
            added.append(ids)


def _groups(keys: np.ndarray) -> list[np.ndarray]:
    """Row positions grouped by key, groups in key order, positions ascending."""
    if len(keys) == 0:
        return []
    order = np.argsort(keys, kind="stable")
    cuts = np.flatnonzero(np.diff(keys[order])) + 1
    return np.split(order, cuts)


def _per_attendee(rows) -> tuple[dict[int, list[int]], dict[int, int]]:
    """Meeting option rows per attendee position, and pinned meetings per attendee."""
    a, b = rows["a"].to_numpy(), rows["b"].to_numpy()
    both = np.concatenate([a, b])
    pos = np.concatenate([np.arange(len(a)), np.arange(len(b))])
    per = {int(both[g[0]]): sorted(pos[g].tolist()) for g in _groups(both)}
    pins: dict[int, int] = {}
    for i in np.flatnonzero(rows["pin"].to_numpy() >= 0):
        for who in (int(a[i]), int(b[i])):
            pins[who] = pins.get(who, 0) + 1
    return per, pins


def _session_runs(event: Event, present: dict[tuple[int, int], object]):
    """(attendee, slot indices of one session in order) for attendees with meeting options."""
    by_session: dict[str, list[int]] = {}
    for s in event.slots:
        by_session.setdefault(s.session, []).append(s.index)
    people = sorted({who for who, _ in present})
    for who in people:
        for sid in sorted(by_session):
            yield who, by_session[sid]
