"""The hard rules as CP-SAT constraints, one function per rule family, named by rule id
(models/hard_rules.py). Both solve phases call these same functions: phase 1 on every
meeting option (models/meetings/model.py), phase 2 on the options it may re-time the chosen
meetings to (models/compact_days/model.py).

Rules kept by which options exist at all (H2 present, H3 registered, H4 in slots, H6 table
sessions, H7 host tables, H9 requested) are in models/options/, labelled with their ids.
Each function states its rule over `MeetingLiterals`: a model's meeting literals with the
option columns they stand for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from models.domain import Event
from models.options.availability import Availability
from models.options.meeting_options import NO_PIN, POOL, MeetingOptions, pin_label
from models.options.panel_options import NO_MODERATOR


@dataclass(frozen=True)
class MeetingLiterals:
    """The meeting literals of one model: `lits[i]` is option row `rows[i]` of
    MeetingOptions.rows, whose columns are repeated here for those rows (rows ascending)."""

    model: cp_model.CpModel
    rows: np.ndarray
    lits: list
    pair: np.ndarray
    a: np.ndarray
    b: np.ndarray
    slot: np.ndarray
    tclass: np.ndarray
    pin: np.ndarray
    # indicator definitions v = sum(inputs), as variable indices, so hints can be computed
    indicators: list[tuple[int, list[int]]] = field(default_factory=list)

    @classmethod
    def of(cls, model: cp_model.CpModel, mo: MeetingOptions, rows, lits, indicators=None):
        rows = np.asarray(rows, dtype=np.int64)
        cols = {c: mo.rows[c].to_numpy()[rows] for c in ("pair", "a", "b", "slot", "tclass", "pin")}
        return cls(
            model, rows, list(lits), **cols, indicators=[] if indicators is None else indicators
        )


@dataclass(frozen=True)
class Busy:
    """Per (attendee, slot): a literal "busy then" (meeting or panel), and "in a meeting
    then" (kept where meetings are counted apart from panels, or where there are no panels)."""

    busy: dict[tuple[int, int], object]
    meeting: dict[tuple[int, int], object]


def one_place(m: MeetingLiterals, event: Event, panels=(), *, meetings_apart: bool = False) -> Busy:
    """H1 nobody in two places at once: at most one meeting or panel per attendee and slot
    (defining the busy literals), and panels never overlap each other in time either.

    `panels`: (attendee, PanelOption, literal) for everyone a panel option would occupy.
    `meetings_apart`: also define "in a meeting" where a slot has panel literals too."""
    model = m.model
    n_slots = len(event.slots)
    att = [np.concatenate([m.a, m.b])]
    slots = [np.concatenate([m.slot, m.slot])]
    lits = list(m.lits) * 2
    kind = [np.zeros(2 * len(m.lits), dtype=bool)]  # True: panel literal
    timed: dict[int, list[tuple[dt.datetime, dt.datetime, object]]] = {}
    for who, opt, lit in panels:
        if opt.slots:
            att.append(np.full(len(opt.slots), who))
            slots.append(np.array(opt.slots))
            kind.append(np.ones(len(opt.slots), dtype=bool))
            lits += [lit] * len(opt.slots)
        timed.setdefault(who, []).append((opt.start, opt.end, lit))
    att_a, slot_a, kind_a = np.concatenate(att), np.concatenate(slots), np.concatenate(kind)
    out = Busy({}, {})
    for idx in groups(att_a * max(n_slots, 1) + slot_a):
        key = (int(att_a[idx[0]]), int(slot_a[idx[0]]))
        meetings = [lits[i] for i in idx if not kind_a[i]]
        here = [lits[i] for i in idx if kind_a[i]]
        if meetings_apart and meetings:
            out.meeting[key] = _indicator(m, meetings, f"mb{key}")
            out.busy[key] = _indicator(m, [out.meeting[key], *here], f"b{key}")
        else:
            out.busy[key] = _indicator(m, meetings + here, f"b{key}")
            if not here:
                out.meeting[key] = out.busy[key]
    # Panels may also overlap each other outside slot times (changeovers, fixed times).
    for who in sorted(timed):
        if len(timed[who]) > 1:
            at_most_one_at_any_time(model, timed[who])
    return out


