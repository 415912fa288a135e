"""Optimiser on tiny events whose optimum is known: meetings, priorities, fairness, compactness."""

from __future__ import annotations

import datetime as dt

from models.solve import solve
from tests.helpers.events import (
    DAY,
    assert_checked,
    make_event,
    meetings_of,
    met,
    people,
    session_rows,
    wants,
)

ALL_PAIRS = [("A", "B"), ("A", "C"), ("A", "D"), ("B", "C"), ("B", "D"), ("C", "D")]


def test_one_table_caps_meetings_per_slot(tmp_path):
    event = make_event(tmp_path, attendees=people("A", "B", "C", "D"), requests=wants(*ALL_PAIRS))
    schedule = solve(event, time_limit=10)
    assert len(schedule.meetings) == 3
    assert schedule.stats.status == "OPTIMAL"
    assert_checked(event, schedule, tmp_path)


def test_two_tables_let_everyone_meet_everyone_in_three_rounds(tmp_path):
    event = make_event(
        tmp_path, attendees=people("A", "B", "C", "D"), requests=wants(*ALL_PAIRS), tables=2
    )
    schedule = solve(event, time_limit=10)
    assert met(schedule) == set(ALL_PAIRS)
    assert [m.slot for m in schedule.meetings] == sorted(m.slot for m in schedule.meetings)
    assert_checked(event, schedule, tmp_path)


def test_priority_decides_which_pair_gets_the_only_slot(tmp_path):
    one_slot = session_rows(("S1", "09:00", "09:20"))
    event = make_event(
        tmp_path,
        attendees=people("A", "B", "C"),
        requests=wants(("A", "C", 2), ("A", "B", 5)),
        sessions=one_slot,
    )
    schedule = solve(event, time_limit=10)
    assert met(schedule) == {("A", "B")}
    assert_checked(event, schedule, tmp_path)


def test_mutual_interest_beats_one_sided_of_equal_priority(tmp_path):
    one_slot = session_rows(("S1", "09:00", "09:20"))
    event = make_event(
        tmp_path,
        attendees=people("A", "B", "C"),
        requests=wants(("A", "B", 4), ("C", "A", 4), ("A", "C", 4)),
        sessions=one_slot,
    )
    schedule = solve(event, time_limit=10)
    assert met(schedule) == {("A", "C")}


def test_fairness_gives_a_first_meeting_before_a_second(tmp_path):
    # Two slots, one table. A-B + A-C is worth more in priorities (3 + 3 > 3 + 2), but
    # D and E would then have nothing: fairness makes D-E meet instead of A's second.
    two_slots = session_rows(("S1", "09:00", "09:40"))
    event = make_event(
        tmp_path,
        attendees=people("A", "B", "C", "D", "E"),
        requests=wants(("A", "B", 3), ("A", "C", 3), ("D", "E", 2)),
        sessions=two_slots,
    )
    schedule = solve(event, time_limit=10)
    assert len(schedule.meetings) == 2 and ("D", "E") in met(schedule)
    assert_checked(event, schedule, tmp_path)


def test_days_are_compact_no_breaks_when_avoidable(tmp_path):
    # Five slots; B is there only for the first one. A meets B and C: C should come right
    # after B (no idle slot for A), not anywhere later.
    five = session_rows(("S1", "09:00", "10:40"))
    event = make_event(
        tmp_path,
        attendees=people("A", "B", "C"),
        requests=wants(("A", "B"), ("A", "C")),
        sessions=five,
        tables=2,
        unavailable=[{"attendee": "B", "date": DAY, "from": dt.time(9, 20), "to": dt.time(10, 40)}],
    )
    schedule = solve(event, time_limit=10)
    assert sorted(m.slot for m in meetings_of(schedule, "A")) == [0, 1]
    assert_checked(event, schedule, tmp_path)


def test_compactness_across_sessions_of_one_day(tmp_path):
    # Two sessions with lunch between; A meets B (only there in the morning's last slot)
    # and C: the afternoon's first slot is adjacent in the day's order, so no break.
    sessions = session_rows(("AM", "11:20", "12:00"), ("PM", "13:00", "13:40"))
    event = make_event(
        tmp_path,
        attendees=people("A", "B", "C", **{"B": {"sessions": "AM"}, "C": {"sessions": "PM"}}),
        requests=wants(("A", "B"), ("A", "C")),
        sessions=sessions,
        tables=2,
    )
    schedule = solve(event, time_limit=10)
    assert sorted(m.slot for m in meetings_of(schedule, "A")) == [1, 2]


def test_declined_and_cancelled_never_meet(tmp_path):
    event = make_event(
        tmp_path,
        attendees=people("A", "B", "C", "D", **{"D": {"status": "cancelled"}}),
        requests=wants(("A", "B", 5, "declined"), ("A", "C", 1), ("A", "D", 5)),
        tables=2,
    )
    schedule = solve(event, time_limit=10)
    assert met(schedule) == {("A", "C")}
    assert_checked(event, schedule, tmp_path)


def test_pair_sessions_restrict_when_they_meet(tmp_path):
    sessions = session_rows(("AM", "09:00", "09:40"), ("PM", "14:00", "14:40"))
    requests = wants(("A", "B"))
    requests[0]["sessions"] = "PM"
    event = make_event(tmp_path, attendees=people("A", "B"), requests=requests, sessions=sessions)
    schedule = solve(event, time_limit=10)
    assert [event.slots[m.slot].session for m in schedule.meetings] == ["PM"]
