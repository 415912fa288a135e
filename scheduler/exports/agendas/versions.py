"""Versions of calendar entries across re-plans: which SEQUENCE and DTSTAMP each entry carries.

A calendar program keeps one entry per UID and replaces it only by a newer version: a higher
SEQUENCE, or the same SEQUENCE with a later DTSTAMP (RFC 5546, 2.1.5). An entry that is
simply left out of a re-published file stays in the calendar. So an attendee's calendar file
carries every entry it ever carried, each with a version that only grows:

- unchanged (same time, place, text and status): the SEQUENCE and DTSTAMP it had;
- moved (time or place) or cancelled (kept in the file with STATUS:CANCELLED), or back after
  a cancellation: SEQUENCE raised by one and the run's DTSTAMP;
- only its text changed (a partner's name or organisation edited): same SEQUENCE, the run's
  DTSTAMP, so programs take the new text without calling it a reschedule;
- new: SEQUENCE 0 and the run's DTSTAMP.

`CalendarVersions` is one attendee's history: what their previous file said, per UID. It is
read from that file (`from_ics`) or, when the file is gone, rebuilt from the previous
schedule (`from_entries`, every SEQUENCE taken as 0). Nothing here knows about meetings or
panels; `ics.py` turns agenda items into entries and entries into VEVENTs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from icalendar import Calendar

# Whole seconds: DTSTAMP is written without fractions.
_TICK = dt.timedelta(seconds=1)


@dataclass(frozen=True)
class CalendarEntry:
    """What one VEVENT says, apart from its version. `start`/`end` are timezone-aware."""

    uid: str
    start: dt.datetime
    end: dt.datetime
    summary: str
    location: str
    description: str
    cancelled: bool = False

    @property
    def schedule_key(self) -> tuple:
        """What makes a change a reschedule (RFC 5546's significant properties: times and
        status), plus the place, since a new table is a move on the Changes sheet too."""
        return (self.start, self.end, self.location, self.cancelled)

    @property
    def fingerprint(self) -> tuple:
        """Everything an attendee sees; equal fingerprints mean an unchanged entry."""
        return (*self.schedule_key, self.summary, self.description)


@dataclass(frozen=True)
class Version:
    sequence: int
    dtstamp: dt.datetime  # UTC, whole seconds


@dataclass(frozen=True)
class Issued:
    """An entry as a calendar file carried it."""

    entry: CalendarEntry
    version: Version


@dataclass(frozen=True)
class CalendarVersions:
    """One attendee's previous calendar, per UID; empty for a first run."""

    previous: dict[str, Issued] = field(default_factory=dict)

    @classmethod
    def from_ics(cls, data: bytes) -> CalendarVersions:
        """The entries of a calendar file as written (by any earlier sigmeet run).

        An entry without SEQUENCE counts as 0; of two entries with one UID the newer counts.
        Raises ValueError when `data` is no calendar.
        """
        found: dict[str, Issued] = {}
        for vevent in Calendar.from_ical(data).walk("VEVENT"):
            uid = str(vevent.get("UID", ""))
            if not uid or "DTSTART" not in vevent:
                continue
            start = vevent.start
            end = vevent.end if "DTEND" in vevent or "DURATION" in vevent else start
            if not isinstance(start, dt.datetime):
                continue  # an all-day entry is none of ours
            stamp = vevent["DTSTAMP"].dt if "DTSTAMP" in vevent else dt.datetime.min
            if isinstance(stamp, dt.datetime) and stamp.tzinfo is None:
                stamp = stamp.replace(tzinfo=dt.UTC)
            issued = Issued(
                CalendarEntry(
                    uid=uid,
                    start=start,
                    end=end,
                    summary=str(vevent.get("SUMMARY", "")),
                    location=str(vevent.get("LOCATION", "")),
                    description=str(vevent.get("DESCRIPTION", "")),
                    cancelled=str(vevent.get("STATUS", "")).upper() == "CANCELLED",
                ),
                Version(int(vevent.get("SEQUENCE", 0)), stamp.astimezone(dt.UTC)),
            )
            earlier = found.get(uid)
            if earlier is None or _newer(issued.version, earlier.version):
                found[uid] = issued
        return cls(found)

    @classmethod
    def from_entries(
        cls, entries: Iterable[CalendarEntry], dtstamp: dt.datetime
    ) -> CalendarVersions:
        """A history rebuilt from a previous schedule: its entries at SEQUENCE 0, `dtstamp`."""
        return cls({e.uid: Issued(e, Version(0, dtstamp)) for e in entries})

    def issue(self, current: Sequence[CalendarEntry], dtstamp: dt.datetime) -> list[Issued]:
        """This run's entries with their versions, and every earlier entry that is gone,
        cancelled; in time order (entries at one time in the order given, then the gone)."""
        stamp = dtstamp.astimezone(dt.UTC).replace(microsecond=0)
        issued = [self._version(entry, stamp) for entry in current]
        now = {e.uid for e in current}
        gone = [was for uid, was in self.previous.items() if uid not in now]
        gone.sort(key=lambda was: (was.entry.start, was.entry.end, was.entry.uid))
        for was in gone:
            issued.append(self._version(replace(was.entry, cancelled=True), stamp))
        issued.sort(key=lambda i: (i.entry.start, i.entry.end))  # stable: keeps the above
        return issued

    def _version(self, entry: CalendarEntry, stamp: dt.datetime) -> Issued:
        was = self.previous.get(entry.uid)
        if was is None:
            return Issued(entry, Version(0, stamp))
        if was.entry.fingerprint == entry.fingerprint:
            return Issued(entry, was.version)  # unchanged: the same bytes as before
        later = max(stamp, was.version.dtstamp + _TICK)
        if was.entry.schedule_key == entry.schedule_key:
            return Issued(entry, Version(was.version.sequence, later))
        return Issued(entry, Version(was.version.sequence + 1, later))


def _newer(a: Version, b: Version) -> bool:
    return (a.sequence, a.dtstamp) > (b.sequence, b.dtstamp)
