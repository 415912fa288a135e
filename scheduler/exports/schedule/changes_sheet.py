"""The Changes sheet and changes.csv of a re-plan: per attendee, what was added, moved or
cancelled since the previous run, and why (docs/workbook.md, columns attendee, name, email,
change, details). The CSV carries the same rows for a mail merge."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from models.domain import Change, Event
from scheduler.exports.excel_style import FORMULA_PREFIXES, Book, Sheet, write_table
from scheduler.exports.schedule.names import CHANGES, CHANGES_COLUMNS

CHANGES_CSV = "changes.csv"


def change_rows(event: Event, changes: Sequence[Change]) -> list[tuple[str, ...]]:
    rows = []
    for c in changes:
        person = event.attendee[c.attendee]
        rows.append((person.id, person.name, person.email, c.change, c.details))
    return rows


def build_changes_sheet(book: Book, event: Event, changes: Sequence[Change]) -> Sheet:
    ws = book.sheet(CHANGES)
    write_table(ws, CHANGES_COLUMNS, change_rows(event, changes))
    return ws


def write_changes_csv(path: Path, event: Event, changes: Sequence[Change]) -> Path:
    # utf-8-sig: Excel and Word's mail merge read accents right only with the byte-order mark.
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CHANGES_COLUMNS)
        for row in change_rows(event, changes):
            # A leading apostrophe keeps spreadsheet programs from running text as a formula.
            writer.writerow(["'" + v if v.startswith(FORMULA_PREFIXES) else v for v in row])
    return path
