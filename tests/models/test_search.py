"""Search quality: the LP bound is valid (never below a proven optimum) and informative."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest
from ortools.sat.python import cp_model

from models.choice import Choice
from models.meetings.bound import phase1_bound, relaxed_optimum
from models.meetings.greedy import greedy
from models.meetings.hint import complete_hint, set_hint
from models.meetings.lns import improve
from models.meetings.model import build_model, objective_of
from models.prepared import prepare
from models.solve import solve
from models.weights import FAIRNESS, meeting_value, seat_value
from scheduler.registration.read import read_workbook
from tests.helpers.events import (
    DAY,
    assert_checked,
    make_event,
    people,
    session_rows,
    wants,
)
from tests.helpers.paths import EXAMPLE


def _optimum(event) -> float:
    """The proven optimum of the phase-1 model (small events only)."""
    built = build_model(prepare(event))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20
    assert solver.solve(built.model) == cp_model.OPTIMAL
    return solver.objective_value


def _random_event(tmp_path, seed: int):
    """A small event with most features: caps, targets, absences, hosts, a panel."""
    rnd = random.Random(seed)
    ids = [f"A{i}" for i in range(8)]
    extra = {
        ids[0]: {"max_meetings": 2},
        ids[1]: {"min_meetings": 3},
        ids[2]: {"host_table": "T1", "sessions": "AM"},
        ids[3]: {"sessions": "PM"},
    }
    pairs = [(x, y) for i, x in enumerate(ids) for y in ids[i + 1 :]]
    chosen = rnd.sample(pairs, 14)
    requests = wants(*[(x, y, rnd.randint(1, 5)) for x, y in chosen])
    requests += wants(*[(y, x, rnd.randint(1, 5)) for x, y in chosen[:4]])  # mutual
    return make_event(
        tmp_path,
        attendees=people(*ids, **extra),
        requests=requests,
        tables=[{"table": f"T{i}", "room": "Hall"} for i in (1, 2, 3)],
        sessions=session_rows(("AM", "09:00", "10:20"), ("PM", "14:00", "15:00")),
        settings={"max_consecutive": 2},
        unavailable=[{"attendee": ids[4], "date": DAY, "from": dt.time(9), "to": dt.time(9, 40)}],
        panels=[
            {
                "panel": "P1",
                "title": "Talk",
                "room": "R",
                "capacity": 3,
                "minutes": 40,
                "sessions": "PM",
                "moderator": ids[5],
            }
        ],  # fmt: skip
        choices=[
            {"attendee": ids[6], "panel": "P1", "priority": 5},
            {"attendee": ids[7], "panel": "P1", "priority": 2},
        ],
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bound_is_never_below_the_proven_optimum(tmp_path, seed):
    event = _random_event(tmp_path, seed)
    optimum = _optimum(event)
    found = phase1_bound(prepare(event))
    assert found is not None and found.status == "MPSOLVER_OPTIMAL"
    assert found.bound >= optimum
    # and it says something: well below "every pair meets, everyone gets every bonus"
    mo = prepare(event).mo
    trivial = mo.rows.drop_duplicates("pair")["value"].sum() + len(event.attendees) * sum(FAIRNESS)
    assert found.bound < trivial


def test_bound_is_exact_when_nothing_competes(tmp_path):
    event = make_event(tmp_path, attendees=people("A", "B"), requests=wants(("A", "B", 4)))
    found = phase1_bound(prepare(event))
    assert found.bound == meeting_value(4, False) + 2 * FAIRNESS[0] == _optimum(event)


def test_bound_sees_that_three_people_cannot_all_meet_in_one_slot(tmp_path):
    # A, B, C all want each other, one slot: one meeting at most. The LP may split it
    # (1.5 meetings) but must stay below all three meetings.
    event = make_event(
        tmp_path,
        attendees=people("A", "B", "C"),
        requests=wants(("A", "B", 3), ("A", "C", 3), ("B", "C", 3)),
        tables=3,
        sessions=session_rows(("S1", "09:00", "09:20")),
    )
    one = meeting_value(3, False) + 2 * FAIRNESS[0]
    found = phase1_bound(prepare(event))
    assert _optimum(event) == one
    assert one <= found.bound <= 1.5 * one


def test_bounds_seat_nobody_at_two_panels_at_once(tmp_path):
    # A chose two panels held at the same time in a session with room for both by slot
    # count (4 slots, 2 each): without the overlap rows both bounds gave A both seats.
    event = make_event(
        tmp_path,
        attendees=people("A", "B", "C"),
        requests=wants(("B", "C", 1)),
        sessions=session_rows(("S1", "09:00", "10:20")),
        panels=[
            {"panel": p, "title": p, "room": p, "capacity": 3, "minutes": 40}
            | {"date": DAY, "start": dt.time(9)}
            for p in ("P1", "P2")
        ],
        choices=[{"attendee": "A", "panel": p, "priority": 5} for p in ("P1", "P2")],
    )
    prep = prepare(event)
    optimum = _optimum(event)
    assert optimum == seat_value(5) + meeting_value(1, False) + 2 * FAIRNESS[0]
    relaxed = relaxed_optimum(prep, 5)
    assert relaxed.proven and relaxed.bound == optimum
    assert relaxed.seats.sum() == 1
    assert phase1_bound(prep).bound == optimum


def _start_from_nothing(event):
    """The model, and a complete assignment with no meeting at all (feasible, poor)."""
    prep = prepare(event)
    built = build_model(prep)
    values = complete_hint(built, Choice((), (), ()))
    return built, prep, values


@pytest.mark.slow
def test_lns_improves_a_poor_start_reproducibly_and_keeps_the_rules(tmp_path):
    full = _random_event(tmp_path, 4)
    event = dataclasses.replace(full, panels=(), panel_choices=())
    built, prep, values = _start_from_nothing(event)
    start = objective_of(built, values)
    runs = [improve(built, prep, values, start, seconds=1.5, workers=1, seed=5) for _ in range(2)]
    assert runs[0].objective > start and runs[0].improvements >= 1
    assert runs[0].objective == runs[1].objective
    assert (runs[0].values == runs[1].values).all()
    assert runs[0].objective <= phase1_bound(prepare(event)).bound
    # the improved assignment is a real schedule: CP-SAT accepts it with every variable fixed
    set_hint(built, runs[0].values)
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    assert solver.solve(built.model) == cp_model.OPTIMAL
    assert solver.objective_value == runs[0].objective


def test_solve_reports_the_lp_bound_and_a_consistent_gap(tmp_path):
    event = _random_event(tmp_path, 5)
    schedule = solve(event, time_limit=4, workers=1, seed=0)
    stats = schedule.stats
    assert stats.objective <= stats.bound <= phase1_bound(prepare(event)).bound
    assert stats.gap == pytest.approx((stats.bound - stats.objective) / stats.objective)
    assert_checked(event, schedule, tmp_path)


def test_one_worker_lns_rounds_ending_on_the_deterministic_clock_are_not_ctrl_c():
    # With one worker a round stops on CP-SAT's deterministic clock, after little wall time;
    # LNS once took that for Ctrl-C and stopped the whole run after its first round.
    event = read_workbook(EXAMPLE).event
    prep = prepare(event)
    built = build_model(prep)
    values = complete_hint(built, greedy(prep))
    found = improve(built, prep, values, objective_of(built, values), seconds=3, workers=1)
    assert not found.interrupted
    assert found.rounds >= 2


def test_lns_stops_once_it_reaches_the_proven_bound():
    # On the research events phase 1 reached its bound at 16 s and searched on to 30 s.
    event = read_workbook(EXAMPLE).event
    prep = prepare(event)
    built = build_model(prep)
    values = complete_hint(built, greedy(prep))
    start = objective_of(built, values)
    at_bound = improve(built, prep, values, start, seconds=3, workers=1, ceiling=start)
    assert at_bound.rounds == 0 and at_bound.objective == start
    below = improve(built, prep, values, start, seconds=3, workers=1, ceiling=start + 1e9)
    assert below.rounds >= 2  # an unreached ceiling does not stop the rounds
