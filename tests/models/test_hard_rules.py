"""One small test per hard rule (models/hard_rules.py), named by its id.

Constraint rules (models/rules.py): a fresh model gets only that rule's function, the test
fixes every literal to a tiny assignment and expects CP-SAT to accept the one that keeps the
rule and reject (INFEASIBLE) the one that breaks it. Option rules (models/options/): the
option that would break the rule does not exist. Phase 2 is shown to state the same rules
with the same functions.
"""

from __future__ import annotations

import dataclasses

import pytest
from ortools.sat.python import cp_model

from models import rules
from models.choice import Choice
from models.compact_days.model import CompactModel
from models.domain import DECLINED, EventSettings, Panel, PanelChoice, Pin, Request, Table
from models.domain import Unavailability as Away
from models.meetings.model import build_model
from models.options.availability import availability
from models.options.meeting_options import POOL, meeting_options
from models.options.panel_options import panel_options
from models.prepared import Prepared
from tests.helpers.domain_events import event_in_memory, person, session
from tests.helpers.events import at

# Slots: 0 09:00, 1 09:20, 2 09:40 (S1); 3 13:00, 4 13:20, 5 13:40 (S2).
SESSIONS = [session("S1", "09:00", "10:00"), session("S2", "13:00", "14:00")]


def _event(attendees=("A", "B", "C", "D"), requests=None, tables=None, **kw):
    people = [a if not isinstance(a, str) else person(a) for a in attendees]
    requests = requests or [Request("A", "B"), Request("C", "D"), Request("A", "C")]
    return event_in_memory(
        SESSIONS, people, requests, tables or [Table("T1", "Hall")], **kw
    )  # one pool table unless told


def _parts(event):
    av = availability(event)
    mo, _ = meeting_options(event, av)
    po, _ = panel_options(event, av)
    return av, mo, po


class Tiny:
    """A model with one literal per meeting, panel option and seat, and no rule yet."""

    def __init__(self, event):
        self.event = event
        self.av, self.mo, self.po = _parts(event)
        self.model = cp_model.CpModel()
        lits = [self.model.new_bool_var(f"m{i}") for i in range(len(self.mo.rows))]
        self.m = rules.MeetingLiterals.of(self.model, self.mo, range(len(lits)), lits)
        self.option = [self.model.new_bool_var(f"o{i}") for i in range(len(self.po.options))]
        self.seat = [self.model.new_bool_var(f"s{i}") for i in range(len(self.po.seats))]

    def row(self, a: str, b: str, slot: int) -> int:
        rows = self.mo.rows
        for i in range(len(rows)):
            if self.mo.pairs[int(rows["pair"].iat[i])] == (a, b) and rows["slot"].iat[i] == slot:
                return i
        raise AssertionError(f"no option {a}-{b} at slot {slot}")

    def allows(self, meetings=(), options=(), seats=()) -> bool:
        """Whether the model accepts exactly these meetings ((a, b, slot)), options, seats."""
        on = {self.m.lits[self.row(*x)].index for x in meetings}
        on |= {self.option[o].index for o in options} | {self.seat[s].index for s in seats}
        for v in [*self.m.lits, *self.option, *self.seat]:
            self.model.add(v == int(v.index in on))
        status = cp_model.CpSolver().solve(self.model)
        assert status in (cp_model.OPTIMAL, cp_model.INFEASIBLE)
        return status == cp_model.OPTIMAL


def _with(cls_settings=None, **kw):
    return _event(settings=EventSettings(name="t", **(cls_settings or {})), **kw)


# ---------------------------------------------------------------- constraint rules


def test_H1_one_place_accepts_one_meeting_per_slot():
    t = Tiny(_event(tables=[Table("T1", "Hall"), Table("T2", "Hall")]))
    rules.one_place(t.m, t.event)
    assert t.allows([("A", "B", 0), ("A", "C", 1)])


def test_H1_one_place_rejects_two_meetings_at_once():
    t = Tiny(_event(tables=[Table("T1", "Hall"), Table("T2", "Hall")]))
    rules.one_place(t.m, t.event)
    assert not t.allows([("A", "B", 0), ("A", "C", 0)])


def _panel_event(**kw):
    panel = Panel("P1", "Grids", "Room 1", capacity=3, minutes=20, fixed_start=at("09:00"))
    return _event(panels=[panel], choices=[PanelChoice("A", "P1")], **kw)


