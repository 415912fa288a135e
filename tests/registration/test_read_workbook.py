"""Reading a valid registration workbook into the domain types."""

from __future__ import annotations

import datetime as dt

from models.domain import ACCEPTED, DECLINED, PENDING
from scheduler.registration.read import read_workbook

DAY = dt.date(2013, 2, 27)


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time(hour, minute))


def read_ok(path):
    result = read_workbook(path)
    assert result.errors == (), [str(p) for p in result.errors]
    return result.event


def test_the_valid_example_reads_without_problems(valid_sheets, write_workbook):
    result = read_workbook(write_workbook(valid_sheets))
    assert [str(p) for p in result.problems] == []
    event = result.event
    assert event.settings.name == "BioMatch"
    assert event.settings.timezone == "Europe/Berlin"
    assert event.settings.mutual_only is False
    assert [a.id for a in event.attendees] == ["A-1", "A-2", "A-3", "A-4"]
    assert [a.row for a in event.attendees] == [2, 3, 4, 5]
    assert event.attendee["A-4"].host_table == "T2"
    assert event.attendee["A-1"].sessions == ("D1-AM", "D1-PM")
    assert [t.id for t in event.tables] == ["T1", "T2"]
    assert event.panels[0].moderator == "A-3"
    assert event.panels[0].fixed_start is None
    assert event.panels[0].sessions == ("D1-AM", "D1-PM")
    assert [(c.attendee, c.panel, c.priority) for c in event.panel_choices] == [("A-1", "P1", 4)]


def test_slots_follow_the_contract_formula_and_are_numbered_in_time_order(
    valid_sheets, write_workbook
):
    # The afternoon session comes first in the sheet; slot numbers still follow time.
    valid_sheets["Sessions"].reverse()
    event = read_ok(write_workbook(valid_sheets))
    assert [s.id for s in event.sessions] == ["D1-AM", "D1-PM"]
    assert [(s.index, s.session, s.position, s.start, s.end) for s in event.slots] == [
        (0, "D1-AM", 0, at(9), at(9, 20)),
        (1, "D1-AM", 1, at(9, 20), at(9, 40)),
        (2, "D1-AM", 2, at(9, 40), at(10)),
        (3, "D1-PM", 0, at(14), at(14, 15)),
        (4, "D1-PM", 1, at(14, 20), at(14, 35)),
        (5, "D1-PM", 2, at(14, 40), at(14, 55)),
    ]


def test_pairs_are_derived_from_requests_in_attendee_order(valid_sheets, write_workbook):
    event = read_ok(write_workbook(valid_sheets))
    summary = [
        (p.a, p.b, p.priority, p.weight, p.mutual, p.declined, p.sessions, p.requests)
        for p in event.pairs
    ]
    assert summary == [
        # both directions requested: mutual; priority is the highest, weight the sum
        ("A-1", "A-2", 4, 6, True, False, ("D1-AM", "D1-PM"), 2),
        # one request, accepted: mutual; canonical order a before b even though A-3 asked
        ("A-1", "A-3", 5, 5, True, False, ("D1-AM", "D1-PM"), 1),
        # one pending request limited to the afternoon
        ("A-2", "A-4", 3, 3, False, False, ("D1-PM",), 1),
    ]
    assert [r.status for r in event.requests] == [PENDING, PENDING, ACCEPTED, PENDING]


def test_declined_pair_is_linked_but_not_a_candidate(valid_sheets, write_workbook):
    valid_sheets["Requests"].append({"from": "A-3", "to": "A-2", "status": "Declined"})
    valid_sheets["Requests"].append({"from": "A-2", "to": "A-3", "priority": 5})
    event = read_ok(write_workbook(valid_sheets))
    pair = event.pair_of("A-3", "A-2")
    assert (pair.a, pair.b, pair.declined, pair.mutual, pair.priority) == (
        "A-2",
        "A-3",
        True,
        True,
        5,
    )
    assert event.requests[4].status == DECLINED
    assert pair not in event.candidates
    assert len(event.candidates) == 3


