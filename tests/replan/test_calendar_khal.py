"""A real calendar program takes the re-planned calendars (issue 14): khal imports an
attendee's v1, then v2, then v3 .ics and lists the day. No double booking, cancelled
meetings shown cancelled, the moved meeting at its new time only, nothing else changed."""

from __future__ import annotations

import os

import pytest

from tests.helpers.calendar_replan import calendar_runs, ics_of, vevents
from tests.helpers.khal import KHAL, Khal

pytestmark = pytest.mark.slow

if KHAL is None and not os.environ.get("CI"):
    pytest.skip("khal is not installed (CI installs it)", allow_module_level=True)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return calendar_runs(tmp_path_factory.getbasetemp())


def expected(out) -> list[str]:
    """What khal should list for the file in `out`: one line per entry, in time order."""
    lines = []
    for v in sorted(vevents(out).values(), key=lambda v: (v.start, v.status != "CANCELLED")):
        cancelled = "CANCELLED " if v.status == "CANCELLED" else ""
        lines.append(f"{v.start:%H:%M}-{v.end:%H:%M} {cancelled}{v.summary}")
    return sorted(lines)


def active_times(lines: list[str]) -> list[str]:
    return [line.split()[0] for line in lines if " CANCELLED " not in line]


def test_khal_updates_instead_of_duplicating(runs, tmp_path):
    khal = Khal(tmp_path / "khal")
    day = next(iter(vevents(runs.first).values())).start.date()
    seen = []
    for out in (runs.first, runs.second, runs.third):
        khal.import_(ics_of(out))
        lines = khal.day(day)
        print(f"khal list after importing {out.name}:", *lines, sep="\n  ")
        seen.append(lines)
        # Exactly what the latest file says: earlier entries updated in place, none stale.
        assert sorted(lines) == expected(out)
        times = active_times(lines)
        assert len(times) == len(set(times)), "double booking"
    first, second, third = seen
    gone = [line for line in second if " CANCELLED " in line]
    assert len(gone) == 2 and all(line.replace("CANCELLED ", "") in first for line in gone)
    assert len(second) == len(first) + 1  # the late sign-up's meeting
    assert any("Lotte Laat" in line for line in second)
    # Nothing else changed: every other line of v1 is still there.
    assert {x for x in first} - {x.replace("CANCELLED ", "") for x in gone} <= set(second)
    # v3: the meeting cancelled in v2 is back at another time, and only there.
    moved = [x for x in gone if x.split(" ", 2)[2] in {y.split(" ", 1)[1] for y in third}]
    assert len(moved) == 1
    title = moved[0].split(" ", 2)[2]
    now = [x for x in third if x.endswith(title)]
    assert len(now) == 1 and " CANCELLED " not in now[0]
    assert now[0].split()[0] != moved[0].split()[0]
