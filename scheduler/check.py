"""The independent checker: does a schedule workbook keep every hard rule of the contract?

A second pair of eyes on whatever made the workbook. It reads the workbook itself
(`read_schedule`), never the model's code, and judges each rule from the registration
(`Event`) and what the Meetings and Panels rows say, naming the Excel row of each breach.

Judgement calls, so the report means the same every time:
- A pinned pair is exempt from the candidate, mutual-only, pair-session and cap rules (pins
  are kept even against requests and caps), never from the others.
- An attendee is absent when an activity overlaps a session they are not registered for,
  or one of their Unavailable windows; a fixed panel outside every session counts as
  present.
- `priority`, `mutual` and `origin` columns that disagree with the registration are
  warnings, not violations: they describe the meeting but break no scheduling rule.

Each violation names the hard rule it breaks (`models.hard_rules`, H1..H16) and keeps a
short code for the particular check (`RULE_OF` maps one to the other). A cell the checker
cannot read is a violation of its own kind (`READABLE`): no rule can be judged on it. The
warnings share the kind `CONSISTENT`. Neither is a rule of the contract.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from models import hard_rules as H
from models.domain import ORIGINS, Event, Slot
from models.hard_rules import HARD_RULES, HardRule
from scheduler.exports.schedule.names import MEETINGS, PANELS
from scheduler.exports.schedule.reader import MeetingRow, PanelRow, ScheduleRows, read_schedule
from scheduler.figures import Activity, figures_from_activities

ROLES = ("moderator", "participant")

# Not rules of the contract, but kinds of finding the checker reports alongside them.
READABLE = HardRule("R", "every cell the rules are judged on can be read")
CONSISTENT = HardRule("W", "descriptive columns agree with the registration")

RULE_OF: dict[str, HardRule] = {
    "double_booking": H.ONE_PLACE,
    "absent": H.PRESENT,
    "unavailable": H.PRESENT,
    "unknown_attendee": H.REGISTERED,
    "cancelled": H.REGISTERED,
    "slot_time": H.IN_SLOTS,
    "table_clash": H.ONE_PER_TABLE,
    "unknown_table": H.TABLE_SESSIONS,
    "table_session": H.TABLE_SESSIONS,
    "room": H.TABLE_SESSIONS,
    "host_table": H.HOST_TABLES,
    "pair_repeat": H.PAIR_ONCE,
    "not_candidate": H.REQUESTED,
    "not_mutual": H.REQUESTED,
    "pair_session": H.REQUESTED,
    "self_meeting": H.REQUESTED,  # nobody can request a meeting with themselves
    "cap": H.MEETING_CAPS,
    "max_consecutive": H.MAX_CONSECUTIVE,
    "pin": H.PINS,
    "panel_missing": H.PANEL_TIMES,
    "panel_time": H.PANEL_TIMES,
    "unknown_panel": H.PANEL_TIMES,
    "panel_title": H.PANEL_TIMES,
    "panel_room": H.PANEL_TIMES,
    "room_clash": H.PANEL_ROOMS,
    "capacity": H.PANEL_CAPACITY,
    "panel_member": H.PANEL_MEMBERS,
    "moderator": H.PANEL_MEMBERS,
    "role": H.PANEL_MEMBERS,
    "unreadable": READABLE,
    "meeting_id": CONSISTENT,
    "priority": CONSISTENT,
    "mutual": CONSISTENT,
    "origin": CONSISTENT,
}
"""Each check's code -> the rule (or kind) it judges."""


@dataclass(frozen=True)
class Violation:
    sheet: str
    row: int | None  # Excel row; None when no row shows it (e.g. a pin with no meeting)
    rule: HardRule  # a rule of HARD_RULES, or READABLE / CONSISTENT
    code: str  # the particular check, e.g. "table_clash"
    message: str

    @property
    def where(self) -> str:
        return self.sheet if self.row is None else f"{self.sheet} row {self.row}"

    def __str__(self) -> str:
        return f"{self.where}: [{self.rule}] {self.message}"


def found(sheet: str, row: int | None, code: str, message: str) -> Violation:
    """A finding of check `code`, named by the rule that check judges."""
    return Violation(sheet, row, RULE_OF[code], code, message)