def test_H1_one_place_rejects_a_meeting_during_a_panel_and_accepts_one_after():
    for slot, kept in ((0, False), (1, True)):
        t = Tiny(_panel_event())
        rules.one_place(t.m, t.event, rules.panel_literals(t.po, t.option, t.seat))
        assert t.allows([("A", "B", slot)], options=[0], seats=[0]) is kept


def test_H5_one_meeting_per_table_per_slot_accepts():
    t = Tiny(_event())
    rules.one_per_table(t.m, t.av)
    assert t.allows([("A", "B", 0), ("C", "D", 1)])


def test_H5_one_meeting_per_table_per_slot_rejects():
    t = Tiny(_event())
    rules.one_per_table(t.m, t.av)
    assert not t.allows([("A", "B", 0), ("C", "D", 0)])


def test_H5_a_host_table_shared_by_two_hosts_takes_one_meeting_per_slot():
    hosts = [person("A", host_table="T1"), person("C", host_table="T1"), "B", "D"]
    reqs = [Request("A", "B"), Request("C", "D")]
    for slots, kept in (((0, 1), True), ((0, 0), False)):
        t = Tiny(_event(hosts, reqs))
        rules.one_per_table(t.m, t.av)
        assert t.allows([("A", "B", slots[0]), ("C", "D", slots[1])]) is kept


def test_H8_a_pair_meets_at_most_once_accepts():
    t = Tiny(_event())
    rules.pair_once(t.m)
    assert t.allows([("A", "B", 0)])
    t = Tiny(_event())
    rules.pair_once(t.m)
    assert t.allows([])


def test_H8_a_pair_meets_at_most_once_rejects():
    t = Tiny(_event())
    rules.pair_once(t.m)
    assert not t.allows([("A", "B", 0), ("A", "B", 3)])


def test_H8_must_meet_form_rejects_a_chosen_pair_left_out():
    t = Tiny(_event())
    rules.pair_once(t.m, must_meet=True)
    assert not t.allows([("A", "B", 0), ("C", "D", 1)])  # A-C has no slot
    t = Tiny(_event())
    rules.pair_once(t.m, must_meet=True)
    assert t.allows([("A", "B", 0), ("C", "D", 1), ("A", "C", 2)])


def test_H10_meeting_caps_accepts_and_rejects():
    capped = [person("A", max_meetings=1), "B", "C", "D"]
    t = Tiny(_event(capped))
    rules.meeting_caps(t.m, t.event)
    assert t.allows([("A", "B", 0)])
    t = Tiny(_event(capped))
    rules.meeting_caps(t.m, t.event)
    assert not t.allows([("A", "B", 0), ("A", "C", 1)])


def test_H11_max_consecutive_accepts_and_rejects():
    for slots, kept in (((0, 2), True), ((0, 1), False), ((2, 3), True)):  # 2, 3: two sessions
        t = Tiny(_with({"max_consecutive": 1}, tables=[Table("T1", "H"), Table("T2", "H")]))
        busy = rules.one_place(t.m, t.event, meetings_apart=True)
        rules.max_consecutive(t.m, t.event, busy.meeting)
        assert t.allows([("A", "B", slots[0]), ("A", "C", slots[1])]) is kept, slots


def test_H12_pins_names_the_pinned_option_which_must_hold():
    t = Tiny(_event(pins=[Pin("A", "B", at("09:20"), row=2)]))
    pinned = rules.pins(t.m, t.event)
    assert [lit.index for lit, _ in pinned] == [t.m.lits[t.row("A", "B", 1)].index]
    assert "Pinned row 2" in pinned[0][1]
    for lit, _ in pinned:
        t.model.add(lit == 1)
    assert not t.allows([("C", "D", 1)])
    # The pinned pair has no option at any other slot: only the pin can hold.
    with pytest.raises(AssertionError, match="no option A-B at slot 0"):
        t.row("A", "B", 0)


def test_H12_pins_accepts_the_pinned_meeting():
    t = Tiny(_event(pins=[Pin("A", "B", at("09:20"), row=2)]))
    for lit, _ in rules.pins(t.m, t.event):
        t.model.add(lit == 1)
    assert t.allows([("A", "B", 1)])


def _free_panel(**kw):
    return Panel("P1", "Grids", "Room 1", capacity=3, minutes=20, sessions=("S1",), **kw)


def test_H13_a_panel_runs_once_accepts_one_option():
    t = Tiny(_event(panels=[_free_panel()]))
    for run in rules.panel_runs_once(t.model, t.event, t.po, t.option):
        t.model.add(run == 1)
    assert len(t.po.options) == 3  # 09:00, 09:20, 09:40
    assert t.allows(options=[1])


