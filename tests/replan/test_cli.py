"""Re-planning the example after late sign-ups, cancellations and a changed presence, through
the command line: kept meetings stay exactly, invalid ones go with their reason, Changes lists
exactly the affected attendees, and unchanged attendees' calendars stay the same."""

from __future__ import annotations

from collections import Counter

import pytest

from scheduler.check import check_workbook
from scheduler.registration.read import read_workbook
from scheduler.replan.changes import REPLANNED
from tests.helpers.replan import (
    AM_ONLY,
    CANCELLED,
    EXAMPLE,
    LATE,
    PM,
    calendar_entries,
    changes_csv,
    first_run,
    meeting_key,
    run_cli,
    sheet_rows,
    updated,
)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.getbasetemp()
    first, new = first_run(base), updated(base)
    outs = {}
    for keep in ("fixed", "flexible"):
        out = base / f"replan-{keep}"
        result = run_cli(
            "schedule", new, "-o", out, "--previous", first, "--keep", keep,
            "--time-limit", 2, "--workers", 1,
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert "Re-plan:" in result.output
        outs[keep] = out
    return first, new, outs


def is_dropped(row: dict) -> bool:
    """Invalid under the update: a cancelled attendee, or the now morning-only one after noon."""
    people = (row["a"], row["b"])
    return any(x in CANCELLED for x in people) or (AM_ONLY in people and row["start"] >= PM)


def expected_changes(event, before: dict, after: dict) -> Counter:
    """(attendee, change, what) for every difference between two output workbooks."""
    name = {a.id: a.name for a in event.attendees}
    found: Counter = Counter()
    old = {frozenset((r["a"], r["b"])): r for r in before["Meetings"]}
    now = {frozenset((r["a"], r["b"])): r for r in after["Meetings"]}
    for pair in old.keys() | now.keys():
        o, n = old.get(pair), now.get(pair)
        if o and n and meeting_key(o) == meeting_key(n):
            continue
        change = "added" if o is None else "cancelled" if n is None else "moved"
        for me, other in (sorted(pair), sorted(pair)[::-1]):
            found[(me, change, f"meeting with {name[other]}")] += 1
    seats_before = {(r["panel"], r["attendee"]): r["start"] for r in before["Panels"]}
    seats_after = {(r["panel"], r["attendee"]): r["start"] for r in after["Panels"]}
    for panel, person in seats_before.keys() | seats_after.keys():
        o, n = seats_before.get((panel, person)), seats_after.get((panel, person))
        if o != n:
            change = "added" if o is None else "cancelled" if n is None else "moved"
            found[(person, change, f"panel {panel}")] += 1
    return Counter({k: v for k, v in found.items() if k[0] not in CANCELLED})


def actual_changes(rows: list[dict]) -> Counter:
    def what(details: str) -> str:
        head = details.split(" — ")[0]
        if head.startswith("panel "):
            return " ".join(head.split()[:2])
        return head.split(" (")[0]

    return Counter((r["attendee"], r["change"], what(r["details"])) for r in rows)


def sheets(out) -> dict:
    found = sheet_rows(out / "schedule.xlsx")
    return {s: found.get(s, []) for s in ("Meetings", "Panels", "Changes")}


def test_fixed_keeps_every_valid_meeting_exactly(runs):
    first, new, outs = runs
    event = read_workbook(new).event
    before, after = sheets(first), sheets(outs["fixed"])
    assert check_workbook(event, outs["fixed"] / "schedule.xlsx").ok
    pinned = {frozenset((p.a, p.b)) for p in event.pins}
    still = {meeting_key(r) for r in before["Meetings"] if not is_dropped(r)}
    kept = {meeting_key(r) for r in after["Meetings"] if r["origin"] in ("kept", "pinned")}
    assert kept == still
    assert {r["origin"] for r in after["Meetings"] if meeting_key(r)[0] in pinned} == {"pinned"}
    dropped = [r for r in before["Meetings"] if is_dropped(r)]
    assert dropped and all(meeting_key(r) not in kept for r in dropped)
    assert all(x not in (r["a"], r["b"]) for r in after["Meetings"] for x in CANCELLED)
    assert {r["origin"] for r in after["Meetings"]} <= {"kept", "pinned", "new", "moved"}
    # Latecomers are served from the free capacity.
    for late in LATE:
        assert any(late[0] in (r["a"], r["b"]) for r in after["Meetings"]), late[0]


@pytest.mark.parametrize("keep", ["fixed", "flexible"])
def test_changes_list_exactly_what_changed_and_why(runs, keep):
    first, new, outs = runs
    event = read_workbook(new).event
    before, after = sheets(first), sheets(outs[keep])
    rows = after["Changes"]
    assert actual_changes(rows) == expected_changes(event, before, after)
    assert [list(r.values()) for r in rows] == [
        [r["attendee"], r["name"], r["email"], r["change"], r["details"]] for r in rows
    ]
    csv_rows = changes_csv(outs[keep])
    assert [tuple(r.values()) for r in csv_rows] == [
        tuple("" if v is None else str(v) for v in r.values()) for r in rows
    ]
    name = {a.id: a.name for a in event.attendees}
    reasons = 0
    for r in rows:
        if r["change"] != "cancelled" or not r["details"].startswith("meeting with"):
            continue
        partner = next((x for x in CANCELLED if f"with {name[x]} (" in r["details"]), None)
        if partner is not None:
            assert r["details"].split(" — ")[1] == f"{name[partner]} cancelled"
            reasons += 1
    assert reasons > 0
    am_only = [r for r in rows if r["attendee"] == AM_ONLY and r["change"] == "cancelled"]
    assert am_only and all(
        r["details"].endswith("no longer attends session D1-PM") or "cancelled" in r["details"]
        for r in am_only
    )


def test_flexible_changes_no_more_agendas_than_fixed(runs):
    _, new, outs = runs
    event = read_workbook(new).event
    assert check_workbook(event, outs["flexible"] / "schedule.xlsx").ok

    def changed(keep: str) -> set[str]:
        rows = sheets(outs[keep])["Changes"]
        return {r["attendee"] for r in rows if r["change"] != "added"}

    assert len(changed("flexible")) <= len(changed("fixed"))
    for r in sheets(outs["flexible"])["Changes"]:
        if r["change"] == "moved" and r["details"].startswith("meeting"):
            assert r["details"].endswith(REPLANNED) or "no longer" in r["details"]


@pytest.mark.parametrize("keep", ["fixed", "flexible"])
def test_unchanged_attendees_keep_identical_calendar_entries(runs, keep):
    first, new, outs = runs
    event = read_workbook(new).event
    touched = {r["attendee"] for r in sheets(outs[keep])["Changes"]}
    unchanged = [a.id for a in event.attendees if not a.cancelled and a.id not in touched]
    assert len(unchanged) > 20
    for person in unchanged:
        if person.startswith("L-"):
            continue  # a latecomer with nothing scheduled had no earlier calendar
        (old,) = (first / "agendas").glob(f"{person}-*.ics")
        (now,) = (outs[keep] / "agendas").glob(f"{person}-*.ics")
        before, after = calendar_entries(old), calendar_entries(now)
        assert before == after, person


def test_nothing_changed_flexible_moves_and_drops_nothing(tmp_path, tmp_path_factory):
    first = first_run(tmp_path_factory.getbasetemp())
    out = tmp_path / "again"
    result = run_cli(
        "schedule", EXAMPLE, "-o", out, "--previous", first / "schedule.xlsx",
        "--keep", "flexible", "--time-limit", 2, "--workers", 1,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    before, after = sheets(first), sheets(out)
    assert {r["change"] for r in after["Changes"]} <= {"added"}
    old = {meeting_key(r) for r in before["Meetings"]}
    assert old <= {meeting_key(r) for r in after["Meetings"]}
    assert all(
        r["origin"] in ("kept", "pinned") for r in after["Meetings"] if meeting_key(r) in old
    )
