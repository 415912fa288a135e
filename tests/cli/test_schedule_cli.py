"""`sigmeet schedule` end to end through the real reader, solver, writers and checker."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner

from scheduler.check import check_workbook
from scheduler.cli import main
from scheduler.registration.read import read_workbook


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_schedule_writes_a_folder_that_passes_the_checker(valid_sheets, write_workbook, tmp_path):
    source = write_workbook(valid_sheets)
    out = tmp_path / "out"
    result = run("schedule", str(source), "-o", str(out), "--time-limit", "5", "--workers", "1")
    assert result.exit_code == 0, result.output
    assert "meetings of 3 candidate pairs" in result.output
    assert (out / "schedule.xlsx").exists()
    report = check_workbook(read_workbook(source).event, out / "schedule.xlsx")
    assert report.ok, [str(v) for v in report.violations]
    assert report.figures["meetings"] == 3  # every pair fits: 6 slots, 2 tables


def test_input_errors_exit_2_and_write_nothing(valid_sheets, write_workbook, tmp_path):
    valid_sheets["Requests"].append({"from": "A-1", "to": "A-99"})
    source = write_workbook(valid_sheets)
    out = tmp_path / "out"
    result = run("schedule", str(source), "-o", str(out))
    assert result.exit_code == 2
    assert 'Requests row 6, column "to": unknown attendee "A-99"' in result.output
    assert not out.exists()


def test_existing_output_is_refused_before_solving_and_kept_with_force(
    valid_sheets, write_workbook, tmp_path
):
    source = write_workbook(valid_sheets)
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("organiser's own file")
    refused = run("schedule", str(source), "-o", str(out), "--time-limit", "2")
    assert refused.exit_code == 2
    assert "--force" in refused.output
    assert "Scheduling" not in refused.output  # refused before any solving
    assert (out / "notes.txt").read_text() == "organiser's own file"

    forced = run("schedule", str(source), "-o", str(out), "--time-limit", "2", "--force")
    assert forced.exit_code == 0, forced.output
    backups = [p for p in tmp_path.iterdir() if p.name.startswith("out-previous-")]
    assert len(backups) == 1
    assert (backups[0] / "notes.txt").read_text() == "organiser's own file"


def test_clashing_pins_exit_3_naming_them(valid_sheets, write_workbook, tmp_path):
    day = valid_sheets["Sessions"][0]["date"]
    # Moderator A-3's 40-minute panel fits nowhere once these two pins hold A-3: every
    # start in either session overlaps one of them. Only the solver sees this.
    valid_sheets["Pinned"] = [
        {"a": "A-3", "b": "A-1", "date": day, "start": dt.time(9, 20)},
        {"a": "A-3", "b": "A-2", "date": day, "start": dt.time(14, 20)},
    ]
    source = write_workbook(valid_sheets)
    out = tmp_path / "out"
    result = run("schedule", str(source), "-o", str(out), "--time-limit", "5")
    assert result.exit_code == 3, result.output
    assert "Pinned row 2" in result.output
    assert "Pinned row 3" in result.output
    assert "P1" in result.output
    assert not out.exists()