def test_pair_sessions_are_the_intersection_of_its_requests_lists(valid_sheets, write_workbook):
    valid_sheets["Sessions"].append(
        {
            "session": "D2",
            "date": DAY + dt.timedelta(days=1),
            "start": dt.time(9),
            "end": dt.time(10),
            "slot_minutes": 30,
        }
    )
    valid_sheets["Requests"][0]["sessions"] = "D2, D1-PM"
    valid_sheets["Requests"][1]["sessions"] = "D1-AM,D1-PM;D2"
    event = read_ok(write_workbook(valid_sheets))
    assert event.pair["A-1", "A-2"].sessions == ("D1-PM", "D2")
    assert event.pair["A-1", "A-3"].sessions == ("D1-AM", "D1-PM", "D2")
    assert event.requests[0].sessions == ("D1-PM", "D2")  # resolved into time order
    assert event.requests[2].sessions is None


def test_meeting_caps_resolve_to_own_value_else_event_default(valid_sheets, write_workbook):
    valid_sheets["Event"].append({"key": "max_meetings", "value": 6})
    valid_sheets["Event"].append({"key": "Max Consecutive", "value": "3"})
    valid_sheets["Event"].append({"key": "mutual_only", "value": "Y"})
    valid_sheets["Attendees"][0]["max_meetings"] = 2
    valid_sheets["Attendees"][0]["min_meetings"] = 1
    event = read_ok(write_workbook(valid_sheets))
    assert event.settings.max_meetings == 6
    assert event.settings.max_consecutive == 3
    assert event.settings.mutual_only is True
    assert [a.max_meetings for a in event.attendees] == [2, 6, 6, 6]
    assert event.attendee["A-1"].min_meetings == 1


def test_event_sheet_is_optional_and_name_defaults_to_file_name(valid_sheets, write_workbook):
    del valid_sheets["Event"]
    event = read_ok(write_workbook(valid_sheets, name="spring fair.xlsx"))
    assert event.settings.name == "spring fair"
    assert event.settings.timezone == "UTC"


def test_cancelled_attendee_is_kept_and_requests_naming_them_stay_valid(
    valid_sheets, write_workbook
):
    valid_sheets["Attendees"][2]["status"] = "Cancelled"
    valid_sheets["Attendees"][3]["status"] = "canceled"
    valid_sheets["PanelChoices"].append({"attendee": "A-4", "panel": "P1"})
    valid_sheets["Panels"][0]["moderator"] = None
    result = read_workbook(write_workbook(valid_sheets))
    assert result.errors == ()
    event = result.event
    assert [a.cancelled for a in event.attendees] == [False, False, True, True]
    assert event.attendee["A-4"].host_table is None  # a cancelled host frees the table
    assert [(p.a, p.b) for p in event.pairs] == [("A-1", "A-2"), ("A-1", "A-3"), ("A-2", "A-4")]
    assert [(p.a, p.b) for p in event.candidates] == [("A-1", "A-2")]
    assert [c.attendee for c in event.panel_choices] == ["A-1"]
    assert [str(p) for p in result.warnings] == [
        'PanelChoices row 3, column "attendee": "A-4" is cancelled, so this choice is ignored'
    ]


def test_unavailability_fixed_panels_and_pins(valid_sheets, write_workbook):
    valid_sheets["Unavailable"] = [
        {"attendee": "A-2", "date": "27.02.2013", "from": "9:00", "to": "9:20"}
    ]
    valid_sheets["Panels"].append(
        {
            "panel": "P2",
            "title": "Lunch talk",
            "capacity": 10,
            "minutes": 60,
            "date": DAY,
            "start": dt.time(12, 30),
        }
    )
    valid_sheets["Pinned"] = [
        {"a": "A-2", "b": "A-1", "date": DAY, "start": dt.time(9, 20), "table": "T1"},
        {"a": "A-4", "b": "A-3", "date": DAY, "start": "14:20"},
    ]
    event = read_ok(write_workbook(valid_sheets))
    assert [(u.attendee, u.start, u.end, u.row) for u in event.unavailability] == [
        ("A-2", at(9), at(9, 20), 2)
    ]
    assert event.panel["P2"].fixed_start == at(12, 30)
    assert [(p.a, p.b, p.start, p.table, p.row) for p in event.pins] == [
        ("A-2", "A-1", at(9, 20), "T1", 2),
        ("A-4", "A-3", at(14, 20), None, 3),
    ]
