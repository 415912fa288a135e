"""Phase 2 (models/compact_days/): same meetings and panels, re-timed for compact days."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest
from ortools.sat.python import cp_model

from models.choice import Choice
from models.compact_days.breaks_model import BreaksModel
from models.compact_days.model import CompactModel
from models.compact_days.search import compact_days
from models.prepared import prepare
from models.solve import solve, to_schedule
from scheduler.figures import quality_figures
from scheduler.registration.read import read_workbook
from tests.helpers.events import (
    DAY,
    assert_checked,
    make_event,
    met,
    people,
    session_rows,
    wants,
)
from tests.helpers.paths import RESEARCH


def _choice(event, mo, timing: dict[tuple[str, str], int], options=(), seats=()) -> Choice:
    """Option rows putting each pair (ids) at the given slot."""
    rows = mo.rows
    found = []
    for i in range(len(rows)):
        key = mo.pairs[int(rows["pair"].iat[i])]
        if timing.get(key) == int(rows["slot"].iat[i]):
            found.append(i)
    assert len(found) == len(timing)
    return Choice(tuple(sorted(found)), tuple(options), tuple(seats))


def _schedule_of(prep, choice):
    return to_schedule(prep, choice, "TEST", None, None, 0.0, 0, 1)


def _star(tmp_path, slots: int, **kw):
    """A meets B, C, D, E in a morning of `slots` 20-minute slots, two tables."""
    end = (dt.datetime.combine(DAY, dt.time(9)) + dt.timedelta(minutes=20 * slots)).time()
    return make_event(
        tmp_path,
        attendees=people("A", "B", "C", "D", "E"),
        requests=wants(("A", "B"), ("A", "C"), ("A", "D"), ("A", "E")),
        sessions=session_rows(("S1", "09:00", end.strftime("%H:%M"))),
        tables=2,
        **kw,
    )


def test_scattered_meetings_are_pulled_together(tmp_path):
    event = _star(tmp_path, 8)
    prep = prepare(event)
    mo = prep.mo
    scattered = {("A", "B"): 0, ("A", "C"): 2, ("A", "D"): 5, ("A", "E"): 7}
    start = _choice(event, mo, scattered)
    before = quality_figures(event, _schedule_of(prep, start))
    assert (before["breaks"], before["idle_slots"]) == (3, 4)

    out = compact_days(prep, start, time_limit=10, workers=1)
    schedule = _schedule_of(prep, out.choice)
    figures = quality_figures(event, schedule)
    assert (figures["breaks"], figures["idle_slots"]) == (0, 0)
    assert (out.breaks, out.idle, out.penalty, out.bound) == (0, 0, 0, 0)
    assert out.status == "OPTIMAL"
    assert met(schedule) == set(scattered)
    assert_checked(event, schedule, tmp_path)


def test_across_sessions_of_a_day_a_lunch_gap_is_no_break(tmp_path):
    # B only in the morning, C only in the afternoon: A's best day is the morning's last
    # slot then the afternoon's first (adjacent in the day's order).
    sessions = session_rows(("AM", "10:00", "11:00"), ("PM", "14:00", "15:00"))
    event = make_event(
        tmp_path,
        attendees=people("A", "B", "C", **{"B": {"sessions": "AM"}, "C": {"sessions": "PM"}}),
        requests=wants(("A", "B"), ("A", "C")),
        sessions=sessions,
        tables=1,
    )
    prep = prepare(event)
    mo = prep.mo
    start = _choice(event, mo, {("A", "B"): 0, ("A", "C"): 5})
    out = compact_days(prep, start, time_limit=10, workers=1)
    schedule = _schedule_of(prep, out.choice)
    assert sorted(m.slot for m in schedule.meetings) == [2, 3]
    assert quality_figures(event, schedule)["breaks"] == 0
    assert_checked(event, schedule, tmp_path)


def test_max_consecutive_forces_exactly_one_short_break(tmp_path):
    event = _star(tmp_path, 8, settings={"max_consecutive": 2})
    prep = prepare(event)
    mo = prep.mo
    start = _choice(event, mo, {("A", "B"): 0, ("A", "C"): 2, ("A", "D"): 4, ("A", "E"): 7})
    out = compact_days(prep, start, time_limit=10, workers=1)
    schedule = _schedule_of(prep, out.choice)
    figures = quality_figures(event, schedule)
    assert (figures["breaks"], figures["idle_slots"]) == (1, 1)
    assert out.status == "OPTIMAL"
    assert_checked(event, schedule, tmp_path)


def test_panel_stays_and_meetings_close_up_around_it(tmp_path):
    # A moderates a 40-minute panel at 10:00 (slots 3-4); four meetings fit around it.
    event = _star(
        tmp_path,
        8,
        panels=[
            {
                "panel": "P",
                "title": "Panel",
                "room": "Room 1",
                "capacity": 3,
                "minutes": 40,
                "moderator": "A",
                "date": DAY,
                "start": dt.time(10),
            }
        ],
        choices=[{"attendee": "B", "panel": "P", "priority": 5}],
    )
    prep = prepare(event)
    mo, po = prep.mo, prep.po
    assert len(po.options) == 1 and len(po.seats) == 1
    start = _choice(
        event, mo, {("A", "B"): 0, ("A", "C"): 1, ("A", "D"): 6, ("A", "E"): 7}, (0,), (0,)
    )
    out = compact_days(prep, start, time_limit=10, workers=1)
    schedule = _schedule_of(prep, out.choice)
    assert [r.members for r in schedule.panels] == [("A", "B")]
    slots = sorted(m.slot for m in schedule.meetings if "A" in (m.a, m.b))
    assert slots in ([0, 1, 2, 5], [1, 2, 5, 6], [2, 5, 6, 7])  # a block around slots 3-4
    figures = quality_figures(event, schedule)
    assert (figures["breaks"], figures["idle_slots"]) == (0, 0)
    assert_checked(event, schedule, tmp_path)


def test_fixed_rows_keep_their_slot(tmp_path):
    event = _star(tmp_path, 8)
    prep = prepare(event)
    mo = prep.mo
    start = _choice(event, mo, {("A", "B"): 0, ("A", "C"): 2, ("A", "D"): 5, ("A", "E"): 7})
    keep_b = next(i for i in start.meetings if mo.pairs[int(mo.rows["pair"].iat[i])] == ("A", "B"))
    out = compact_days(prep, start, time_limit=10, workers=1, fixed_rows=(keep_b,))
    assert keep_b in out.choice.meetings
    schedule = _schedule_of(prep, out.choice)
    assert sorted(m.slot for m in schedule.meetings) == [0, 1, 2, 3]


def test_solve_reports_both_phases_and_keeps_phase_one_meetings(tmp_path):
    event = _star(tmp_path, 8)
    seen = []
    schedule = solve(event, time_limit=10, workers=1, progress=seen.append)
    assert met(schedule) == {("A", "B"), ("A", "C"), ("A", "D"), ("A", "E")}
    assert quality_figures(event, schedule)["breaks"] == 0
    assert schedule.stats.status == "OPTIMAL"
    assert [p.phase for p in seen][0] == "meetings"
    assert_checked(event, schedule, tmp_path)


def _random_timings(tmp_path):
    """(event, prep, timing, choice): 15 random timings of five attendees' meetings, with
    nobody twice at once, on one day of 10 slots, then 15 on two days of 5."""
    for days, slots in ((1, 10), (2, 5)):
        end = f"{9 + slots // 3}:{20 * (slots % 3):02d}"
        rows = session_rows(("S0", "09:00", end))
        for d in range(1, days):
            rows += session_rows((f"S{d}", "09:00", end), day=DAY + dt.timedelta(days=d))
        event = make_event(
            tmp_path,
            attendees=people("A", "B", "C", "D", "E"),
            requests=wants(("A", "B"), ("A", "C"), ("A", "D"), ("B", "C"), ("D", "E")),
            sessions=rows,
            tables=3,
        )
        prep = prepare(event)
        assert len(event.slots) == days * slots
        rng = random.Random(days)
        tried = 0
        while tried < 15:
            timing = {pair: rng.randrange(len(event.slots)) for pair in prep.mo.pairs}
            busy = [(p, s) for pair, s in timing.items() for p in pair]
            if len(set(busy)) < len(busy):
                continue  # somebody twice at once: not a timing
            tried += 1
            yield event, prep, timing, _choice(event, prep.mo, timing)


def _pinned_solve(model: cp_model.CpModel, lit, choice: Choice, objective) -> cp_model.CpSolver:
    """Minimise `objective` with every meeting of `choice` at its slot (one worker)."""
    for r in choice.meetings:
        model.add(lit[int(r)] == 1)
    model.minimize(objective)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    return solver


def test_the_model_prices_every_timing_like_the_contract(tmp_path):
    # With the meetings pinned to a timing, the cheapest values of the model's break and idle
    # terms must be the contract's figures for that timing: not above (a wrongly forced
    # break) and not below (a break the model could hide). One day, then two days.
    for event, prep, timing, choice in _random_timings(tmp_path):
        phase = CompactModel(prep, choice)
        breaks, idle = phase.measure(choice.meetings)
        objective = 20 * phase.breaks_expr + phase.idle_expr
        solver = _pinned_solve(phase.model, phase.lit, choice, objective)
        assert solver.value(phase.breaks_expr) == breaks, timing
        assert solver.value(phase.idle_expr) == idle, timing
        figures = quality_figures(event, _schedule_of(prep, choice))
        assert (figures["breaks"], figures["idle_slots"]) == (breaks, idle)


def test_the_breaks_model_counts_every_timing_like_the_contract(tmp_path):
    # Stage A's model (compact_days/breaks_model.py), with the meetings pinned to a timing:
    # its fewest breaks must be the contract's breaks of that timing (a wrong "break ends
    # here" literal forces one or hides one), and the attendees' lowest breaks, stated in it,
    # never cut a real timing off. One day, then two days.
    for _, prep, timing, choice in _random_timings(tmp_path):
        phase = CompactModel(prep, choice)
        lowest = {who: phase.lowest_breaks(who)[0] for who in phase.attendee_gaps}
        lean = BreaksModel(phase, lowest)
        solver = _pinned_solve(lean.model, lean.lit, choice, lean.breaks)
        breaks = phase.measure(choice.meetings)[0]
        assert solver.value(lean.breaks) == breaks, timing
        assert lean.shift + solver.value(lean.more) == breaks, timing
        assert lean.chosen_rows(solver) == choice.meetings


@pytest.mark.slow  # research events
@pytest.mark.parametrize(
    ("name", "meetings"),
    [
        ("tic-12", 125),  # 8 slots
        # 21 slots: a plain model stays far off (24 breaks in 60 s); the gapless probe with
        # the window model's propagation finds and so proves 0 breaks in seconds.
        ("forum-13", 154),
    ],
)
def test_research_event_reaches_its_published_optimum_of_no_breaks(tmp_path, name, meetings):
    # Bofill et al. (JAIR 2022): every meeting, 0 breaks is optimal.
    if not (RESEARCH / f"{name}.xlsx").exists():
        pytest.skip("research benchmark absent")
    event = read_workbook(RESEARCH / f"{name}.xlsx").event
    schedule = solve(event, time_limit=40, workers=2)
    figures = quality_figures(event, schedule)
    assert figures["meetings"] == len(event.candidates) == meetings
    assert figures["breaks"] == 0
    assert schedule.stats.status == "OPTIMAL"
    assert_checked(event, schedule, tmp_path)


@pytest.mark.slow  # a research event
def test_long_days_with_two_workers_prove_a_research_event_with_breaks(tmp_path):
    # forum-13crafc, 21 slots: each attendee's own meetings allow a gapless day, yet together
    # one break is unavoidable (published optimum 1). Two workers on such long days minimise
    # breaks directly; that search must find the one break and prove that no timing has none.
    if not (RESEARCH / "forum-13crafc.xlsx").exists():
        pytest.skip("research benchmark absent")
    event = read_workbook(RESEARCH / "forum-13crafc.xlsx").event
    schedule = solve(event, time_limit=20, workers=2)
    figures = quality_figures(event, schedule)
    assert figures["meetings"] == len(event.candidates) == 154
    assert figures["breaks"] == schedule.stats.breaks == 1
    assert schedule.stats.breaks_bound == 1 and schedule.stats.breaks_proven
    assert_checked(event, schedule, tmp_path)


@pytest.mark.slow  # a research event, solved twice
def test_one_worker_and_a_seed_time_a_research_event_the_same_twice(tmp_path):
    # forum-13crafc: nobody can be gapless, so phase 2 runs its stages, the fewest-breaks
    # model's searches included; with one worker each is bounded by CP-SAT's deterministic
    # time, so the same seed must give the same schedule.
    if not (RESEARCH / "forum-13crafc.xlsx").exists():
        pytest.skip("research benchmark absent")
    event = read_workbook(RESEARCH / "forum-13crafc.xlsx").event
    first = solve(event, time_limit=10, workers=1, seed=3)
    second = solve(event, time_limit=10, workers=1, seed=3)
    assert first.meetings == second.meetings
    assert quality_figures(event, first) == quality_figures(event, second)
    assert quality_figures(event, first)["meetings"] == len(event.candidates)
    assert_checked(event, first, tmp_path)


def test_lowest_breaks_of_an_attendee_come_from_their_own_meetings(tmp_path):
    # B only early, C only late (Unavailable windows): A cannot avoid one break in 8 slots.
    event = _star(
        tmp_path,
        8,
        unavailable=[
            {"attendee": "B", "date": DAY, "from": "09:20", "to": "11:40"},
            {"attendee": "C", "date": DAY, "from": "09:00", "to": "11:20"},
        ],
    )
    prep = prepare(event)
    timing = {("A", "B"): 0, ("A", "C"): 7, ("A", "D"): 2, ("A", "E"): 3}
    start = _choice(event, prep.mo, timing)
    phase = CompactModel(prep, start)
    index = {a.id: i for i, a in enumerate(event.attendees)}
    assert phase.lowest_breaks(index["A"])[0] == 1
    # Found by trying runs of consecutive slots, with no time for A's tiny model: with none,
    # that model's bound stayed 0 (forum-14: a pigeonhole it did not settle in its time).
    assert phase.lowest_breaks(index["A"], seconds=1e-6)[0] == 1
    assert phase.lowest_breaks(index["D"])[0] == 0
    out = compact_days(prep, start, time_limit=10, workers=1)
    assert (out.breaks, out.breaks_bound, out.breaks_proven) == (1, 1, True)


@pytest.mark.parametrize("seed", range(12))
def test_lowest_breaks_equal_the_fewest_over_every_timing_of_own_meetings(tmp_path, seed):
    rng = random.Random(seed)
    slots = rng.choice([6, 7, 8])
    away = []
    for who in "BCDE":
        if rng.random() < 0.7:
            a = rng.randrange(slots)
            b = rng.randrange(a + 1, slots + 1)
            start = dt.datetime.combine(DAY, dt.time(9)) + dt.timedelta(minutes=20 * a)
            end = dt.datetime.combine(DAY, dt.time(9)) + dt.timedelta(minutes=20 * b)
            if b - a < slots - 1:  # each partner keeps two slots
                away.append(
                    {"attendee": who, "date": DAY, "from": f"{start:%H:%M}", "to": f"{end:%H:%M}"}
                )
    event = _star(tmp_path, slots, unavailable=away)
    prep = prepare(event)
    rows = prep.mo.rows
    by_pair: dict[int, list[int]] = {}
    for i in range(len(rows)):
        by_pair.setdefault(int(rows["pair"].iat[i]), []).append(int(rows["slot"].iat[i]))
    if len(by_pair) < 4:
        pytest.skip("a partner has no slot left")
    first = {p: i for i in range(len(rows)) for p in [int(rows["pair"].iat[i])]}
    start = Choice(tuple(sorted(first.values())), (), ())
    phase = CompactModel(prep, start)
    fewest = None
    for timing in itertools.product(*by_pair.values()):
        if len(set(timing)) == len(timing):
            busy = sorted(timing)
            runs = 1 + sum(1 for x, y in zip(busy, busy[1:], strict=False) if y > x + 1)
            fewest = runs - 1 if fewest is None else min(fewest, runs - 1)
    if fewest is None:
        pytest.skip("A's meetings cannot all be timed")
    index = {a.id: i for i, a in enumerate(event.attendees)}
    assert phase.lowest_breaks(index["A"])[0] == fewest


def test_perfect_matching_of_meetings_to_a_window():
    from models.compact_days.model import _perfect_matching

    assert _perfect_matching([{0, 1}, {0}], {0, 1})
    assert not _perfect_matching([{0}, {0}], {0, 1})
    assert _perfect_matching([{0, 1, 2}, {1}, {1, 2}], {0, 1, 2})


def _a_must_break(tmp_path):
    """The star, with B only early and C only late: A cannot avoid one break."""
    return _star(
        tmp_path,
        8,
        unavailable=[
            {"attendee": "B", "date": DAY, "from": "09:20", "to": "11:40"},
            {"attendee": "C", "date": DAY, "from": "09:00", "to": "11:20"},
        ],
    )


@pytest.mark.parametrize(("seconds", "workers"), [(5, 2), (12, 1), (12, 2)])
def test_fewest_breaks_are_found_and_proven_from_a_poor_start(tmp_path, seconds, workers):
    # Under 10 s by LNS rounds, from 10 s by the whole-model stages (whose fewest-breaks
    # stage no longer takes the start as its hint): both reach A's one unavoidable break.
    event = _a_must_break(tmp_path)
    prep = prepare(event)
    poor = {("A", "B"): 0, ("A", "D"): 2, ("A", "E"): 4, ("A", "C"): 7}
    start = _choice(event, prep.mo, poor)
    assert CompactModel(prep, start).measure(start.meetings) == (3, 4)
    out = compact_days(prep, start, time_limit=seconds, workers=workers)
    assert (out.breaks, out.breaks_bound, out.breaks_proven) == (1, 1, True)
    schedule = _schedule_of(prep, out.choice)
    assert met(schedule) == set(poor)
    assert_checked(event, schedule, tmp_path)


def test_a_start_at_its_fewest_breaks_keeps_them(tmp_path):
    # The start already has the one unavoidable break: phase 2 may close idle slots but
    # never returns more breaks than it was given.
    event = _a_must_break(tmp_path)
    prep = prepare(event)
    start = _choice(event, prep.mo, {("A", "B"): 0, ("A", "D"): 5, ("A", "E"): 6, ("A", "C"): 7})
    out = compact_days(prep, start, time_limit=5, workers=2)
    assert (out.breaks, out.idle, out.breaks_proven) == (1, 4, True)


def test_the_question_fewer_breaks_has_no_answer_below_the_fewest(tmp_path):
    # Stage A's last step asks "a timing with fewer breaks than the best?"; its "no" is the
    # proof, so it must say no exactly at the fewest breaks (A's one) and yes above them.
    event = _a_must_break(tmp_path)
    prep = prepare(event)
    start = _choice(event, prep.mo, {("A", "B"): 0, ("A", "D"): 2, ("A", "E"): 4, ("A", "C"): 7})
    phase = CompactModel(prep, start)
    lean = BreaksModel(phase, {})  # no lowest stated: the question alone must refute
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(lean.fewer_than(1)) == cp_model.INFEASIBLE
    assert solver.solve(lean.fewer_than(2)) == cp_model.OPTIMAL
    assert phase.measure(lean.chosen_rows(solver))[0] == 1
