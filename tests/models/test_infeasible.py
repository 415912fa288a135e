"""When pins and panels cannot all hold, `Infeasible` names the smallest clashing set."""

from __future__ import annotations

from dataclasses import replace

import pytest

from models.domain import Panel, Pin
from models.solve import Infeasible, solve
from tests.helpers.events import at, make_event, people, wants


@pytest.fixture
def event(tmp_path):
    return make_event(
        tmp_path,
        attendees=people("A", "B", "C", "D", "E", "F"),
        requests=wants(("A", "B"), ("C", "D"), ("E", "F")),
        tables=2,
    )


def test_two_pins_double_booking_one_attendee_are_named(event):
    pins = (
        Pin("E", "F", at("09:00"), row=2),
        Pin("A", "B", at("09:20"), row=3),
        Pin("A", "C", at("09:20"), row=4),
    )
    with pytest.raises(Infeasible) as err:
        solve(replace(event, pins=pins), time_limit=10)
    assert err.value.conflicts == (
        "Pinned row 3: A and B at 2027-03-16 09:20",
        "Pinned row 4: A and C at 2027-03-16 09:20",
    )


def test_more_pins_than_tables_in_a_slot(event):
    pins = tuple(Pin(a, b, at("09:40"), row=r) for r, (a, b) in enumerate(["AB", "CD", "EF"], 2))
    with pytest.raises(Infeasible) as err:
        solve(replace(event, pins=pins), time_limit=10)
    assert len(err.value.conflicts) == 3


def test_a_pin_against_a_fixed_panel_of_its_moderator(event):
    panel = Panel("P1", "Title", "Room 1", 4, 40, moderator="A", fixed_start=at("09:00"), row=2)
    pins = (Pin("A", "B", at("09:20"), row=5), Pin("C", "D", at("09:20"), row=6))
    with pytest.raises(Infeasible) as err:
        solve(replace(event, pins=pins, panels=(panel,)), time_limit=10)
    assert err.value.conflicts == (
        "Pinned row 5: A and B at 2027-03-16 09:20",
        "Panels row 2: panel P1 fixed at 2027-03-16 09:00 with moderator A",
    )


def test_free_panels_that_cannot_all_fit_their_room(event):
    panels = tuple(
        Panel(f"P{i}", "Title", "Room 1", 4, 40, sessions=("S1",), row=i + 1) for i in (1, 2)
    )
    with pytest.raises(Infeasible) as err:
        solve(replace(event, panels=panels), time_limit=10)
    assert err.value.conflicts == (
        "Panels row 2: panel P1 must be placed",
        "Panels row 3: panel P2 must be placed",
    )


def test_items_impossible_on_their_own_are_all_listed(event):
    away = replace(event.attendee["B"], sessions=())
    attendees = tuple(away if a.id == "B" else a for a in event.attendees)
    panel = Panel("P1", "Title", "", 4, 90, moderator="C", sessions=("S1",), row=2)
    with pytest.raises(Infeasible) as err:
        solve(
            replace(
                event,
                attendees=attendees,
                pins=(Pin("A", "B", at("09:00"), row=7),),
                panels=(panel,),
            ),
            time_limit=10,
        )
    assert err.value.conflicts == (
        "Pinned row 7: A and B at 2027-03-16 09:00: B not present then",
        "Panels row 2: panel P1 must be placed with moderator C: it fits in none of its sessions",
    )


def test_a_feasible_pin_set_solves(event):
    pins = (Pin("B", "A", at("09:00"), table="T2", row=2),)
    schedule = solve(replace(event, pins=pins), time_limit=10)
    assert ("A", "B", 0, "T2", "pinned") in {
        (m.a, m.b, m.slot, m.table, m.origin) for m in schedule.meetings
    }
