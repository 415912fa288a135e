"""The shipped example event: in step with its generator script, and a sensible event."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.helpers.paths import ROOT

SCRIPT = ROOT / "inputs" / "make_example_event.py"
SHIPPED = ROOT / "inputs" / "example_event.xlsx"
COUNTRIES = {"France", "Germany", "United Kingdom", "Netherlands", "Belgium"}


def load_script():
    spec = importlib.util.spec_from_file_location("make_example_event", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


def cell_values(path: Path) -> dict[str, list[tuple]]:
    wb = load_workbook(path, read_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    finally:
        wb.close()


def records(sheet: list[tuple]) -> list[dict]:
    header, *rows = sheet
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.fixture(scope="module")
def shipped() -> dict[str, list[dict]]:
    return {name: records(rows) for name, rows in cell_values(SHIPPED).items()}


def test_shipped_workbook_is_what_the_script_writes(tmp_path):
    out = tmp_path / "example.xlsx"
    assert load_script().main([str(out)]) == 0
    assert cell_values(out) == cell_values(SHIPPED)


def test_another_seed_gives_another_event():
    # Guards the test above: equality must come from the seed, not from fixed data alone.
    script = load_script()
    assert script.build_sheets(1)["Requests"] != script.build_sheets()["Requests"]


def test_attendees_are_about_eighty_from_five_countries(shipped):
    people = shipped["Attendees"]
    ids = [p["id"] for p in people]
    assert 70 <= len(people) <= 90
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"A-\d{3}", i) for i in ids)
    assert {p["country"] for p in people} == COUNTRIES
    assert {"company", "research", "cluster", "investor"} <= {p["type"] for p in people}
    emails = [p["email"] for p in people]
    assert len(set(emails)) == len(emails)
    assert all(re.fullmatch(r"[a-z0-9.-]+@[a-z0-9-]+\.example", e) for e in emails)
    assert [p["id"] for p in people if p["status"] == "cancelled"] != []
    assert sum(1 for p in people if p["status"] == "cancelled") == 1
    assert sum(1 for p in people if p["sessions"]) >= 3  # some come for half a day
    assert any(p["min_meetings"] for p in people) and any(p["max_meetings"] for p in people)


def test_sessions_tables_and_exhibitors(shipped):
    sessions = shipped["Sessions"]
    assert [s["session"] for s in sessions] == ["D1-AM", "D1-PM"]
    assert {s["date"].date() for s in sessions} == {dt.date(2027, 3, 16)}
    tables = shipped["Tables"]
    assert 15 <= len(tables) <= 20
    assert len({t["room"] for t in tables}) == 2
    hosts = [p["host_table"] for p in shipped["Attendees"] if p["host_table"]]
    assert 3 <= len(hosts) <= 4
    assert len(set(hosts)) == len(hosts)
    assert set(hosts) <= {t["table"] for t in tables}
    event = {row["key"]: row["value"] for row in shipped["Event"]}
    assert event["timezone"] == "Europe/Berlin"
    assert "Stuttgart" in event["venue"]


def test_requests_are_skewed_and_valid(shipped):
    ids = {p["id"] for p in shipped["Attendees"]}
    requests = shipped["Requests"]
    assert 450 <= len(requests) <= 600
    assert all(r["from"] in ids and r["to"] in ids and r["from"] != r["to"] for r in requests)
    directed = [(r["from"], r["to"]) for r in requests]
    assert len(set(directed)) == len(directed)
    assert sum(1 for a, b in directed if (b, a) in set(directed)) >= 4  # mutual both ways
    priorities = Counter(r["priority"] for r in requests)
    assert set(priorities) == {1, 2, 3, 4, 5}
    assert priorities[3] + priorities[4] > len(requests) / 2
    assert {r["status"] for r in requests} == {"accepted", "declined", "pending", None}
    assert 1 <= sum(1 for r in requests if r["sessions"]) <= 3
    wanted = Counter(r["to"] for r in requests).most_common()
    assert wanted[0][1] >= 4 * len(requests) / len(ids)  # a few attendees are wanted by many


def test_panels_and_pin_fit_the_day(shipped):
    people = {p["id"]: p for p in shipped["Attendees"]}
    panels = shipped["Panels"]
    assert 3 <= len(panels) <= 4
    assert len({p["room"] for p in panels}) == len(panels)
    assert all(8 <= p["capacity"] <= 12 and 45 <= p["minutes"] <= 60 for p in panels)
    assert all(p["moderator"] in people for p in panels)
    assert sum(1 for p in panels if p["start"] is not None) == 1
    choosers = {c["attendee"] for c in shipped["PanelChoices"]}
    assert 35 <= len(choosers) <= 45 and choosers <= set(people)
    (pin,) = shipped["Pinned"]
    for who in (pin["a"], pin["b"]):
        assert people[who]["status"] is None and people[who]["sessions"] is None
        assert people[who]["host_table"] is None
    assert pin["table"] not in {p["host_table"] for p in people.values()}


@pytest.fixture(scope="module")
def event():
    from scheduler.registration.read import read_workbook

    result = read_workbook(SHIPPED)
    assert [str(p) for p in result.errors] == []
    # Warnings are allowed but should be rare and about the data, not the file's shape.
    assert len(result.warnings) <= 3, [str(p) for p in result.warnings]
    return result.event


def test_reader_sees_the_event_the_script_describes(event):
    script = load_script()
    assert event.settings.timezone == "Europe/Berlin"
    assert (event.settings.max_meetings, event.settings.max_consecutive) == (10, 4)
    assert not event.settings.mutual_only
    assert len(event.slots) == 14  # 7 slots of 20 + 5 minutes in each 3-hour session
    assert [a.organisation for a in event.attendees if a.cancelled] == [script.CANCELLED[0]]
    assert sum(1 for p in event.candidates if p.mutual) >= len(event.candidates) // 4
    (pin,) = event.pins
    assert pin.start == dt.datetime.combine(script.DAY, script.PIN[2])
    assert {event.attendee[pin.a].organisation, event.attendee[pin.b].organisation} == {
        script.PIN[0][0],
        script.PIN[1][0],
    }
    part_day = {a.id: a.sessions for a in event.attendees if len(a.sessions) == 1}
    assert len(part_day) == len(script.PART_DAY)


def test_example_schedules_within_the_rules(event, tmp_path):
    from models.solve import solve
    from scheduler.check import check_workbook
    from scheduler.exports.schedule.meetings_panels import write_schedule

    schedule = solve(event, time_limit=3, workers=1)
    report = check_workbook(event, write_schedule(tmp_path / "schedule.xlsx", event, schedule))
    assert [str(v) for v in report.violations] == []
    assert schedule.stats.min_meetings_missed == ()
    assert [m.origin for m in schedule.meetings].count("pinned") == 1
    # Tables are the scarce resource at the busiest slots, but not everywhere.
    per_slot = Counter(m.slot for m in schedule.meetings)
    assert max(per_slot.values()) == len(event.tables)
    assert len(schedule.meetings) > len(event.candidates) / 2
