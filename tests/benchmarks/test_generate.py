"""The benchmark generator: valid input, same seed same event, realistic shape."""

from __future__ import annotations

import statistics
from collections import Counter

import pytest

from benchmarks.generate_event import SIZES, generate
from scheduler.registration.write import write_registration


def test_size_s_reads_back_without_problems(tmp_path):
    from scheduler.registration.read import read_workbook

    path = write_registration(tmp_path / "s.xlsx", generate("S", seed=7))
    result = read_workbook(path)

    assert not result.errors, [str(p) for p in result.errors]
    event = result.event
    assert len(event.attendees) == SIZES["S"].attendees
    assert len(event.candidates) > 200
    assert len(event.slots) == 20  # 09:00-12:30 and 14:00-17:30 in 20-minute slots
    assert event.pins and event.panels and event.unavailability
    assert any(a.host_table for a in event.attendees)


def test_same_seed_same_event_and_another_seed_another():
    assert generate("S", seed=3) == generate("S", seed=3)
    assert generate("S", seed=3)["Requests"] != generate("S", seed=4)["Requests"]


@pytest.mark.parametrize("size", ["M", "L"])
def test_popularity_is_skewed(size):
    requests = generate(size, seed=0)["Requests"]
    wanted = Counter(r["to"] for r in requests)
    most = max(wanted.values())
    typical = statistics.median(wanted.values())
    assert most >= 15 * typical
    assert most >= 100  # a few attendees are wanted by hundreds


@pytest.mark.parametrize("size", list(SIZES))
def test_sizes_match_their_targets(size):
    spec = SIZES[size]
    sheets = generate(size, seed=0)
    assert len(sheets["Attendees"]) == spec.attendees
    assert abs(len(sheets["Requests"]) - spec.requests) <= spec.pins
    assert len(sheets["Tables"]) == spec.tables
    assert len(sheets["Sessions"]) == 2 * spec.days
    assert len(sheets["Panels"]) == spec.panels


def test_the_event_has_every_feature_organisers_use():
    sheets = generate("M", seed=0)
    attendees = sheets["Attendees"]
    requests = sheets["Requests"]
    asked = {(r["from"], r["to"]) for r in requests}

    assert any(a["sessions"] for a in attendees)  # part-time
    assert sheets["Unavailable"]
    assert any(a["min_meetings"] for a in attendees)
    assert any(a["max_meetings"] for a in attendees)
    assert any(a["status"] == "cancelled" for a in attendees)
    statuses = Counter(r["status"] for r in requests)
    assert statuses["accepted"] and statuses["declined"]
    assert any((r["to"], r["from"]) in asked for r in requests)  # mutual pairs
    assert len({r["priority"] for r in requests}) == 5
    assert all(p["moderator"] for p in sheets["Panels"])
    assert any(p["start"] for p in sheets["Panels"]) and any(
        p["start"] is None for p in sheets["Panels"]
    )
    hosts = {a["id"] for a in attendees if a["host_table"]}
    assert hosts and not any(r["from"] in hosts and r["to"] in hosts for r in requests)


@pytest.mark.slow
def test_the_largest_size_reads_back_without_errors(tmp_path):
    from scheduler.registration.read import read_workbook

    path = write_registration(tmp_path / "bio.xlsx", generate("BIO", seed=0))
    result = read_workbook(path)

    assert not result.errors, [str(p) for p in result.errors[:5]]
    event = result.event
    assert len(event.attendees) == SIZES["BIO"].attendees
    assert len({s.date for s in event.sessions}) == 3
    assert len(event.pins) == SIZES["BIO"].pins and len(event.panels) == SIZES["BIO"].panels
