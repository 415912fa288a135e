"""Shared helpers of the re-planning tests (no tests here): the example event's rows, an
updated registration built from them, and readers of the written outputs."""

from __future__ import annotations

import csv
import datetime as dt
import functools
from pathlib import Path

from click.testing import CliRunner
from icalendar import Calendar
from openpyxl import load_workbook

from scheduler.cli import main
from scheduler.registration.write import write_registration
from tests.helpers.paths import EXAMPLE, ROOT  # noqa: F401 - EXAMPLE is imported from here

# Late sign-ups: (id, name, organisation, [(to, priority)], [(from, priority)])
LATE = (
    ("L-1", "Lena Late", "Latecomer Labs", [("A-002", 5), ("A-010", 4)], [("A-020", 3)]),
    ("L-2", "Luc Tardif", "Tardif SA", [("A-002", 4), ("A-030", 3)], []),
    ("L-3", "Lars Spät", "Spät GmbH", [("A-015", 5)], [("A-040", 4)]),
    ("L-4", "Lia Ritardo", "Ritardo Srl", [("A-050", 3), ("L-1", 3)], []),
    ("L-5", "Leo Laat", "Laat BV", [("A-060", 4)], [("A-070", 2)]),
)


def sheet_rows(path: Path) -> dict[str, list[dict[str, object]]]:
    """Every sheet of a workbook as rows of {header: value}, blank rows left out."""
    wb = load_workbook(path, read_only=True)
    sheets = {}
    for ws in wb:
        rows = list(ws.iter_rows(values_only=True))
        header = [h for h in rows[0]] if rows else []
        sheets[ws.title] = [
            dict(zip(header, r, strict=False)) for r in rows[1:] if any(v is not None for v in r)
        ]
    return sheets


def updated_registration(
    path: Path, cancel: tuple[str, ...], am_only: str | None, late=LATE
) -> Path:
    """The example with late sign-ups and their requests, some cancellations, and one
    attendee now present in the morning only."""
    sheets = sheet_rows(EXAMPLE)
    for row in sheets["Attendees"]:
        if row["id"] in cancel:
            row["status"] = "cancelled"
        if row["id"] == am_only:
            row["sessions"] = "D1-AM"
    for ident, name, org, wants, wanted_by in late:
        sheets["Attendees"].append(
            {"id": ident, "name": name, "organisation": org, "email": f"{ident}@late.example"}
        )
        for to, priority in wants:
            sheets["Requests"].append({"from": ident, "to": to, "priority": priority})
        for source, priority in wanted_by:
            sheets["Requests"].append({"from": source, "to": ident, "priority": priority})
    return write_registration(path, sheets)


def table(path: Path, sheet: str) -> list[dict[str, object]]:
    return sheet_rows(path)[sheet]


def changes_csv(out: Path) -> list[dict[str, str]]:
    with (out / "changes.csv").open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def calendar_entries(ics: Path) -> dict[str, tuple]:
    """UID -> (start, end, summary, location) of every event in a calendar file."""
    cal = Calendar.from_ical(ics.read_bytes())
    return {
        str(e["UID"]): (e.start, e.end, str(e["SUMMARY"]), str(e["LOCATION"]))
        for e in cal.walk("VEVENT")
    }


CANCELLED = ("A-005", "A-033", "A-041")
AM_ONLY = "A-017"  # now present in the morning session only
PM = dt.time(14, 0)  # the afternoon session starts


def run_cli(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@functools.cache
def first_run(base: Path) -> Path:
    """The example scheduled once (short, one worker: reproducible); its output folder."""
    out = base / "replan-first"
    result = run_cli("schedule", EXAMPLE, "-o", out, "--time-limit", 2, "--workers", 1)
    assert result.exit_code == 0, result.output
    return out


@functools.cache
def updated(base: Path) -> Path:
    return updated_registration(base / "replan-updated.xlsx", CANCELLED, AM_ONLY)


def meeting_key(row: dict) -> tuple:
    """A Meetings row as (pair, date, start, table)."""
    return (frozenset((row["a"], row["b"])), row["date"], row["start"], row["table"])
