"""Everything sent out to attendees: `agendas/` (an .xlsx, an .ics and a one-page .pdf per
attendee), `agendas.zip` with all of them, and `contacts.csv` for a mail merge (and for
`sigmeet send`, which finds each attendee's files and Attendees row there).

File names come from `slug.agenda_stems`, and every path is checked to lie inside the
agendas folder before anything is written, whatever an attendee typed as their name.
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from models.domain import Attendee, Event
from scheduler.exports.agendas.ics import event_timezone, write_calendar
from scheduler.exports.agendas.items import AgendaItem, away_by_attendee, personal_timeline
from scheduler.exports.agendas.slug import agenda_stems
from scheduler.exports.agendas.xlsx import write_agenda_workbook
from scheduler.exports.excel_style import FORMULA_PREFIXES
from scheduler.exports.pdf.agenda import write_agenda_pdf

if TYPE_CHECKING:
    from scheduler.exports.agendas.history import PreviousCalendars

AGENDAS_DIR = "agendas"
ZIP_NAME = "agendas.zip"
CONTACTS_NAME = "contacts.csv"
# attendees_row: the attendee's Excel row in the registration, for messages about their email.
CONTACTS_COLUMNS = (
    "attendee",
    "name",
    "email",
    "agenda_xlsx",
    "agenda_ics",
    "agenda_pdf",
    "attendees_row",
)


@dataclass(frozen=True)
class AgendaFiles:
    """One attendee's files, as paths relative to the output folder (`agendas/…`)."""

    attendee: str
    xlsx: str
    ics: str
    pdf: str = ""  # "" when no PDF is written (no Unicode font on this machine)

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(p for p in (self.xlsx, self.ics, self.pdf) if p)


def plan_agenda_files(
    out_dir: Path, people: Sequence[Attendee], *, pdf: bool = True
) -> list[AgendaFiles]:
    """Where each attendee's files go (Attendees order), checked to stay in `agendas/`;
    `pdf` false plans no PDFs."""
    folder = out_dir / AGENDAS_DIR
    inside = folder.resolve()
    stems = agenda_stems(people)
    planned = []
    for attendee in people:
        exts = (".xlsx", ".ics", ".pdf") if pdf else (".xlsx", ".ics")
        names = [f"{stems[attendee.id]}{ext}" for ext in exts]
        for name in names:
            if (folder / name).resolve().parent != inside:
                raise ValueError(f"agenda file name escapes the agendas folder: {name!r}")
        planned.append(AgendaFiles(attendee.id, *(f"{AGENDAS_DIR}/{n}" for n in names)))
    return planned


def write_agenda_files(
    out_dir: Path,
    event: Event,
    activities: dict[str, list[AgendaItem]],
    files: Sequence[AgendaFiles],
    *,
    dtstamp: dt.datetime,
    previous: PreviousCalendars | None = None,
    urls: Mapping[str, str] | None = None,
) -> None:
    """Write the agenda workbook, calendar and PDF of each attendee in `files`.

    `previous` (a re-plan) holds what their earlier calendars said, so the new ones update
    and cancel those entries (see `versions.py`). `urls` (attendee id -> their web agenda)
    puts a QR code on the PDFs.
    """
    (out_dir / AGENDAS_DIR).mkdir(parents=True, exist_ok=True)
    timezone = event_timezone(event)
    away = away_by_attendee(event)
    ids = [f.attendee for f in files]
    versions = previous.versions_for(event, ids) if previous is not None else {}
    for f in files:
        attendee = event.attendee[f.attendee]
        mine = activities.get(f.attendee, [])
        timeline = personal_timeline(event, attendee, mine, away.get(f.attendee, ()))
        write_agenda_workbook(out_dir / f.xlsx, event, attendee, timeline)
        write_calendar(
            out_dir / f.ics,
            event,
            attendee,
            mine,
            dtstamp=dtstamp,
            versions=versions.get(f.attendee),
            timezone=timezone,
        )
        if f.pdf:
            url = (urls or {}).get(f.attendee)
            write_agenda_pdf(out_dir / f.pdf, event, attendee, timeline, url=url, stamp=dtstamp)


# Already compressed (an .xlsx is a zip, reportlab deflates its PDFs' streams): stored as
# they are: deflating them again took 85 % of the zip's time (~26 s of a BIO run, in the
# parent, after the writers) and kept the zip only 8 % smaller.
STORED_SUFFIXES = (".xlsx", ".pdf")


class AgendaZip:
    """agendas.zip, filled as the agenda files are written: the output writer adds each
    chunk's files once its writer is done, in file order (the zip is the same whatever the
    number of processes), while the other writers work; zipping them all at the end took
    this process several seconds at BIO with both cores idle. Entry dates are `dtstamp`, so
    the zip changes only with content; calendars are deflated, workbooks and PDFs stored."""

    def __init__(self, path: Path, out_dir: Path, dtstamp: dt.datetime) -> None:
        self.out_dir, self.when = out_dir, dtstamp.timetuple()[:6]
        self._zf = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED)

    def add(self, files: Sequence[AgendaFiles]) -> None:
        for f in files:
            for relative in f.paths:
                info = zipfile.ZipInfo(relative, date_time=self.when)
                stored = relative.endswith(STORED_SUFFIXES)
                info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                self._zf.writestr(info, (self.out_dir / relative).read_bytes())

    def __enter__(self) -> AgendaZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self._zf.close()


def csv_safe(value: str) -> str:
    """Spreadsheets run CSV text starting with `=`, `+`, `-`, `@` as a formula; a leading
    apostrophe makes them show it as text (OWASP's advice for CSV injection)."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def write_contacts(path: Path, event: Event, files: Sequence[AgendaFiles]) -> None:
    # utf-8-sig: Excel and Word's mail merge read accents right only with the byte-order mark.
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CONTACTS_COLUMNS)
        for f in files:
            person = event.attendee[f.attendee]
            values = (person.id, person.name, person.email, f.xlsx, f.ics, f.pdf)
            writer.writerow([*(csv_safe(v) for v in values), person.row or ""])
