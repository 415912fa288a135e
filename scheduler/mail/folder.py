"""What `sigmeet send` reads from an output folder: who gets mail (contacts.csv: address,
Attendees row, files), what changed for whom (changes.csv, re-plans only) and each
attendee's calendar file, which is the truth the message is written from."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from icalendar import Calendar

from scheduler.exports.agendas.bundle import CONTACTS_NAME
from scheduler.exports.excel_style import FORMULA_PREFIXES
from scheduler.exports.schedule.changes_sheet import CHANGES_CSV


class FolderUnusable(Exception):
    """The folder is no sigmeet output folder (or its contacts.csv cannot be read)."""


@dataclass(frozen=True)
class Recipient:
    attendee: str
    name: str
    email: str
    row: int | None  # Excel row in the registration's Attendees sheet
    ics: Path
    pdf: Path | None


@dataclass(frozen=True)
class Entry:
    """One VEVENT of an attendee's calendar, as the message shows it."""

    uid: str
    start: dt.datetime
    end: dt.datetime
    summary: str
    location: str
    cancelled: bool
    place: str = ""  # table and room (or the panel's room), without the venue


@dataclass(frozen=True)
class Agenda:
    event: str
    venue: str
    entries: tuple[Entry, ...]
    method: str  # the calendar's METHOD (the MIME part says the same)
    data: bytes  # the .ics file as written


def _unguard(value: str) -> str:
    """Undo the apostrophe that keeps spreadsheets from running a CSV text as a formula."""
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{k: _unguard(v or "") for k, v in row.items() if k} for row in csv.DictReader(fh)]


def read_recipients(out_dir: Path) -> list[Recipient]:
    """Every attendee of the folder (contacts.csv order, which is the Attendees order)."""
    path = out_dir / CONTACTS_NAME
    try:
        rows = _rows(path)
    except (OSError, csv.Error, UnicodeDecodeError) as exc:
        raise FolderUnusable(
            f"{out_dir} is not a sigmeet output folder: {path.name} cannot be read ({exc})."
        ) from exc
    found = []
    for row in rows:
        if not row.get("attendee") or not row.get("agenda_ics"):
            continue
        pdf = row.get("agenda_pdf", "")
        row_number = row.get("attendees_row", "")
        found.append(
            Recipient(
                attendee=row["attendee"],
                name=row.get("name", ""),
                email=row.get("email", "").strip(),
                row=int(row_number) if row_number.isdigit() else None,
                ics=out_dir / row["agenda_ics"],
                pdf=out_dir / pdf if pdf else None,
            )
        )
    return found


def read_changes(out_dir: Path) -> dict[str, list[tuple[str, str]]] | None:
    """Attendee id -> [(change, details)] of a re-plan; None when the folder is a first run."""
    path = out_dir / CHANGES_CSV
    if not path.is_file():
        return None
    changes: dict[str, list[tuple[str, str]]] = {}
    for row in _rows(path):
        changes.setdefault(row.get("attendee", ""), []).append(
            (row.get("change", ""), row.get("details", ""))
        )
    return changes


def read_agenda(recipient: Recipient) -> Agenda:
    """The recipient's calendar file and what it says (raises OSError, ValueError)."""
    data = recipient.ics.read_bytes()
    cal = Calendar.from_ical(data)
    title = str(cal.get("X-WR-CALNAME", ""))
    suffix = f": {recipient.name}"
    event = title[: -len(suffix)] if recipient.name and title.endswith(suffix) else title
    entries = []
    for e in cal.walk("VEVENT"):
        entries.append(
            Entry(
                uid=str(e.get("UID", "")),
                start=e.start,
                end=e.end,
                summary=str(e.get("SUMMARY", "")),
                location=str(e.get("LOCATION", "")),
                cancelled=str(e.get("STATUS", "")).upper() == "CANCELLED",
                place=_place(str(e.get("DESCRIPTION", ""))),
            )
        )
    entries.sort(key=lambda x: (x.start, x.end, x.uid))
    venue = ""
    for x in entries:  # ics.py writes LOCATION as "<place>, <venue>"
        if x.place and x.location.startswith(f"{x.place}, "):
            venue = x.location[len(x.place) + 2 :]
            break
    method = str(cal.get("METHOD", "PUBLISH")).upper()
    return Agenda(event, venue, tuple(entries), method, data)


def _place(description: str) -> str:
    """Where, from a DESCRIPTION as ics.py writes it: a meeting's last line is its table and
    room, a panel has a `Room: ` line."""
    lines = description.splitlines()
    for line in lines:
        if line.startswith("Room: "):
            return line[len("Room: ") :]
    return lines[-1] if lines and lines[-1].startswith("Table ") else ""