def test_H13_a_panel_runs_once_rejects_twice_or_never():
    for options in ([0, 2], []):
        t = Tiny(_event(panels=[_free_panel()]))
        for run in rules.panel_runs_once(t.model, t.event, t.po, t.option):
            t.model.add(run == 1)
        assert not t.allows(options=options)


def test_H13_panel_options_only_at_slot_starts_of_its_sessions_or_its_fixed_time():
    _, _, po = _parts(_event(panels=[_free_panel(), _fixed("P2", "13:10")]))
    starts = [(o.panel, o.start) for o in po.options]
    assert starts == [(0, at("09:00")), (0, at("09:20")), (0, at("09:40")), (1, at("13:10"))]


def _fixed(pid, start, room="Room 1", minutes=40):
    return Panel(pid, pid, room, capacity=3, minutes=minutes, fixed_start=at(start))


def test_H14_two_panels_in_one_room_never_overlap():
    for second, room, kept in (("09:40", "Room 1", True), ("09:20", "Room 1", False)):
        t = Tiny(_event(panels=[_fixed("P1", "09:00"), _fixed("P2", second, room)]))
        rules.panel_rooms(t.model, t.event, t.po, t.option)
        assert t.allows(options=[0, 1]) is kept, second
    t = Tiny(_event(panels=[_fixed("P1", "09:00"), _fixed("P2", "09:20", "Room 2")]))
    rules.panel_rooms(t.model, t.event, t.po, t.option)
    assert t.allows(options=[0, 1])


def _capacity_event():
    panel = Panel("P1", "Grids", "Room 1", capacity=2, minutes=20, moderator="A",
                  fixed_start=at("09:00"))  # fmt: skip
    return _event(panels=[panel], choices=[PanelChoice("B", "P1"), PanelChoice("C", "P1")])


def test_H15_panel_capacity_counts_the_moderator():
    t = Tiny(_capacity_event())
    assert [s.attendee for s in t.po.seats] == [1, 2]  # B and C could sit
    rules.panel_capacity(t.model, t.event, t.po, t.seat)
    assert t.allows(options=[0], seats=[0])
    t = Tiny(_capacity_event())
    rules.panel_capacity(t.model, t.event, t.po, t.seat)
    assert not t.allows(options=[0], seats=[0, 1])


def test_H16_a_seat_only_where_the_panel_runs():
    t = Tiny(_event(panels=[_free_panel()], choices=[PanelChoice("B", "P1")]))
    rules.panel_members(t.model, t.po, t.option, t.seat)
    assert t.allows(options=[0], seats=[0])
    t = Tiny(_event(panels=[_free_panel()], choices=[PanelChoice("B", "P1")]))
    rules.panel_members(t.model, t.po, t.option, t.seat)
    assert not t.allows(options=[0], seats=[1])  # seat 1 is B at the 09:20 option


def test_H16_seats_only_for_choosers_and_the_moderator_at_every_option():
    panel = dataclasses.replace(_free_panel(), moderator="A")
    away = [Away("A", at("09:20"), at("09:40"))]
    _, _, po = _parts(_event(panels=[panel], choices=[PanelChoice("B", "P1")], unavailability=away))
    assert [o.start for o in po.options] == [at("09:00"), at("09:40")]  # A away at 09:20
    assert {s.attendee for s in po.seats} == {1}  # B chose it; C, D did not; A moderates
    assert po.moderator == (0,)


# ---------------------------------------------------------------- option rules


def _slots_of(mo, a, b):
    rows = mo.rows
    pairs = [mo.pairs[int(p)] for p in rows["pair"]]
    return sorted(int(s) for p, s in zip(pairs, rows["slot"], strict=True) if p == (a, b))


def test_H2_present_no_option_while_away_or_outside_ones_sessions():
    people = [person("A", sessions=("S2",)), "B", "C", "D"]
    away = [Away("C", at("13:00"), at("13:20"))]
    _, mo, _ = _parts(_event(people, unavailability=away))
    assert _slots_of(mo, "A", "B") == [3, 4, 5]
    assert _slots_of(mo, "C", "D") == [0, 1, 2, 4, 5]
    assert _slots_of(mo, "A", "C") == [4, 5]


def test_H3_registered_no_option_for_a_cancelled_attendee():
    _, mo, _ = _parts(_event([person("A", cancelled=True), "B", "C", "D"]))
    assert _slots_of(mo, "A", "B") == [] and _slots_of(mo, "A", "C") == []
    assert _slots_of(mo, "C", "D") == [0, 1, 2, 3, 4, 5]


