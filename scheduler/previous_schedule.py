"""Read a previous schedule.xlsx and reconcile it with an updated registration.

The previous workbook is the truth, hand edits included. Two kinds of trouble are kept apart:

- An edit that breaks a hard rule by itself (two rows at one table in one slot, an attendee
  twice at once, a pair twice, an unknown attendee, a time that is no slot) makes the file
  unusable: `PreviousUnusable` lists each with its Meetings/Panels row, and nothing is
  scheduled. Silently repairing it would announce a programme nobody agreed to.
- A meeting or panel seat that is merely invalid under the new registration (someone
  cancelled or is away, the pair was declined, the table is gone, a new pin needs the slot)
  is released with the reason, for the Changes sheet; it is not an error.

Validity is judged in the order the organiser's intentions rank: the registration's pins and
fixed panels first, then previous panels, then previous meetings in time order, each taking
the attendees, tables and caps it uses, so what is kept is feasible as a whole.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from models.keep_previous import KeepPrevious
from scheduler.domain import Event, Meeting, PanelRun, Pin, Schedule, Slot
from scheduler.read_schedule import PanelRow, ScheduleRows, read_schedule

MEETINGS, PANELS = "Meetings", "Panels"
SCHEDULE_NAME = "schedule.xlsx"


class PreviousUnusable(Exception):
    """The previous schedule breaks a hard rule by itself; `problems` name each row."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Released:
    """A previous meeting or panel seat that cannot stay as it was, and why."""

    attendees: tuple[str, ...]  # the pair of a meeting, or the one panel member
    start: dt.datetime
    reason: str
    panel: str = ""  # the panel id for a seat, "" for a meeting
    table: str = ""


@dataclass(frozen=True)
class Reconciled:
    """The previous schedule as read, and what of it still holds under the new registration."""

    previous: Schedule  # every previous meeting and panel run, as the file says
    valid: Schedule  # the meetings and panel runs (with their valid members) that still hold
    released: tuple[Released, ...]

    def reason_for(self, people: tuple[str, ...], panel: str = "") -> str | None:
        key = tuple(sorted(people))
        for r in self.released:
            if tuple(sorted(r.attendees)) == key and r.panel == panel:
                return r.reason
        return None


def previous_path(path: str | Path) -> Path:
    """Accept the previous output folder as well as its schedule.xlsx."""
    path = Path(path)
    return path / SCHEDULE_NAME if path.is_dir() else path


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


# ---------------------------------------------------------------- reconciliation


class _Ledger:
    """What is already taken: attendees' times, tables per slot, meetings per attendee."""

    def __init__(self, event: Event):
        self.event = event
        self.busy: dict[str, list[tuple[dt.datetime, dt.datetime, str]]] = {}
        self.tables: dict[tuple[str, int], str] = {}
        self.count: dict[str, int] = {}
        self.meeting_slots: dict[str, set[int]] = {}
        self.rooms: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
        self.away: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
        for u in event.unavailability:
            self.away.setdefault(u.attendee, []).append((u.start, u.end))

    def absent(self, person: str, start: dt.datetime, end: dt.datetime) -> str | None:
        att = self.event.attendee[person]
        for s in self.event.sessions:
            if s.id not in att.sessions and start < s.end_dt and s.start_dt < end:
                return f"{att.name} no longer attends session {s.id}"
        if any(start < e and s < end for s, e in self.away.get(person, ())):
            return f"{att.name} is now unavailable then"
        return None

    def clash(self, person: str, start: dt.datetime, end: dt.datetime) -> str | None:
        for s, e, what in self.busy.get(person, ()):
            if start < e and s < end:
                return f"{self.event.attendee[person].name} now has {what} then"
        return None

    def occupy(self, person: str, start: dt.datetime, end: dt.datetime, what: str) -> None:
        self.busy.setdefault(person, []).append((start, end, what))

    def take_meeting(self, a: str, b: str, slot: Slot, table: str | None, what: str) -> None:
        for person in (a, b):
            self.occupy(person, slot.start, slot.end, what)
            self.count[person] = self.count.get(person, 0) + 1
            self.meeting_slots.setdefault(person, set()).add(slot.index)
        if table:
            self.tables[(table, slot.index)] = what

    def run_too_long(self, person: str, slot: Slot) -> bool:
        limit = self.event.settings.max_consecutive
        if limit is None:
            return False
        mine = self.meeting_slots.get(person, set())
        same = [s for s in self.event.slots if s.session == slot.session]
        pos = {s.index: k for k, s in enumerate(same)}
        run, k = 1, pos[slot.index]
        for step in (-1, 1):
            j = k + step
            while 0 <= j < len(same) and same[j].index in mine:
                run += 1
                j += step
        return run > limit