def one_per_table(m: MeetingLiterals, av: Availability) -> None:
    """H5 one meeting per table per slot: pool meetings within the pool's free tables, and a
    host table shared by several hosts once."""
    pool = np.flatnonzero(m.tclass == POOL)
    for idx in groups(m.slot[pool]):
        s = int(m.slot[pool[idx[0]]])
        cap = int(av.pool_tables_per_slot[s])
        if len(idx) > cap:
            m.model.add(lin_sum(m.lits[pool[i]] for i in idx) <= cap)
    hosts_per_table = np.bincount(av.host_table[av.host_table >= 0], minlength=len(av.pool))
    shared = np.flatnonzero(np.isin(m.tclass, np.flatnonzero(hosts_per_table > 1)))
    for idx in groups(m.tclass[shared] * max(len(av.event.slots), 1) + m.slot[shared]):
        if len(idx) > 1:
            m.model.add_at_most_one([m.lits[shared[i]] for i in idx])


def pair_once(m: MeetingLiterals, *, must_meet: bool = False) -> None:
    """H8 a pair meets at most once: at most one of each pair's options (`must_meet`:
    exactly one, for phase 2, which re-times meetings already chosen)."""
    for idx in groups(m.pair):
        if must_meet:
            m.model.add_exactly_one([m.lits[i] for i in idx])
        elif len(idx) > 1:
            m.model.add_at_most_one([m.lits[i] for i in idx])


def meeting_caps(m: MeetingLiterals, event: Event) -> None:
    """H10 nobody has more meetings than their cap (pins always count and always stay)."""
    per, pins = per_attendee(m)
    for who, idx in per.items():
        cap = event.attendees[who].max_meetings
        if cap is None:
            continue
        limit = max(cap, pins.get(who, 0))
        if len(idx) > limit:
            m.model.add(lin_sum(m.lits[i] for i in idx) <= limit)


def max_consecutive(m: MeetingLiterals, event: Event, meeting_busy: dict) -> None:
    """H11 at most max_consecutive meetings in a row: every k + 1 consecutive slots of a
    session hold at most k of an attendee's meetings (more only where pins put more).
    `meeting_busy` maps (attendee, slot) to "in a meeting then" (Busy.meeting)."""
    k = event.settings.max_consecutive
    if k is None:
        return
    pinned = set()
    for i in np.flatnonzero(m.pin != NO_PIN):
        pinned.add((int(m.a[i]), int(m.slot[i])))
        pinned.add((int(m.b[i]), int(m.slot[i])))
    for who, session_slots in _session_runs(event, meeting_busy):
        for start in range(len(session_slots) - k):
            window = session_slots[start : start + k + 1]
            lits = [meeting_busy.get((who, s)) for s in window]
            lits = [x for x in lits if x is not None]
            if len(lits) > k:
                limit = max(k, sum((who, s) in pinned for s in window))
                m.model.add(lin_sum(lits) <= limit)


def pins(m: MeetingLiterals, event: Event) -> list[tuple[object, str]]:
    """H12 pinned meetings happen exactly as pinned: each pin's option literal, with its
    label, to be fixed true (or assumed, to explain a clash). Its pair has no other option."""
    return [
        (m.lits[i], pin_label(event.pins[int(m.pin[i])])) for i in np.flatnonzero(m.pin != NO_PIN)
    ]


def panel_runs_once(model: cp_model.CpModel, event: Event, po, option: list) -> list:
    """H13 every panel runs once, at one of its options (fixed time, or a slot start inside
    an allowed session; see models/options/panel_options.py): per panel its "runs" literal,
    None for a panel without options, to be fixed true (or assumed)."""
    by_panel: dict[int, list[int]] = {}
    for o, opt in enumerate(po.options):
        by_panel.setdefault(opt.panel, []).append(o)
    runs: list = [None] * len(event.panels)
    for p in range(len(event.panels)):
        opts = by_panel.get(p)
        if not opts:
            continue
        runs[p] = model.new_bool_var(f"run{p}")
        model.add(lin_sum(option[o] for o in opts) == runs[p])
    return runs


