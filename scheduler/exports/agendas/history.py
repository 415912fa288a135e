"""What the previous run's calendars said, so a re-plan's calendars can update them.

On a re-plan (`--previous out1`) each attendee's earlier calendar file is found through the
previous folder's `contacts.csv` (or, without it, by the attendee's file name now). When the
previous folder holds no calendar files at all (only a schedule.xlsx was kept, or the web app
passes no folder), the previous schedule stands in: its items rebuilt as entries at
SEQUENCE 0, stamped with that schedule file's modification time when known.

The writer sends each worker process only its attendees' part (`PreviousCalendars.only`):
their file paths, which the worker reads, or their entries rebuilt from the previous schedule.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from models.domain import Attendee, Event, Schedule
from scheduler.exports.agendas.bundle import AGENDAS_DIR, CONTACTS_NAME
from scheduler.exports.agendas.ics import entry_for
from scheduler.exports.agendas.items import PANEL, AgendaItem, activities_by_attendee
from scheduler.exports.agendas.slug import agenda_stems
from scheduler.exports.agendas.versions import CalendarVersions
from scheduler.exports.excel_style import FORMULA_PREFIXES
from scheduler.exports.schedule.names import SCHEDULE_FILE

# DTSTAMP of entries rebuilt from a previous schedule whose file time is unknown.
UNKNOWN_STAMP = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class PreviousCalendars:
    """Each attendee's previous calendar file, or else the previous schedule."""

    files: Mapping[str, Path] = field(default_factory=dict)  # attendee id -> earlier .ics
    schedule: Schedule | None = None  # only when there are no files
    schedule_stamp: dt.datetime = UNKNOWN_STAMP
    # The previous schedule's entries already worked out per attendee (`rebuilt`).
    versions: Mapping[str, CalendarVersions] | None = None

    def versions_for(self, event: Event, attendees: Iterable[str]) -> dict[str, CalendarVersions]:
        """The calendar history of each of `attendees` (empty when they had none)."""
        ids = list(attendees)
        if self.versions is not None:
            return {a: self.versions.get(a, CalendarVersions()) for a in ids}
        if self.files:
            return {a: _read(self.files.get(a)) for a in ids}
        if self.schedule is None:
            return {a: CalendarVersions() for a in ids}
        items = _schedule_items(event, self.schedule)
        return {
            a: CalendarVersions.from_entries(
                (entry_for(event, item) for item in items.get(a, ())), self.schedule_stamp
            )
            for a in ids
        }

    def rebuilt(self, event: Event, attendees: Iterable[str]) -> PreviousCalendars:
        """The same history, with the previous schedule's entries (when it stands in for
        files) worked out once for all `attendees`, so that `only` needs no event."""
        if self.versions is not None or self.files or self.schedule is None:
            return self
        return PreviousCalendars(versions=self.versions_for(event, attendees))

    def only(self, event: Event, attendees: Iterable[str]) -> PreviousCalendars:
        """The part of the history `attendees`' calendars need, small enough to send to a
        writer process: their files, or their entries from the previous schedule."""
        ids = list(attendees)
        if self.versions is not None or (self.schedule is not None and not self.files):
            return PreviousCalendars(versions=self.versions_for(event, ids))
        return PreviousCalendars(files={a: self.files[a] for a in ids if a in self.files})


def previous_calendars(
    event: Event, previous: str | Path | None, schedule: Schedule | None = None
) -> PreviousCalendars:
    """The calendars the previous run wrote: `previous` names its output folder or its
    schedule.xlsx; `schedule` (the previous schedule as read) stands in when no calendar
    files are there."""
    folder = None
    if previous is not None:
        previous = Path(previous)
        folder = previous if previous.is_dir() else previous.parent
    people = [a for a in event.attendees if not a.cancelled]
    files = _calendar_files(folder, people) if folder is not None else {}
    if files:
        return PreviousCalendars(files=files)
    stamp = UNKNOWN_STAMP
    if folder is not None:
        try:
            mtime = (folder / SCHEDULE_FILE).stat().st_mtime
            stamp = dt.datetime.fromtimestamp(int(mtime), tz=dt.UTC)
        except OSError:
            pass
    return PreviousCalendars(schedule=schedule, schedule_stamp=stamp)


def _calendar_files(folder: Path, people: list[Attendee]) -> dict[str, Path]:
    """Attendee id -> their calendar file in the previous folder, for those that exist."""
    found: dict[str, Path] = {}
    try:
        with (folder / CONTACTS_NAME).open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                ident, relative = row.get("attendee") or "", row.get("agenda_ics") or ""
                # contacts.csv guards names against spreadsheet formulas with a leading '.
                if ident.startswith("'") and ident[1:].startswith(FORMULA_PREFIXES):
                    ident = ident[1:]
                path = folder / relative
                if ident and relative.startswith(f"{AGENDAS_DIR}/") and path.is_file():
                    found[ident] = path
    except (OSError, csv.Error, UnicodeDecodeError):
        found = {}
    if not found:
        for ident, stem in agenda_stems(people).items():
            path = folder / AGENDAS_DIR / f"{stem}.ics"
            if path.is_file():
                found[ident] = path
    return found


def _read(path: Path | None) -> CalendarVersions:
    if path is None:
        return CalendarVersions()
    try:
        return CalendarVersions.from_ics(path.read_bytes())
    except (OSError, ValueError):
        return CalendarVersions()  # unreadable: as if there was none


def _schedule_items(event: Event, schedule: Schedule) -> dict[str, list[AgendaItem]]:
    """The previous schedule's items per attendee; a panel no longer registered keeps its id."""
    known = tuple(r for r in schedule.panels if r.panel in event.panel)
    items = activities_by_attendee(event, replace(schedule, panels=known))
    for run in schedule.panels:
        if run.panel in event.panel:
            continue
        for member in run.members:
            if member in items:
                items[member].append(
                    AgendaItem(member, PANEL, run.start, run.end, panel=run.panel, title=run.panel)
                )
    return items
