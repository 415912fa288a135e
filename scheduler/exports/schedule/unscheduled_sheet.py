"""The Unscheduled sheet: every linked pair that did not meet, and why (docs/workbook.md)."""

from __future__ import annotations

from models.domain import Event, Schedule
from scheduler.exports.excel_style import Book, Sheet, write_table
from scheduler.exports.schedule.names import UNSCHEDULED, UNSCHEDULED_COLUMNS
from scheduler.exports.schedule.unscheduled_reasons import unscheduled_pairs


def build_unscheduled_sheet(book: Book, event: Event, schedule: Schedule) -> Sheet:
    ws = book.sheet(UNSCHEDULED)
    rows = []
    for u in unscheduled_pairs(event, schedule):
        a, b = event.attendee[u.a], event.attendee[u.b]
        rows.append(
            (
                u.a,
                u.b,
                u.priority,
                "yes" if u.mutual else "no",
                u.reason,
                a.name,
                a.organisation,
                b.name,
                b.organisation,
                u.details,
            )
        )
    write_table(ws, UNSCHEDULED_COLUMNS, rows)
    return ws
