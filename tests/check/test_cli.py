"""`sigmeet check INPUT SCHEDULE` end to end: a real registration workbook, read by the real
reader, and schedule workbooks that keep or break the rules. Exit codes 0, 1 and 2."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from scheduler.cli import main
from scheduler.exports.schedule.meetings_panels import write_schedule
from scheduler.registration.read import read_workbook
from scheduler.registration.write import write_registration
from tests.helpers.domain_events import base_schedule
from tests.helpers.events import DAY


def t(hhmm: str) -> dt.time:
    return dt.time.fromisoformat(hhmm)


def base_registration(path):
    """The registration workbook of `check_helpers.base_event`, as an organiser types it."""
    return write_registration(
        path,
        {
            "Event": [{"key": "name", "value": "Test day"}, {"key": "max_consecutive", "value": 2}],
            "Sessions": [
                {
                    "session": "S1",
                    "date": DAY,
                    "start": t("09:00"),
                    "end": t("10:00"),
                    "slot_minutes": 20,
                },
                {
                    "session": "S2",
                    "date": DAY,
                    "start": t("13:00"),
                    "end": t("14:00"),
                    "slot_minutes": 20,
                },
            ],
            "Attendees": [
                {
                    "id": f"A{i}",
                    "name": f"Name A{i}",
                    "organisation": f"Org A{i}",
                    "sessions": "S1" if i == 5 else None,
                    "max_meetings": 1 if i == 7 else None,
                    "host_table": "T3" if i == 1 else None,
                    "status": "cancelled" if i == 6 else None,
                }
                for i in range(1, 9)
            ],
            "Unavailable": [{"attendee": "A4", "date": DAY, "from": t("09:00"), "to": t("09:20")}],
            "Requests": [
                {"from": "A1", "to": "A2", "priority": 5},
                {"from": "A2", "to": "A1", "priority": 3},
                {"from": "A3", "to": "A4", "priority": 2},
                {"from": "A4", "to": "A5", "priority": 4, "status": "accepted"},
                {"from": "A2", "to": "A3", "priority": 1, "sessions": "S2"},
                {"from": "A3", "to": "A5", "priority": 3, "status": "declined"},
                {"from": "A1", "to": "A4", "priority": 3},
                {"from": "A6", "to": "A2", "priority": 3},
                {"from": "A7", "to": "A8", "priority": 3},
                {"from": "A7", "to": "A5", "priority": 2},
                {"from": "A4", "to": "A8", "priority": 1},
            ],
            "Tables": [
                {"table": "T1", "room": "Hall A"},
                {"table": "T2", "room": "Hall A"},
                {"table": "T3", "room": "Hall B"},
                {"table": "T4", "room": "Hall B", "sessions": "S2"},
            ],
            "Panels": [
                {
                    "panel": "P1",
                    "title": "Future of grids",
                    "room": "Room 1",
                    "capacity": 3,
                    "minutes": 40,
                    "moderator": "A3",
                    "sessions": "S2",
                },
                {
                    "panel": "P2",
                    "title": "Funding",
                    "room": "Room 1",
                    "capacity": 2,
                    "minutes": 30,
                    "date": DAY,
                    "start": t("10:00"),
                },
            ],
            "PanelChoices": [
                {"attendee": "A2", "panel": "P1"},
                {"attendee": "A8", "panel": "P1"},
                {"attendee": "A5", "panel": "P1"},
                {"attendee": "A1", "panel": "P2"},
                {"attendee": "A5", "panel": "P2"},
            ],
            "Pinned": [{"a": "A2", "b": "A4", "date": DAY, "start": t("13:00"), "table": "T2"}],
        },
    )


@pytest.fixture
def files(tmp_path):
    registration = base_registration(tmp_path / "event.xlsx")
    result = read_workbook(registration)
    assert result.event is not None, [str(p) for p in result.errors]
    schedule = write_schedule(tmp_path / "out" / "schedule.xlsx", result.event, base_schedule())
    return registration, schedule


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_valid_schedule_exits_0_with_the_figures(files):
    result = run("check", *files)
    assert result.exit_code == 0, result.output
    assert "Every hard rule holds." in result.output
    assert "weighted_share" in result.output and "panel_seats" in result.output
    assert "  meetings                    6" in result.output


def test_output_folder_stands_for_its_schedule_workbook(files):
    registration, schedule = files
    result = run("check", registration, schedule.parent)
    assert result.exit_code == 0, result.output


def test_broken_rule_exits_1_naming_the_row(files):
    registration, schedule = files
    wb = load_workbook(schedule)
    wb["Meetings"]["E4"] = "T2"  # A7-A8 onto A4-A5's table at 09:40
    wb.save(schedule)
    result = run("check", registration, schedule)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert "1 hard rule violation:" in lines
    assert (
        "  Meetings row 5: [H5 one meeting per table per slot]"
        " table T2 has two meetings at 09:40 (rows 4 and 5)"
    ) in lines
    # The figures, then the count per broken rule, last.
    assert lines[-2:] == ["Violations by rule:", "  H5      1  one meeting per table per slot"]
    assert "Traceback" not in result.output


def test_schedule_without_a_required_sheet_exits_2(files):
    registration, schedule = files
    wb = load_workbook(schedule)
    del wb["Panels"]
    wb.save(schedule)
    result = run("check", registration, schedule)
    assert result.exit_code == 2
    assert "sheet 'Panels' is missing" in result.output


def test_missing_schedule_file_exits_2(files, tmp_path):
    result = run("check", files[0], tmp_path / "nowhere" / "schedule.xlsx")
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_registration_with_errors_exits_2(files):
    registration, schedule = files
    wb = load_workbook(registration)
    del wb["Sessions"]
    wb.save(registration)
    result = run("check", registration, schedule)
    assert result.exit_code == 2
    assert "Sessions" in result.output
