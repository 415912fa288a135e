"""The Agendas sheet: one row per activity of an attendee (docs/workbook.md, Output)."""

from __future__ import annotations

from models.domain import Event, Schedule
from scheduler.exports.agendas.items import AgendaItem, activities_by_attendee
from scheduler.exports.excel_style import Book, Sheet, write_table
from scheduler.exports.schedule.names import AGENDAS, AGENDAS_COLUMNS


def build_agendas_sheet(
    book: Book,
    event: Event,
    schedule: Schedule,
    activities: dict[str, list[AgendaItem]] | None = None,
) -> Sheet:
    """Append the Agendas sheet: attendees in Attendees order, each one's activities by time.

    `activities` (from `activities_by_attendee`) may be passed in when the caller has it.
    """
    if activities is None:
        activities = activities_by_attendee(event, schedule)
    ws = book.sheet(AGENDAS)
    rows = (
        (
            person,
            event.attendee[person].name,
            item.start.date(),
            item.start.time(),
            item.end.time(),
            item.kind,
            item.with_text,
            item.location,
            item.counterpart,
            item.counterpart_organisation,
            item.panel,
            item.role,
        )
        for person, items in activities.items()
        for item in items
    )
    write_table(ws, AGENDAS_COLUMNS, rows)
    return ws
