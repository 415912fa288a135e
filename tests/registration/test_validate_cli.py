"""`sigmeet validate`: overview plus every problem, exit 0 when usable, 2 on errors, never a
traceback."""

from __future__ import annotations

from click.testing import CliRunner

from scheduler.cli import main


def run(*args):
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    return result


def test_usable_workbook_prints_overview_and_warnings_and_exits_0(valid_sheets, write_workbook):
    valid_sheets["Requests"].append({"from": "A-2", "to": "A-2"})
    path = write_workbook(valid_sheets)
    result = run("validate", str(path))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[:9] == [
        "Event: BioMatch",
        "Dates: 2013-02-27, timezone Europe/Berlin",
        "Attendees: 4 registered, 0 cancelled",
        "Sessions: 2 with 6 meeting slots",
        "Tables: 2",
        "Requests: 4 giving 3 candidate pairs (2 mutual, 0 declined)",
        "Panels: 1 (0 at a fixed time), 1 panel choice",
        "Pinned meetings: 0",
        "1 warning (worth checking):",
    ]
    assert (
        lines[9]
        == '  Requests row 6, column "to": "A-2" requests a meeting with themselves; ignored'
    )
    assert lines[-1] == f"{path} is ready to schedule."


def test_errors_are_all_listed_and_exit_2(valid_sheets, write_workbook):
    valid_sheets["Requests"].append({"from": "A-1", "to": "A-0193"})
    valid_sheets["Sessions"][0]["slot_minutes"] = "x"
    result = run("validate", str(write_workbook(valid_sheets)))
    assert result.exit_code == 2
    assert result.output.splitlines()[:4] == [
        "2 errors (must be fixed):",
        '  Sessions row 2, column "slot_minutes": "x" is not a whole number',
        '  Requests row 6, column "to": unknown attendee "A-0193" (not in the Attendees sheet)',
        "2 errors, 0 warnings. The workbook cannot be scheduled until the errors are fixed.",
    ]


def test_text_file_renamed_to_xlsx_is_a_clear_error(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("id,name\n1,Ann\n")
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert "notes.xlsx: is not a readable .xlsx workbook" in result.output
    assert "save it from Excel as an Excel Workbook (.xlsx)" in result.output


def test_missing_file_is_a_clear_error(tmp_path):
    path = tmp_path / "nowhere.xlsx"
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert f'nowhere.xlsx: file not found: "{path}"' in result.output


def test_truncated_workbook_is_a_clear_error(valid_sheets, write_workbook):
    path = write_workbook(valid_sheets)
    path.write_bytes(path.read_bytes()[:2000])
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert "event.xlsx: is not a readable .xlsx workbook" in result.output