def reconcile(event: Event, previous: Schedule) -> Reconciled:
    """Which previous meetings and panel seats still hold under `event`, and why not."""
    ledger = _Ledger(event)
    slots = {s.index: s for s in event.slots}
    pinned = {tuple(sorted((p.a, p.b))): p for p in event.pins}
    for pin in event.pins:
        slot = event.slot_at.get(pin.start)
        if slot is not None:
            ledger.take_meeting(pin.a, pin.b, slot, pin.table, "a pinned meeting")
    for panel in event.panels:
        if panel.fixed_start is not None and panel.moderator:
            end = panel.fixed_start + dt.timedelta(minutes=panel.minutes)
            ledger.occupy(panel.moderator, panel.fixed_start, end, f"panel {panel.id}")
            if panel.room.strip():
                ledger.rooms.setdefault(panel.room.strip(), []).append((panel.fixed_start, end))
    released: list[Released] = []
    runs: list[PanelRun] = []
    for run in previous.panels:
        kept, gone = _panel_run(event, ledger, run)
        released += gone
        if kept is not None:
            runs.append(kept)
    meetings: list[Meeting] = []
    for m in previous.meetings:
        slot = slots[m.slot]
        pin = pinned.get(tuple(sorted((m.a, m.b))))
        if pin is not None:  # the registration pins this pair: the pin decides
            if pin.start != slot.start or (pin.table or m.table) != m.table:
                where = f" at table {pin.table}" if pin.table else ""
                reason = f"the organisers fixed it at {pin.start:%H:%M}{where}"
                released.append(Released((m.a, m.b), slot.start, reason, table=m.table))
            continue
        reason = _meeting_reason(event, ledger, m, slot)
        if reason:
            released.append(Released((m.a, m.b), slot.start, reason, table=m.table))
            continue
        ledger.take_meeting(m.a, m.b, slot, m.table, f"a meeting at table {m.table}")
        meetings.append(m)
    valid = Schedule(tuple(meetings), tuple(runs))
    return Reconciled(previous, valid, tuple(released))


def _panel_run(event: Event, ledger: _Ledger, run: PanelRun):
    """The run with its members that still hold (or None), and the seats released."""
    panel = event.panel.get(run.panel)
    people = [x for x in run.members if x != (panel.moderator if panel else None)]

    def release_all(reason: str):
        return None, [Released((x,), run.start, reason, panel=run.panel) for x in run.members]

    if panel is None:
        return release_all(f"panel {run.panel} is no longer in the programme")
    if run.end - run.start != dt.timedelta(minutes=panel.minutes):
        return release_all(f"panel {panel.id} now lasts {panel.minutes} minutes")
    if panel.fixed_start is not None and panel.fixed_start != run.start:
        return release_all(f"panel {panel.id} now takes place at {panel.fixed_start:%H:%M}")
    if panel.fixed_start is None and not _allowed_start(event, panel, run):
        return release_all(f"panel {panel.id} may no longer take place then")
    room = panel.room.strip()
    if panel.fixed_start is None:
        if room and any(run.start < e and s < run.end for s, e in ledger.rooms.get(room, ())):
            return release_all(f"room {room} is now taken then")
        if panel.moderator:
            mod = event.attendee.get(panel.moderator)
            if mod is not None and not mod.cancelled:
                why = ledger.absent(mod.id, run.start, run.end) or ledger.clash(
                    mod.id, run.start, run.end
                )
                if why:
                    return release_all(f"its moderator cannot be there: {why}")
                ledger.occupy(mod.id, run.start, run.end, f"panel {panel.id}")
        if room:
            ledger.rooms.setdefault(room, []).append((run.start, run.end))
    chose = {c.attendee for c in event.panel_choices if c.panel == panel.id}
    room_left = panel.capacity - (1 if panel.moderator else 0)
    members = [panel.moderator] if panel.moderator else []
    released = []
    for person in people:
        att = event.attendee[person]
        if att.cancelled:
            why = f"{att.name} cancelled"
        elif person not in chose:
            why = f"{att.name} no longer chose panel {panel.id}"
        else:
            why = ledger.absent(person, run.start, run.end) or ledger.clash(
                person, run.start, run.end
            )
        if why is None and room_left <= 0:
            why = f"panel {panel.id} now has room for {panel.capacity}"
        if why:
            released.append(Released((person,), run.start, why, panel=panel.id))
            continue
        ledger.occupy(person, run.start, run.end, f"panel {panel.id}")
        members.append(person)
        room_left -= 1
    return dataclasses.replace(run, members=tuple(members)), released


def _allowed_start(event: Event, panel, run: PanelRun) -> bool:
    for s in event.slots:
        if s.start == run.start and s.session in panel.sessions:
            return run.end <= event.session[s.session].end_dt
    return False


