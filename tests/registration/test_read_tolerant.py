"""What real exports contain: odd headers, blank rows, numbers as ids, text dates, hidden
sheets, formulas. Workbooks are built cell by cell with openpyxl to control every detail."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile

from openpyxl import Workbook, load_workbook

from scheduler.registration.read import read_workbook

DAY = dt.date(2013, 2, 27)


def write_raw(path, sheets):
    """sheets: name -> list of rows (lists of cell values; [] is a blank row)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, values in enumerate(rows, start=1):
            for c, value in enumerate(values, start=1):
                if value is not None:
                    ws.cell(r, c, value)
    wb.save(path)
    return path


def minimal(**overrides):
    sheets = {
        "Sessions": [
            ["session", "date", "start", "end", "slot_minutes"],
            ["S1", DAY, dt.time(9), dt.time(10), 30],
        ],
        "Attendees": [["id", "name", "organisation"], ["A", "Ann", "Acme"], ["B", "Bob", "Bio"]],
        "Requests": [["from", "to"], ["A", "B"]],
        "Tables": [["table"], ["T1"]],
    }
    sheets.update(overrides)
    return sheets


def test_headers_and_sheet_names_in_any_case_and_spacing(tmp_path):
    sheets = {
        " SESSIONS ": [
            ["Session", " Date", "START", "End ", "Slot Minutes", "Changeover-Minutes"],
            ["S1", DAY, dt.time(9), dt.time(10), 20, 10],
        ],
        "attendees": [["ID", "Name", "Organisation", "Host Table"], ["A", "Ann", "Acme", "T1"]],
        "requests": [["From", "TO"]],
        "tables": [["TABLE"], ["T1"]],
        "panel choices": [["Attendee", "Panel"]],
    }
    result = read_workbook(write_raw(tmp_path / "w.xlsx", sheets))
    assert result.errors == ()
    assert [(s.start.time(), s.end.time()) for s in result.event.slots] == [
        (dt.time(9), dt.time(9, 20)),
        (dt.time(9, 30), dt.time(9, 50)),
    ]
    assert result.event.attendee["A"].host_table == "T1"


def test_extra_columns_and_sheets_are_ignored(tmp_path):
    sheets = minimal(
        Attendees=[
            ["notes", "id", "name", "vip", "organisation"],
            ["call back", "A", "Ann", "x", "Acme"],
            [None, "B", "Bob", None, "Bio"],
        ],
        Lookups=[["anything", "at all"], [1, 2]],
    )
    result = read_workbook(write_raw(tmp_path / "w.xlsx", sheets))
    assert result.errors == ()
    assert [a.name for a in result.event.attendees] == ["Ann", "Bob"]


def test_header_is_the_first_non_empty_row_and_rows_keep_real_numbers(tmp_path):
    sheets = minimal(
        Requests=[
            [],
            [None, None, None],
            [None, "from", "to", "priority"],
            [None, "A", "B", 4],
            [],
            [],
            [None, "B", "A", 9],
        ]
    )
    result = read_workbook(write_raw(tmp_path / "w.xlsx", sheets))
    assert [str(p) for p in result.problems] == [
        'Requests row 7, column "priority": "9" is out of range: it must be from 1 to 5'
    ]


def test_ids_as_numbers_or_text_are_the_same_id(tmp_path):
    sheets = minimal(
        Attendees=[["id", "name", "organisation"], [17, "Ann", "Acme"], [18.0, "Bob", "Bio"]],
        Requests=[["from", "to", "sessions"], ["17", 18, 1], [" 18 ", 17.0, "1"]],
        Sessions=[
            ["session", "date", "start", "end", "slot_minutes"],
            [1, DAY, dt.time(9), dt.time(10), 30.0],
        ],
        Tables=[["table"], [1]],
    )
    result = read_workbook(write_raw(tmp_path / "w.xlsx", sheets))
    assert result.errors == ()
    (pair,) = result.event.pairs
    assert (pair.a, pair.b, pair.mutual, pair.sessions) == ("17", "18", True, ("1",))
    assert result.event.sessions[0].id == "1"
    assert result.event.tables[0].id == "1"


