"""Read a previous schedule.xlsx (the announced programme) for a re-plan.

The previous workbook is the truth, hand edits included. An edit that breaks a hard rule by
itself (two rows at one table in one slot, an attendee twice at once, a pair twice, an
unknown attendee, a time that is no slot) makes the file unusable: `PreviousUnusable` lists
each with its Meetings/Panels row, and nothing is scheduled. Silently repairing it would
announce a programme nobody agreed to. What is merely invalid under the new registration is
not an error here: `replan.reconcile` releases it with the reason.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from models.domain import Event, Meeting, PanelRun, Schedule
from scheduler.exports.schedule.names import MEETINGS, PANELS, SCHEDULE_FILE
from scheduler.exports.schedule.reader import PanelRow, ScheduleRows, read_schedule


class PreviousUnusable(Exception):
    """The previous schedule breaks a hard rule by itself; `problems` name each row."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def previous_path(path: str | Path) -> Path:
    """Accept the previous output folder as well as its schedule.xlsx."""
    path = Path(path)
    return path / SCHEDULE_FILE if path.is_dir() else path


def read_previous(event: Event, path: str | Path) -> Schedule:
    """The previous schedule in the new event's terms (slot indices, canonical pairs).

    Raises `ScheduleUnreadable` (no file, sheet or column) or `PreviousUnusable`.
    """
    rows = read_schedule(previous_path(path))
    problems = [*_meeting_problems(event, rows), *_panel_problems(event, rows)]
    problems += _clashes(rows)
    if problems:
        raise PreviousUnusable(problems)
    return _as_schedule(event, rows)


# ---------------------------------------------------------------- edits that break rules


def _where(sheet: str, row: int) -> str:
    return f"{sheet} row {row}"


def _meeting_problems(event: Event, rows: ScheduleRows) -> list[str]:
    slot_at = {(s.start, s.end): s for s in event.slots}
    problems: list[str] = []
    seen_table: dict[tuple[str, dt.datetime], int] = {}
    seen_pair: dict[tuple[str, str], int] = {}
    for m in rows.meetings:
        here = _where(MEETINGS, m.row)
        for note in m.unreadable:
            problems.append(f'{here}: column "{note.column}" cannot be read ({note.value!r})')
        if m.unreadable:
            continue
        for person in dict.fromkeys((m.a, m.b)):
            if person not in event.attendee:
                problems.append(
                    f"{here}: attendee {person or '(blank)'} is not in the registration"
                    " (mark a cancellation with status cancelled instead of deleting the row)"
                )
        if m.a == m.b:
            problems.append(f"{here}: attendee {m.a} meets themselves")
        if not m.table:
            problems.append(f"{here}: the table is blank")
        if (m.start, m.end) not in slot_at:
            problems.append(f"{here}: {m.start:%Y-%m-%d %H:%M}-{m.end:%H:%M} is not a meeting slot")
        key = (m.table, m.start)
        if m.table and key in seen_table:
            problems.append(
                f"{here}: table {m.table} already has a meeting at {m.start:%H:%M}"
                f" (row {seen_table[key]})"
            )
        seen_table.setdefault(key, m.row)
        pair = tuple(sorted((m.a, m.b)))
        if pair in seen_pair:
            problems.append(
                f"{here}: {m.a} and {m.b} already meet in row {seen_pair[pair]}; once only"
            )
        seen_pair.setdefault(pair, m.row)
    return problems


def _panel_problems(event: Event, rows: ScheduleRows) -> list[str]:
    problems: list[str] = []
    first: dict[str, PanelRow] = {}
    seen: dict[tuple[str, str], int] = {}
    for p in rows.panels:
        here = _where(PANELS, p.row)
        for note in p.unreadable:
            problems.append(f'{here}: column "{note.column}" cannot be read ({note.value!r})')
        if p.unreadable:
            continue
        if p.attendee not in event.attendee:
            problems.append(
                f"{here}: attendee {p.attendee or '(blank)'} is not in the registration"
                " (mark a cancellation with status cancelled instead of deleting the row)"
            )
        if (p.panel, p.attendee) in seen:
            problems.append(
                f"{here}: {p.attendee} is already in panel {p.panel}"
                f" (row {seen[(p.panel, p.attendee)]})"
            )
        seen.setdefault((p.panel, p.attendee), p.row)
        earlier = first.setdefault(p.panel, p)
        if (earlier.start, earlier.end) != (p.start, p.end):
            problems.append(
                f"{here}: panel {p.panel} runs {earlier.start:%H:%M}-{earlier.end:%H:%M}"
                f" in row {earlier.row}, not {p.start:%H:%M}-{p.end:%H:%M}"
            )
    return problems


def _clashes(rows: ScheduleRows) -> list[str]:
    """An attendee in two activities at once, meetings and panels alike."""
    busy: dict[str, list[tuple[dt.datetime, dt.datetime, str]]] = {}
    for m in rows.meetings:
        if m.start and m.end:
            for person in dict.fromkeys((m.a, m.b)):
                busy.setdefault(person, []).append((m.start, m.end, _where(MEETINGS, m.row)))
    seen: set[tuple[str, str]] = set()
    for p in rows.panels:
        if p.start and p.end and (p.panel, p.attendee) not in seen:
            seen.add((p.panel, p.attendee))
            busy.setdefault(p.attendee, []).append((p.start, p.end, _where(PANELS, p.row)))
    problems = []
    for person in sorted(busy):
        latest = None
        for start, end, where in sorted(busy[person]):
            if latest is not None and start < latest[1]:
                problems.append(f"{where}: attendee {person} is also busy then ({latest[2]})")
            if latest is None or end > latest[1]:
                latest = (start, end, where)
    return problems


def _as_schedule(event: Event, rows: ScheduleRows) -> Schedule:
    slot_at = {(s.start, s.end): s for s in event.slots}
    order = {a.id: i for i, a in enumerate(event.attendees)}
    meetings = []
    for m in rows.meetings:
        a, b = sorted((m.a, m.b), key=order.__getitem__)
        meetings.append(Meeting(a, b, slot_at[(m.start, m.end)].index, m.table, m.origin or ""))
    runs: dict[str, list[PanelRow]] = {}
    for p in rows.panels:
        runs.setdefault(p.panel, []).append(p)
    panel_runs = []
    for panel_id, members in runs.items():
        registered = event.panel.get(panel_id)
        moderator = registered.moderator if registered else None
        # Moderator first, as the domain's PanelRun promises; the rest in row order.
        ids = sorted((p.attendee for p in members), key=lambda x: x != moderator)
        panel_runs.append(PanelRun(panel_id, members[0].start, members[0].end, tuple(ids)))
    panel_runs.sort(key=lambda r: (r.start, r.panel))
    meetings.sort(key=lambda m: (m.slot, m.table, m.a, m.b))
    return Schedule(tuple(meetings), tuple(panel_runs))
