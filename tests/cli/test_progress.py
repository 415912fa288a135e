"""Progress and the last line of `sigmeet schedule`: one line rewritten in place in a
terminal, one line per improvement in a file, and each phase reported plainly."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner

from models.domain import Schedule, SolveStats
from models.solve import Progress
from scheduler.cli import main
from scheduler.progress import ProgressPrinter, final_line


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


STEPS = [
    Progress(100.0, 110.0, 0.1, 1.0, 1),
    Progress(105.0, 110.0, 0.05, 2.0, 2),
    Progress(100.0, 100.0, 0.0, 3.0, 3, "compact days", breaks=7, idle=12),
]


def test_in_a_terminal_progress_is_one_line_updated_in_place():
    out = FakeTerminal()
    printer = ProgressPrinter(10, out)
    for p in STEPS:
        printer(p)
    printer.done()
    text = out.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")  # one line, ended once
    assert text.count("\r") == len(STEPS)
    last = text.rsplit("\r", 1)[1]
    assert last.startswith("[") and "/10 s" in last and "compact days" in last
    assert "objective 100" in last and "gap 0.00 %" in last and "breaks 7" in last


def test_bar_fills_with_the_time_used():
    printer = ProgressPrinter(10, FakeTerminal())
    assert printer.bar_line(STEPS[0], 0.0).startswith("[" + "-" * 20 + "]")
    assert printer.bar_line(STEPS[0], 5.0).startswith("[" + "#" * 10 + "-" * 10 + "]")
    assert printer.bar_line(STEPS[0], 99.0).startswith("[" + "#" * 20 + "]")


def test_piped_to_a_file_progress_is_one_line_per_improvement():
    out = io.StringIO()
    printer = ProgressPrinter(10, out)
    for p in STEPS:
        printer(p)
    printer.done()
    lines = out.getvalue().splitlines()
    assert len(lines) == len(STEPS) and "\r" not in out.getvalue()
    assert "meetings" in lines[0] and "gap 10.00 %" in lines[0]
    assert "compact days" in lines[2] and "breaks 7" in lines[2] and "idle slots 12" in lines[2]


def test_each_phase_is_reported_plainly():
    proven = SolveStats(
        "OPTIMAL", 127030.0, 127030.0, 0.0, meetings_proven=True,
        breaks=5, idle_slots=12, breaks_bound=5, breaks_proven=True, compact_proven=True,
    )  # fmt: skip
    assert proven.meetings_text() == "meetings: OPTIMAL (objective 127,030 = bound)"
    assert (
        proven.compact_text()
        == "compact days: 5 breaks, 12 idle slots, lower bound 5 breaks, proven"
    )
    open_ = SolveStats("FEASIBLE", 100.0, 101.0, 0.01, breaks=9, idle_slots=20, breaks_bound=3)
    assert open_.meetings_text() == "meetings: not proven (objective 100, bound 101, gap 1.00 %)"
    assert open_.compact_text().endswith("lower bound 3 breaks, not proven")
    half = SolveStats("FEASIBLE", 1.0, 1.0, 0.0, True, breaks=2, idle_slots=4, breaks_bound=2,
                      breaks_proven=True)  # fmt: skip
    assert half.compact_text().endswith("breaks proven, idle slots not")
    figures = dict(meetings=3, candidate_pairs=3, weighted_share=1.0, mutual_met=3,
                   attendees_without_meetings=0, breaks=5, panel_seats=0)  # fmt: skip
    line = final_line(Schedule(stats=proven), figures, "out")
    assert line.startswith("OPTIMAL after 0.0 s; meetings: OPTIMAL (objective 127,030 = bound); ")
    assert "compact days: 5 breaks, 12 idle slots, lower bound 5 breaks, proven" in line


def test_the_command_reports_both_phases(valid_sheets, write_workbook, tmp_path):
    source = write_workbook(valid_sheets)
    out = tmp_path / "out"
    args = ["schedule", str(source), "-o", str(out), "--time-limit", "5", "--workers", "1"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert "; meetings: OPTIMAL (objective " in last and "= bound); compact days: " in last
    assert "lower bound" in last
    from openpyxl import load_workbook

    sheet = load_workbook(out / "schedule.xlsx", read_only=True)["Summary"]
    rows = {r[0]: r[1] for r in sheet.iter_rows(values_only=True) if r and r[0]}
    assert rows["meetings_phase"].startswith("meetings: OPTIMAL (objective ")
    assert rows["compact_days_phase"].startswith("compact days: ")
    assert rows["breaks_proven"] in ("yes", "no")


def test_the_search_gets_what_reading_and_writing_leave_of_the_limit():
    from scheduler.progress import search_budget

    # 30 s, 1 s read, 81 attendees: 0.8 + 0.013 x 81 = 1.853 s kept for writing and exiting
    assert search_budget(30, 1.0, 81) == pytest.approx(30 - 1.0 - 1.853)
    assert search_budget(10, 8.0, 3000) == 5.0  # never less than half the limit


def test_with_one_worker_the_search_budget_does_not_depend_on_how_long_reading_took():
    # Its budgets scale with it, so a seed would not repeat if a slower read shortened it.
    from scheduler.progress import search_budget

    assert search_budget(30, 0.9, 81, workers=1) == search_budget(30, 2.4, 81, workers=1)
    assert search_budget(30, 0.9, 81, workers=1) < 30 - 1.853  # reading still counts
