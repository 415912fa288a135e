"""Phase 2's slot-load bound on breaks (models/compact_days/load_bound.py): never above the
fewest breaks of any timing, and above the attendees' own lowest where tables are scarce."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest
from ortools.sat.python import cp_model

from models.choice import Choice
from models.compact_days.load_bound import LoadBound
from models.compact_days.model import CompactModel
from models.compact_days.search import _lowest_breaks
from models.prepared import prepare
from models.solve import solve
from scheduler.figures import quality_figures
from scheduler.registration.read import read_workbook
from tests.helpers.events import DAY, assert_checked, make_event, people, session_rows, wants
from tests.helpers.paths import RESEARCH


def _event(tmp_path, ids, pairs, slots: int, tables: int, unavailable=()):
    end = (dt.datetime.combine(DAY, dt.time(9)) + dt.timedelta(minutes=20 * slots)).time()
    return make_event(
        tmp_path,
        attendees=people(*ids),
        requests=wants(*pairs),
        sessions=session_rows(("S1", "09:00", end.strftime("%H:%M"))),
        tables=tables,
        **({"unavailable": list(unavailable)} if unavailable else {}),
    )


def _phase(event):
    """The phase-2 model of `event` with every pair meeting (at its first candidate slot)."""
    prep = prepare(event)
    rows = prep.mo.rows
    first: dict[int, int] = {}
    for i in range(len(rows)):
        first.setdefault(int(rows["pair"].iat[i]), i)
    return prep, CompactModel(prep, Choice(tuple(sorted(first.values())), (), ()))


def _bound(phase, below: int) -> int:
    lowest = _lowest_breaks(phase, 5.0)
    load = LoadBound(phase, lowest, below)
    if load.model is None:
        return load.known
    load.model.minimize(load.objective)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    return load.result(solver, solver.solve(load.model))


def _fewest_breaks(prep, tables: int) -> int | None:
    """The fewest breaks over every timing (one meeting per attendee and slot, at most
    `tables` per slot), by backtracking over the pairs; None when no timing exists."""
    rows = prep.mo.rows
    options: dict[int, list[int]] = {}
    for i in range(len(rows)):
        options.setdefault(int(rows["pair"].iat[i]), []).append(int(rows["slot"].iat[i]))
    pairs = sorted(options, key=lambda p: len(options[p]))
    busy: dict[str, set[int]] = {}
    held: dict[int, int] = {}
    fewest = None

    def place(k: int) -> None:
        nonlocal fewest
        if k == len(pairs):
            breaks = 0
            for ts in busy.values():
                ts = sorted(ts)
                breaks += sum(1 for x, y in zip(ts, ts[1:], strict=False) if y > x + 1)
            fewest = breaks if fewest is None else min(fewest, breaks)
            return
        who = prep.mo.pairs[pairs[k]]
        for t in options[pairs[k]]:
            if held.get(t, 0) < tables and all(t not in busy.get(w, ()) for w in who):
                held[t] = held.get(t, 0) + 1
                for w in who:
                    busy.setdefault(w, set()).add(t)
                place(k + 1)
                held[t] -= 1
                for w in who:
                    busy[w].discard(t)

    place(0)
    return fewest


TRIANGLE = (("A", "B"), ("A", "C"), ("B", "C"))


def test_one_table_for_a_triangle_forces_a_break(tmp_path):
    # Three meetings, three slots, one table: whoever is not in the middle meeting waits
    # through it. Seen alone each attendee is gapless (lowest 0); the slots' load is not.
    event = _event(tmp_path, "ABC", TRIANGLE, slots=3, tables=1)
    prep, phase = _phase(event)
    assert sum(_lowest_breaks(phase, 5.0).values()) == 0
    assert _fewest_breaks(prep, 1) == 1
    assert _bound(phase, below=1) == 1  # "none below 1?" is refuted
    assert _bound(phase, below=5) == 1  # and 1 is all it claims


def test_the_load_bound_never_passes_the_fewest_breaks(tmp_path):
    # Random small events, many with tables scarce: the bound must never claim more than the
    # fewest breaks of any timing (enumerated), whatever `below` it is asked with, and it
    # must see past the attendees' own lowest breaks in some of them.
    rng = random.Random(7)
    above_lowest = checked = 0
    for case in range(60):
        ids = "ABCDEF"[: rng.choice([4, 5, 6])]
        slots, tables = rng.choice([3, 4, 5]), rng.choice([1, 2])
        everyone = list(itertools.combinations(ids, 2))
        # As many meetings as table-slots, or one fewer: where the load bites.
        count = min(len(everyone), 8, slots * tables - rng.randrange(2))
        pairs = sorted(rng.sample(everyone, count))
        if count < 3:
            continue
        away = []
        for who in ids:
            if rng.random() < 0.2:
                start = dt.datetime.combine(DAY, dt.time(9)) + dt.timedelta(
                    minutes=20 * rng.randrange(slots)
                )
                window = {
                    "from": f"{start:%H:%M}",
                    "to": f"{start + dt.timedelta(minutes=20):%H:%M}",
                }
                away.append({"attendee": who, "date": DAY, **window})
        event = _event(tmp_path / str(case), ids, pairs, slots, tables, away)
        prep, phase = _phase(event)
        if len(phase.rows_of_pair) < len(pairs):
            continue  # a pair has no slot
        fewest = _fewest_breaks(prep, tables)
        if fewest is None:
            continue
        checked += 1
        lowest = sum(_lowest_breaks(phase, 5.0).values())
        for below in range(fewest + 3):
            bound = _bound(phase, below)
            assert bound <= min(below, fewest), (pairs, slots, tables, away, below)
        above_lowest += _bound(phase, fewest + 1) > lowest
    assert checked >= 15
    assert above_lowest >= 2


# Six attendees, twelve meetings, two tables for six slots: every table-slot is taken, and
# no timing lets all six go without a wait, although each alone could.
SCARCE = tuple((p[0], p[1]) for p in "AD AE AF BC BD BF CD CE CF DE DF EF".split())


def test_tables_that_force_breaks_are_found_and_proven_by_the_whole_solve(tmp_path):
    event = _event(tmp_path, "ABCDEF", SCARCE, slots=6, tables=2)
    prep, phase = _phase(event)
    assert sum(_lowest_breaks(phase, 5.0).values()) == 0  # own meetings alone: no break
    fewest = _fewest_breaks(prep, 2)
    assert fewest == 2
    schedule = solve(event, time_limit=10, workers=2, seed=1)
    figures = quality_figures(event, schedule)
    assert figures["meetings"] == len(SCARCE)
    assert figures["breaks"] == schedule.stats.breaks == fewest
    assert (schedule.stats.breaks_bound, schedule.stats.breaks_proven) == (fewest, True)
    assert_checked(event, schedule, tmp_path)


@pytest.mark.slow  # a research event
def test_the_load_bound_proves_a_research_event_s_published_optimum(tmp_path):
    # tic-13crafc: 180 meetings for 19 tables x 10 slots. Seen alone everyone can be gapless;
    # the slots' load proves the published optimum 4, where the core-guided worker's bound
    # stayed at 0 and the LP worker's at 1 within 60 s. Finding a timing with 4 within the
    # time limit depends on the machine's speed, so the whole solve is measured by the
    # benchmark (benchmarks/RESULTS.md), not asserted here.
    if not (RESEARCH / "tic-13crafc.xlsx").exists():
        pytest.skip("research benchmark absent")
    _, phase = _phase(read_workbook(RESEARCH / "tic-13crafc.xlsx").event)
    assert sum(_lowest_breaks(phase, 5.0).values()) == 0
    assert _bound(phase, below=4) == 4  # "none below 4?" is refuted
    assert _bound(phase, below=8) == 4  # and 4 is all it claims
