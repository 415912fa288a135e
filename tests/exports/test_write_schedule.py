"""The schedule workbook's Meetings and Panels sheets, read back from a real .xlsx file."""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import replace

from openpyxl import load_workbook

from scheduler.exports.schedule.meetings_panels import write_schedule
from scheduler.exports.schedule.names import MEETINGS_COLUMNS, PANELS_COLUMNS
from scheduler.exports.schedule.reader import read_schedule
from tests.helpers.domain_events import base_event, base_schedule
from tests.helpers.events import at


def rows(ws) -> list[dict[str, object]]:
    header = [c.value for c in ws[1]]
    return [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]


def test_sheets_columns_and_cell_types(tmp_path):
    path = write_schedule(tmp_path / "out" / "schedule.xlsx", base_event(), base_schedule())
    wb = load_workbook(path)
    assert wb.sheetnames == ["Meetings", "Panels"]
    meetings, panels = wb["Meetings"], wb["Panels"]
    assert tuple(c.value for c in meetings[1]) == MEETINGS_COLUMNS
    assert tuple(c.value for c in panels[1]) == PANELS_COLUMNS
    date, start, end = meetings["B2"], meetings["C2"], meetings["D2"]
    assert date.is_date and date.number_format == "yyyy-mm-dd"
    assert start.is_date and start.number_format == "hh:mm"
    assert end.is_date and end.number_format == "hh:mm"
    assert (start.value, end.value) == (dt.time(9, 0), dt.time(9, 20))
    assert panels["C2"].is_date and panels["D2"].number_format == "hh:mm"


def test_meeting_rows_numbered_by_slot_then_table(tmp_path):
    path = write_schedule(tmp_path / "s.xlsx", base_event(), base_schedule())
    got = [
        (
            r["meeting"],
            r["start"],
            r["table"],
            r["a"],
            r["b"],
            r["priority"],
            r["mutual"],
            r["origin"],
        )
        for r in rows(load_workbook(path)["Meetings"])
    ]
    assert got == [
        ("M-0001", dt.time(9, 0), "T3", "A1", "A2", 5, "yes", "new"),
        ("M-0002", dt.time(9, 20), "T1", "A3", "A4", 2, "no", "new"),
        ("M-0003", dt.time(9, 40), "T1", "A7", "A8", 3, "no", "new"),
        ("M-0004", dt.time(9, 40), "T2", "A4", "A5", 4, "yes", "new"),  # accepted: mutual
        ("M-0005", dt.time(13, 0), "T2", "A2", "A4", None, "no", "pinned"),  # no request
        ("M-0006", dt.time(13, 20), "T3", "A1", "A4", 3, "no", "new"),
    ]
    first = rows(load_workbook(path)["Meetings"])[0]
    assert (first["room"], first["a_name"], first["b_organisation"]) == (
        "Hall B",
        "Name A1",
        "Org A2",
    )


def test_panel_rows_moderator_first(tmp_path):
    path = write_schedule(tmp_path / "s.xlsx", base_event(), base_schedule())
    got = [
        (r["panel"], r["title"], r["start"], r["end"], r["room"], r["attendee"], r["role"])
        for r in rows(load_workbook(path)["Panels"])
    ]
    assert got == [
        ("P2", "Funding", dt.time(10, 0), dt.time(10, 30), "Room 1", "A1", "participant"),
        ("P2", "Funding", dt.time(10, 0), dt.time(10, 30), "Room 1", "A5", "participant"),
        ("P1", "Future of grids", dt.time(13, 20), dt.time(14, 0), "Room 1", "A3", "moderator"),
        ("P1", "Future of grids", dt.time(13, 20), dt.time(14, 0), "Room 1", "A2", "participant"),
        ("P1", "Future of grids", dt.time(13, 20), dt.time(14, 0), "Room 1", "A8", "participant"),
    ]


def test_registration_text_never_becomes_a_formula(tmp_path):
    event = base_event()
    hostile = {
        "A1": ('=HYPERLINK("http://x","y")', "+49 30 1234"),
        "A2": ("-Minus", "@SUM(A1:A9)"),
    }
    event = replace(
        event,
        attendees=tuple(
            replace(a, name=hostile[a.id][0], organisation=hostile[a.id][1])
            if a.id in hostile
            else a
            for a in event.attendees
        ),
        panels=tuple(replace(p, title="=1+1") if p.id == "P2" else p for p in event.panels),
    )
    path = write_schedule(tmp_path / "s.xlsx", event, base_schedule())
    wb = load_workbook(path)
    ws = wb["Meetings"]
    header = [c.value for c in ws[1]]
    cells = [
        ws.cell(row=2, column=header.index(c) + 1)
        for c in ("a_name", "a_organisation", "b_name", "b_organisation")
    ]
    assert [c.value for c in cells] == [*hostile["A1"], *hostile["A2"]]
    assert all(c.data_type == "s" for c in cells)
    assert wb["Panels"]["B2"].value == "=1+1" and wb["Panels"]["B2"].data_type == "s"
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)


def test_round_trip_through_the_checkers_reader(tmp_path):
    event, schedule = base_event(), base_schedule()
    read = read_schedule(write_schedule(tmp_path / "s.xlsx", event, schedule))
    slot = {s.index: s for s in event.slots}
    assert sorted((m.a, m.b, m.start, m.end, m.table) for m in read.meetings) == sorted(
        (m.a, m.b, slot[m.slot].start, slot[m.slot].end, m.table) for m in schedule.meetings
    )
    assert [(p.panel, p.attendee, p.start, p.role) for p in read.panels][:3] == [
        ("P2", "A1", at("10:00"), "participant"),
        ("P2", "A5", at("10:00"), "participant"),
        ("P1", "A3", at("13:20"), "moderator"),
    ]