def test_H4_options_are_slots_and_a_pin_off_the_slots_is_refused():
    event = _event(pins=[Pin("A", "B", at("09:10"), row=2)])
    av = availability(event)
    mo, problems = meeting_options(event, av)
    assert set(mo.rows["slot"]) <= set(range(len(event.slots)))
    when = f"{at('09:10'):%Y-%m-%d %H:%M}"
    assert problems == [f"Pinned row 2: A and B at {when}: that is not the start of a meeting slot"]


def test_H6_tables_only_where_they_stand():
    _, mo, _ = _parts(_event(tables=[Table("T1", "Hall", sessions=("S2",))]))
    assert _slots_of(mo, "A", "B") == [3, 4, 5]


def test_H7_hosts_at_their_own_table_and_two_hosts_never_meet():
    hosts = [person("A", host_table="T2"), "B", person("C", host_table="T3"), "D"]
    tables = [Table("T1", "Hall"), Table("T2", "Hall"), Table("T3", "Hall")]
    av, mo, _ = _parts(_event(hosts, tables=tables))
    rows = mo.rows
    by_pair = {mo.pairs[int(p)]: int(t) for p, t in zip(rows["pair"], rows["tclass"], strict=True)}
    assert by_pair[("A", "B")] == av.table_index["T2"]
    assert by_pair[("C", "D")] == av.table_index["T3"]
    assert ("A", "C") not in by_pair  # two hosts
    assert list(av.pool_tables_per_slot) == [1] * 6  # host tables are not in the pool
    assert POOL not in set(rows["tclass"])


def test_H9_only_requested_undeclined_pairs_in_their_sessions():
    reqs = [
        Request("A", "B"),
        Request("C", "D"),
        Request("D", "C", status=DECLINED),
        Request("A", "C", sessions=("S2",)),
    ]
    _, mo, _ = _parts(_event(requests=reqs))
    assert set(mo.pairs) == {("A", "B"), ("A", "C")}
    assert _slots_of(mo, "A", "C") == [3, 4, 5]
    _, mo, _ = _parts(_with({"mutual_only": True}, requests=[*reqs, Request("B", "A")]))
    assert set(mo.pairs) == {("A", "B")}


# ---------------------------------------------------------------- both phases, same rules


def test_both_phases_state_the_rules_with_the_same_functions(monkeypatch):
    event = _with({"max_consecutive": 2})
    av, mo, po = _parts(event)
    called: list[tuple[str, int]] = []
    for name in ("one_place", "one_per_table", "pair_once", "max_consecutive"):
        real = getattr(rules, name)

        def spy(m, *args, _real=real, _name=name, **kw):
            called.append((_name, len(m.lits)))
            return _real(m, *args, **kw)

        monkeypatch.setattr(rules, name, spy)
    build_model(Prepared(event, av, mo, po))
    phase1 = sorted(called)
    called.clear()
    t = Tiny(event)
    chosen = (t.row("A", "B", 0), t.row("C", "D", 1))
    CompactModel(Prepared(event, av, mo, po), Choice(chosen, (), ()))
    assert {n for n, _ in phase1} == {n for n, _ in called} == {
        "one_place", "one_per_table", "pair_once", "max_consecutive"
    }  # fmt: skip
    assert all(k == len(mo.rows) for _, k in phase1)
    assert all(0 < k < len(mo.rows) for _, k in called)  # only the chosen pairs' slots


def _phase2_allows(event, chosen, timing) -> bool:
    t = Tiny(event)
    rows = [t.row(*x) for x in chosen]
    phase = CompactModel(Prepared(event, t.av, t.mo, t.po), Choice(tuple(sorted(rows)), (), ()))
    on = {t.row(*x) for x in timing}
    for r, lit in phase.lit.items():
        phase.model.add(lit == int(r in on))
    status = cp_model.CpSolver().solve(phase.model)
    return status in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def test_phase2_rejects_a_timing_that_breaks_H5_or_H1():
    event = _event()  # one table
    chosen = [("A", "B", 0), ("C", "D", 1)]
    assert _phase2_allows(event, chosen, [("A", "B", 2), ("C", "D", 0)])
    assert not _phase2_allows(event, chosen, [("A", "B", 2), ("C", "D", 2)])  # H5
    two_tables = _event(tables=[Table("T1", "Hall"), Table("T2", "Hall")])
    chosen = [("A", "B", 0), ("A", "C", 1)]
    assert _phase2_allows(two_tables, chosen, [("A", "B", 1), ("A", "C", 0)])
    assert not _phase2_allows(two_tables, chosen, [("A", "B", 1), ("A", "C", 1)])  # H1
