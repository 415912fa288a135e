"""A previous schedule edited by hand: the edited file is the truth, and an edit that breaks a
hard rule by itself is reported with its Meetings row (exit 2, nothing written)."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from openpyxl import load_workbook

from scheduler.check import check_workbook
from scheduler.registration.read import read_workbook
from tests.helpers.replan import (
    EXAMPLE,
    first_run,
    meeting_key,
    run_cli,
    sheet_rows,
    updated,
)


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    return first_run(tmp_path_factory.getbasetemp())


def edited_copy(first, tmp_path, edit) -> tuple:
    """A copy of the first schedule.xlsx after `edit(ws, rows)` on its Meetings sheet, where
    rows are {Excel row: {column: value}}."""
    path = tmp_path / "edited.xlsx"
    shutil.copy(first / "schedule.xlsx", path)
    wb = load_workbook(path)
    ws = wb["Meetings"]
    header = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(header)}
    rows = {r: {h: ws.cell(r, col[h]).value for h in header} for r in range(2, ws.max_row + 1)}
    info = edit(ws, col, rows)
    wb.save(path)
    return path, info


def same_slot_pair(rows):
    """Two Excel rows in one slot with four different attendees."""
    by_start: dict = {}
    for r, row in rows.items():
        by_start.setdefault(row["start"], []).append(r)
    for start in sorted(by_start):
        group = by_start[start]
        for x in group:
            for y in group:
                people = {rows[x]["a"], rows[x]["b"], rows[y]["a"], rows[y]["b"]}
                if x < y and len(people) == 4:
                    return x, y
    raise AssertionError("no slot with two meetings")


def clash_table(ws, col, rows):
    x, y = same_slot_pair(rows)
    ws.cell(y, col["table"]).value = rows[x]["table"]
    return y, f"table {rows[x]['table']} already has a meeting"


def clash_attendee(ws, col, rows):
    x, y = same_slot_pair(rows)
    ws.cell(y, col["a"]).value = rows[x]["a"]
    return y, f"attendee {rows[x]['a']} is also busy then"


def repeat_pair(ws, col, rows):
    x = 2
    a, b = rows[x]["a"], rows[x]["b"]
    busy = {row["start"] for row in rows.values() if {a, b} & {row["a"], row["b"]}}
    y = next(r for r, row in rows.items() if row["start"] not in busy)
    ws.cell(y, col["a"]).value, ws.cell(y, col["b"]).value = a, b
    return y, f"{a} and {b} already meet in row {x}"


def unknown_attendee(ws, col, rows):
    ws.cell(3, col["b"]).value = "Z-999"
    return 3, "attendee Z-999 is not in the registration"


def time_no_slot(ws, col, rows):
    ws.cell(4, col["start"]).value = dt.time(9, 31)
    return 4, "is not a meeting slot"


@pytest.mark.parametrize(
    "edit", [clash_table, clash_attendee, repeat_pair, unknown_attendee, time_no_slot]
)
def test_edit_breaking_a_rule_is_reported_with_its_row(first, tmp_path, edit):
    path, (row, message) = edited_copy(first, tmp_path, edit)
    out = tmp_path / "out"
    result = run_cli("schedule", EXAMPLE, "-o", out, "--previous", path, "--time-limit", 1)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if f"Meetings row {row}:" in line]
    assert lines and message in lines[0], result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_hand_edits_are_the_truth(first, tmp_path, tmp_path_factory):
    event = read_workbook(EXAMPLE).event
    hosts = {a.host_table for a in event.attendees if a.host_table}

    def edit(ws, col, rows):
        # Move the first pool meeting to a table nobody uses in its slot; delete two rows.
        used = {(row["start"], row["table"]) for row in rows.values()}
        for r, row in rows.items():
            if row["table"] in hosts or "A-001" in (row["a"], row["b"]):
                continue
            free = [
                t.id for t in event.tables if t.id not in hosts and (row["start"], t.id) not in used
            ]
            if free:
                ws.cell(r, col["table"]).value = free[0]
                ws.cell(r, col["room"]).value = event.table[free[0]].room
                moved = dict(row, table=free[0])
                break
        last = max(rows)
        gone = [rows[last], rows[last - 1]]
        ws.delete_rows(last - 1, 2)
        return moved, gone

    path, (moved, gone) = edited_copy(first, tmp_path, edit)
    new = updated(tmp_path_factory.getbasetemp())
    out = tmp_path / "out"
    result = run_cli(
        "schedule", new, "-o", out, "--previous", path, "--time-limit", 2, "--workers", 1
    )
    assert result.exit_code == 0, result.output
    assert check_workbook(read_workbook(new).event, out / "schedule.xlsx").ok
    found = sheet_rows(out / "schedule.xlsx")
    origin = {meeting_key(r): r["origin"] for r in found["Meetings"]}
    assert origin[meeting_key(moved)] == "kept"
    changed = {(r["attendee"], r["change"], r["details"]) for r in found["Changes"]}
    for row in gone:
        pair = frozenset((row["a"], row["b"]))
        again = [r for r in found["Meetings"] if frozenset((r["a"], r["b"])) == pair]
        # Deleted by hand: not announced, so meeting now is new, never kept or moved.
        assert all(r["origin"] == "new" for r in again)
        for r in again:
            assert any(c[0] == r["a"] and c[1] == "added" for c in changed)
