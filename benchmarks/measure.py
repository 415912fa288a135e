"""One measured run in a process of its own: read a workbook, schedule it, report as JSON.

    python -m benchmarks.measure ENGINE WORKBOOK [--time-limit S] [--workers N] [--seed N]

ENGINE is `sigmeet` (the CP-SAT model) or `greedy` (the baseline). The time limit is the
whole command's, as for `sigmeet schedule`: the search gets what reading and the expected
writing time leave of it. The schedule is written
as the whole output folder (`pipeline.write`: workbook, agendas, calendars, PDFs, zip), timed
on its own, and the workbook checked by `scheduler.check`. `benchmarks.run` starts one such
process per run so that each peak memory figure belongs to one run alone: this process and
its writer processes, summed (`TreeMemory`). The last line of standard output is a JSON
object (see `measure`).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

import click

ENGINES = ("sigmeet", "greedy")
# How often the process tree's memory is sampled: often enough for a writer's peak.
SAMPLE_SECONDS = 0.2


class TreeMemory:
    """Peak memory of this process and every process it started (the output writers),
    together: a background thread samples them from /proc every SAMPLE_SECONDS.

    `ru_maxrss` alone would miss the writers, and RUSAGE_CHILDREN gives the largest child,
    not the sum. A sample adds up each process's own (anonymous) resident memory and counts
    the file-backed pages they share (Python, libraries) once, as the largest of them:
    /proc/PID/statm is cheap to read even for a solver of gigabytes, where smaps_rollup
    (PSS) costs milliseconds per process. Off Linux (no /proc) only this process's own peak
    is known.
    """

    def __init__(self) -> None:
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tree-memory", daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    @property
    def peak_mb(self) -> float:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux
        return max(self.peak_kb, own) / 1024

    def sample(self) -> None:
        pages = [_resident_pages(pid) for pid in _tree(os.getpid())]
        if pages:
            own = sum(anonymous for anonymous, _ in pages)
            shared = max(file_backed for _, file_backed in pages)
            self.peak_kb = max(self.peak_kb, (own + shared) * PAGE_KB)

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self.sample()


PAGE_KB = (os.sysconf("SC_PAGE_SIZE") // 1024) if hasattr(os, "sysconf") else 4


def _tree(root: int) -> list[int]:
    """`root` and all its descendants, from /proc/*/stat (empty without /proc)."""
    parents: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        parents.setdefault(int(fields[1]), []).append(int(name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += parents.get(pid, [])
    return found


def _resident_pages(pid: int) -> tuple[int, int]:
    """(anonymous, file-backed) resident pages of `pid`; (0, 0) when it has ended."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
            fields = fh.read().split()
        resident, shared = int(fields[1]), int(fields[2])
    except (OSError, ValueError, IndexError):
        return 0, 0
    return resident - shared, shared


_IMPORTED = time.monotonic()


def process_seconds() -> float:
    """Seconds since this process started, as `sigmeet schedule` would count them: the
    interpreter's start-up and imports included; without Linux's /proc, since this module
    was imported."""
    since_import = time.monotonic() - _IMPORTED
    try:
        with open("/proc/self/stat", encoding="ascii") as fh:
            ticks = int(fh.read().rsplit(")", 1)[1].split()[19])  # field 22: starttime
        seconds = time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return since_import
    # A clock that disagrees with our own (another kernel's view of boot time) is not used.
    return seconds if since_import <= seconds <= since_import + 60 else since_import


def measure(
    engine: str, workbook: Path, *, time_limit: float, workers: int, seed: int
) -> dict[str, object]:
    """Read, schedule, write and judge one workbook; timings in seconds, `peak_mb` the peak
    memory in MB of this process and the writers it starts, together (`TreeMemory`)."""
    with TreeMemory() as memory:
        outcome = _measure(engine, workbook, time_limit=time_limit, workers=workers, seed=seed)
    if "error" not in outcome:
        outcome["peak_mb"] = memory.peak_mb
    return outcome


def _measure(
    engine: str, workbook: Path, *, time_limit: float, workers: int, seed: int
) -> dict[str, object]:
    from scheduler.check import check_workbook
    from scheduler.exports.schedule.names import SCHEDULE_FILE
    from scheduler.figures import quality_figures
    from scheduler.pipeline import InputRejected, Planned, read_registration, write

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
        seconds = _search_seconds(engine, time_limit, event, workers)
        schedule = _schedule(engine, event, time_limit=seconds, workers=workers, seed=seed)
    except Exception as exc:  # noqa: BLE001 - the runner reports any failure and goes on
        return {"error": f"{type(exc).__name__}: {exc}"[:500]}
    total_seconds = time.perf_counter() - started

    stats = schedule.stats
    # The greedy has no model: all its time is "solve". For sigmeet, "build" is what solve()
    # does before any search (checks, model, greedy start, hint); the rest is searching.
    build_seconds = stats.build_seconds if engine == "sigmeet" else 0.0
    solve_seconds = total_seconds - build_seconds

    # Write every output as the command does, then judge the schedule the way an organiser
    # would: from the written workbook.
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        try:
            folder = write(Path(tmp) / "out", Planned(event, schedule), input_path=workbook)
        except Exception as exc:  # noqa: BLE001 - reported like a failed solve
            return {"error": f"writing: {type(exc).__name__}: {exc}"[:500]}
        write_seconds = time.perf_counter() - started
        command_seconds = process_seconds()  # as the command: from start-up to written
        report = check_workbook(event, folder / SCHEDULE_FILE)
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
        "write_seconds": write_seconds,
        "total_seconds": read_seconds + total_seconds,
        "command_seconds": command_seconds,
        "status": stats.status if stats is not None else "",
        "objective": stats.objective if stats is not None else None,
        "bound": stats.bound if stats is not None else None,
        "gap": stats.gap if stats is not None else None,
        "meetings_proven": bool(stats and stats.meetings_proven),
        # the greedy start the search began from: what the search itself gained
        "start_objective": stats.start_objective if stats is not None else None,
        "start_gain": _gain(stats),
        "start_breaks": stats.start_breaks if stats is not None else None,
        "breaks_bound": stats.breaks_bound if stats is not None else None,
        "breaks_proven": bool(stats and stats.breaks_proven),
        "violations": len(violations),
        "first_violation": str(violations[0]) if violations else "",
        **quality_figures(event, schedule),
    }


def _gain(stats) -> float | None:
    if stats is None or stats.start_objective is None or stats.objective is None:
        return None
    return (stats.objective - stats.start_objective) / max(1.0, abs(stats.start_objective))


def _schedule(engine: str, event, *, time_limit: float, workers: int, seed: int):
    if engine == "greedy":
        from benchmarks.greedy_baseline import greedy_schedule

        return greedy_schedule(event)
    from scheduler.pipeline import SolveOptions, plan

    return plan(event, SolveOptions(time_limit, workers, seed)).schedule


def _search_seconds(engine: str, time_limit: float, event, workers: int) -> float:
    """What `sigmeet schedule --time-limit` leaves the search: the limit is the whole
    command's, start-up, reading and writing included (scheduler/progress.py)."""
    if engine != "sigmeet":
        return time_limit
    from scheduler.progress import search_budget

    return search_budget(time_limit, process_seconds(), len(event.attendees), workers)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("engine", type=click.Choice(ENGINES))
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--time-limit",
    default=60.0,
    show_default=True,
    help="Seconds for the whole command: reading, solving, writing.",
)
@click.option("--workers", default=2, show_default=True)
@click.option("--seed", default=0, show_default=True)
def main(engine: str, workbook: Path, time_limit: float, workers: int, seed: int) -> None:
    """Run ENGINE on WORKBOOK once and print the measurements as one JSON line."""
    outcome = measure(engine, workbook, time_limit=time_limit, workers=workers, seed=seed)
    sys.stdout.write(json.dumps(outcome, default=str) + "\n")


if __name__ == "__main__":
    main()
