"""One attendee's activities as an RFC 5545 calendar file (.ics) in the event's timezone.

Calendar programs match entries by UID, so a UID names what the entry is, never when: a
meeting's UID hashes the event name and the pair (a pair meets at most once), a panel's the
event name and the panel (a panel runs once). Like a meeting, a panel has one UID in every
member's calendar, so a merged calendar shows it once. A re-plan that moves a meeting or a
panel therefore keeps its UID, and calendar programs update the entry in place instead of
showing both times.

Versions (`versions.py`): on a first run every entry has SEQUENCE 0 and DTSTAMP the input
file's modification time (given by the caller), so re-writing an unchanged schedule writes
byte-identical files. On a re-plan the previous run's calendar decides: unchanged entries
keep their SEQUENCE and DTSTAMP, moved ones get a raised SEQUENCE, and entries that are gone
stay in the file with STATUS:CANCELLED and a raised SEQUENCE, so a calendar program that
imported the earlier file updates or cancels them instead of keeping stale entries.

`calendar_ics` is the one place an attendee's calendar is made: the agenda files, the web
app's calendar feed and the mails all call it.

Speed (16,000 calendars per BIO run): every calendar holds the same VTIMEZONE, so it is
serialised once by icalendar (`SharedTimezone`); each calendar's own lines are written by
`ical_lines` around those bytes. The bytes are what icalendar writes for the same calendar.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Timezone

from models.domain import Attendee, Event
from scheduler import __version__
from scheduler.exports.agendas.ical_lines import moment_line, text_line, unknown_line
from scheduler.exports.agendas.items import MEETING, AgendaItem
from scheduler.exports.agendas.versions import CalendarEntry, CalendarVersions, Issued

PRODID = f"-//sigmeet//sigmeet {__version__}//EN"
UID_DOMAIN = "sigmeet"


class SharedTimezone(Timezone):
    """A VTIMEZONE shared by many calendars: serialised once, on first use (so it must not
    be changed after that)."""

    def to_ical(self, sorted: bool = True) -> bytes:
        cache = self.__dict__.setdefault("_sigmeet_ical", {})
        if sorted not in cache:
            cache[sorted] = super().to_ical(sorted=sorted)
        return cache[sorted]


def event_timezone(event: Event) -> SharedTimezone:
    """The VTIMEZONE of the event's zone, covering the years of its sessions.

    Building and serialising it take milliseconds, so it is built once and shared by every
    calendar.
    """
    years = sorted({s.date.year for s in event.sessions}) or [dt.date.today().year]
    return SharedTimezone.from_tzid(
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


def entry_for(event: Event, item: AgendaItem) -> CalendarEntry:
    """What the VEVENT of one meeting or panel says, apart from its version."""
    zone = ZoneInfo(event.settings.timezone)
    place = [item.location, event.settings.venue]
    return CalendarEntry(
        uid=item_uid(event, item),
        start=item.start.replace(tzinfo=zone),
        end=item.end.replace(tzinfo=zone),
        summary=summary(item),
        location=", ".join(x for x in place if x),
        description=description(item),
    )


def calendar_ics(
    event: Event,
    attendee: Attendee,
    activities: Sequence[AgendaItem],
    *,
    dtstamp: dt.datetime,
    versions: CalendarVersions | None = None,
    timezone: Timezone | None = None,
) -> bytes:
    """`attendee`'s calendar file: one VEVENT per meeting or panel in `activities`, and, when
    `versions` holds their previous calendar, every earlier entry that is gone, cancelled.

    `dtstamp` is this version's DTSTAMP (the input file's modification time); `timezone` the
    shared VTIMEZONE (`event_timezone`, built here when not given). METHOD is PUBLISH: the
    file is meant for importing or subscribing, not an iTIP invitation.
    """
    zone = ZoneInfo(event.settings.timezone)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        text_line("PRODID", PRODID),
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        unknown_line("X-WR-CALNAME", f"{event.settings.name}: {attendee.name}"),
        unknown_line("X-WR-TIMEZONE", event.settings.timezone),
    ]
    parts = ["\r\n".join(lines).encode() + b"\r\n"]
    parts.append((timezone if timezone is not None else event_timezone(event)).to_ical())
    current = [entry_for(event, item) for item in activities if item.is_activity]
    for issued in (versions or CalendarVersions()).issue(current, dtstamp):
        parts.append(_vevent(issued, zone))
    parts.append(b"END:VCALENDAR\r\n")
    return b"".join(parts)


def _vevent(issued: Issued, zone: ZoneInfo) -> bytes:
    """One VEVENT, its properties in icalendar's order (its canonical ones, then by name)."""
    entry, version = issued.entry, issued.version
    lines = (
        "BEGIN:VEVENT",
        text_line("SUMMARY", entry.summary),
        moment_line("DTSTART", entry.start.astimezone(zone)),
        moment_line("DTEND", entry.end.astimezone(zone)),
        moment_line("DTSTAMP", version.dtstamp),
        text_line("UID", entry.uid),
        f"SEQUENCE:{int(version.sequence)}",
        text_line("DESCRIPTION", entry.description),
        text_line("LOCATION", entry.location),
        "STATUS:CANCELLED" if entry.cancelled else "STATUS:CONFIRMED",
        # A cancelled entry no longer blocks the time in free/busy look-ups.
        "TRANSP:TRANSPARENT" if entry.cancelled else "TRANSP:OPAQUE",
        "END:VEVENT",
        "",
    )
    return "\r\n".join(lines).encode()


def write_calendar(
    path: Path,
    event: Event,
    attendee: Attendee,
    activities: Sequence[AgendaItem],
    *,
    dtstamp: dt.datetime,
    versions: CalendarVersions | None = None,
    timezone: Timezone | None = None,
) -> Path:
    ics = calendar_ics(
        event, attendee, activities, dtstamp=dtstamp, versions=versions, timezone=timezone
    )
    path.write_bytes(ics)
    return path
