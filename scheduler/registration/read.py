"""Read a registration workbook into an Event, with every problem found listed at once.

`read_workbook` never raises for bad input: a missing or unreadable file, a missing sheet or
column and every bad cell become Problems (sheet, Excel row, column, plain message). The
Event is built only when there is no error; warnings are things worth knowing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from models.domain import Attendee, Event, Pair, Slot, Unavailability
from scheduler.registration.attendees import read_attendees, read_unavailability
from scheduler.registration.event_sessions import make_slots, read_sessions, read_settings
from scheduler.registration.pins import PinContext, read_pins
from scheduler.registration.problems import Problem
from scheduler.registration.requests import derive_pairs, read_requests
from scheduler.registration.schema import ATTENDEES, REQUESTS, SHEETS, TABLES
from scheduler.registration.sheets import load_sheets
from scheduler.registration.tables_panels import read_panel_choices, read_panels, read_tables


@dataclass(frozen=True)
class ReadResult:
    event: Event | None  # None when there are errors
    problems: tuple[Problem, ...]  # errors and warnings, in sheet order then row order

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")


_SHEET_RANK = {spec.name: i for i, spec in enumerate(SHEETS)}


def _in_report_order(problems: list[Problem]) -> tuple[Problem, ...]:
    # File-level problems (named after the file) first, then contract sheet order, then rows;
    # the sort is stable, so problems of one row keep the order they were found in.
    return tuple(sorted(problems, key=lambda p: (_SHEET_RANK.get(p.sheet, -1), p.row or 0)))


def _away_by_attendee(windows: tuple[Unavailability, ...]) -> dict[str, tuple[Unavailability, ...]]:
    away: dict[str, list[Unavailability]] = {}
    for w in windows:
        away.setdefault(w.attendee, []).append(w)
    return {a: tuple(ws) for a, ws in away.items()}


def _free_slots(who: Attendee, slots: tuple[Slot, ...], away: tuple[Unavailability, ...]) -> int:
    present = set(who.sessions)
    return sum(
        1
        for s in slots
        if s.session in present and not any(w.start < s.end and s.start < w.end for w in away)
    )


def _warnings(event: Event, problems: list[Problem]) -> None:
    """Things an organiser should know before scheduling, none of which stops it."""
    away = _away_by_attendee(event.unavailability)
    linked = {x for p in event.pairs for x in (p.a, p.b)} | {
        x for p in event.pins for x in (p.a, p.b)
    }
    for who in event.attendees:
        if who.cancelled:
            continue
        if _free_slots(who, event.slots, away.get(who.id, ())) == 0:
            problems.append(
                Problem(
                    ATTENDEES.name,
                    who.row,
                    "sessions",
                    f'"{who.id}" is present in no meeting slot (absent or away in every session)',
                    "warning",
                )
            )
        if who.id not in linked:
            problems.append(
                Problem(
                    ATTENDEES.name,
                    who.row,
                    "id",
                    f'nobody requested "{who.id}" and they requested nobody: no meetings for them',
                    "warning",
                )
            )
    last_row: dict[tuple[str, str], int] = {}
    for r in event.requests:
        last_row[tuple(sorted((r.source, r.target)))] = r.row
    for pair in event.candidates:
        row = last_row[tuple(sorted((pair.a, pair.b)))]
        if not pair.sessions:
            problems.append(
                Problem(
                    REQUESTS.name,
                    row,
                    "sessions",
                    f'the requests between "{pair.a}" and "{pair.b}" have no session in common, '
                    "so they cannot meet",
                    "warning",
                )
            )
            continue
        both = set(event.attendee[pair.a].sessions) & set(event.attendee[pair.b].sessions)
        if not both & set(pair.sessions):
            problems.append(
                Problem(
                    REQUESTS.name,
                    row,
                    None,
                    f'"{pair.a}" and "{pair.b}" are never present in the same session '
                    "(where their requests allow), so they cannot meet",
                    "warning",
                )
            )
    if event.candidates and not event.tables:
        problems.append(
            Problem(TABLES.name, None, None, "there are no tables, so no meeting can take place")
        )


def read_workbook(path: str | Path) -> ReadResult:
    path = Path(path)
    loaded = load_sheets(path)
    problems = list(loaded.problems)
    if not loaded.opened:
        return ReadResult(None, tuple(problems))
    sheets = loaded.sheets

    settings = read_settings(sheets.get("Event"), path.stem, problems)
    sessions, session_ids, _ = read_sessions(sheets.get("Sessions"), problems)
    tables, table_ids = read_tables(sheets.get("Tables"), session_ids, problems)
    attendees, attendee_ids = read_attendees(
        sheets.get("Attendees"), settings, session_ids, table_ids, problems
    )
    attendee = {a.id: a for a in attendees}
    unavailability = read_unavailability(sheets.get("Unavailable"), attendee_ids, problems)
    away = _away_by_attendee(unavailability)
    requests = read_requests(sheets.get("Requests"), attendee_ids, session_ids, problems)
    session = {s.id: s for s in sessions}
    panels, panel_ids = read_panels(
        sheets.get("Panels"), attendee_ids, attendee, away, session_ids, session, problems
    )
    choices = read_panel_choices(
        sheets.get("PanelChoices"), attendee_ids, attendee, panel_ids, problems
    )
    slots = make_slots(sessions)
    pin_context = PinContext(
        attendees=attendee_ids,
        attendee=attendee,
        tables=table_ids,
        table={t.id: t for t in tables},
        slot_at={s.start: s for s in slots},
        away=away,
        fixed_panels=tuple(p for p in panels if p.fixed_start is not None),
        host={a.host_table: a.id for a in attendees if a.host_table},
    )
    pins = read_pins(sheets.get("Pinned"), pin_context, problems)

    if any(p.severity == "error" for p in problems):
        return ReadResult(None, _in_report_order(problems))
    order = {a.id: i for i, a in enumerate(attendees)}
    pairs: tuple[Pair, ...] = derive_pairs(requests, order, tuple(s.id for s in sessions))
    event = Event(
        settings=settings,
        sessions=sessions,
        slots=slots,
        attendees=attendees,
        unavailability=unavailability,
        requests=requests,
        pairs=pairs,
        tables=tables,
        panels=panels,
        panel_choices=choices,
        pins=pins,
    )
    _warnings(event, problems)
    errors = any(p.severity == "error" for p in problems)
    return ReadResult(None if errors else event, _in_report_order(problems))
