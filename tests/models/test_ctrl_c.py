"""Ctrl-C and the solver (models/cpsat.py `ctrl_c_stops`): it stops a running search, which
returns its best schedule, and SIGINT is never left at the system default, so a later Ctrl-C
(while the outputs are written) cannot kill the command outright."""

from __future__ import annotations

import importlib
import os
import signal
import threading
import time

import pytest
from ortools.sat.python import cp_model

from models import cpsat
from models.compact_days.lns import retime
from models.compact_days.model import CompactModel
from models.meetings.greedy import greedy
from models.prepared import prepare
from models.solve import solve
from scheduler.registration.read import read_workbook
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
    "where",
    ["models.meetings.lns.restrict", "models.compact_days.search.CompactModel"],
    ids=["cutting-out-an-LNS-round", "building-phase-2"],
)
def test_ctrl_c_in_python_code_keeps_the_best_schedule(monkeypatch, tmp_path, where):
    """A Ctrl-C that lands while Python code runs (an LNS round being cut out of phase 1's
    model, phase 2's model being built) stops the solve with its best schedule too. It used
    to raise there and lose every solution found (CI: "Stopped before the search began",
    4 s into a search)."""
    module, name = where.rsplit(".", 1)
    step = getattr(importlib.import_module(module), name)
    sent: list[bool] = []

    def with_ctrl_c(*args, **kwargs):
        if not sent:
            sent.append(True)
            os.kill(os.getpid(), signal.SIGINT)  # handled at the next bytecode: in Python
        return step(*args, **kwargs)

    monkeypatch.setattr(where, with_ctrl_c)
    event = read_workbook(EXAMPLE).event
    begun = time.monotonic()
    schedule = solve(event, time_limit=20, workers=2, seed=0)
    assert sent, f"{where} was not reached"
    assert time.monotonic() - begun < 15  # stopped at the Ctrl-C (phase 2 starts at 10 s)
    assert cpsat.interrupted() and schedule.meetings
    assert_checked(event, schedule, tmp_path)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
