"""Why a pair did not meet: each reason produced by a registration that causes it."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook

from models.domain import Meeting, Schedule
from scheduler.exports.folder import write_outputs
from scheduler.exports.schedule.unscheduled_reasons import (
    CANCELLED,
    CAP_REACHED,
    DECLINED,
    LOWER_PRIORITY,
    NO_COMMON_SLOT,
    NO_SLOT_LEFT,
    NOT_MUTUAL,
    NOT_PLACED,
    TOO_MANY_IN_A_ROW,
    unscheduled_pairs,
)
from tests.helpers.outputs import demo_event

DAY = dt.date(2024, 6, 3)


def sheets(attendees: list[dict], requests: list[dict], **extra) -> dict[str, list[dict]]:
    """Sessions S1 09:00-10:00 (slots 0-2) and S2 11:00-12:00 (slots 3-5), tables T1, T2."""
    people = []
    for row in attendees:
        row = dict(row)
        row.setdefault("name", f"Name {row['id']}")
        row.setdefault("organisation", f"Org {row['id']}")
        people.append(row)
    result = {
        "Event": [{"key": "name", "value": "Reasons"}] + extra.pop("event", []),
        "Sessions": [
            {
                "session": "S1",
                "date": DAY,
                "start": dt.time(9),
                "end": dt.time(10),
                "slot_minutes": 20,
            },
            {
                "session": "S2",
                "date": DAY,
                "start": dt.time(11),
                "end": dt.time(12),
                "slot_minutes": 20,
            },
        ],
        "Attendees": people,
        "Requests": requests,
        "Tables": extra.pop(
            "tables", [{"table": "T1", "room": "Hall"}, {"table": "T2", "room": "Hall"}]
        ),
    }
    result.update(extra)
    return result


def ask(a: str, b: str, **more) -> dict:
    return {"from": a, "to": b, **more}


def reasons(tmp_path, the_sheets, meetings=()) -> dict[tuple[str, str], tuple[str, str]]:
    event, _ = demo_event(tmp_path, the_sheets)
    schedule = Schedule(
        meetings=tuple(Meeting(a, b, slot, table) for a, b, slot, table in meetings)
    )
    return {(u.a, u.b): (u.reason, u.details) for u in unscheduled_pairs(event, schedule)}


def test_declined_and_cancelled(tmp_path):
    got = reasons(
        tmp_path,
        sheets(
            [{"id": "P1"}, {"id": "P2"}, {"id": "P3", "name": "Carl Gone", "status": "cancelled"}],
            [ask("P1", "P2", status="declined"), ask("P1", "P3")],
        ),
    )
    assert got[("P1", "P2")][0] == DECLINED
    assert got[("P1", "P3")] == (CANCELLED, "Carl Gone (P3) cancelled")


def test_not_mutual_only_when_mutual_only_is_set(tmp_path):
    got = reasons(
        tmp_path,
        sheets(
            [{"id": f"P{i}"} for i in range(1, 5)],
            [ask("P1", "P2"), ask("P3", "P4"), ask("P4", "P3")],
            event=[{"key": "mutual_only", "value": "yes"}],
        ),
    )
    assert got[("P1", "P2")][0] == NOT_MUTUAL
    assert got[("P3", "P4")][0] == NOT_PLACED


def test_no_common_free_slot_says_what_is_missing(tmp_path):
    got = reasons(
        tmp_path,
        sheets(
            [
                {"id": "P1", "sessions": "S1"},
                {"id": "P2", "sessions": "S2"},
                {"id": "P3"},
                {"id": "P4", "sessions": "S1"},
                {"id": "P5"},
                {"id": "P6"},
                {"id": "P7", "sessions": "S2"},
                {"id": "P8", "sessions": "S2"},
                {"id": "P9", "host_table": "T3", "sessions": "S1"},
                {"id": "P10", "host_table": "T4", "sessions": "S1"},
            ],
            [
                ask("P1", "P2"),
                ask("P3", "P4", sessions="S2"),
                ask("P5", "P6"),
                ask("P7", "P8"),
                ask("P9", "P10"),
            ],
            Unavailable=[{"attendee": "P6", "date": DAY, "from": dt.time(8), "to": dt.time(12)}],
            tables=[
                {"table": "T1", "room": "Hall", "sessions": "S1"},
                {"table": "T3", "room": "Hall"},
                {"table": "T4", "room": "Hall"},
            ],
        ),
    )
    assert got[("P1", "P2")] == (
        NO_COMMON_SLOT,
        "Name P1 (P1) and Name P2 (P2) attend no session in common",
    )
    assert got[("P3", "P4")][0] == NO_COMMON_SLOT and "only sessions S2" in got[("P3", "P4")][1]
    assert got[("P5", "P6")][0] == NO_COMMON_SLOT and "away" in got[("P5", "P6")][1]
    assert got[("P7", "P8")] == (NO_COMMON_SLOT, "no table is in use when both are there")
    assert got[("P9", "P10")] == (NO_COMMON_SLOT, "both host at their own tables (T3, T4)")


def test_cap_names_who_reached_it(tmp_path):
    got = reasons(
        tmp_path,
        sheets(
            [{"id": "P1", "max_meetings": 1}, {"id": "P2"}, {"id": "P3"}],
            [ask("P1", "P2"), ask("P1", "P3")],
        ),
        meetings=[("P1", "P2", 0, "T1")],
    )
    assert got == {("P1", "P3"): (CAP_REACHED, "Name P1 (P1) has 1 meeting, the cap is 1")}


def test_no_common_free_slot_left_when_other_meetings_fill_them(tmp_path):
    got = reasons(
        tmp_path,
        sheets(
            [
                {"id": "P1"},
                {"id": "P2"},
                {"id": "P3"},
                {"id": "P4", "sessions": "S1"},
                {"id": "P5"},
            ],
            [ask("P1", "P2"), ask("P1", "P3"), ask("P4", "P5"), ask("P1", "P4")],
        ),
        meetings=[("P1", "P2", 0, "T1"), ("P1", "P3", 1, "T1"), ("P4", "P5", 2, "T1")],
    )
    reason, details = got[("P1", "P4")]
    assert reason == NO_SLOT_LEFT
    assert "all 3 slots" in details and "Name P1 (P1) is busy at 2" in details


def test_max_consecutive_blocks_the_only_free_slot(tmp_path):
    got = reasons(
        tmp_path,
        sheets(
            [{"id": "P1"}, {"id": "P2"}, {"id": "P3"}, {"id": "P4", "sessions": "S1"}],
            [ask("P1", "P2"), ask("P1", "P3"), ask("P1", "P4")],
            event=[{"key": "max_consecutive", "value": 2}],
        ),
        meetings=[("P1", "P2", 0, "T1"), ("P1", "P3", 2, "T1")],
    )
    assert got[("P1", "P4")] == (
        TOO_MANY_IN_A_ROW,
        "at the one slot both are free, Name P1 (P1) would have more than 2 meetings in a row",
    )


def test_taken_tables_mean_lower_priority_and_a_free_table_means_not_placed(tmp_path):
    people = [{"id": f"P{i}"} for i in range(1, 7)]
    people[3]["sessions"] = "S1"  # P4
    requests = [ask("P1", "P2"), ask("P5", "P6"), ask("P2", "P3"), ask("P1", "P4")]
    one_table = sheets(people, requests, tables=[{"table": "T1", "room": "Hall"}])
    busy = [("P1", "P2", 0, "T1"), ("P5", "P6", 1, "T1")]
    got = reasons(tmp_path / "full", one_table, meetings=busy + [("P2", "P3", 2, "T1")])
    assert got[("P1", "P4")] == (
        LOWER_PRIORITY,
        "at each of the 2 slots both were free, every table was taken",
    )
    got = reasons(tmp_path / "free", one_table, meetings=busy)
    reason, details = got[("P1", "P4")]
    assert reason == NOT_PLACED and "2024-06-03 09:40" in details


def test_unscheduled_sheet_lists_pairs_with_names_and_reasons(tmp_path):
    the_sheets = sheets(
        [{"id": "P1", "name": "Ann"}, {"id": "P2", "name": "=cmd|' /C calc'!A0"}, {"id": "P3"}],
        [ask("P1", "P2", priority=5), ask("P3", "P1", status="declined")],
    )
    event, input_path = demo_event(tmp_path, the_sheets)
    out = write_outputs(tmp_path / "out", event, Schedule(), input_path=input_path)
    ws = load_workbook(out / "schedule.xlsx")["Unscheduled"]
    header = [c.value for c in ws[1]]
    assert header[:5] == ["a", "b", "priority", "mutual", "reason"]
    rows = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert [(r["a"], r["b"], r["priority"], r["mutual"], r["reason"]) for r in rows] == [
        ("P1", "P2", 5, "no", NOT_PLACED),
        ("P1", "P3", 3, "no", DECLINED),
    ]
    assert rows[0]["b_name"] == "=cmd|' /C calc'!A0"
    assert ws.cell(row=2, column=header.index("b_name") + 1).data_type == "s"
