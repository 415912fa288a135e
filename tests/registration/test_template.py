"""`sigmeet template`: a blank workbook with instructions, dropdowns and formats that, once
filled in, validates."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner
from openpyxl import load_workbook

from scheduler.cli import main
from scheduler.registration.read import read_workbook
from scheduler.registration.schema import SHEETS
from scheduler.registration.template import write_template


def test_template_has_instructions_first_and_every_contract_sheet_and_header(tmp_path):
    wb = load_workbook(write_template(tmp_path / "t.xlsx"))
    assert wb.sheetnames == ["Instructions"] + [s.name for s in SHEETS]
    for spec in SHEETS:
        header = [c.value for c in wb[spec.name][1]]
        assert header == list(spec.columns), spec.name
    instructions = list(wb["Instructions"].iter_rows(values_only=True))
    explained = {row[1] for row in instructions if len(row) > 3 and row[1] and row[3]}
    for spec in SHEETS:
        assert set(spec.columns) - {"key", "value"} <= explained, spec.name


def _validations(ws):
    return {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}


def test_dropdowns_and_formats(tmp_path):
    wb = load_workbook(write_template(tmp_path / "t.xlsx"))
    assert _validations(wb["Requests"]) == {
        "C2:C1048576": '"1,2,3,4,5"',
        "D2:D1048576": '"pending,accepted,declined"',
    }
    assert _validations(wb["Attendees"]) == {"K2:K1048576": '"registered,cancelled"'}
    assert _validations(wb["PanelChoices"]) == {"C2:C1048576": '"1,2,3,4,5"'}
    assert _validations(wb["Event"]) == {"B7": '"yes,no"'}
    assert wb["Event"]["A7"].value == "mutual_only"
    sessions = wb["Sessions"]
    assert sessions.column_dimensions["B"].number_format == "yyyy-mm-dd"
    assert sessions.column_dimensions["C"].number_format == "hh:mm"
    assert wb["Pinned"].column_dimensions["D"].number_format == "hh:mm"
    assert wb["Attendees"].column_dimensions["A"].number_format == "@"


def _fill(path):
    """Fill the template as an organiser would, keeping its sheets and headers."""
    wb = load_workbook(path)
    day = dt.date(2013, 2, 27)
    event = wb["Event"]
    for row in event.iter_rows(min_row=2):
        row[1].value = {"name": "Spring fair", "mutual_only": "no", "max_meetings": 8}.get(
            row[0].value
        )
    wb["Sessions"].append(["D1", day, dt.time(9), dt.time(12), 20, 5])
    wb["Sessions"].append(["D2", "28.02.2013", "9:00 AM", "11:00", 30, None])
    people = [("A-1", "Ann", "Acme"), ("A-2", "Bob", "Bio"), ("A-3", "Cy", "Cell")]
    for pid, name, org in people:
        wb["Attendees"].append([pid, name, org, f"{name.lower()}@x.example"])
    wb["Unavailable"].append(["A-3", day, dt.time(9), dt.time(10)])
    wb["Requests"].append(["A-1", "A-2", 5, "accepted"])
    wb["Requests"].append(["A-3", "A-1", 2, None, "D2"])
    wb["Tables"].append(["T1", "Hall"])
    wb["Panels"].append(["P1", "Funding", "Room 2", 6, 45, "A-2"])
    wb["PanelChoices"].append(["A-1", "P1", 4])
    wb["Pinned"].append(["A-1", "A-2", day, dt.time(9, 25), "T1"])
    wb.save(path)


def test_filled_template_validates(tmp_path):
    path = write_template(tmp_path / "t.xlsx")
    _fill(path)
    result = read_workbook(path)
    assert [str(p) for p in result.problems] == []
    event = result.event
    assert event.settings.name == "Spring fair"
    assert event.settings.max_meetings == 8
    assert len(event.slots) == 7 + 4
    assert [(p.a, p.b, p.mutual) for p in event.pairs] == [
        ("A-1", "A-2", True),
        ("A-1", "A-3", False),
    ]
    assert len(event.pins) == 1


def test_blank_template_says_what_is_missing(tmp_path):
    result = read_workbook(write_template(tmp_path / "t.xlsx"))
    assert [str(p) for p in result.errors] == [
        "Sessions: there are no sessions",
        "Attendees: there are no attendees",
    ]


def test_command_refuses_to_overwrite_without_force(tmp_path):
    path = tmp_path / "reg.xlsx"
    runner = CliRunner()
    first = runner.invoke(main, ["template", str(path)])
    assert first.exit_code == 0 and path.exists()
    path.write_bytes(b"organiser's precious data")
    again = runner.invoke(main, ["template", str(path)])
    assert again.exit_code == 2
    assert "exists; not overwriting it (use --force to replace it)" in again.output
    assert path.read_bytes() == b"organiser's precious data"
    forced = runner.invoke(main, ["template", str(path), "--force"])
    assert forced.exit_code == 0
    assert load_workbook(path).sheetnames[0] == "Instructions"


def test_command_wants_an_xlsx_name(tmp_path):
    result = CliRunner().invoke(main, ["template", str(tmp_path / "reg.xls")])
    assert result.exit_code == 2
    assert "must be an .xlsx file" in result.output
