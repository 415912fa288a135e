"""The `sigmeet` command line: template, validate, schedule, check.

Exit codes follow the contract: 0 fine, 2 input wrong, 3 hard rules cannot all hold,
1 anything else (and `check`: 1 when a rule is broken).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from scheduler import __version__

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
    from scheduler.template import write_template

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
    from scheduler.read_workbook import read_workbook
    from scheduler.report import overview, problems_text

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
@click.argument(
    "schedule_file", metavar="SCHEDULE", type=click.Path(dir_okay=False, path_type=Path)
)
def check(input_file: Path, schedule_file: Path) -> None:
    """Verify SCHEDULE (e.g. OUT/schedule.xlsx, made by any tool) against INPUT's hard rules.

    Lists every broken rule with its Meetings/Panels row and prints the quality figures;
    exit 0 when every rule holds, 1 when one is broken, 2 when a workbook cannot be read.
    """
    from scheduler.check import check_workbook, report_text
    from scheduler.read_schedule import ScheduleUnreadable
    from scheduler.read_workbook import read_workbook
    from scheduler.report import problems_text

    try:
        result = read_workbook(input_file)
    except Exception as exc:  # noqa: BLE001 - a bug must still not show the organiser a traceback
        click.echo(
            f"{input_file}: sigmeet failed while reading it ({exc!r}); please report this.",
            err=True,
        )
        sys.exit(EXIT_OTHER)
    if result.errors or result.event is None:
        click.echo(problems_text(result.problems), err=True)
        click.echo(f"{input_file} has errors: fix them before checking a schedule.", err=True)
        sys.exit(EXIT_INPUT)
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


if __name__ == "__main__":
    main()
