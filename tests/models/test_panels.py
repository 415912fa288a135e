"""Optimiser on tiny events with panels: seats by choice, moderators, rooms, fixed or free."""

from __future__ import annotations

import datetime as dt

from models.solve import solve
from tests.helpers.events import DAY, assert_checked, at, make_event, met, people, wants


def panel(pid, *, minutes=40, capacity=3, moderator=None, start=None, room="Room 1"):
    row = {"panel": pid, "title": f"Panel {pid}", "room": room, "capacity": capacity}
    row |= {"minutes": minutes, "moderator": moderator}
    if start:
        row |= {"date": DAY, "start": dt.time.fromisoformat(start)}
    return row


def choice(who, pid, priority=3):
    return {"attendee": who, "panel": pid, "priority": priority}


def test_fixed_panel_seats_by_priority_and_meetings_around_it(tmp_path):
    event = make_event(
        tmp_path,
        attendees=people("A", "B", "C", "D", "E"),
        requests=wants(("A", "E", 5)),
        panels=[panel("P1", moderator="A", start="09:00")],
        choices=[choice("D", "P1", 1), choice("B", "P1", 5), choice("C", "P1", 4)],
    )
    schedule = solve(event, time_limit=10)
    [run] = schedule.panels
    assert (run.start, run.end, run.members) == (at("09:00"), at("09:40"), ("A", "B", "C"))
    assert [(m.a, m.b, m.slot) for m in schedule.meetings] == [("A", "E", 2)]
    assert_checked(event, schedule, tmp_path)


def test_free_panel_avoids_pins_and_the_room_of_a_fixed_panel(tmp_path):
    event = make_event(
        tmp_path,
        attendees=people("A", "B", "C"),
        requests=wants(("A", "B")),
        panels=[panel("P1", minutes=20, start="09:20"), panel("P2", minutes=20, moderator="A")],
        pins=[{"a": "A", "b": "B", "date": DAY, "start": dt.time(9, 0)}],
    )
    schedule = solve(event, time_limit=10)
    starts = {r.panel: r.start for r in schedule.panels}
    assert starts == {"P1": at("09:20"), "P2": at("09:40")}
    assert_checked(event, schedule, tmp_path)


def test_panel_without_moderator_runs_with_choosers_who_are_there_throughout(tmp_path):
    event = make_event(
        tmp_path,
        attendees=people("A", "B", "C"),
        requests=wants(("A", "B", 1)),
        panels=[panel("P1", minutes=60, start="09:00")],
        choices=[choice("A", "P1", 5), choice("C", "P1")],
        unavailable=[{"attendee": "C", "date": DAY, "from": dt.time(9, 50), "to": dt.time(11)}],
    )
    schedule = solve(event, time_limit=10)
    [run] = schedule.panels
    assert run.members == ("A",)
    assert met(schedule) == set()  # A is in the panel for the whole hour
    assert_checked(event, schedule, tmp_path)


def test_panel_seat_and_meeting_trade_by_value(tmp_path):
    # One 20-minute slot: B chose the panel at priority 5 and A asks B at priority 1; the
    # seat (5 x 120) is worth more than the meeting (1 x 60 plus 2 x 240 fairness).
    event = make_event(
        tmp_path,
        attendees=people("A", "B", "M"),
        requests=wants(("A", "B", 1)),
        sessions=[
            {
                "session": "S1",
                "date": DAY,
                "start": dt.time(9),
                "end": dt.time(9, 20),
                "slot_minutes": 20,
            }
        ],
        panels=[panel("P1", minutes=20, moderator="M")],
        choices=[choice("B", "P1", 5)],
    )
    schedule = solve(event, time_limit=10)
    assert schedule.panels[0].members == ("M", "B") and not schedule.meetings
