"""Shared helpers of the calendar re-plan tests (no tests here): one attendee of the example
event (v1) whose agenda, in a re-plan (v2, `--keep flexible`), loses a meeting (the partner
cancels), loses another (they are now away at its time) and gains one (a late sign-up who
wants to meet them); a second re-plan (v3, `--keep fixed`) gives the pair they could not meet
in v2 a new slot (so from v1 to v3 that meeting moved) and cancels one more meeting.

Neither mode finds the away meeting a new slot in the same re-plan on this example (the
late sign-up takes the room), hence the move shows across two re-plans."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

from icalendar import Calendar

from scheduler.registration.write import write_registration
from tests.helpers.replan import first_run, run_cli, sheet_rows, table

WHO = "A-001"
LATE_ID = "L-9"


@dataclass(frozen=True)
class CalendarRuns:
    first: Path  # output folders, one per run
    second: Path
    third: Path
    cancelled: str  # the partner who cancels before the second run
    moved: str  # the partner whose meeting is cancelled in v2 and back at a new time in v3
    cancelled_later: str  # the partner who cancels before the third run


def partners(out: Path, who: str = WHO) -> list[tuple[str, dt.time]]:
    """(partner, start) of `who`'s meetings in an output folder, in time order."""
    rows = table(out / "schedule.xlsx", "Meetings")
    found = [
        (r["b"] if r["a"] == who else r["a"], r["start"]) for r in rows if who in (r["a"], r["b"])
    ]
    return sorted(found, key=lambda p: p[1])


def registration(path: Path, *, cancel: tuple[str, ...], away: tuple[dt.time, dt.time]) -> Path:
    """The example with `cancel` cancelled, `WHO` away from `away[0]` to `away[1]`, a late
    sign-up who and `WHO` want to meet each other, and caps that leave `WHO` room for more."""
    sheets = sheet_rows(Path(__file__).resolve().parents[2] / "inputs" / "example_event.xlsx")
    day = sheets["Sessions"][0]["date"]
    for row in sheets["Attendees"]:
        if row["id"] in cancel:
            row["status"] = "cancelled"
        if row["id"] == WHO:
            row["max_meetings"] = 12
    for row in sheets["Event"]:
        if row["key"] == "max_consecutive":
            row["value"] = 8
    sheets["Attendees"].append(
        {
            "id": LATE_ID,
            "name": "Lotte Laat",
            "organisation": "Laat Lab",
            "email": "l9@late.example",
        }
    )
    sheets["Requests"] += [
        {"from": LATE_ID, "to": WHO, "priority": 5},
        {"from": WHO, "to": LATE_ID, "priority": 5},
    ]
    sheets.setdefault("Unavailable", []).append(
        {"attendee": WHO, "date": day, "from": away[0], "to": away[1]}
    )
    return write_registration(path, sheets)


def replan(registration_path: Path, previous: Path, out: Path, keep: str) -> Path:
    result = run_cli(
        "schedule", registration_path, "-o", out, "--previous", previous, "--keep", keep,
        "--time-limit", 2, "--workers", 1,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


def _later(moment: dt.time, minutes: int) -> dt.time:
    return (dt.datetime.combine(dt.date(2000, 1, 1), moment) + dt.timedelta(minutes=minutes)).time()


def busy(out: Path, who: str) -> list[tuple[dt.time, dt.time]]:
    """(start, end) of everything `who` does in an output folder."""
    rows = table(out / "schedule.xlsx", "Meetings")
    found = [(r["start"], r["end"]) for r in rows if who in (r["a"], r["b"])]
    found += [
        (r["start"], r["end"])
        for r in table(out / "schedule.xlsx", "Panels")
        if r["attendee"] == who
    ]
    return found


def free_together(out: Path, a: str, b: str) -> list[dt.time]:
    """Afternoon slot starts at which neither `a` nor `b` is busy."""
    taken = busy(out, a) + busy(out, b)
    starts = [_later(dt.time(14), 25 * i) for i in range(7)]  # the example's D1-PM slots
    return [s for s in starts if all(not (t0 < _later(s, 20) and s < t1) for t0, t1 in taken)]


@functools.cache
def calendar_runs(base: Path) -> CalendarRuns:
    """v1 (the shared first run), v2 (flexible re-plan of v1), v3 (fixed re-plan of v2)."""
    first = first_run(base)
    afternoon = [p for p in partners(first) if p[1] >= dt.time(14)]
    # The first afternoon partner cancels; WHO is away at the time of a meeting whose pair
    # has another afternoon slot free; the last afternoon partner cancels before v3.
    cancelled, cancelled_later = afternoon[0][0], afternoon[-1][0]
    moved, at = next((p, t) for p, t in afternoon[1:-1] if free_together(first, WHO, p))
    away = (at, _later(at, 20))
    v2 = registration(base / "calendar-v2.xlsx", cancel=(cancelled,), away=away)
    second = replan(v2, first, base / "calendar-v2", "flexible")
    v3 = registration(base / "calendar-v3.xlsx", cancel=(cancelled, cancelled_later), away=away)
    third = replan(v3, second / "schedule.xlsx", base / "calendar-v3", "fixed")
    return CalendarRuns(first, second, third, cancelled, moved, cancelled_later)


@dataclass(frozen=True)
class Vevent:
    uid: str
    start: dt.datetime
    end: dt.datetime
    summary: str
    status: str
    sequence: int
    dtstamp: dt.datetime


def ics_of(out: Path, who: str = WHO) -> Path:
    (path,) = (out / "agendas").glob(f"{who}-*.ics")
    return path


def vevents(out: Path, who: str = WHO) -> dict[str, Vevent]:
    """UID -> what the attendee's calendar file in `out` says of it."""
    cal = Calendar.from_ical(ics_of(out, who).read_bytes())
    found = {}
    for e in cal.walk("VEVENT"):
        uid = str(e["UID"])
        assert uid not in found, f"{uid} twice in one file"
        found[uid] = Vevent(
            uid,
            e.start,
            e.end,
            str(e["SUMMARY"]),
            str(e.get("STATUS", "")),
            int(e.get("SEQUENCE", 0)),
            e["DTSTAMP"].dt,
        )
    return found
