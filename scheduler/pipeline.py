"""One registration's way through sigmeet: read -> (reconcile a previous schedule) -> solve ->
label -> write. The command line, the benchmarks and the web app call these steps; none of
them repeats what a step does, only how it tells the user.

Each step raises its own exception for what the user must fix (`InputRejected`,
`ScheduleUnreadable`, `PreviousUnusable`, `Infeasible`, `OutputExists`), so a caller can map
them to messages and exit codes without knowing how the steps work.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from models.domain import Change, Event, Schedule
from models.solve import Progress, default_time_limit, solve
from scheduler.exports.agendas.history import previous_calendars
from scheduler.exports.folder import refuse_unless_forced, write_outputs
from scheduler.registration.problems import Problem
from scheduler.registration.read import ReadResult, read_workbook
from scheduler.replan.changes import agenda_changes, with_origins
from scheduler.replan.plan import Replan, prepare_replan, solve_replan


class InputRejected(Exception):
    """The registration workbook has errors; `problems` lists every one (errors and warnings)."""

    def __init__(self, problems: Sequence[Problem]):
        super().__init__(f"{sum(p.severity == 'error' for p in problems)} error(s)")
        self.problems = tuple(problems)


@dataclass(frozen=True)
class SolveOptions:
    time_limit: float | None = None  # None: by event size (models.solve.default_time_limit)
    workers: int = 2
    seed: int = 0

    def limit_for(self, event: Event) -> float:
        return default_time_limit(event) if self.time_limit is None else self.time_limit


@dataclass(frozen=True)
class Planned:
    """A solved schedule with its meetings' origins, and on a re-plan what changed for whom."""

    event: Event
    schedule: Schedule
    replan: Replan | None = None
    changes: tuple[Change, ...] | None = None  # None: not a re-plan


def default_output(input_path: Path) -> Path:
    return Path("outputs") / input_path.stem


def read_registration(path: Path) -> ReadResult:
    """The registration's event and warnings; raises `InputRejected` when it has errors."""
    result = read_workbook(path)
    if result.errors or result.event is None:
        raise InputRejected(result.problems)
    return result


def reconcile_previous(event: Event, previous: Path, *, flexible: bool) -> Replan:
    """Read the announced schedule and reconcile it with `event` (raises `ScheduleUnreadable`
    or `PreviousUnusable` from scheduler.replan)."""
    return prepare_replan(event, previous, flexible=flexible)


def plan(
    event: Event,
    options: SolveOptions,
    *,
    replan: Replan | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> Planned:
    """Solve `event` (keeping `replan`'s announced schedule as it says) and label the result:
    origins of meetings, and on a re-plan each attendee's changes. Raises `Infeasible`."""
    limit = options.limit_for(event)
    if replan is None:
        schedule = solve(
            event, time_limit=limit, workers=options.workers, seed=options.seed, progress=progress
        )
        return Planned(event, schedule)
    schedule = solve_replan(
        replan, time_limit=limit, workers=options.workers, seed=options.seed, progress=progress
    )
    schedule = with_origins(event, schedule, replan.reconciled.previous)
    return Planned(event, schedule, replan, agenda_changes(event, replan.reconciled, schedule))


def write(
    out_dir: Path,
    planned: Planned,
    *,
    input_path: Path,
    force: bool = False,
    notify: Callable[[str], None] | None = None,
    agenda_urls: Mapping[str, str] | None = None,
) -> Path:
    """Write every output of `planned` into `out_dir` (raises `OutputExists`, `OSError`).

    `agenda_urls` (attendee id -> their web agenda) puts a QR code on each printed agenda.

    On a re-plan, the previous schedule's folder holds the calendar files attendees imported;
    the new ones update and cancel those entries. Without files there, the previous schedule
    stands in.
    """
    calendars = None
    if planned.replan is not None:
        earlier = planned.replan.reconciled.previous
        calendars = previous_calendars(planned.event, planned.replan.source, earlier)
    return write_outputs(
        out_dir,
        planned.event,
        planned.schedule,
        input_path=input_path,
        force=force,
        notify=notify,
        changes=planned.changes,
        previous_calendars=calendars,
        agenda_urls=agenda_urls,
    )


__all__ = [
    "InputRejected",
    "Planned",
    "SolveOptions",
    "default_output",
    "plan",
    "read_registration",
    "reconcile_previous",
    "refuse_unless_forced",
    "write",
]
