"""Ctrl-C and the solver (models/cpsat.py `ctrl_c_stops`): it stops a running search, which
returns its best schedule, and SIGINT is never left at the system default, so a later Ctrl-C
(while the outputs are written) cannot kill the command outright."""

from __future__ import annotations

import functools
import importlib
import os
import signal
import threading
import time

import pytest
from ortools.sat.python import cp_model

from benchmarks.generate_event import generate
from models import cpsat
from models.compact_days.lns import retime
from models.compact_days.model import CompactModel
from models.meetings import bound
from models.meetings.greedy import greedy
from models.prepared import prepare
from models.solve import solve, to_schedule
from scheduler.registration.read import read_workbook
from scheduler.registration.write import write_registration
from tests.helpers.events import assert_checked
from tests.helpers.paths import EXAMPLE


def _sigint_caught() -> bool:
    """Whether SIGINT has a handler at the C level (not the default action, not ignored)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("SigCgt:"):
                return bool(int(line.split()[1], 16) >> (signal.SIGINT - 1) & 1)
    raise AssertionError("no SigCgt line")


def test_no_search_hands_sigint_to_cp_sat(monkeypatch):
    """A CP-SAT search that catches SIGINT itself (`catch_sigint_signal`, on by default in a
    plain CpSolver) leaves it at the system default when it ends, so a Ctrl-C after it (while
    the outputs are written) killed the command outright. Both phases, their LNS and the
    per-attendee break bounds all run here."""
    searches: list[bool] = []
    solve_one = cp_model.CpSolver.solve

    def noted(self, *args, **kwargs):
        searches.append(self.parameters.catch_sigint_signal)
        return solve_one(self, *args, **kwargs)

    monkeypatch.setattr(cp_model.CpSolver, "solve", noted)
    event = read_workbook(EXAMPLE).event
    solve(event, time_limit=6, workers=2, seed=0)
    prep = prepare(event)
    start = greedy(prep)
    retime(CompactModel(prep, start), start.meetings, seconds=1, workers=2, seed=1)
    assert len(searches) > 5 and not any(searches)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler and _sigint_caught()


def test_ctrl_c_stops_the_search_which_keeps_its_best_schedule(tmp_path):
    event = read_workbook(EXAMPLE).event
    timer = threading.Timer(3.0, os.kill, (os.getpid(), signal.SIGINT))
    begun = time.monotonic()
    timer.start()
    try:
        schedule = solve(event, time_limit=60, workers=2, seed=0)
    finally:
        timer.cancel()
    took = time.monotonic() - begun
    assert 3.0 <= took < 10.0  # stopped within seconds of the Ctrl-C, not at the limit
    assert cpsat.interrupted()
    assert schedule.meetings
    assert_checked(event, schedule, tmp_path)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler and _sigint_caught()


@pytest.mark.parametrize(
    ("module", "where", "replan"),
    [
        ("models.meetings.lns", "restrict", True),
        ("models.meetings.relaxed_timing", "_SessionTimer._time_session", False),
        ("models.compact_days.search", "CompactModel", False),
    ],
    ids=["cutting-out-an-LNS-round", "timing-a-session-of-the-relaxation", "building-phase-2"],
)
def test_ctrl_c_in_python_code_keeps_the_best_schedule(
    monkeypatch, tmp_path, module, where, replan
):
    """A Ctrl-C that lands while Python code runs (an LNS round being cut out of phase 1's
    model, a session of the relaxation being timed, phase 2's model being built) stops the
    solve with its best schedule too. It used to raise there and lose every solution found
    (CI: "Stopped before the search began", 4 s into a search). The LNS case re-plans from
    the greedy schedule: from scratch, the example is proven through its relaxation and no
    LNS round runs."""
    *path, name = where.split(".")
    owner = functools.reduce(getattr, path, importlib.import_module(module))
    step = getattr(owner, name)
    sent: list[bool] = []

    def with_ctrl_c(*args, **kwargs):
        if not sent:
            sent.append(True)
            os.kill(os.getpid(), signal.SIGINT)  # handled at the next bytecode: in Python
        return step(*args, **kwargs)

    monkeypatch.setattr(owner, name, with_ctrl_c)
    event = read_workbook(EXAMPLE).event
    prep = prepare(event)
    published = to_schedule(prep, greedy(prep), "GREEDY", None, None, 0.0, 0, 2) if replan else None
    begun = time.monotonic()
    schedule = solve(event, time_limit=20, workers=2, seed=0, previous=published)
    assert sent, f"{module}.{where} was not reached"
    assert time.monotonic() - begun < 15  # stopped at the Ctrl-C (phase 2 starts at 10 s)
    assert cpsat.interrupted() and schedule.meetings
    assert_checked(event, schedule, tmp_path)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_while_phase_2_is_built_stops_the_build(monkeypatch, tmp_path):
    """Phase 2's model takes 25 s to build at 3,000 attendees: a Ctrl-C noted meanwhile
    ends the build at the next attendee, not when it is done, and phase 1's schedule
    stands."""
    day = CompactModel._day
    calls: list[int] = []

    def with_ctrl_c(self, who, slots):
        calls.append(who)
        if len(calls) == 1:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.1)  # the handler runs at the next bytecode: here
        return day(self, who, slots)

    monkeypatch.setattr(CompactModel, "_day", with_ctrl_c)
    event = read_workbook(EXAMPLE).event
    schedule = solve(event, time_limit=20, workers=2, seed=0)
    assert calls and len(set(calls)) == 1  # the next attendee's check stopped it
    assert cpsat.interrupted() and schedule.meetings
    assert_checked(event, schedule, tmp_path)


def test_ctrl_c_during_the_lp_bound_stops_glop_with_a_valid_bound(monkeypatch, tmp_path):
    """GLOP's LP bound ran for 415 s at 16,000 attendees, and a Ctrl-C waited for it. Now
    GLOP is interrupted and its duals so far still give a valid bound, only a weaker one."""
    workbook = write_registration(tmp_path / "l.xlsx", generate("L", seed=0))
    prep = prepare(read_workbook(workbook).event)
    cpsat.reset_ctrl_c()
    full = bound.phase1_bound(prep, time_limit=600)
    relaxation = bound._relaxation

    def then_ctrl_c(*args):
        lp = relaxation(*args)
        os.kill(os.getpid(), signal.SIGINT)  # noted: GLOP then starts, and stops at once
        return lp

    monkeypatch.setattr(bound, "_relaxation", then_ctrl_c)
    try:
        with cpsat.ctrl_c_noted():
            stopped = bound.phase1_bound(prep, time_limit=600)
        assert cpsat.interrupted()
    finally:
        cpsat.reset_ctrl_c()
    assert full.status == "MPSOLVER_OPTIMAL" and stopped.status != "MPSOLVER_OPTIMAL"
    assert stopped.bound >= full.bound
