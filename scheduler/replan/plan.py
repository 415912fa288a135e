"""A re-plan from start to end: read and reconcile the previous schedule, then solve keeping it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from models.domain import Event
from models.meetings.keep_previous import KeepPrevious
from scheduler.replan.previous import read_previous
from scheduler.replan.reconcile import Reconciled, keep_in_place, reconcile


@dataclass(frozen=True)
class Replan:
    """Everything a re-plan needs: the event to solve (with kept meetings pinned in fixed
    mode), the reconciliation for origins and Changes, the solver's keeping rules, and where
    the previous schedule was read (its folder holds the calendars attendees imported)."""

    event: Event
    reconciled: Reconciled
    keep: KeepPrevious
    source: Path | None = None


def prepare_replan(event: Event, path: str | Path, *, flexible: bool) -> Replan:
    """Read the previous schedule at `path`, reconcile it with `event`, and say how to keep it.

    Raises `ScheduleUnreadable` or `PreviousUnusable` (see `read_previous`).
    """
    reconciled = reconcile(event, read_previous(event, path))
    released = tuple(dict.fromkeys(x for r in reconciled.released for x in r.attendees))
    displaced = tuple(dict.fromkeys(tuple(r.attendees) for r in reconciled.released if not r.panel))
    keep = KeepPrevious(reconciled.valid, flexible=flexible, released=released, displaced=displaced)
    solve_event = event if flexible else keep_in_place(event, reconciled)
    return Replan(solve_event, reconciled, keep, Path(path))


# Share of the time limit for the first, keep-everything solve of a flexible re-plan.
FIXED_FIRST_SHARE = 0.3


def solve_replan(replan: Replan, *, time_limit: float, workers: int, seed: int, progress=None):
    """Solve a re-plan. Flexible re-plans first solve with everything kept in place (fast:
    most of the schedule is fixed) and start the free search from that schedule, so they are
    never worse than keeping everything, and reach it at once (a hand-made large
    neighbourhood search)."""
    import time

    from models.solve import Infeasible, solve

    keep, started = replan.keep, time.monotonic()
    start_from = keep.valid
    if keep.flexible:
        fixed = KeepPrevious(keep.valid, flexible=False, released=keep.released)
        try:
            start_from = solve(
                keep_in_place(replan.event, replan.reconciled),
                time_limit=FIXED_FIRST_SHARE * time_limit,
                workers=workers,
                seed=seed,
                progress=progress,
                previous=keep.valid,
                keep=fixed,
            )
        except Infeasible:
            pass  # new pins or panels leave no room to keep everything: search freely
    left = max(time_limit - (time.monotonic() - started), 0.5)
    return solve(
        replan.event,
        time_limit=left,
        workers=workers,
        seed=seed,
        progress=progress,
        previous=start_from,
        keep=keep,
    )