def test_dates_and_times_as_text_serials_and_datetime_cells(tmp_path):
    sessions = [
        ["session", "date", "start", "end", "slot_minutes"],
        ["S1", "27.02.2013", "9:00 AM", "10.00", 30],
        ["S2", "2013-02-28", dt.datetime(2013, 2, 28, 14, 0), "3:00 PM", 30],
        ["S3", 41334, 0.375, 0.416666666667, 30],  # Excel serials: 2013-03-01 09:00-10:00
        ["S4", "02/03/2013", "09:00:00", "10:00", "30"],
    ]
    result = read_workbook(write_raw(tmp_path / "w.xlsx", minimal(Sessions=sessions)))
    assert result.errors == ()
    got = [(s.id, s.date, s.start, s.end) for s in result.event.sessions]
    assert got == [
        ("S1", DAY, dt.time(9), dt.time(10)),
        ("S2", dt.date(2013, 2, 28), dt.time(14), dt.time(15)),
        ("S3", dt.date(2013, 3, 1), dt.time(9), dt.time(10)),
        ("S4", dt.date(2013, 3, 2), dt.time(9), dt.time(10)),
    ]


def test_hidden_sheets_are_read(tmp_path):
    path = write_raw(tmp_path / "w.xlsx", minimal())
    wb = load_workbook(path)
    wb["Attendees"].sheet_state = "hidden"
    wb["Tables"].sheet_state = "veryHidden"
    wb.save(path)
    result = read_workbook(path)
    assert result.errors == ()
    assert [a.id for a in result.event.attendees] == ["A", "B"]


def _set_cached_values(path, sheet_index, cached):
    """Give formula cells the cached results Excel would have saved (openpyxl cannot)."""
    patched = path.with_name("patched.xlsx")
    name = f"xl/worksheets/sheet{sheet_index}.xml"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(patched, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == name:
                xml = data.decode()
                for ref, value in cached.items():
                    kind = ' t="str"' if isinstance(value, str) else ""
                    xml, n = re.subn(
                        rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/>',
                        rf'<c r="{ref}"\1{kind}><f>\2</f><v>{value}</v>',
                        xml,
                    )
                    assert n == 1, ref
                data = xml.encode()
            dst.writestr(item, data)
    shutil.move(patched, path)


def test_formulas_are_read_as_their_cached_values(tmp_path):
    sheets = minimal(Requests=[["from", "to", "priority"], ["A", '=CONCAT("B","")', "=2+2"]])
    path = write_raw(tmp_path / "w.xlsx", sheets)
    sheet_index = list(sheets).index("Requests") + 1
    _set_cached_values(path, sheet_index, {"B2": "B", "C2": 4})
    result = read_workbook(path)
    assert result.errors == ()
    (request,) = result.event.requests
    assert (request.target, request.priority) == ("B", 4)


def test_repeated_columns_and_look_alike_sheets_are_warned_about(tmp_path):
    sheets = minimal(
        Tables=[["table", "Table"], ["T1", "T9"]],
        **{"TABLES ": [["table"], ["T5"]]},
    )
    result = read_workbook(write_raw(tmp_path / "w.xlsx", sheets))
    assert [str(p) for p in result.problems] == [
        'Tables: two sheets are named like "Tables" ("Tables" and "TABLES "); '
        "only the first one is read",
        'Tables row 1, column "table": this column appears twice; only the first one is read',
    ]
    assert [t.id for t in result.event.tables] == ["T1"]


def test_a_sheet_without_header_or_rows(tmp_path):
    result = read_workbook(write_raw(tmp_path / "w.xlsx", minimal(Attendees=[])))
    assert [str(p) for p in result.errors] == [
        'Attendees: the required column "id" is missing (the header row needs it)',
        'Attendees: the required column "name" is missing (the header row needs it)',
        'Attendees: the required column "organisation" is missing (the header row needs it)',
        "Attendees: there are no attendees",
    ]
