"""Reconciling a previous schedule with an updated registration, without solving: each
previous meeting that the update makes invalid is released with its reason, the rest hold."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler.registration.read import read_workbook
from scheduler.registration.write import write_registration
from scheduler.replan.changes import agenda_changes, with_origins
from scheduler.replan.previous import read_previous
from scheduler.replan.reconcile import reconcile
from tests.helpers.replan import EXAMPLE, first_run, sheet_rows


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    return first_run(tmp_path_factory.getbasetemp())


def reconciled_after(first, tmp_path, change):
    sheets = sheet_rows(EXAMPLE)
    change(sheets)
    path = write_registration(tmp_path / "new.xlsx", sheets)
    result = read_workbook(path)
    assert not result.errors, result.errors
    event = result.event
    return event, reconcile(event, read_previous(event, first))


def previous_meetings(first):
    event = read_workbook(EXAMPLE).event
    return event, read_previous(event, first).meetings


def test_nothing_changed_everything_holds(first, tmp_path):
    event, rec = reconciled_after(first, tmp_path, lambda sheets: None)
    assert rec.released == ()
    # The registration's pin keeps its pair; every other meeting and panel holds as it was.
    pinned = {frozenset((p.a, p.b)) for p in event.pins}
    assert rec.valid.meetings == tuple(
        m for m in rec.previous.meetings if frozenset((m.a, m.b)) not in pinned
    )
    assert rec.valid.panels == rec.previous.panels
    assert agenda_changes(event, rec, with_origins(event, rec.previous, rec.previous)) == ()


def test_declined_request_releases_the_meeting(first, tmp_path):
    _, meetings = previous_meetings(first)
    target = next(m for m in meetings if "A-001" not in (m.a, m.b))

    def decline(sheets):
        for r in sheets["Requests"]:
            if {r["from"], r["to"]} == {target.a, target.b}:
                r["status"] = "declined"

    event, rec = reconciled_after(first, tmp_path, decline)
    assert [(r.attendees, r.reason) for r in rec.released] == [
        ((target.a, target.b), "the request was declined")
    ]
    assert target not in rec.valid.meetings
    assert len(rec.valid.meetings) == len(meetings) - 1 - len(event.pins)


def test_removed_table_releases_its_meetings(first, tmp_path):
    _, meetings = previous_meetings(first)
    at_t05 = [m for m in meetings if m.table == "T05"]
    assert at_t05

    def remove(sheets):
        sheets["Tables"] = [r for r in sheets["Tables"] if r["table"] != "T05"]

    event, rec = reconciled_after(first, tmp_path, remove)
    assert {r.reason for r in rec.released} == {"table T05 is no longer available"}
    assert sorted(r.attendees for r in rec.released) == sorted((m.a, m.b) for m in at_t05)


def test_new_absence_pin_and_cap_release_what_they_touch(first, tmp_path):
    event0, meetings = previous_meetings(first)
    slot = {s.index: s for s in event0.slots}

    # A-008's first meeting clashes with a new absence; A-016's first with a new pin; A-029
    # may now have two meetings only (the two earliest stay).
    def mine(person):
        return [m for m in meetings if person in (m.a, m.b)]

    away, pinned, capped = mine("A-008")[0], mine("A-016")[0], mine("A-029")
    partner = next(
        a.id
        for a in event0.attendees
        if a.id not in ("A-016", pinned.a, pinned.b)
        and not a.host_table
        and all(slot[m.slot].start != slot[pinned.slot].start for m in mine(a.id))
    )

    def change(sheets):
        s = slot[away.slot]
        sheets["Unavailable"].append(
            {"attendee": "A-008", "date": s.start.date(), "from": s.start.time(),
             "to": s.end.time()}
        )  # fmt: skip
        p = slot[pinned.slot]
        sheets["Pinned"].append(
            {"a": "A-016", "b": partner, "date": p.start.date(), "start": p.start.time()}
        )
        for r in sheets["Attendees"]:
            if r["id"] == "A-029":
                r["max_meetings"] = 2

    event, rec = reconciled_after(first, tmp_path, change)
    reasons = {r.attendees: r.reason for r in rec.released}
    name = event.attendee
    assert reasons[(away.a, away.b)] == f"{name['A-008'].name} is now unavailable then"
    assert reasons[(pinned.a, pinned.b)] == f"{name['A-016'].name} now has a pinned meeting then"
    over = [m for m in capped if m not in (away, pinned)][2:]
    for m in over:
        assert reasons[(m.a, m.b)] == f"{name['A-029'].name} may now have at most 2 meetings"
    assert len(rec.released) == 2 + len(over)
    assert sum("A-029" in (m.a, m.b) for m in rec.valid.meetings) == 2
    # The partners read why, in their own rows of Changes.
    changes = agenda_changes(event, rec, with_origins(event, rec.valid, rec.previous))
    other = away.b if away.a == "A-008" else away.a
    text = [c.details for c in changes if c.attendee == other and c.change == "cancelled"]
    assert text == [
        f"meeting with {name['A-008'].name} ({name['A-008'].organisation}) at "
        f"{slot[away.slot].start:%H:%M} — {name['A-008'].name} is now unavailable then"
    ]


def test_uid_names_the_pair_not_the_time():
    from scheduler.exports.agendas.ics import item_uid
    from scheduler.exports.agendas.items import MEETING, PANEL, AgendaItem

    event = read_workbook(EXAMPLE).event
    t = dt.datetime(2027, 3, 16, 9, 30)
    later = t + dt.timedelta(hours=2)
    meet = AgendaItem("A-001", MEETING, t, t, counterpart="A-002")
    assert item_uid(event, meet) == item_uid(
        event, AgendaItem("A-002", MEETING, later, later, counterpart="A-001", table="T09")
    )
    assert item_uid(event, meet) != item_uid(
        event, AgendaItem("A-001", MEETING, t, t, counterpart="A-003")
    )
    panel = AgendaItem("A-001", PANEL, t, later, panel="P1")
    assert item_uid(event, panel) == item_uid(
        event, AgendaItem("A-009", PANEL, later, later, panel="P1")
    )
    assert item_uid(event, panel) != item_uid(
        event, AgendaItem("A-001", PANEL, t, later, panel="P2")
    )
