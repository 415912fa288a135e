"""End to end: a registration read, solved by the real model, written, and read back."""

from __future__ import annotations

import datetime as dt
import itertools

from icalendar import Calendar
from openpyxl import load_workbook

from models.solve import solve
from scheduler.exports.folder import write_outputs
from scheduler.exports.schedule.unscheduled_reasons import NOT_PLACED
from tests.helpers.outputs import demo_event

DAY = dt.date(2024, 9, 10)


def crowded_sheets() -> dict[str, list[dict]]:
    """Eight people who all want to meet each other, one table and four slots: most of
    the 28 pairs cannot meet, for reasons the Unscheduled sheet must give."""
    people = [f"X{i}" for i in range(1, 9)]
    return {
        "Event": [{"key": "name", "value": "Crowded"}, {"key": "timezone", "value": "UTC"}],
        "Sessions": [
            {
                "session": "S",
                "date": DAY,
                "start": dt.time(9),
                "end": dt.time(10),
                "slot_minutes": 15,
            }
        ],
        "Attendees": [{"id": p, "name": f"Person {p}", "organisation": f"Org {p}"} for p in people],
        "Requests": [
            {"from": a, "to": b, "priority": 1 + (i % 5)}
            for i, (a, b) in enumerate(itertools.combinations(people, 2))
        ],
        "Tables": [{"table": "T1", "room": "Hall"}],
    }


def sheet(wb, name) -> list[dict]:
    ws = wb[name]
    header = [c.value for c in ws[1]]
    return [dict(zip(header, r, strict=False)) for r in ws.iter_rows(min_row=2, values_only=True)]


def test_solved_schedule_written_and_every_pair_accounted_for(tmp_path):
    event, input_path = demo_event(tmp_path, crowded_sheets())
    schedule = solve(event, time_limit=10, workers=1, seed=0)
    out = write_outputs(tmp_path / "out", event, schedule, input_path=input_path)
    wb = load_workbook(out / "schedule.xlsx")
    meetings = sheet(wb, "Meetings")
    unscheduled = sheet(wb, "Unscheduled")
    assert len(meetings) == len(schedule.meetings) == 4  # one table, four slots
    met = {frozenset((r["a"], r["b"])) for r in meetings}
    missed = {frozenset((r["a"], r["b"])) for r in unscheduled}
    assert met.isdisjoint(missed)
    assert met | missed == {frozenset(p.key) for p in event.pairs}
    if schedule.stats.status == "OPTIMAL":
        # A proven-best schedule leaves no pair that could simply have been added.
        assert NOT_PLACED not in {r["reason"] for r in unscheduled}
    summary = {r["metric"]: r["value"] for r in sheet(wb, "Summary")}
    assert summary["meetings"] == 4 and summary["solver_status"] == schedule.stats.status
    for person in event.attendees:
        ics = next((out / "agendas").glob(f"{person.id}-*.ics"))
        events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
        assert len(events) == sum(1 for m in schedule.meetings if person.id in (m.a, m.b))
        assert all(
            e.start.tzinfo is not None and e.start.utcoffset() == dt.timedelta(0) for e in events
        )