def _meeting_reason(event: Event, ledger: _Ledger, m: Meeting, slot: Slot) -> str | None:
    """Why the previous meeting cannot stay as it was, or None when it can."""
    a, b = event.attendee[m.a], event.attendee[m.b]
    gone = [x.name for x in (a, b) if x.cancelled]
    if gone:
        return " and ".join(gone) + " cancelled"
    pair = event.pair_of(m.a, m.b)
    if pair is None:
        return "no request links them any more"
    if pair.declined:
        return "the request was declined"
    if event.settings.mutual_only and not pair.mutual:
        return "the event now schedules mutual requests only"
    for person in (m.a, m.b):
        why = ledger.absent(person, slot.start, slot.end)
        if why:
            return why
    if slot.session not in pair.sessions:
        return f"they may now meet only in {', '.join(pair.sessions) or 'no session'}"
    table = event.table.get(m.table)
    if table is None:
        return f"table {m.table} is no longer available"
    if slot.session not in table.sessions:
        return f"table {m.table} is not available in session {slot.session} any more"
    hosts = {x.host_table: x for x in event.attendees if x.host_table and not x.cancelled}
    for x in (a, b):
        if x.host_table and x.host_table != m.table:
            return f"{x.name} now hosts meetings at table {x.host_table}"
    host = hosts.get(m.table)
    if host is not None and host.id not in (m.a, m.b):
        return f"table {m.table} is now {host.name}'s own table"
    taken = ledger.tables.get((m.table, slot.index))
    if taken:
        return f"table {m.table} is now taken by {taken}"
    for person in (m.a, m.b):
        why = ledger.clash(person, slot.start, slot.end)
        if why:
            return why
    for x in (a, b):
        if x.max_meetings is not None and ledger.count.get(x.id, 0) >= x.max_meetings:
            return f"{x.name} may now have at most {x.max_meetings} meetings"
    for x in (a, b):
        if ledger.run_too_long(x.id, slot):
            limit = event.settings.max_consecutive
            return f"{x.name} would have more than {limit} meetings in a row"
    return None


# ---------------------------------------------------------------- keeping in place


def keep_in_place(event: Event, reconciled: Reconciled) -> Event:
    """The event with every still-valid previous meeting pinned to its slot and table, and
    every still-valid panel run fixed at its time (`--keep fixed`)."""
    slots = {s.index: s for s in event.slots}
    pins = list(event.pins)
    for m in reconciled.valid.meetings:
        pins.append(Pin(m.a, m.b, slots[m.slot].start, m.table))
    start_of = {r.panel: r.start for r in reconciled.valid.panels}
    panels = tuple(
        dataclasses.replace(p, fixed_start=start_of[p.id]) if p.id in start_of else p
        for p in event.panels
    )
    return dataclasses.replace(event, pins=tuple(pins), panels=panels)


@dataclass(frozen=True)
class Replan:
    """Everything a re-plan needs: the event to solve (with kept meetings pinned in fixed
    mode), the reconciliation for origins and Changes, and the solver's keeping rules."""

    event: Event
    reconciled: Reconciled
    keep: KeepPrevious


def prepare_replan(event: Event, path: str | Path, *, flexible: bool) -> Replan:
    """Read the previous schedule at `path`, reconcile it with `event`, and say how to keep it.

    Raises `ScheduleUnreadable` or `PreviousUnusable` (see `read_previous`).
    """
    reconciled = reconcile(event, read_previous(event, path))
    released = tuple(dict.fromkeys(x for r in reconciled.released for x in r.attendees))
    keep = KeepPrevious(reconciled.valid, flexible=flexible, released=released)
    solve_event = event if flexible else keep_in_place(event, reconciled)
    return Replan(solve_event, reconciled, keep)


# Share of the time limit for the first, keep-everything solve of a flexible re-plan.
FIXED_FIRST_SHARE = 0.3


def solve_replan(replan: Replan, *, time_limit: float, workers: int, seed: int, progress=None):
    """Solve a re-plan. Flexible re-plans first solve with everything kept in place (fast:
    most of the schedule is fixed) and start the free search from that schedule, so they are
    never worse than keeping everything, and reach it at once (a hand-made large
    neighbourhood search, see /work/shared/notes/cpsat-practice.md)."""
    import time

    from models.solve import Infeasible, solve

    keep, started = replan.keep, time.monotonic()
    start_from = keep.valid
    if keep.flexible:
        fixed = KeepPrevious(keep.valid, flexible=False, released=keep.released)
        try:
            start_from = solve(
                keep_in_place(replan.event, replan.reconciled),
                time_limit=FIXED_FIRST_SHARE * time_limit,
                workers=workers,
                seed=seed,
                progress=progress,
                previous=keep.valid,
                keep=fixed,
            )
        except Infeasible:
            pass  # new pins or panels leave no room to keep everything: search freely
    left = max(time_limit - (time.monotonic() - started), 0.5)
    return solve(
        replan.event,
        time_limit=left,
        workers=workers,
        seed=seed,
        progress=progress,
        previous=start_from,
        keep=keep,
    )
