"""Printable agendas: one A4 page per attendee (`agendas/<id>-<slug>.pdf`) and all of them in
name order in one file for the registration desk (`agendas.pdf`).

A page shows the event, venue and dates, whose agenda it is, and their day slot by slot:
each meeting's time, partner, organisation, table and room; panels with their room and the
attendee's role; free and away time (runs of free slots as one line, so long days still fit
one page). When the web app serves the attendee's agenda, its address is printed as a QR
code in the top right corner. The items are `agendas/items.py`'s, the same as in the
workbook and the calendar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from models.domain import Attendee, Event
from scheduler.exports.agendas.items import (
    AWAY,
    FREE,
    MEETING,
    PANEL,
    AgendaItem,
    away_by_attendee,
    personal_timeline,
)
from scheduler.exports.agendas.slug import slugify
from scheduler.exports.agendas.xlsx import event_dates
from scheduler.exports.pdf.fonts import register_fonts
from scheduler.exports.pdf.layout import (
    MARGIN,
    MUTED,
    PAGE_H,
    PAGE_W,
    Cell,
    PageCanvas,
    Row,
    draw_table,
    draw_text,
    new_canvas,
    time_range,
    wrap,
)
from scheduler.exports.pdf.qr import draw_qr

AGENDAS_PDF = "agendas.pdf"
QR_SIZE = 84.0
COLUMNS = ("time", "with", "organisation", "where")
WIDTHS = (76.0, 140.0, 150.0, PAGE_W - 2 * MARGIN - 366.0)


def name_order(people: Sequence[Attendee]) -> list[Attendee]:
    """Attendees sorted by name as a desk would look them up: accents ignored (Łukasz
    under L, Őrs under O), then by the name itself and the id."""
    return sorted(people, key=lambda a: (slugify(a.name), a.name.casefold(), a.id))


def agenda_rows(
    timeline: Sequence[AgendaItem], several_days: bool, pause: dt.timedelta = dt.timedelta(0)
) -> list[Row]:
    """The table rows of a timeline: day headings when the event has several days, runs of
    free (or away) slots merged into one line (slots at most `pause` apart, the longest
    changeover: a run never spans a break between sessions)."""
    rows: list[Row] = []
    day = None
    i = 0
    while i < len(timeline):
        item = timeline[i]
        if several_days and item.start.date() != day:
            day = item.start.date()
            rows.append(Row((Cell(f"{day:%A %d %B %Y}"),), heading=True))
        if item.kind in (FREE, AWAY):
            j = i
            while (
                j + 1 < len(timeline)
                and timeline[j + 1].kind == item.kind
                and timeline[j + 1].start.date() == item.start.date()
                and timeline[j + 1].start - timeline[j].end <= pause
            ):
                j += 1
            label = "free" if item.kind == FREE else "away"
            rows.append(
                Row((Cell(time_range(item.start, timeline[j].end)), Cell(label)), muted=True)
            )
            i = j + 1
            continue
        when = Cell(time_range(item.start, item.end))
        if item.kind == MEETING:
            where = f"Table {item.table}" + (f" · {item.room}" if item.room else "")
            cells = (
                when,
                Cell(item.counterpart_name, bold=True),
                Cell(item.counterpart_organisation),
                Cell(where, bold=True),
            )
        elif item.kind == PANEL:
            cells = (
                when,
                Cell(f"Panel: {item.title}", bold=True),
                Cell(item.role),
                Cell(item.room),
            )
        else:  # pragma: no cover - items.py knows no other kinds
            cells = (when, Cell(item.kind))
        rows.append(Row(cells))
        i += 1
    return rows


def draw_agenda_page(
    c: PageCanvas,
    event: Event,
    attendee: Attendee,
    timeline: Sequence[AgendaItem],
    *,
    url: str | None = None,
    stamp: dt.datetime | None = None,
) -> None:
    """Draw `attendee`'s agenda (a `personal_timeline`) as the canvas's current page."""
    regular, bold = register_fonts()
    right = PAGE_W - MARGIN
    text_width = right - MARGIN - (QR_SIZE + 12 if url else 0)
    y = PAGE_H - MARGIN - 14
    for line in wrap(event.settings.name, bold, 15, text_width):
        draw_text(c, MARGIN, y, line, bold, 15, text_width)
        y -= 17
    for line in (event.settings.venue, event_dates(event)):
        if line:
            draw_text(c, MARGIN, y, line, regular, 9, text_width, MUTED)
            y -= 12
    y -= 14
    draw_text(c, MARGIN, y, attendee.name, bold, 20, text_width)
    y -= 17
    who = " · ".join(x for x in (attendee.organisation, f"id {attendee.id}") if x)
    draw_text(c, MARGIN, y, who, regular, 11, text_width)
    y -= 15
    meetings = sum(1 for i in timeline if i.kind == MEETING)
    panels = sum(1 for i in timeline if i.kind == PANEL)
    count = f"{meetings} meeting{'s' * (meetings != 1)}"
    if panels:
        count += f", {panels} panel{'s' * (panels != 1)}"
    draw_text(c, MARGIN, y, count, regular, 10, text_width, MUTED)
    if url:
        top = PAGE_H - MARGIN
        draw_qr(c, url, right - QR_SIZE, top - QR_SIZE, QR_SIZE)
        draw_text(
            c, right - QR_SIZE, top - QR_SIZE - 10, "your agenda online", regular, 7, None, MUTED
        )
        y = min(y, top - QR_SIZE - 22)
    y -= 16
    several_days = len({s.date for s in event.sessions}) > 1
    pause = dt.timedelta(minutes=max((s.changeover_minutes for s in event.sessions), default=0))
    rows = agenda_rows(timeline, several_days, pause)
    if rows:
        draw_table(c, y, WIDTHS, COLUMNS, rows, (regular, bold))
    else:
        draw_text(c, MARGIN, y - 14, "Nothing is scheduled for you.", regular, 11, None, MUTED)
    footer = "Personal agenda made by sigmeet"
    if stamp is not None:
        local = stamp.astimezone(ZoneInfo(event.settings.timezone))
        footer += f" · schedule version of {local:%Y-%m-%d %H:%M}"
    draw_text(c, MARGIN, MARGIN - 10, footer, regular, 7, None, MUTED)


def write_agenda_pdf(
    path: Path,
    event: Event,
    attendee: Attendee,
    timeline: Sequence[AgendaItem],
    *,
    url: str | None = None,
    stamp: dt.datetime | None = None,
) -> Path:
    """One attendee's agenda as a one-page A4 PDF."""
    c = new_canvas(path, f"{event.settings.name}: agenda of {attendee.name}")
    draw_agenda_page(c, event, attendee, timeline, url=url, stamp=stamp)
    c.showPage()
    c.save()
    return path


def write_agendas_pdf(
    path: Path,
    event: Event,
    activities: Mapping[str, list[AgendaItem]],
    *,
    urls: Mapping[str, str] | None = None,
    stamp: dt.datetime | None = None,
) -> Path:
    """Every (not cancelled) attendee's agenda page in one PDF, in name order."""
    away = away_by_attendee(event)
    people = name_order([a for a in event.attendees if not a.cancelled])
    c = new_canvas(path, f"{event.settings.name}: all agendas")
    for attendee in people:
        mine = activities.get(attendee.id, [])
        timeline = personal_timeline(event, attendee, mine, away.get(attendee.id, ()))
        url = (urls or {}).get(attendee.id)
        draw_agenda_page(c, event, attendee, timeline, url=url, stamp=stamp)
        c.bookmarkPage(attendee.id)
        c.addOutlineEntry(attendee.name, attendee.id, level=0)
        c.showPage()
    if not people:
        c.showPage()
    c.save()
    return path
