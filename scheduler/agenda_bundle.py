"""Everything sent out to attendees: `agendas/` (an .xlsx and an .ics per attendee),
`agendas.zip` with all of them, and `contacts.csv` for a mail merge.

File names come from `slug.agenda_stems`, and every path is checked to lie inside the
agendas folder before anything is written, whatever an attendee typed as their name.
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path

from scheduler.agenda_items import (
    AgendaItem,
    activities_by_attendee,
    away_by_attendee,
    personal_timeline,
)
from scheduler.domain import Event, Schedule
from scheduler.excel_style import FORMULA_PREFIXES
from scheduler.slug import agenda_stems
from scheduler.write_agendas import write_agenda_workbook
from scheduler.write_calendar import event_timezone, write_calendar

AGENDAS_DIR = "agendas"
ZIP_NAME = "agendas.zip"
CONTACTS_NAME = "contacts.csv"
CONTACTS_COLUMNS = ("attendee", "name", "email", "agenda_xlsx", "agenda_ics")


@dataclass(frozen=True)
class AgendaFiles:
    """One attendee's files, as paths relative to the output folder (`agendas/…`)."""

    attendee: str
    xlsx: str
    ics: str


def write_agenda_bundle(
    out_dir: Path,
    event: Event,
    schedule: Schedule,
    *,
    dtstamp: dt.datetime,
    activities: dict[str, list[AgendaItem]] | None = None,
) -> list[AgendaFiles]:
    """Write every attendee's agenda and calendar, the zip and the contacts list into
    `out_dir`; return the files per attendee in Attendees order. Cancelled attendees get none.
    """
    if activities is None:
        activities = activities_by_attendee(event, schedule)
    folder = out_dir / AGENDAS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    inside = folder.resolve()
    people = [a for a in event.attendees if not a.cancelled]
    stems = agenda_stems(people)
    timezone = event_timezone(event)
    away = away_by_attendee(event)
    written = []
    for attendee in people:
        xlsx, ics = (folder / f"{stems[attendee.id]}{ext}" for ext in (".xlsx", ".ics"))
        for path in (xlsx, ics):
            if path.resolve().parent != inside:
                raise ValueError(f"agenda file name escapes the agendas folder: {path.name!r}")
        mine = activities.get(attendee.id, [])
        timeline = personal_timeline(event, attendee, mine, away.get(attendee.id, ()))
        write_agenda_workbook(xlsx, event, attendee, timeline)
        write_calendar(ics, event, attendee, mine, dtstamp=dtstamp, timezone=timezone)
        written.append(
            AgendaFiles(attendee.id, f"{AGENDAS_DIR}/{xlsx.name}", f"{AGENDAS_DIR}/{ics.name}")
        )
    write_zip(out_dir / ZIP_NAME, out_dir, written, dtstamp)
    write_contacts(out_dir / CONTACTS_NAME, event, written)
    return written


def write_zip(path: Path, out_dir: Path, files: list[AgendaFiles], dtstamp: dt.datetime) -> None:
    """Zip all agenda files; entry dates are `dtstamp` so the zip changes only with content."""
    when = dtstamp.timetuple()[:6]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for f in files:
            for relative in (f.xlsx, f.ics):
                info = zipfile.ZipInfo(relative, date_time=when)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, (out_dir / relative).read_bytes())


def csv_safe(value: str) -> str:
    """Spreadsheets run CSV text starting with `=`, `+`, `-`, `@` as a formula; a leading
    apostrophe makes them show it as text (OWASP's advice for CSV injection)."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def write_contacts(path: Path, event: Event, files: list[AgendaFiles]) -> None:
    # utf-8-sig: Excel and Word's mail merge read accents right only with the byte-order mark.
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CONTACTS_COLUMNS)
        for f in files:
            person = event.attendee[f.attendee]
            writer.writerow(
                [csv_safe(v) for v in (person.id, person.name, person.email, f.xlsx, f.ics)]
            )