@dataclass(frozen=True)
class CheckReport:
    violations: tuple[Violation, ...]
    figures: dict[str, int | float] = field(default_factory=dict)
    warnings: tuple[Violation, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.violations


def check_workbook(event: Event, schedule_path: str | Path) -> CheckReport:
    """Check the schedule workbook at `schedule_path` against `event`.

    Raises `scheduler.exports.schedule.reader.ScheduleUnreadable` when the workbook, or a sheet or
    column the contract requires, is missing.
    """
    return check_rows(event, read_schedule(schedule_path))


def check_rows(event: Event, rows: ScheduleRows) -> CheckReport:
    ctx = Context(event, rows)
    violations = [
        *unreadable_values(ctx),
        *meeting_row_rules(ctx),
        *presence_rules(ctx),
        *double_bookings(ctx),
        *table_clashes(ctx),
        *pair_rules(ctx),
        *cap_rules(ctx),
        *consecutive_rules(ctx),
        *pin_rules(ctx),
        *panel_row_rules(ctx),
        *panel_rules(ctx),
        *panel_room_clashes(ctx),
    ]
    sheet_rank = {MEETINGS: 0, PANELS: 1}
    violations.sort(key=lambda v: (sheet_rank.get(v.sheet, 2), v.row or 0))
    return CheckReport(tuple(violations), workbook_figures(ctx), tuple(consistency_warnings(ctx)))


# ---------------------------------------------------------------- shared facts


@dataclass(frozen=True)
class Busy:
    """One attendee's activity as a row of the workbook says it."""

    sheet: str
    row: int
    start: dt.datetime
    end: dt.datetime
    what: str  # the panel id for panels, "" for meetings

    def where(self, other: Busy) -> str:
        if self.sheet == other.sheet:
            return f"rows {other.row} and {self.row}"
        return f"{other.sheet} row {other.row} and {self.sheet} row {self.row}"


class Context:
    """What every rule needs, worked out once: slots by time, pinned pairs, activities."""

    def __init__(self, event: Event, rows: ScheduleRows) -> None:
        self.event = event
        self.meetings = rows.meetings
        self.panels = rows.panels
        self.slot_by_time: dict[tuple[dt.datetime, dt.datetime], Slot] = {
            (s.start, s.end): s for s in event.slots
        }
        self.pinned_pairs = {frozenset((p.a, p.b)) for p in event.pins}
        self.pins_of: dict[str, int] = {}
        for pin in event.pins:
            for person in (pin.a, pin.b):
                self.pins_of[person] = self.pins_of.get(person, 0) + 1

    def slot_of(self, m: MeetingRow) -> Slot | None:
        if m.start is None or m.end is None:
            return None
        return self.slot_by_time.get((m.start, m.end))

    def known(self, person: str) -> bool:
        return person in self.event.attendee

    def takes_part(self, person: str) -> bool:
        return self.known(person) and not self.event.attendee[person].cancelled

    def is_pinned(self, m: MeetingRow) -> bool:
        return frozenset((m.a, m.b)) in self.pinned_pairs

    def activities(self) -> dict[str, list[Busy]]:
        """Each attendee's timed activities, a panel once per attendee, in attendee order."""
        found: dict[str, list[Busy]] = {}
        for m in self.meetings:
            if m.start and m.end:
                for person in dict.fromkeys((m.a, m.b)):
                    found.setdefault(person, []).append(Busy(MEETINGS, m.row, m.start, m.end, ""))
        seen: set[tuple[str, str]] = set()
        for p in self.panels:
            if p.start and p.end and (p.panel, p.attendee) not in seen:
                seen.add((p.panel, p.attendee))
                found.setdefault(p.attendee, []).append(
                    Busy(PANELS, p.row, p.start, p.end, p.panel)
                )
        order = {a.id: i for i, a in enumerate(self.event.attendees)}
        return dict(sorted(found.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))


def hhmm(moment: dt.datetime | None) -> str:
    return "?" if moment is None else moment.strftime("%H:%M")


def when(start: dt.datetime | None, end: dt.datetime | None) -> str:
    day = start.date().isoformat() if start else "?"
    return f"{day} {hhmm(start)}-{hhmm(end)}"


def overlaps(items: Iterable[Busy]) -> Iterator[tuple[Busy, Busy]]:
    """(earlier, later) for each item that starts before an earlier one has ended."""
    latest: Busy | None = None
    for item in sorted(items, key=lambda b: (b.start, b.end, b.sheet, b.row)):
        if latest is not None and item.start < latest.end:
            yield latest, item
        if latest is None or item.end > latest.end:
            latest = item


# ---------------------------------------------------------------- the rules


def unreadable_values(ctx: Context) -> Iterator[Violation]:
    for sheet, rows in ((MEETINGS, ctx.meetings), (PANELS, ctx.panels)):
        for r in rows:
            for note in r.unreadable:
                shown = f"{note.value!r}" if note.value else "a blank cell"
                yield found(
                    sheet, r.row, "unreadable", f'column "{note.column}": cannot read {shown}'
                )


def meeting_row_rules(ctx: Context) -> Iterator[Violation]:
    event = ctx.event
    hosts = {a.host_table: a.id for a in event.attendees if a.host_table}
    for m in ctx.meetings:
        v = lambda code, msg, m=m: found(MEETINGS, m.row, code, msg)  # noqa: E731
        for person in dict.fromkeys((m.a, m.b)):
            if not ctx.known(person):
                yield v("unknown_attendee", f"attendee {person or '(blank)'} is not registered")
            elif event.attendee[person].cancelled:
                yield v("cancelled", f"attendee {person} has cancelled and takes part in nothing")
        if m.a == m.b and m.a:
            yield v("self_meeting", f"attendee {m.a} meets themselves")
        slot = ctx.slot_of(m)
        if m.start and m.end and slot is None:
            yield v("slot_time", f"{when(m.start, m.end)} is not a meeting slot of any session")
        table = event.table.get(m.table)
        if table is None:
            yield v("unknown_table", f"table {m.table or '(blank)'} is not registered")
            continue
        if slot is not None and slot.session not in table.sessions:
            yield v(
                "table_session",
                f"table {table.id} is not usable in session {slot.session}"
                f" (only {', '.join(table.sessions) or 'none'})",
            )
        if m.room is not None and m.room.casefold() != table.room.strip().casefold():
            yield v("room", f"table {table.id} stands in {table.room!r}, not {m.room!r}")
        for person in dict.fromkeys((m.a, m.b)):
            own = event.attendee[person].host_table if ctx.known(person) else None
            if own and own != table.id:
                yield v(
                    "host_table", f"host {person} must meet at their table {own}, not {table.id}"
                )
        host = hosts.get(table.id)
        if host and host not in (m.a, m.b):
            yield v("host_table", f"table {table.id} is host {host}'s table; only they meet there")


def presence_rules(ctx: Context) -> Iterator[Violation]:
    event = ctx.event
    away: dict[str, list] = {}
    for u in event.unavailability:
        away.setdefault(u.attendee, []).append(u)
    for person, items in ctx.activities().items():
        if not ctx.known(person):
            continue
        attendee = event.attendee[person]
        for b in items:
            for s in event.sessions:
                if s.id not in attendee.sessions and b.start < s.end_dt and s.start_dt < b.end:
                    yield found(
                        b.sheet,
                        b.row,
                        "absent",
                        f"attendee {person} is not registered for session {s.id}"
                        f" ({when(b.start, b.end)})",
                    )
            for u in away.get(person, ()):
                if b.start < u.end and u.start < b.end:
                    yield found(
                        b.sheet,
                        b.row,
                        "unavailable",
                        f"attendee {person} is unavailable {when(u.start, u.end)}"
                        f" (Unavailable row {u.row})",
                    )


def double_bookings(ctx: Context) -> Iterator[Violation]:
    for person, items in ctx.activities().items():
        for earlier, later in overlaps(items):
            yield found(
                later.sheet,
                later.row,
                "double_booking",
                f"attendee {person} is in two activities at {hhmm(later.start)}"
                f" ({later.where(earlier)})",
            )


def table_clashes(ctx: Context) -> Iterator[Violation]:
    by_table: dict[str, list[Busy]] = {}
    for m in ctx.meetings:
        if m.start and m.end and m.table:
            by_table.setdefault(m.table, []).append(Busy(MEETINGS, m.row, m.start, m.end, ""))
    for table, items in by_table.items():
        for earlier, later in overlaps(items):
            yield found(
                MEETINGS,
                later.row,
                "table_clash",
                f"table {table} has two meetings at {hhmm(later.start)} ({later.where(earlier)})",
            )


def pair_rules(ctx: Context) -> Iterator[Violation]:
    event = ctx.event
    first_row: dict[frozenset[str], int] = {}
    for m in ctx.meetings:
        key = frozenset((m.a, m.b))
        v = lambda code, msg, m=m: found(MEETINGS, m.row, code, msg)  # noqa: E731
        if key in first_row:
            yield v(
                "pair_repeat", f"{m.a} and {m.b} already meet in row {first_row[key]}; once only"
            )
            continue
        first_row[key] = m.row
        if not (ctx.takes_part(m.a) and ctx.takes_part(m.b)) or m.a == m.b or ctx.is_pinned(m):
            continue
        pair = event.pair_of(m.a, m.b)
        if pair is None:
            yield v("not_candidate", f"no request links {m.a} and {m.b}")
            continue
        if pair.declined:
            yield v("not_candidate", f"a request between {m.a} and {m.b} was declined")
            continue
        if event.settings.mutual_only and not pair.mutual:
            yield v("not_mutual", f"{m.a} and {m.b} are not mutual and the event is mutual-only")
        slot = ctx.slot_of(m)
        if slot is not None and slot.session not in pair.sessions:
            yield v(
                "pair_session",
                f"{m.a} and {m.b} may meet only in {', '.join(pair.sessions) or 'no session'},"
                f" not {slot.session}",
            )


def meetings_in_time_order(ctx: Context) -> dict[str, list[MeetingRow]]:
    far = dt.datetime.max
    of: dict[str, list[MeetingRow]] = {}
    for m in sorted(ctx.meetings, key=lambda m: (m.start or far, m.row)):
        for person in dict.fromkeys((m.a, m.b)):
            if ctx.known(person):
                of.setdefault(person, []).append(m)
    return of


def cap_rules(ctx: Context) -> Iterator[Violation]:
    for person, rows in meetings_in_time_order(ctx).items():
        cap = ctx.event.attendee[person].max_meetings
        if cap is None:
            continue
        allowed = max(cap, ctx.pins_of.get(person, 0))  # pins beyond the cap are allowed
        if len(rows) > allowed:
            # Name the latest meeting the scheduler chose, not a pin the organiser fixed.
            chosen = [m for m in rows if not ctx.is_pinned(m)]
            over = chosen[-1] if chosen else rows[-1]
            yield found(
                MEETINGS,
                over.row,
                "cap",
                f"attendee {person} has {len(rows)} meetings, more than their cap of {cap}"
                + (f" (with {ctx.pins_of[person]} pinned)" if person in ctx.pins_of else ""),
            )


def consecutive_rules(ctx: Context) -> Iterator[Violation]:
    limit = ctx.event.settings.max_consecutive
    if limit is None:
        return
    for person, rows in meetings_in_time_order(ctx).items():
        placed = [(ctx.slot_of(m), m) for m in rows]
        placed = [(s, m) for s, m in placed if s is not None]
        runs: list[list[tuple[Slot, MeetingRow]]] = []
        for s, m in placed:
            last = runs[-1][-1][0] if runs else None
            if last and last.session == s.session and s.position == last.position + 1:
                runs[-1].append((s, m))
            else:
                runs.append([(s, m)])
        for run in runs:
            for i in range(limit, len(run)):
                window = run[i - limit : i + 1]
                # A window made only of pins is the organiser's own doing: pins are kept.
                if all(ctx.is_pinned(m) for _, m in window):
                    continue
                yield found(
                    MEETINGS,
                    run[i][1].row,
                    "max_consecutive",
                    f"attendee {person} has {len(window)} meetings in a row"
                    f" (rows {', '.join(str(m.row) for _, m in window)}); at most {limit}",
                )
                break


def pin_rules(ctx: Context) -> Iterator[Violation]:
    for pin in ctx.event.pins:
        key = frozenset((pin.a, pin.b))
        rows = [m for m in ctx.meetings if frozenset((m.a, m.b)) == key]
        if any(m.start == pin.start and (pin.table is None or m.table == pin.table) for m in rows):
            continue
        wanted = f"{pin.start:%Y-%m-%d %H:%M}" + (f" at table {pin.table}" if pin.table else "")
        if rows:
            m = rows[0]
            yield found(
                MEETINGS,
                m.row,
                "pin",
                f"{pin.a} and {pin.b} are pinned to {wanted} (Pinned row {pin.row}),"
                f" not {when(m.start, m.end)} at table {m.table}",
            )
        else:
            yield found(
                MEETINGS,
                None,
                "pin",
                f"pinned meeting {pin.a} with {pin.b} on {wanted} (Pinned row {pin.row})"
                " is missing",
            )


def panel_row_rules(ctx: Context) -> Iterator[Violation]:
    event = ctx.event
    chose = {(c.attendee, c.panel) for c in event.panel_choices}
    seen: dict[tuple[str, str], int] = {}
    for p in ctx.panels:
        v = lambda code, msg, p=p: found(PANELS, p.row, code, msg)  # noqa: E731
        if not ctx.known(p.attendee):
            yield v("unknown_attendee", f"attendee {p.attendee or '(blank)'} is not registered")
        elif event.attendee[p.attendee].cancelled:
            yield v("cancelled", f"attendee {p.attendee} has cancelled and takes part in nothing")
        if p.role not in ROLES:
            yield v("role", f"role {p.role or '(blank)'!r} is neither moderator nor participant")
        panel = event.panel.get(p.panel)
        if panel is None:
            yield v("unknown_panel", f"panel {p.panel or '(blank)'} is not registered")
            continue
        if (p.panel, p.attendee) in seen:
            yield v(
                "panel_member",
                f"attendee {p.attendee} is listed twice for panel {p.panel}"
                f" (rows {seen[(p.panel, p.attendee)]} and {p.row})",
            )
            continue
        seen[(p.panel, p.attendee)] = p.row
        if p.title is not None and p.title != panel.title.strip():
            yield v("panel_title", f"panel {panel.id} is titled {panel.title!r}, not {p.title!r}")
        if p.room is not None and p.room.casefold() != panel.room.strip().casefold():
            yield v("panel_room", f"panel {panel.id} is in {panel.room!r}, not {p.room!r}")
        if p.attendee == panel.moderator:
            if p.role != "moderator" and p.role in ROLES:
                yield v("moderator", f"{p.attendee} moderates panel {panel.id}: role moderator")
        else:
            if p.role == "moderator":
                yield v("moderator", f"{p.attendee} is not panel {panel.id}'s moderator")
            if (p.attendee, p.panel) not in chose and ctx.known(p.attendee):
                yield v("panel_member", f"attendee {p.attendee} did not choose panel {panel.id}")


def panel_rules(ctx: Context) -> Iterator[Violation]:
    """Per registered panel: it runs, once, at an allowed time, with its moderator, in size."""
    event = ctx.event
    rows_of: dict[str, list[PanelRow]] = {}
    for p in ctx.panels:
        rows_of.setdefault(p.panel, []).append(p)
    for panel in event.panels:
        rows = rows_of.get(panel.id, [])
        if not rows:
            could = [c.attendee for c in event.panel_choices if c.panel == panel.id]
            if panel.moderator:
                could.append(panel.moderator)
            if any(ctx.takes_part(x) for x in could):
                yield found(
                    PANELS, None, "panel_missing", f"panel {panel.id} ({panel.title}) does not run"
                )
            continue
        first = rows[0]
        v = lambda code, msg, r=first: found(PANELS, r.row, code, msg)  # noqa: E731
        for r in rows[1:]:
            if (r.start, r.end) != (first.start, first.end):
                yield found(
                    PANELS,
                    r.row,
                    "panel_time",
                    f"panel {panel.id} runs {when(first.start, first.end)} in row {first.row},"
                    f" not {when(r.start, r.end)}",
                )
        if first.start and first.end:
            yield from panel_time_rules(ctx, panel, first, v)
        members = list(dict.fromkeys(r.attendee for r in rows))
        if len(members) > panel.capacity:
            over = next(r for r in rows if r.attendee == members[panel.capacity])
            yield found(
                PANELS,
                over.row,
                "capacity",
                f"panel {panel.id} has {len(members)} members, capacity {panel.capacity}",
            )
        if panel.moderator and ctx.takes_part(panel.moderator) and panel.moderator not in members:
            yield v("moderator", f"moderator {panel.moderator} is not in panel {panel.id}")


def panel_time_rules(ctx: Context, panel, first: PanelRow, v) -> Iterator[Violation]:
    start, end = first.start, first.end
    if end - start != dt.timedelta(minutes=panel.minutes):
        yield v(
            "panel_time",
            f"panel {panel.id} lasts {panel.minutes} minutes, not {when(start, end)}",
        )
    if panel.fixed_start is not None:
        if start != panel.fixed_start:
            yield v(
                "panel_time",
                f"panel {panel.id} is fixed at {panel.fixed_start:%Y-%m-%d %H:%M},"
                f" not {start:%Y-%m-%d %H:%M}",
            )
        return
    starts = {s.start: s.session for s in ctx.event.slots}
    session = ctx.event.session.get(starts.get(start, ""))
    if session is None or session.id not in panel.sessions:
        yield v(
            "panel_time",
            f"panel {panel.id} must start at a slot start of"
            f" {', '.join(panel.sessions) or 'no session'}, not {start:%Y-%m-%d %H:%M}",
        )
    elif end > session.end_dt:
        yield v(
            "panel_time",
            f"panel {panel.id} ends {hhmm(end)}, after session {session.id} ends"
            f" {hhmm(session.end_dt)}",
        )


def panel_room_clashes(ctx: Context) -> Iterator[Violation]:
    """Two panels in one room never overlap: judged on the room each row names."""
    first: dict[str, PanelRow] = {}
    for p in ctx.panels:
        first.setdefault(p.panel, p)
    by_room: dict[str, list[Busy]] = {}
    for p in first.values():
        registered = ctx.event.panel.get(p.panel)
        room = p.room if p.room is not None else (registered.room if registered else "")
        if p.start and p.end and room:
            by_room.setdefault(room.casefold(), []).append(
                Busy(PANELS, p.row, p.start, p.end, p.panel)
            )
    for items in by_room.values():
        for earlier, later in overlaps(items):
            yield found(
                PANELS,
                later.row,
                "room_clash",
                f"panels {earlier.what} and {later.what} share a room at {hhmm(later.start)}"
                f" ({later.where(earlier)})",
            )


# ---------------------------------------------------------------- warnings, figures


def consistency_warnings(ctx: Context) -> Iterator[Violation]:
    id_row: dict[str, int] = {}
    for m in ctx.meetings:
        if m.meeting and m.meeting in id_row:
            yield found(
                MEETINGS,
                m.row,
                "meeting_id",
                f"meeting id {m.meeting} is also in row {id_row[m.meeting]}",
            )
        id_row.setdefault(m.meeting, m.row)
        pair = ctx.event.pair_of(m.a, m.b)
        if m.priority is not None and pair is not None and m.priority != pair.priority:
            yield found(
                MEETINGS,
                m.row,
                "priority",
                f"priority says {m.priority}; the requests give {pair.priority}",
            )
        mutual = "yes" if pair is not None and pair.mutual else "no"
        if m.mutual and m.mutual != mutual:
            yield found(
                MEETINGS, m.row, "mutual", f"mutual says {m.mutual}; the requests give {mutual}"
            )
        if m.origin and m.origin not in ORIGINS:
            yield found(
                MEETINGS, m.row, "origin", f"origin {m.origin!r} is not one of {', '.join(ORIGINS)}"
            )


def workbook_figures(ctx: Context) -> dict[str, int | float]:
    pairs = [(m.a, m.b) for m in ctx.meetings]
    activities = [
        Activity(person, b.start, b.end)
        for person, items in ctx.activities().items()
        for b in items
    ]
    seats = len({(p.panel, p.attendee) for p in ctx.panels})
    return figures_from_activities(ctx.event, pairs, activities, seats)


# ---------------------------------------------------------------- the report


def report_text(report: CheckReport) -> str:
    """The check's verdict for a person: broken rules by row, warnings, the figures, then
    how many times each rule is broken."""
    lines: list[str] = []
    if report.violations:
        n = len(report.violations)
        lines.append(f"{n} hard rule violation{'s' if n != 1 else ''}:")
        lines += [f"  {v}" for v in report.violations]
    else:
        lines.append("Every hard rule holds.")
    if report.warnings:
        n = len(report.warnings)
        lines.append(f"{n} warning{'s' if n != 1 else ''} (columns that disagree with the input):")
        lines += [f"  {w.where}: {w.message}" for w in report.warnings]
    lines.append("Quality figures:")
    width = max((len(name) for name in report.figures), default=0)
    for name, value in report.figures.items():
        shown = f"{value:.4f}" if isinstance(value, float) else str(value)
        lines.append(f"  {name:<{width}}  {shown}")
    if report.violations:
        lines.append("Violations by rule:")
        width = max(len(rule.id) for rule in (*HARD_RULES, READABLE))
        lines += [f"  {r.id:<{width}}  {n:>4}  {r.wording}" for r, n in rule_counts(report).items()]
    return "\n".join(lines)


def rule_counts(report: CheckReport) -> dict[HardRule, int]:
    """How many violations of each rule, in the contract's order (unreadable cells last)."""
    order = {rule: i for i, rule in enumerate((*HARD_RULES, READABLE))}
    counts: dict[HardRule, int] = {}
    for v in sorted(report.violations, key=lambda v: order[v.rule]):
        counts[v.rule] = counts.get(v.rule, 0) + 1
    return counts
