"""Re-planned calendars update what attendees imported (issue 14), through the command line
with the real solver: v1 -> v2 -> v3 of one attendee's .ics, parsed with icalendar."""

from __future__ import annotations

import pytest

from tests.helpers.calendar_replan import LATE_ID, WHO, calendar_runs, vevents
from tests.helpers.replan import changes_csv

CANCELLED, CONFIRMED = "CANCELLED", "CONFIRMED"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return calendar_runs(tmp_path_factory.getbasetemp())


def uid_with(entries: dict, name: str) -> str:
    (uid,) = [u for u, v in entries.items() if f"Meeting: {name} (" in v.summary]
    return uid


@pytest.fixture(scope="module")
def who_names():
    from scheduler.registration.read import read_workbook
    from tests.helpers.replan import EXAMPLE

    event = read_workbook(EXAMPLE).event
    return {a.id: a.name for a in event.attendees} | {LATE_ID: "Lotte Laat"}


def test_first_replan_cancels_adds_and_keeps_the_rest(runs, who_names):
    v1, v2 = vevents(runs.first), vevents(runs.second)
    assert v1.keys() <= v2.keys()  # every earlier entry is still in the file
    assert {v.sequence for v in v1.values()} == {0}
    gone = {uid_with(v1, who_names[runs.cancelled]), uid_with(v1, who_names[runs.moved])}
    added = uid_with(v2, who_names[LATE_ID])
    assert v2.keys() - v1.keys() == {added}
    assert (v2[added].sequence, v2[added].status) == (0, CONFIRMED)
    for uid in gone:
        was, now = v1[uid], v2[uid]
        assert now.status == CANCELLED and now.sequence == was.sequence + 1
        assert (now.start, now.end) == (was.start, was.end)
        assert now.dtstamp > was.dtstamp
    for uid in v1.keys() - gone:
        assert v2[uid] == v1[uid]  # same time, text, SEQUENCE and DTSTAMP


def test_calendar_agrees_with_the_changes_sheet(runs, who_names):
    for before, after in ((runs.first, runs.second), (runs.second, runs.third)):
        old, new = vevents(before), vevents(after)
        raised = {u for u in old if new[u].sequence > old[u].sequence}
        first_seen = {u for u in new.keys() - old.keys()}
        back = {u for u in raised if old[u].status == CANCELLED}
        rows = [r for r in changes_csv(after) if r["attendee"] == WHO]
        kinds = sorted(r["change"] for r in rows)
        # Added: a new UID, or one that was cancelled before; cancelled or moved: raised.
        assert kinds.count("added") == len(first_seen) + len(back)
        assert kinds.count("cancelled") + kinds.count("moved") == len(raised - back)
        assert all(new[u].status == CANCELLED for u in raised - back)


def test_second_replan_raises_sequence_only_for_what_changed_again(runs, who_names):
    v1, v2, v3 = vevents(runs.first), vevents(runs.second), vevents(runs.third)
    assert v2.keys() <= v3.keys()
    moved = uid_with(v1, who_names[runs.moved])
    later = uid_with(v1, who_names[runs.cancelled_later])
    # The meeting cancelled in v2 is back at another time: same UID, SEQUENCE raised again.
    assert v3[moved].status == CONFIRMED and v3[moved].sequence == 2
    assert v3[moved].start != v1[moved].start and v3[moved].dtstamp > v2[moved].dtstamp
    assert (v3[later].status, v3[later].sequence) == (CANCELLED, 1)
    assert v3[later].dtstamp > v2[later].dtstamp
    # The meeting cancelled in v2 and still cancelled keeps its version.
    cancelled = uid_with(v1, who_names[runs.cancelled])
    assert v3[cancelled] == v2[cancelled]
    for uid in v2.keys() - {moved, later}:
        assert v3[uid] == v2[uid], v2[uid].summary
    for uid in v3.keys() - v2.keys():  # added in v3
        assert (v3[uid].sequence, v3[uid].status) == (0, CONFIRMED)
