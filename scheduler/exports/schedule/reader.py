"""A tolerant reader of a schedule workbook's Meetings and Panels sheets, for the checker.

Whoever made the workbook (sigmeet, another tool, a person in Excel), the checker must
read it as the contract allows: headers case- and space-insensitive, extra columns and
sheets ignored, dates and times as real cells or as text, ids as numbers or text. It keeps
every row with its Excel row number; a value it cannot read becomes None plus a note, so
the checker can name the row instead of failing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

from scheduler.exports.schedule.names import MEETINGS, MEETINGS_REQUIRED, PANELS, PANELS_REQUIRED
from scheduler.registration.values import ValueProblem, as_date, as_id, as_time, is_blank


class ScheduleUnreadable(Exception):
    """The schedule workbook cannot be checked at all (missing file, sheet or column)."""


@dataclass(frozen=True)
class Unreadable:
    """A cell whose value could not be read as what its column holds."""

    column: str
    value: str


@dataclass(frozen=True)
class MeetingRow:
    row: int
    meeting: str
    start: dt.datetime | None
    end: dt.datetime | None
    table: str
    room: str | None  # None: no room column
    a: str
    b: str
    priority: int | None
    mutual: str | None
    origin: str | None
    unreadable: tuple[Unreadable, ...] = ()


@dataclass(frozen=True)
class PanelRow:
    row: int
    panel: str
    title: str | None
    start: dt.datetime | None
    end: dt.datetime | None
    room: str | None
    attendee: str
    role: str
    unreadable: tuple[Unreadable, ...] = ()


@dataclass(frozen=True)
class ScheduleRows:
    meetings: tuple[MeetingRow, ...]
    panels: tuple[PanelRow, ...]


def read_schedule(path: str | Path) -> ScheduleRows:
    """Read the Meetings and Panels sheets; raise ScheduleUnreadable with a clear message."""
    path = Path(path)
    if not path.is_file():
        raise ScheduleUnreadable(f"{path}: no such file")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise ScheduleUnreadable(f"{path}: not a readable .xlsx workbook ({exc})") from None
    try:
        sheets = {normal_header(name): name for name in wb.sheetnames}
        meetings = [
            meeting_row(r, cells)
            for r, cells in sheet_rows(wb, sheets, MEETINGS, MEETINGS_REQUIRED, path)
        ]
        panels = [
            panel_row(r, cells)
            for r, cells in sheet_rows(wb, sheets, PANELS, PANELS_REQUIRED, path)
        ]
    finally:
        wb.close()
    return ScheduleRows(tuple(meetings), tuple(panels))


def sheet_rows(wb, sheets: dict[str, str], name: str, required: tuple[str, ...], path: Path):
    """Yield (Excel row number, {normalised header: value}) for each non-blank row."""
    if normal_header(name) not in sheets:
        raise ScheduleUnreadable(f"{path}: sheet {name!r} is missing")
    rows = wb[sheets[normal_header(name)]].iter_rows(values_only=True)
    header = next(rows, None) or ()
    columns = [normal_header(h) if h is not None else "" for h in header]
    missing = [c for c in required if c not in columns]
    if missing:
        raise ScheduleUnreadable(
            f"{path}: sheet {name!r} lacks column(s) {', '.join(missing)}"
            f" (it has: {', '.join(c for c in columns if c) or 'no header'})"
        )
    for number, values in enumerate(rows, start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        cells: dict[str, object] = {}
        for column, value in zip(columns, values, strict=False):
            # The first of two same-named columns wins: later ones are "extra columns".
            if column and column not in cells:
                cells[column] = value
        yield number, cells


def meeting_row(number: int, cells: dict[str, object]) -> MeetingRow:
    notes: list[Unreadable] = []
    start, end = interval(cells, notes)
    return MeetingRow(
        row=number,
        meeting=text(cells.get("meeting")),
        start=start,
        end=end,
        table=ident(cells.get("table")),
        room=text(cells["room"]) if "room" in cells else None,
        a=ident(cells.get("a")),
        b=ident(cells.get("b")),
        priority=integer(cells.get("priority"), "priority", notes),
        mutual=text(cells["mutual"]).lower() if "mutual" in cells else None,
        origin=text(cells["origin"]).lower() if "origin" in cells else None,
        unreadable=tuple(notes),
    )


def panel_row(number: int, cells: dict[str, object]) -> PanelRow:
    notes: list[Unreadable] = []
    start, end = interval(cells, notes)
    return PanelRow(
        row=number,
        panel=ident(cells.get("panel")),
        title=text(cells["title"]) if "title" in cells else None,
        start=start,
        end=end,
        room=text(cells["room"]) if "room" in cells else None,
        attendee=ident(cells.get("attendee")),
        role=text(cells.get("role")).lower(),
        unreadable=tuple(notes),
    )


def interval(
    cells: dict[str, object], notes: list[Unreadable]
) -> tuple[dt.datetime | None, dt.datetime | None]:
    day = parse_date(cells.get("date"))
    start = parse_time(cells.get("start"))
    end = parse_time(cells.get("end"))
    for column, value in (("date", day), ("start", start), ("end", end)):
        if value is None:
            notes.append(Unreadable(column, text(cells.get(column))))
    if day is None:
        return None, None
    return (
        dt.datetime.combine(day, start) if start else None,
        dt.datetime.combine(day, end) if end else None,
    )


# ---------------------------------------------------------------- value parsers


def normal_header(value: object) -> str:
    return re.sub(r"[\s_]+", "_", str(value).strip().lower())


def text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def ident(value: object) -> str:
    """Ids compare as the registration reader reads them: trimmed text, 17.0 read as 17."""
    return as_id(value)


def integer(value: object, column: str, notes: list[Unreadable]) -> int | None:
    if value is None or text(value) == "":
        return None
    try:
        number = float(text(value))
    except ValueError:
        notes.append(Unreadable(column, text(value)))
        return None
    if not number.is_integer():
        notes.append(Unreadable(column, text(value)))
        return None
    return int(number)


def parse_date(value: object) -> dt.date | None:
    """The registration reader's date parser (cells, serials, text), None when unreadable."""
    if is_blank(value):
        return None
    try:
        return as_date(value)
    except ValueProblem:
        return None


def parse_time(value: object) -> dt.time | None:
    """The registration reader's time parser, which also rounds Excel's 09:19:59.999 up."""
    if is_blank(value):
        return None
    try:
        return as_time(value)
    except ValueProblem:
        return None
