"""The `sigmeet` command line: template, validate, schedule, check.

Exit codes follow the contract: 0 fine, 2 input wrong, 3 hard rules cannot all hold,
1 anything else (and `check`: 1 when a rule is broken).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from pathlib import Path

# numpy's OpenBLAS starts a thread per core when first imported, and a thread started before
# scheduler/stopping.py blocks SIGTERM would take the signal with its default action: the
# command died on the spot, leaving its half-written folder. Our numpy work is not BLAS.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import click  # noqa: E402

from scheduler import __version__
from scheduler.mail.cli import send

EXIT_OK, EXIT_OTHER, EXIT_INPUT, EXIT_INFEASIBLE = 0, 1, 2, 3


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sigmeet")
def main() -> None:
    """sigmeet: the best programme for your partnering event, from a registration workbook."""


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
def template(file: Path, force: bool) -> None:
    """Write a blank registration workbook to FILE."""
    from scheduler.registration.template import write_template

    if file.suffix.lower() != ".xlsx":
        click.echo(
            f"{file}: the template must be an .xlsx file (e.g. registration.xlsx).", err=True
        )
        sys.exit(EXIT_INPUT)
    if file.exists() and not force:
        click.echo(f"{file} exists; not overwriting it (use --force to replace it).", err=True)
        sys.exit(EXIT_INPUT)
    try:
        write_template(file)
    except OSError as exc:
        click.echo(f"Could not write {file}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_OTHER)
    click.echo(f"Wrote registration template {file}")


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def validate(file: Path) -> None:
    """Check a registration workbook and summarise it; exit 2 on errors."""
    from scheduler.registration.read import read_workbook
    from scheduler.registration.report import overview, problems_text

    try:
        result = read_workbook(file)
    except Exception as exc:  # noqa: BLE001 - a bug must still not show the organiser a traceback
        click.echo(
            f"{file}: sigmeet failed while reading it ({exc!r}); please report this.", err=True
        )
        sys.exit(EXIT_OTHER)
    if result.event is not None:
        click.echo(overview(result.event))
    if result.problems:
        click.echo(problems_text(result.problems))
    if result.errors:
        click.echo(f"{file} is not usable yet: fix the errors above and validate again.")
        sys.exit(EXIT_INPUT)
    click.echo(f"{file} is ready to schedule.")
    sys.exit(EXIT_OK)


@main.command()
@click.argument("input_file", metavar="INPUT", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("schedule_file", metavar="SCHEDULE", type=click.Path(path_type=Path))
def check(input_file: Path, schedule_file: Path) -> None:
    """Verify SCHEDULE (OUT/schedule.xlsx or the folder OUT, made by any tool) against INPUT.

    Lists every broken rule with its Meetings/Panels row and prints the quality figures;
    exit 0 when every rule holds, 1 when one is broken, 2 when a workbook cannot be read.
    """
    from scheduler.check import check_workbook, report_text
    from scheduler.exports.schedule.names import SCHEDULE_FILE
    from scheduler.exports.schedule.reader import ScheduleUnreadable

    result = _read_or_exit(input_file, "nothing was checked")
    if schedule_file.is_dir():
        schedule_file = schedule_file / SCHEDULE_FILE
    try:
        report = check_workbook(result.event, schedule_file)
    except ScheduleUnreadable as exc:
        click.echo(f"Cannot check the schedule: {exc}", err=True)
        sys.exit(EXIT_INPUT)
    except Exception as exc:  # noqa: BLE001 - same promise as above
        click.echo(
            f"{schedule_file}: sigmeet failed while checking it ({exc!r}); please report this.",
            err=True,
        )
        sys.exit(EXIT_OTHER)
    click.echo(report_text(report))
    sys.exit(EXIT_OK if report.ok else EXIT_OTHER)


@main.command()
@click.argument("input_file", metavar="INPUT", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder [default: outputs/<INPUT file name>/].",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.5),
    help="Seconds for the whole command: reading, searching and writing the outputs "
    "[default: by event size, 10-300 s].",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Solver threads (1 with a fixed seed gives a reproducible schedule).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed of the search.")
@click.option(
    "--force",
    is_flag=True,
    help="Replace an existing output folder (the old one is kept as a backup beside it).",
)
@click.option(
    "--previous",
    "previous_file",
    type=click.Path(exists=True, path_type=Path),
    help="Re-plan: the schedule.xlsx (or output folder) already announced; "
    "it may have been edited by hand.",
)
@click.option(
    "--keep",
    type=click.Choice(["fixed", "flexible"]),
    default="fixed",
    show_default=True,
    help="With --previous: fixed keeps every still-valid meeting and panel in place; "
    "flexible may move them, changing as few attendees' agendas as possible.",
)
def schedule(
    input_file: Path,
    out_dir: Path | None,
    time_limit: float | None,
    workers: int,
    seed: int,
    force: bool,
    previous_file: Path | None,
    keep: str,
) -> None:
    """Optimise the programme of INPUT and write schedule, agendas and calendars.

    Progress (objective, best bound, gap, time) goes to stderr; Ctrl-C stops the search
    and keeps the best schedule found so far. With --previous, the announced schedule is
    kept (see --keep), and a Changes sheet and changes.csv list whose agenda changed and why.
    """
    # The limit is the whole command's: the imports of solver, pandas and writers (~1 s)
    # and reading count too (writing and the exit: search_budget's reserve).
    begun = time.monotonic()
    from scheduler.stopping import sigterm_stops, terminated

    try:
        with sigterm_stops():
            _schedule(
                begun, input_file, out_dir, time_limit, workers, seed, force, previous_file, keep
            )
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM while reading, building or writing
        _stopped(terminated())
    except Exception:
        if not terminated():
            raise
        _stopped(True)  # SIGTERM killed the writers before its Ctrl-C reached this thread


def _stopped(by_sigterm: bool) -> None:
    why = "Stopped (SIGTERM)" if by_sigterm else "Stopped"
    click.echo(f"{why}; nothing was written, any earlier output is as it was.", err=True)
    sys.exit(EXIT_OTHER)


def _schedule(begun, input_file, out_dir, time_limit, workers, seed, force, previous_file, keep):
    from models.errors import Infeasible
    from scheduler import pipeline
    from scheduler.exports.folder import OutputExists
    from scheduler.figures import quality_figures
    from scheduler.progress import ProgressPrinter, final_line, search_budget
    from scheduler.registration.report import problems_text
    from scheduler.stopping import terminated

    out_dir = out_dir or pipeline.default_output(input_file)
    try:
        pipeline.refuse_unless_forced(out_dir, force)  # before solving: nobody should wait
    except OutputExists as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_INPUT)
    result = _read_or_exit(input_file, "nothing was scheduled or written")
    if result.warnings:
        click.echo(problems_text(result.warnings), err=True)
    event = result.event
    replan = _replan_or_exit(event, previous_file, keep) if previous_file else None
    options = pipeline.SolveOptions(time_limit, workers, seed)
    limit = options.limit_for(event)
    budget = search_budget(limit, time.monotonic() - begun, len(event.attendees), workers)
    click.echo(
        f"Scheduling {event.settings.name}: {len(event.attendees)} attendees, "
        f"{len(event.candidates)} candidate pairs, {len(event.slots)} slots, "
        f"{len(event.tables)} tables; searching up to {budget:.0f} s of the {limit:g} s limit "
        f"(reading and writing count too) with {workers} worker(s), seed {seed} "
        "(Ctrl-C stops and keeps the best so far).",
        err=True,
    )
    printer = ProgressPrinter(budget)  # the bar fills as the search ends
    try:
        planned = pipeline.plan(
            event, replace(options, time_limit=budget), replan=replan, progress=printer
        )
    except Infeasible as exc:
        printer.done()
        click.echo("No schedule can keep every hard rule. These clash:", err=True)
        for conflict in exc.conflicts:
            click.echo(f"  {conflict}", err=True)
        sys.exit(EXIT_INFEASIBLE)
    except KeyboardInterrupt:  # Ctrl-C before the search began: there is nothing to keep
        printer.done()
        click.echo("Stopped before the search began; nothing was written.", err=True)
        sys.exit(EXIT_OTHER)
    printer.done()
    if terminated():  # SIGTERM stopped the search: stop, unlike Ctrl-C, which keeps the best
        click.echo("Stopped (SIGTERM) before writing; nothing was written.", err=True)
        sys.exit(EXIT_OTHER)
    try:
        pipeline.write(
            out_dir,
            planned,
            input_path=input_file,
            force=force,
            notify=lambda msg: click.echo(msg, err=True),
        )
    except OutputExists as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_INPUT)
    except OSError as exc:
        click.echo(f"Could not write {out_dir}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_OTHER)
    if planned.changes is not None:
        click.echo(_changes_line(planned.schedule, planned.changes))
    click.echo(final_line(planned.schedule, quality_figures(event, planned.schedule), out_dir))


def _replan_or_exit(event, previous_file: Path, keep: str):
    """Read and reconcile the previous schedule; on a broken hand edit list it and exit 2."""
    from scheduler.exports.schedule.reader import ScheduleUnreadable
    from scheduler.pipeline import reconcile_previous
    from scheduler.replan.previous import PreviousUnusable

    try:
        return reconcile_previous(event, previous_file, flexible=keep == "flexible")
    except ScheduleUnreadable as exc:
        click.echo(f"Cannot use the previous schedule: {exc}", err=True)
    except PreviousUnusable as exc:
        click.echo(
            f"The previous schedule {previous_file} breaks these rules by itself"
            " (fix those rows and run again; nothing was scheduled or written):",
            err=True,
        )
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
    except Exception as exc:  # noqa: BLE001 - a bug must still not show a traceback
        click.echo(
            f"{previous_file}: sigmeet failed while reading it ({exc!r}); please report this.",
            err=True,
        )
        sys.exit(EXIT_OTHER)
    sys.exit(EXIT_INPUT)


def _changes_line(plan, changes) -> str:
    origins = [m.origin for m in plan.meetings]
    people = len(dict.fromkeys(c.attendee for c in changes))
    return (
        f"Re-plan: {origins.count('kept')} meetings kept in place, {origins.count('moved')} "
        f"moved, {origins.count('new')} new; {people} attendee(s) have a changed agenda "
        "(Changes sheet and changes.csv)."
    )


def _read_or_exit(input_file: Path, consequence: str):
    """The registration's ReadResult; on errors print them all and exit 2."""
    from scheduler.pipeline import InputRejected, read_registration
    from scheduler.registration.report import problems_text

    try:
        return read_registration(input_file)
    except InputRejected as exc:
        click.echo(problems_text(exc.problems), err=True)
        click.echo(f"{input_file} has errors: fix them first; {consequence}.", err=True)
        sys.exit(EXIT_INPUT)
    except Exception as exc:  # noqa: BLE001 - a bug must still not show the organiser a traceback
        click.echo(
            f"{input_file}: sigmeet failed while reading it ({exc!r}); please report this.",
            err=True,
        )
        sys.exit(EXIT_OTHER)


from scheduler.web.serve import serve  # noqa: E402 - `sigmeet serve`, the web app

main.add_command(serve)

main.add_command(send)  # scheduler/mail/cli.py

if __name__ == "__main__":
    main()
