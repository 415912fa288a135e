"""One attendee's activities as an RFC 5545 calendar file (.ics) in the event's timezone.

Calendar programs match entries by UID, so a UID names what the entry is, never when: a
meeting's UID hashes the event name and the pair (a pair meets at most once), a panel's the
event name and the panel (a panel runs once). Like a meeting, a panel has one UID in every
member's calendar, so a merged calendar shows it once. A re-plan that moves a meeting or a
panel therefore keeps its UID, and calendar programs update the entry in place instead of
showing both times.

Versions: SEQUENCE stays 0 and DTSTAMP is the input file's modification time (given by the
caller). RFC 5546 orders versions of one UID by SEQUENCE, then DTSTAMP, so a re-plan from an
edited registration carries a later DTSTAMP and supersedes the earlier entry, without any
state kept between runs; re-writing an unchanged schedule writes byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Timezone
from icalendar import Event as CalendarEvent

from models.domain import Attendee, Event
from scheduler import __version__
from scheduler.exports.agendas.items import MEETING, AgendaItem

PRODID = f"-//sigmeet//sigmeet {__version__}//EN"
UID_DOMAIN = "sigmeet"


def event_timezone(event: Event) -> Timezone:
    """The VTIMEZONE of the event's zone, covering the years of its sessions.

    Building it takes milliseconds, so it is built once and shared by every calendar.
    """
    years = sorted({s.date.year for s in event.sessions}) or [dt.date.today().year]
    return Timezone.from_tzid(
        event.settings.timezone,
        first_date=dt.date(years[0], 1, 1),
        last_date=dt.date(years[-1] + 1, 1, 1),
    )


def item_uid(event: Event, item: AgendaItem) -> str:
    """Stable UID: a meeting has the same UID in both attendees' calendars and in every
    re-run, wherever and whenever it takes place; a panel likewise."""
    if item.kind == MEETING:
        what = "meeting|" + "|".join(sorted((item.attendee, item.counterpart)))
    else:
        what = f"panel|{item.panel}"
    key = f"{event.settings.name}|{what}"
    return f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@{UID_DOMAIN}"


def summary(item: AgendaItem) -> str:
    if item.kind == MEETING:
        org = f" ({item.counterpart_organisation})" if item.counterpart_organisation else ""
        return f"Meeting: {item.counterpart_name}{org}"
    return f"Panel: {item.title}"


def description(item: AgendaItem) -> str:
    if item.kind == MEETING:
        lines = [f"Meeting with {item.counterpart_name}"]
        if item.counterpart_organisation:
            lines.append(f"Organisation: {item.counterpart_organisation}")
        lines.append(f"Table {item.table}" + (f", {item.room}" if item.room else ""))
        return "\n".join(lines)
    return f"Panel {item.panel}: {item.title}\nYour role: {item.role}\nRoom: {item.room}"


def calendar_for(
    event: Event,
    attendee: Attendee,
    activities: Sequence[AgendaItem],
    *,
    dtstamp: dt.datetime,
    timezone: Timezone,
) -> Calendar:
    """A calendar with one VEVENT per meeting or panel of `attendee`."""
    zone = ZoneInfo(event.settings.timezone)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{event.settings.name}: {attendee.name}")
    cal.add("x-wr-timezone", event.settings.timezone)
    cal.add_component(timezone)
    stamp = dtstamp.astimezone(dt.UTC)
    for item in activities:
        entry = CalendarEvent()
        entry.add("uid", item_uid(event, item))
        entry.add("dtstamp", stamp)
        entry.add("sequence", 0)
        entry.add("dtstart", item.start.replace(tzinfo=zone))
        entry.add("dtend", item.end.replace(tzinfo=zone))
        entry.add("summary", summary(item))
        place = [item.location, event.settings.venue]
        entry.add("location", ", ".join(x for x in place if x))
        entry.add("description", description(item))
        entry.add("transp", "OPAQUE")
        cal.add_component(entry)
    return cal


def write_calendar(
    path: Path,
    event: Event,
    attendee: Attendee,
    activities: Sequence[AgendaItem],
    *,
    dtstamp: dt.datetime,
    timezone: Timezone,
) -> Path:
    cal = calendar_for(event, attendee, activities, dtstamp=dtstamp, timezone=timezone)
    path.write_bytes(cal.to_ical())
    return path
