"""Compact days by LNS (models/compact_days/lns.py), the path of events too large for one
whole phase-2 model: fewer breaks than the start, same meetings, every rule kept, and the
same timing twice with one worker and a seed."""

from __future__ import annotations

from models.choice import Choice
from models.compact_days.lns import retime
from models.compact_days.model import CompactModel
from models.compact_days.search import compact_days
from models.meetings.greedy import greedy
from models.prepared import prepare
from models.solve import to_schedule
from scheduler.registration.read import read_workbook
from tests.helpers.events import assert_checked
from tests.helpers.paths import EXAMPLE


def test_retiming_lowers_breaks_keeps_the_meetings_and_repeats_itself(tmp_path):
    prep = prepare(read_workbook(EXAMPLE).event)
    start = greedy(prep)
    runs = []
    for _ in range(2):
        phase = CompactModel(prep, start)
        rows, stopped = retime(phase, start.meetings, seconds=4, workers=1, seed=3)
        assert not stopped
        runs.append((rows, phase.measure(rows), phase.measure(start.meetings)))
    (rows, (breaks, idle), (breaks0, idle0)), again = runs
    assert again[0] == rows
    assert (breaks, idle) < (breaks0, idle0) and breaks <= breaks0
    pairs = prep.mo.rows["pair"].to_numpy()
    assert sorted(pairs[list(rows)]) == sorted(pairs[list(start.meetings)])  # same meetings
    choice = Choice(rows, start.options, start.seats)
    schedule = to_schedule(prep, choice, "FEASIBLE", None, None, 0.0, 3, 1)
    assert_checked(prep.event, schedule, tmp_path)


def test_with_little_time_phase_two_takes_the_rounds_and_still_lowers_breaks(tmp_path):
    # The whole-model stages left the example's 126 breaks unchanged in 3 s; the rounds
    # reached 103 (one worker, so the same every run).
    prep = prepare(read_workbook(EXAMPLE).event)
    start = greedy(prep)
    before = CompactModel(prep, start).measure(start.meetings)
    out = compact_days(prep, start, time_limit=3, workers=1, seed=3)
    assert out.breaks < 0.9 * before[0]
    schedule = to_schedule(prep, out.choice, "FEASIBLE", None, None, 0.0, 3, 1)
    assert_checked(prep.event, schedule, tmp_path)
