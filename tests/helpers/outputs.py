"""A small registration workbook written to disk and read back by the real reader, plus
a hand-made schedule for it, for the output tests.

The attendees include the awkward ones: a name that looks like a formula, one that looks
like a path, two people with the same name and a cancelled registration.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook

from models.domain import Event, Meeting, PanelRun, Schedule, SolveStats
from scheduler.registration.read import read_workbook
from scheduler.registration.write import write_registration

DAY = dt.date(2024, 3, 5)
EVIL_NAME = '=HYPERLINK("http://evil.example","click me")'
PATH_NAME = "../../etc/passwd"


def base_sheets() -> dict[str, list[dict[str, object]]]:
    return {
        "Event": [
            {"key": "name", "value": "Demo Partnering Day"},
            {"key": "timezone", "value": "Europe/Berlin"},
            {"key": "venue", "value": "Expo Hall, Berlin"},
        ],
        "Sessions": [
            {
                "session": "AM",
                "date": DAY,
                "start": dt.time(9, 0),
                "end": dt.time(10, 0),
                "slot_minutes": 20,
            },
            {
                "session": "PM",
                "date": DAY,
                "start": dt.time(14, 0),
                "end": dt.time(15, 0),
                "slot_minutes": 20,
            },
        ],
        "Attendees": [
            {"id": "A1", "name": "Ann Lee", "organisation": "Acme", "email": "ann@acme.test"},
            {"id": "A2", "name": "Bob Ma", "organisation": "Beta GmbH", "email": "bob@beta.test"},
            {"id": "A3", "name": EVIL_NAME, "organisation": "+Evil Org", "email": "e@x.test"},
            {"id": "A4", "name": PATH_NAME, "organisation": "@corp", "email": "p@x.test"},
            {"id": "A5", "name": "Jane Doe", "organisation": "Doe Labs", "email": "j1@x.test"},
            {"id": "A6", "name": "Jane Doe", "organisation": "Other Doe", "email": "j2@x.test"},
            {"id": "A7", "name": "Carl Gone", "organisation": "Gone Ltd", "status": "cancelled"},
            {"id": "A8", "name": "Dora Host", "organisation": "Host AG", "host_table": "T3"},
        ],
        "Requests": [
            {"from": "A1", "to": "A2", "priority": 5, "status": "accepted"},
            {"from": "A1", "to": "A3", "priority": 4},
            {"from": "A4", "to": "A1", "priority": 2},
            {"from": "A5", "to": "A2", "priority": 3},
            {"from": "A6", "to": "A1", "priority": 3, "status": "declined"},
            {"from": "A7", "to": "A1", "priority": 3},
            {"from": "A8", "to": "A2", "priority": 4},
            {"from": "A8", "to": "A5", "priority": 1},
        ],
        "Tables": [
            {"table": "T1", "room": "Hall A"},
            {"table": "T2", "room": "Hall A"},
            {"table": "T3", "room": "Hall B"},
        ],
        "Panels": [
            {
                "panel": "P1",
                "title": "AI in Health",
                "room": "Room 1",
                "capacity": 4,
                "minutes": 40,
                "moderator": "A2",
            }
        ],
        "PanelChoices": [
            {"attendee": "A1", "panel": "P1"},
            {"attendee": "A5", "panel": "P1"},
        ],
    }


def read_event(path: Path) -> Event:
    result = read_workbook(path)
    assert not result.errors, [str(p) for p in result.errors]
    assert result.event is not None
    return result.event


def keep_formulas_as_text(path: Path) -> None:
    """Store text such as `=HYPERLINK(…)` as text, the way a form export would hold it
    (openpyxl would otherwise save it as a formula)."""
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    wb.save(path)


def demo_event(tmp_path: Path, sheets: dict | None = None) -> tuple[Event, Path]:
    """The demo registration written to `tmp_path` and read back: (event, input path)."""
    path = write_registration(tmp_path / "registration.xlsx", sheets or base_sheets())
    keep_formulas_as_text(path)
    return read_event(path), path


def slot_index(event: Event, hh_mm: str) -> int:
    """Index of the slot starting at `hh_mm` on the demo day."""
    start = dt.datetime.combine(DAY, dt.time.fromisoformat(hh_mm))
    return event.slot_at[start].index


def demo_schedule(event: Event) -> Schedule:
    """A valid schedule of the demo: three meetings and the panel in the afternoon."""
    return Schedule(
        meetings=(
            Meeting("A1", "A2", slot_index(event, "09:00"), "T1"),
            Meeting("A1", "A3", slot_index(event, "09:40"), "T2", origin="pinned"),
            Meeting("A2", "A8", slot_index(event, "09:20"), "T3"),
        ),
        panels=(
            PanelRun(
                "P1",
                dt.datetime.combine(DAY, dt.time(14, 0)),
                dt.datetime.combine(DAY, dt.time(14, 40)),
                ("A2", "A1", "A5"),
            ),
        ),
        stats=SolveStats(
            status="OPTIMAL", objective=42.0, bound=42.0, gap=0.0, seconds=0.5, seed=7, workers=2
        ),
    )
