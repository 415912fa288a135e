"""The greedy baseline: what a simple platform would book, and never a broken hard rule."""

from __future__ import annotations

import datetime as dt

import pytest

from benchmarks.generate_event import generate
from benchmarks.greedy_baseline import greedy_schedule
from scheduler.registration.write import write_registration

read_workbook = pytest.importorskip("scheduler.registration.read").read_workbook
DAY = dt.date(2026, 3, 10)


def _event(tmp_path, *, requests, attendees="ABCD", slots=3, tables=1, event=(), **sheets):
    end = (dt.datetime.combine(DAY, dt.time(9)) + dt.timedelta(minutes=20 * slots)).time()
    rows = {
        "Event": [{"key": k, "value": v} for k, v in (("name", "Test day"), *event)],
        "Sessions": [
            {"session": "AM", "date": DAY, "start": dt.time(9), "end": end, "slot_minutes": 20}
        ],
        "Attendees": [
            {"id": a, "name": f"Person {a}", "organisation": f"Org {a}"}
            if isinstance(a, str)
            else a
            for a in attendees
        ],
        "Requests": [
            {"from": r[0], "to": r[1], "priority": r[2], "status": r[3] if len(r) > 3 else None}
            for r in requests
        ],
        "Tables": [{"table": f"T{k + 1}", "room": "Hall"} for k in range(tables)],
        **sheets,
    }
    result = read_workbook(write_registration(tmp_path / "in.xlsx", rows))
    assert not result.errors, [str(p) for p in result.errors]
    return result.event


def _booked(schedule):
    return {(m.a, m.b, m.slot, m.table) for m in schedule.meetings}


def test_priority_first_then_request_order_each_in_its_earliest_slot(tmp_path):
    event = _event(
        tmp_path,
        slots=2,
        requests=[("A", "B", 2), ("A", "C", 5), ("B", "C", 5), ("C", "D", 5)],
        tables=2,
    )
    # A-C first (priority 5, earlier row), B-C next (C busy at 0), then C-D finds no slot,
    # then A-B (priority 2) finds A busy at 0 and B busy at 1.
    assert _booked(greedy_schedule(event)) == {("A", "C", 0, "T1"), ("B", "C", 1, "T1")}


def test_caps_and_the_back_to_back_limit_hold(tmp_path):
    attendees = [
        "A",
        "B",
        "C",
        "D",
        {"id": "E", "name": "E", "organisation": "E", "max_meetings": 1},
    ]
    event = _event(
        tmp_path,
        attendees=attendees,
        slots=3,
        tables=3,
        event=[("max_consecutive", 2)],
        requests=[("A", "B", 5), ("A", "C", 5), ("A", "D", 5), ("E", "B", 4), ("E", "C", 4)],
    )
    booked = _booked(greedy_schedule(event))
    # A meets B at 0 and C at 1; a third in a row is not allowed, and there is no 4th slot.
    assert ("A", "B", 0, "T1") in booked and ("A", "C", 1, "T1") in booked
    assert not any(m[:2] == ("A", "D") for m in booked)
    # E's cap is 1: E-B (first in row order) happens, E-C does not.
    assert sum(1 for m in booked if "E" in m[:2]) == 1


def test_mutual_only_declined_and_host_tables(tmp_path):
    attendees = [
        {"id": "H", "name": "Host", "organisation": "Fund", "host_table": "T2"},
        "A",
        "B",
        "C",
    ]
    event = _event(
        tmp_path,
        attendees=attendees,
        tables=2,
        event=[("mutual_only", "yes")],
        requests=[
            ("A", "H", 5, "accepted"),  # mutual by acceptance
            ("B", "C", 5),
            ("C", "B", 3),  # mutual: both asked
            ("A", "B", 5),  # one-sided: not under mutual_only
            ("C", "H", 5, "declined"),
        ],
    )
    booked = _booked(greedy_schedule(event))
    assert booked == {("H", "A", 0, "T2"), ("B", "C", 0, "T1")}


def test_pins_come_first_and_panels_seat_by_choice_order(tmp_path):
    event = _event(
        tmp_path,
        tables=1,
        requests=[("A", "B", 5), ("C", "D", 5)],
        Pinned=[{"a": "C", "b": "D", "date": DAY, "start": dt.time(9, 0), "table": None}],
        Panels=[
            {
                "panel": "P1",
                "title": "Funding",
                "room": "Room 1",
                "capacity": 2,
                "minutes": 20,
                "moderator": "A",
            }
        ],
        PanelChoices=[
            {"attendee": "B", "panel": "P1", "priority": 3},
            {"attendee": "C", "panel": "P1", "priority": 5},
        ],
    )
    schedule = greedy_schedule(event)
    pin = next(m for m in schedule.meetings if m.origin == "pinned")
    assert {pin.a, pin.b} == {"C", "D"} and pin.slot == 0
    # The panel takes the first slot where its room and moderator are free: 09:00, with B
    # (first chooser) filling the last seat. A and B then meet in the next free slot.
    (run,) = schedule.panels
    assert run.start == dt.datetime.combine(DAY, dt.time(9)) and run.members == ("A", "B")
    assert ("A", "B", 1, "T1") in _booked(schedule)


def test_generated_s_event_gets_a_valid_schedule(tmp_path):
    from scheduler.check import check_workbook
    from scheduler.exports.schedule.meetings_panels import write_schedule

    result = read_workbook(write_registration(tmp_path / "s.xlsx", generate("S", seed=1)))
    event = result.event
    schedule = greedy_schedule(event)

    report = check_workbook(event, write_schedule(tmp_path / "out.xlsx", event, schedule))
    assert report.ok, [str(v) for v in report.violations[:5]]
    assert len(schedule.meetings) > len(event.candidates) // 2
    assert {(m.a, m.b) for m in schedule.meetings if m.origin == "pinned"} == {
        event.pair_of(p.a, p.b).key for p in event.pins
    }
    assert schedule.panels and all(len(run.members) > 1 for run in schedule.panels)
