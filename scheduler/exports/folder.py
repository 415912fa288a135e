"""Write a whole output folder: schedule.xlsx, agendas, calendars, PDFs, zip and contacts.

Everything is written into a temporary folder beside the target and moved into place only
when complete, so a crash or a full disk never leaves a half-written folder that looks
finished. An existing, non-empty output folder is never overwritten silently: without
`force` it is refused; with `force` it is kept as a backup beside the new one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path

from models.domain import Change, Event, Schedule
from scheduler.exports.agendas.bundle import (
    CONTACTS_NAME,
    ZIP_NAME,
    AgendaZip,
    plan_agenda_files,
    write_contacts,
)
from scheduler.exports.agendas.history import PreviousCalendars
from scheduler.exports.agendas.items import AgendaItem, activities_by_attendee
from scheduler.exports.excel_style import Book
from scheduler.exports.parallel import (
    PARALLEL_FROM,
    OutputContext,
    default_workers,
    plan_jobs,
    run_jobs,
)
from scheduler.exports.pdf.documents import DOCUMENTS
from scheduler.exports.pdf.fonts import INSTALL_HINT, fonts_available
from scheduler.exports.schedule.agendas_sheet import build_agendas_sheet
from scheduler.exports.schedule.changes_sheet import (
    CHANGES_CSV,
    build_changes_sheet,
    write_changes_csv,
)
from scheduler.exports.schedule.grid_sheet import build_grid_sheet
from scheduler.exports.schedule.meetings_panels import build_meetings_sheet, build_panels_sheet
from scheduler.exports.schedule.names import SCHEDULE_FILE
from scheduler.exports.schedule.panel_rosters_sheet import build_panel_rosters_sheet
from scheduler.exports.schedule.summary_sheet import build_summary_sheet
from scheduler.exports.schedule.unscheduled_sheet import build_unscheduled_sheet
from scheduler.figures import quality_figures

# DTSTAMP when the input file cannot be looked at: any fixed instant keeps files stable.
FALLBACK_STAMP = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


class OutputExists(Exception):
    """The output folder already holds files and `force` was not given."""


def write_outputs(
    out_dir: str | Path,
    event: Event,
    schedule: Schedule,
    *,
    input_path: str | Path,
    force: bool = False,
    notify: Callable[[str], None] | None = None,
    workers: int | None = None,
    changes: Sequence[Change] | None = None,
    previous_calendars: PreviousCalendars | None = None,
    agenda_urls: Mapping[str, str] | None = None,
) -> Path:
    """Write every output file of `schedule` into `out_dir`; return `out_dir`.

    `agenda_urls` (attendee id -> the address of their web agenda) prints a QR code to it
    on their PDF agenda.

    `changes` (a re-plan only) adds the Changes sheet and `changes.csv`;
    `previous_calendars` (a re-plan) makes the calendars update and cancel earlier entries.

    `notify` receives one-line messages for the user (e.g. where a previous run was moved).
    `workers` is the number of processes writing files (None: by event size and CPUs).
    Raises `OutputExists` when `out_dir` is not empty and `force` is false; nothing is
    written then.
    """
    out_dir = Path(out_dir)
    refuse_unless_forced(out_dir, force)
    input_path = Path(input_path)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-incomplete-", dir=out_dir.parent))
    try:
        write_folder(
            staging,
            event,
            schedule,
            input_path=input_path,
            workers=workers,
            notify=notify,
            changes=changes,
            previous_calendars=previous_calendars,
            agenda_urls=agenda_urls,
        )
        refuse_unless_forced(out_dir, force)  # someone may have written there meanwhile
        backup = _move_into_place(staging, out_dir)
    except BaseException:
        _remove(staging)
        raise
    if backup is not None and notify is not None:
        notify(f"The previous output in {out_dir} was moved to {backup}.")
    return out_dir


def _remove(folder: Path) -> None:
    """Remove a half-written folder, whatever signal comes meanwhile: a second Ctrl-C (or the
    SIGINT a SIGTERM turns into) during the clean-up used to leave the folder behind. A writer
    killed a moment ago may have had a file open in it, so a first pass can miss an entry."""
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        for _ in range(20):
            shutil.rmtree(folder, ignore_errors=True)
            if not folder.exists():
                return
            time.sleep(0.1)
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)


def write_folder(
    folder: Path,
    event: Event,
    schedule: Schedule,
    *,
    input_path: Path,
    workers: int | None = None,
    notify: Callable[[str], None] | None = None,
    changes: Sequence[Change] | None = None,
    previous_calendars: PreviousCalendars | None = None,
    agenda_urls: Mapping[str, str] | None = None,
) -> None:
    """Write all output files into `folder` (which exists).

    `workers`: processes to write with; None chooses by event size and CPUs.
    """
    activities = activities_by_attendee(event, schedule)
    people = [a for a in event.attendees if not a.cancelled]
    pdfs = fonts_available()
    if not pdfs and notify is not None:
        notify(f"No PDFs were written: no Unicode font was found ({INSTALL_HINT}).")
    files = plan_agenda_files(folder, people, pdf=pdfs)
    if workers is None:
        workers = default_workers(len(files))
    if notify is not None and len(files) >= PARALLEL_FROM:
        # Thousands of agenda files take a minute or more: say what is going on.
        notify(
            f"Writing {SCHEDULE_FILE} and the agendas and calendars of {len(files)} "
            f"attendees ({workers} process{'es' if workers > 1 else ''})..."
        )
    dtstamp = input_stamp(input_path)
    if previous_calendars is not None:
        previous_calendars = previous_calendars.rebuilt(event, activities)
    ctx = OutputContext(
        folder,
        event,
        schedule,
        activities,
        input_path,
        dtstamp,
        previous_calendars,
        agenda_urls=None if agenda_urls is None else dict(agenda_urls),
    )
    writer = partial(write_schedule_job, changes=None if changes is None else tuple(changes))
    jobs = plan_jobs(files, workers, DOCUMENTS if pdfs else ())
    with AgendaZip(folder / ZIP_NAME, folder, dtstamp) as bundle:
        run_jobs(ctx, jobs, workers, writer, done=lambda job: bundle.add(job.files))
    write_contacts(folder / CONTACTS_NAME, event, files)
    if changes is not None:
        write_changes_csv(folder / CHANGES_CSV, event, changes)


def write_schedule_job(ctx: OutputContext, changes: tuple[Change, ...] | None = None) -> None:
    write_schedule_workbook(
        ctx.folder / SCHEDULE_FILE,
        ctx.event,
        ctx.schedule,
        ctx.input_path,
        ctx.activities,
        changes,
    )


def write_schedule_workbook(
    path: Path,
    event: Event,
    schedule: Schedule,
    input_path: Path,
    activities: dict[str, list[AgendaItem]] | None = None,
    changes: Sequence[Change] | None = None,
) -> Path:
    """The schedule workbook: every sheet, written row by row (XlsxWriter's constant-memory
    mode: 2.5 million cells at BIO would otherwise be held until the file is saved; the
    rows wait in temporary files in `path`'s folder meanwhile)."""
    book = Book(
        path, f"{event.settings.name}: schedule", constant_memory=True, temp_dir=path.parent
    )
    build_meetings_sheet(book, event, schedule)
    build_panels_sheet(book, event, schedule)
    build_panel_rosters_sheet(book, event, schedule)
    build_agendas_sheet(book, event, schedule, activities)
    build_unscheduled_sheet(book, event, schedule)
    build_summary_sheet(
        book,
        event,
        schedule,
        figures=quality_figures(event, schedule),
        input_name=input_path.name,
        input_sha256=file_sha256(input_path),
    )
    build_grid_sheet(book, event, schedule)
    if changes is not None:
        build_changes_sheet(book, event, changes)
    book.close()
    return path


def file_sha256(path: Path) -> str:
    try:
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError:
        return "unavailable (input file not readable)"


def input_stamp(path: Path) -> dt.datetime:
    """Calendar DTSTAMP: the input file's modification time (UTC, whole seconds).

    Re-running on the same input writes identical calendar files; editing the input moves
    the stamp on, which is what calendar programs expect of a newer version.
    """
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return FALLBACK_STAMP
    return dt.datetime.fromtimestamp(int(mtime), tz=dt.UTC)


def refuse_unless_forced(out_dir: Path, force: bool) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputExists(f"{out_dir} is a file, not a folder; choose another output folder.")
    if force or not out_dir.exists() or not any(out_dir.iterdir()):
        return
    raise OutputExists(
        f"The output folder {out_dir} already holds files from an earlier run; "
        "nothing was written. Choose another folder, or use --force to replace it "
        "(the earlier files are then kept in a backup folder beside it)."
    )


def backup_path(out_dir: Path, now: dt.datetime | None = None) -> Path:
    """A free name `<out_dir>-previous-<YYYYMMDD-HHMMSS>[-n]` beside `out_dir`."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate = out_dir.with_name(f"{out_dir.name}-previous-{stamp}")
    n = 1
    while candidate.exists():
        n += 1
        candidate = out_dir.with_name(f"{out_dir.name}-previous-{stamp}-{n}")
    return candidate


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _move_into_place(staging: Path, out_dir: Path) -> Path | None:
    """Rename `staging` to `out_dir`; an earlier non-empty `out_dir` becomes a backup,
    whose path is returned."""
    backup = None
    if out_dir.exists():
        if any(out_dir.iterdir()):
            backup = backup_path(out_dir)
            out_dir.rename(backup)
        else:
            out_dir.rmdir()
    try:
        staging.rename(out_dir)
    except OSError:
        if backup is not None:
            backup.rename(out_dir)  # put the earlier run back rather than lose it
        raise
    # mkdtemp makes the folder private (0700); an output folder is meant to be shared.
    out_dir.chmod(0o777 & ~_umask())
    return backup
