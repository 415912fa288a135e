"""CalendarVersions on its own: how each entry's SEQUENCE and DTSTAMP follow from the last."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from scheduler.exports.agendas.versions import CalendarEntry, CalendarVersions, Issued, Version

BERLIN = ZoneInfo("Europe/Berlin")
T0 = dt.datetime(2027, 3, 16, 9, 30, tzinfo=BERLIN)
STAMP1 = dt.datetime(2027, 1, 1, 8, tzinfo=dt.UTC)
STAMP2 = dt.datetime(2027, 2, 1, 8, tzinfo=dt.UTC)


def entry(uid: str, minutes: int = 0, **changes) -> CalendarEntry:
    start = T0 + dt.timedelta(minutes=minutes)
    base = CalendarEntry(uid, start, start + dt.timedelta(minutes=20), f"Meeting {uid}", "T1", "")
    return dataclasses.replace(base, **changes)


def by_uid(issued: list[Issued]) -> dict[str, Issued]:
    return {i.entry.uid: i for i in issued}


def test_first_run_is_sequence_zero_at_the_run_stamp():
    issued = CalendarVersions().issue([entry("a"), entry("b", 25)], STAMP1)
    assert [i.version for i in issued] == [Version(0, STAMP1)] * 2


def test_versions_follow_what_changed():
    before = [entry(u) for u in ("same", "moved", "gone", "text")]
    v1 = CalendarVersions.from_entries([*before, entry("was-gone", cancelled=True)], STAMP1)
    current = [entry("same"), entry("moved", 50), entry("text", summary="Renamed")]
    current += [entry("new"), entry("was-gone")]
    got = by_uid(v1.issue(current, STAMP2))
    assert got["same"].version == Version(0, STAMP1)
    assert got["moved"].version == Version(1, STAMP2)
    assert got["gone"].entry.cancelled and got["gone"].version == Version(1, STAMP2)
    assert got["text"].version == Version(0, STAMP2)  # newer text, not a reschedule
    assert got["new"].version == Version(0, STAMP2)
    assert got["was-gone"].version == Version(1, STAMP2)  # back after a cancellation


def test_a_cancelled_entry_stays_as_it_was():
    v1 = CalendarVersions({"x": Issued(entry("x", cancelled=True), Version(3, STAMP1))})
    assert v1.issue([], STAMP2) == [Issued(entry("x", cancelled=True), Version(3, STAMP1))]


def test_dtstamp_never_goes_back():
    v1 = CalendarVersions({"x": Issued(entry("x"), Version(0, STAMP2))})
    (got,) = v1.issue([entry("x", 25)], STAMP1)  # an input file older than the last run
    assert got.version == Version(1, STAMP2 + dt.timedelta(seconds=1))