def panel_members(model: cp_model.CpModel, po, option: list, seat: list) -> None:
    """H16 a panel has its moderator and only attendees who chose it: a seat (one per
    chooser and option, see panel_options.py) only where the panel runs; the moderator is
    busy at every option (see panel_literals)."""
    for s, st in enumerate(po.seats):
        model.add_implication(seat[s], option[st.option])


def panel_capacity(model: cp_model.CpModel, event: Event, po, seat: list) -> None:
    """H15 a panel holds at most its capacity, moderator included."""
    seats_of: dict[int, list[int]] = {}
    for s, st in enumerate(po.seats):
        seats_of.setdefault(po.options[st.option].panel, []).append(s)
    for p, seats in sorted(seats_of.items()):
        room = event.panels[p].capacity - (1 if po.moderator[p] != NO_MODERATOR else 0)
        if len(seats) > room:
            model.add(lin_sum(seat[s] for s in seats) <= max(room, 0))


def panel_rooms(model: cp_model.CpModel, event: Event, po, option: list) -> None:
    """H14 two panels in one room never overlap."""
    rooms: dict[str, list[tuple[dt.datetime, dt.datetime, object]]] = {}
    for o, opt in enumerate(po.options):
        room = event.panels[opt.panel].room.strip()
        if room:
            rooms.setdefault(room, []).append((opt.start, opt.end, option[o]))
    for room in sorted(rooms):
        at_most_one_at_any_time(model, rooms[room])


def panel_literals(po, option: list, seat: list):
    """(attendee, option, literal) for everyone a panel option would occupy (for H1)."""
    for o, opt in enumerate(po.options):
        mod = po.moderator[opt.panel]
        if mod != NO_MODERATOR:
            yield mod, opt, option[o]
    for s, st in enumerate(po.seats):
        yield st.attendee, po.options[st.option], seat[s]


# ------------------------------------------------------------------ helpers


def lin_sum(lits) -> cp_model.LinearExpr:
    return cp_model.LinearExpr.sum(list(lits))


def groups(keys: np.ndarray) -> list[np.ndarray]:
    """Row positions grouped by key, groups in key order, positions ascending."""
    if len(keys) == 0:
        return []
    order = np.argsort(keys, kind="stable")
    cuts = np.flatnonzero(np.diff(keys[order])) + 1
    return np.split(order, cuts)


def per_attendee(m: MeetingLiterals) -> tuple[dict[int, list[int]], dict[int, int]]:
    """Positions of `m` per attendee, and pinned meetings per attendee."""
    both = np.concatenate([m.a, m.b])
    pos = np.concatenate([np.arange(len(m.a)), np.arange(len(m.b))])
    per = {int(both[g[0]]): sorted(pos[g].tolist()) for g in groups(both)}
    pinned: dict[int, int] = {}
    for i in np.flatnonzero(m.pin != NO_PIN):
        for who in (int(m.a[i]), int(m.b[i])):
            pinned[who] = pinned.get(who, 0) + 1
    return per, pinned


def at_most_one_at_any_time(model: cp_model.CpModel, items) -> None:
    """At most one of the timed literals is true at any moment (elementary time segments)."""
    bounds = sorted({t for start, end, _ in items for t in (start, end)})
    added: list[set[int]] = []
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        cover = [lit for start, end, lit in items if start < hi and lo < end]
        ids = {lit.index for lit in cover}
        if len(cover) > 1 and not any(ids <= done for done in added):
            model.add_at_most_one(cover)
            added.append(ids)


def _indicator(m: MeetingLiterals, lits: list, name: str):
    """A literal equal to the sum of at-most-one `lits` (which this also enforces)."""
    if len(lits) == 1:
        return lits[0]
    v = m.model.new_bool_var(name)
    m.model.add_exactly_one([*lits, ~v])
    m.indicators.append((v.index, [x.index for x in lits]))
    return v


def _session_runs(event: Event, present: dict[tuple[int, int], object]):
    """(attendee, slot indices of one session in order) for attendees with meeting options."""
    by_session: dict[str, list[int]] = {}
    for s in event.slots:
        by_session.setdefault(s.session, []).append(s.index)
    people = sorted({who for who, _ in present})
    for who in people:
        for sid in sorted(by_session):
            yield who, by_session[sid]
