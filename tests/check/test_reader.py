"""The checker reads schedule workbooks made by anyone: odd headers, text dates and times,
numeric ids, extra columns and sheets; what it cannot read it names by row."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook, load_workbook

from models.domain import Meeting, Request, Schedule, Table
from scheduler.check import check_workbook
from scheduler.exports.schedule.meetings_panels import write_schedule
from scheduler.exports.schedule.reader import ident, parse_date, parse_time
from scheduler.figures import quality_figures
from tests.helpers.domain_events import base_event, base_schedule, event_in_memory, person, session
from tests.helpers.events import DAY

# The base event's day written the ways people type it (day first, as in Europe).
TEXT_DATES = [DAY.isoformat(), DAY.strftime("%d.%m.%Y"), f"{DAY.day}/{DAY.month}/{DAY.year}"]
TEXT_TIMES = {dt.time(9, 0): "9:00 AM", dt.time(13, 20): "1:20 pm", dt.time(9, 20): "09:20"}


def test_text_cells_odd_headers_and_extra_columns_are_read(tmp_path):
    event, schedule = base_event(), base_schedule()
    path = write_schedule(tmp_path / "s.xlsx", event, schedule)
    wb = load_workbook(path)
    ws = wb["Meetings"]
    for cell in ws[1]:
        cell.value = f"  {str(cell.value).upper()} "
    ws.cell(row=1, column=ws.max_column + 1, value="notes")
    for i, row in enumerate(ws.iter_rows(min_row=2), start=0):
        row[1].value = TEXT_DATES[i % len(TEXT_DATES)]
        for cell in row[2:4]:
            cell.value = TEXT_TIMES.get(cell.value, cell.value.strftime("%H:%M"))
        row[-1].value = "bring brochures"
    wb.create_sheet("My notes")
    wb["Panels"].title = "renamed"  # openpyxl refuses a case-only rename in one step
    wb["renamed"].title = "panels"
    wb.save(path)

    report = check_workbook(event, path)
    assert report.ok, [str(v) for v in report.violations]
    assert report.figures == quality_figures(event, schedule)


def test_numeric_ids_match_text_ids(tmp_path):
    event = event_in_memory(
        [session("S1", "09:00", "10:00")],
        [person("17"), person("18")],
        [Request("17", "18", 4)],
        [Table("5", "Hall")],
    )
    wb = Workbook()
    ws = wb.active
    ws.title = "Meetings"
    ws.append(["date", "start", "end", "table", "room", "a", "b"])
    ws.append([DAY, dt.time(9, 0), dt.time(9, 20), 5.0, "Hall", 17, 18.0])
    wb.create_sheet("Panels").append(["panel", "date", "start", "end", "attendee", "role"])
    wb.save(tmp_path / "other-tool.xlsx")

    report = check_workbook(event, tmp_path / "other-tool.xlsx")
    assert report.ok, [str(v) for v in report.violations]
    expected = quality_figures(event, Schedule((Meeting("17", "18", 0, "5"),)))
    assert report.figures == expected and expected["weighted_share"] == 1.0


def test_blank_and_nonsense_cells_name_their_row_and_column(tmp_path):
    path = write_schedule(tmp_path / "s.xlsx", base_event(), base_schedule())
    wb = load_workbook(path)
    wb["Meetings"]["B3"] = None
    wb["Panels"]["E4"] = "25:99"
    wb.save(path)
    report = check_workbook(base_event(), path)
    got = {(v.sheet, v.row, v.code) for v in report.violations}
    assert ("Meetings", 3, "unreadable") in got and ("Panels", 4, "unreadable") in got
    messages = [f"{v.where}: {v.message}" for v in report.violations if v.code == "unreadable"]
    assert 'Meetings row 3: column "date": cannot read a blank cell' in messages
    assert "Panels row 4: column \"end\": cannot read '25:99'" in messages


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (dt.datetime(2026, 3, 4, 0, 0), dt.date(2026, 3, 4)),
        ("2026-03-04", dt.date(2026, 3, 4)),
        ("04.03.2026", dt.date(2026, 3, 4)),
        (46085, dt.date(2026, 3, 4)),  # an Excel serial day without its date format
        ("yesterday", None),
        (None, None),
    ],
)
def test_parse_date(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (dt.time(9, 20), dt.time(9, 20)),
        ("9:20", dt.time(9, 20)),
        ("9:20 PM", dt.time(21, 20)),
        ("9.20 a.m.", dt.time(9, 20)),
        (0.375, dt.time(9, 0)),  # a time cell without its format: a fraction of a day
        ("25:00", None),
        (dt.time(9, 19, 59, 999999), dt.time(9, 20)),  # Excel's float error
    ],
)
def test_parse_time(raw, expected):
    assert parse_time(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"), [(17, "17"), (17.0, "17"), (" A-017 ", "A-017"), (None, "")]
)
def test_ident(raw, expected):
    assert ident(raw) == expected
