"""One measured run in a process of its own: read a workbook, schedule it, report as JSON.

    python -m benchmarks.measure ENGINE WORKBOOK [--time-limit S] [--workers N] [--seed N]

ENGINE is `sigmeet` (the CP-SAT model) or `greedy` (the baseline). `benchmarks.run` starts
one such process per run so that each peak memory figure belongs to one solve alone. The
last line of standard output is a JSON object (see `measure`).
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import click

ENGINES = ("sigmeet", "greedy")


def measure(
    engine: str, workbook: Path, *, time_limit: float, workers: int, seed: int
) -> dict[str, object]:
    """Read, schedule and judge one workbook; timings in seconds, peak memory in MB."""
    from scheduler.check import check_workbook
    from scheduler.exports.schedule.meetings_panels import write_schedule
    from scheduler.exports.schedule.names import SCHEDULE_FILE
    from scheduler.figures import quality_figures
    from scheduler.pipeline import InputRejected, read_registration

    started = time.perf_counter()
    try:
        event = read_registration(workbook).event
    except InputRejected as exc:
        errors = [p for p in exc.problems if p.severity == "error"]
        return {"error": "; ".join(str(p) for p in errors[:5]) or "unreadable"}
    read_seconds = time.perf_counter() - started

    if engine == "sigmeet":
        import models.solve  # noqa: F401 - imported before the clock starts

    started = time.perf_counter()
    try:
        schedule = _schedule(engine, event, time_limit=time_limit, workers=workers, seed=seed)
    except Exception as exc:  # noqa: BLE001 - the runner reports any failure and goes on
        return {"error": f"{type(exc).__name__}: {exc}"[:500]}
    total_seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux

    stats = schedule.stats
    # The greedy has no model: all its time is "solve". For sigmeet, "build" is what solve()
    # does before any search (checks, model, greedy start, hint); the rest is searching.
    build_seconds = stats.build_seconds if engine == "sigmeet" else 0.0
    solve_seconds = total_seconds - build_seconds

    # Judge the schedule the way an organiser would: from the written workbook.
    with tempfile.TemporaryDirectory() as tmp:
        path = write_schedule(Path(tmp) / SCHEDULE_FILE, event, schedule)
        report = check_workbook(event, path)
    violations = report.violations

    return {
        "engine": engine,
        "attendees": sum(1 for a in event.attendees if not a.cancelled),
        "requests": len(event.requests),
        "candidate_pairs_in": len(event.candidates),
        "slots": len(event.slots),
        "tables": len(event.tables),
        "panels_in": len(event.panels),
        "read_seconds": read_seconds,
        "build_seconds": build_seconds,
        "solve_seconds": solve_seconds,
        "total_seconds": read_seconds + total_seconds,
        "peak_mb": peak_mb,
        "status": stats.status if stats is not None else "",
        "objective": stats.objective if stats is not None else None,
        "bound": stats.bound if stats is not None else None,
        "gap": stats.gap if stats is not None else None,
        "meetings_proven": bool(stats and stats.meetings_proven),
        "breaks_bound": stats.breaks_bound if stats is not None else None,
        "breaks_proven": bool(stats and stats.breaks_proven),
        "violations": len(violations),
        "first_violation": str(violations[0]) if violations else "",
        **quality_figures(event, schedule),
    }


def _schedule(engine: str, event, *, time_limit: float, workers: int, seed: int):
    if engine == "greedy":
        from benchmarks.greedy_baseline import greedy_schedule

        return greedy_schedule(event)
    from scheduler.pipeline import SolveOptions, plan

    return plan(event, SolveOptions(time_limit, workers, seed)).schedule


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("engine", type=click.Choice(ENGINES))
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--time-limit", default=60.0, show_default=True, help="Solver seconds.")
@click.option("--workers", default=2, show_default=True)
@click.option("--seed", default=0, show_default=True)
def main(engine: str, workbook: Path, time_limit: float, workers: int, seed: int) -> None:
    """Run ENGINE on WORKBOOK once and print the measurements as one JSON line."""
    outcome = measure(engine, workbook, time_limit=time_limit, workers=workers, seed=seed)
    sys.stdout.write(json.dumps(outcome, default=str) + "\n")


if __name__ == "__main__":
    main()
