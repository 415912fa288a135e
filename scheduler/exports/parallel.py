"""Write the output files of a large event in several processes at once.

A 16,000-attendee event means 48,000 agenda files, each costing a few milliseconds of
workbook, calendar or PDF writing, plus one big schedule workbook and two whole-event PDFs: mostly
pure-Python CPU work, so threads would not help. The work is cut into independent jobs (the
schedule workbook, each whole-event PDF, and agendas in chunks of attendees); each job
writes its own files, so the result is the same whatever the number of processes. Small
events are written in this process: starting a pool would cost more than it saves.

Writers are spawned, not forked: a forked writer would start with a copy of the solver's
whole memory (gigabytes at 8,000 attendees). And a job carries only what it writes: a chunk
its attendees, their agenda items and calendar history and the few event fields the files
show (name, venue, timezone, sessions, slots: `slim_event`); the table signs the meetings
and tables. The schedule workbook, which shows everything, is written by this process
itself while the writers work, and it fills agendas.zip as their chunks end, so no
writer ever holds the whole event and schedule.
Each writer dies with the command (scheduler/stopping.py), so none outlives a stop; an
error or a stop (Ctrl-C) here cancels the jobs not yet begun and ends the writers.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from models.domain import Attendee, Event, Schedule
from scheduler.exports.agendas.bundle import AgendaFiles, write_agenda_files
from scheduler.exports.agendas.history import PreviousCalendars
from scheduler.exports.agendas.items import AgendaItem
from scheduler.exports.pdf.agenda import AGENDAS_PDF
from scheduler.exports.pdf.documents import write_document
from scheduler.stopping import child_started, stop_children

# Below this many agendas a process pool costs more than it saves.
PARALLEL_FROM = 300
MAX_WORKERS = 8
# Several chunks per process even out attendees with long and short agendas, and the last
# chunks end close together (at BIO 8 per process: ~1,000 attendees, ~10 s each).
CHUNKS_PER_WORKER = 8


@dataclass(frozen=True)
class OutputContext:
    """Everything the output folder shows; it stays in this process (jobs get their part)."""

    folder: Path
    event: Event
    schedule: Schedule
    activities: dict[str, list[AgendaItem]]
    input_path: Path
    dtstamp: dt.datetime
    # A re-plan: the previous calendars (file paths; the previous schedule only without files).
    previous_calendars: PreviousCalendars | None = None
    # Attendee id -> their web agenda's address (a QR code on the PDF); None: no codes.
    agenda_urls: Mapping[str, str] | None = None


@dataclass(frozen=True)
class OutputJob:
    """The schedule workbook (`files` and `document` empty), one whole-event PDF
    (`document`: agendas.pdf or tables.pdf) or the agendas of a chunk of attendees."""

    files: tuple[AgendaFiles, ...] = ()
    document: str = ""

    @property
    def is_schedule(self) -> bool:
        return not self.files and not self.document


@dataclass(frozen=True)
class JobInput:
    """What one job is sent: the part of the event and schedule its files show."""

    folder: Path
    job: OutputJob
    event: Event  # slim_event: only the attendees (and tables) the job's files name
    schedule: Schedule | None  # tables.pdf: the meetings; otherwise None
    activities: dict[str, list[AgendaItem]]  # the job's attendees' items
    dtstamp: dt.datetime
    previous: PreviousCalendars | None = None  # the chunk's attendees' calendar history
    urls: dict[str, str] | None = None


ScheduleWriter = Callable[[OutputContext], None]


def default_workers(agendas: int) -> int:
    if agendas < PARALLEL_FROM:
        return 1
    cpus = os.process_cpu_count() if hasattr(os, "process_cpu_count") else os.cpu_count()
    return max(1, min(MAX_WORKERS, cpus or 1))


def plan_jobs(
    files: Sequence[AgendaFiles], workers: int, documents: Sequence[str] = ()
) -> list[OutputJob]:
    """The schedule workbook first (the longest single job), then the whole-event
    `documents` (PDFs), then agenda chunks in order."""
    chunks = max(1, workers * CHUNKS_PER_WORKER) if workers > 1 else 1
    size = max(1, -(-len(files) // chunks))
    jobs = [OutputJob()]
    jobs += [OutputJob(document=name) for name in documents]
    jobs += [OutputJob(tuple(files[i : i + size])) for i in range(0, len(files), size)]
    return jobs


def slim_event(event: Event, attendees: Iterable[Attendee], *, tables: bool = False) -> Event:
    """`event` cut down to what agenda files and PDFs show: its settings, sessions and
    slots, `attendees` with their Unavailable rows, and (`tables`) the tables. No requests,
    pairs, panels or pins: small to send to a writer, and nothing cached comes along."""
    people = tuple(attendees)
    ids = {a.id for a in people}
    return Event(
        settings=event.settings,
        sessions=event.sessions,
        slots=event.slots,
        attendees=people,
        unavailability=tuple(u for u in event.unavailability if u.attendee in ids),
        tables=event.tables if tables else (),
    )


def job_input(ctx: OutputContext, job: OutputJob) -> JobInput:
    """The part of `ctx` that `job` (an agenda chunk or a whole-event PDF) writes."""
    event, urls = ctx.event, ctx.agenda_urls
    if job.document:
        if job.document == AGENDAS_PDF:
            people = [a for a in event.attendees if not a.cancelled]
            return JobInput(
                ctx.folder,
                job,
                slim_event(event, people),
                None,
                ctx.activities,
                ctx.dtstamp,
                urls=None if urls is None else dict(urls),
            )
        # The table signs: who meets at which table, and the hosts.
        meets = {x for m in ctx.schedule.meetings for x in (m.a, m.b)}
        people = [a for a in event.attendees if a.id in meets or a.host_table is not None]
        schedule = replace(ctx.schedule, panels=(), stats=None)
        return JobInput(
            ctx.folder, job, slim_event(event, people, tables=True), schedule, {}, ctx.dtstamp
        )
    ids = [f.attendee for f in job.files]
    history = ctx.previous_calendars
    return JobInput(
        ctx.folder,
        job,
        slim_event(event, (event.attendee[a] for a in ids)),
        None,
        {a: ctx.activities.get(a, []) for a in ids},
        ctx.dtstamp,
        previous=None if history is None else history.only(event, ids),
        urls=None if urls is None else {a: urls[a] for a in ids if a in urls},
    )


def run_jobs(
    ctx: OutputContext,
    jobs: Sequence[OutputJob],
    workers: int,
    write_schedule: ScheduleWriter,
    done: Callable[[OutputJob], None] | None = None,
) -> None:
    """Run every job, in `workers` processes when more than one; any failure is raised.

    With a pool the schedule workbook is written here meanwhile (it needs everything, which
    this process holds anyway); the other jobs are sent what they write (`job_input`).
    `done(job)` is called here for each agenda chunk once its files are written, in job
    order, while later chunks are still being written.
    """
    if workers <= 1:
        for job in jobs:
            if job.is_schedule:
                write_schedule(ctx)
            else:
                run_job(job_input(ctx, job))
                if done is not None and job.files:
                    done(job)
        return
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=child_started,
    )
    try:
        futures: list[tuple[OutputJob, Future]] = [
            (job, pool.submit(run_job, job_input(ctx, job))) for job in jobs if not job.is_schedule
        ]
        if any(job.is_schedule for job in jobs):
            write_schedule(ctx)
        # The chunks first, in order, so that `done` follows them as they end; the whole-event
        # PDFs (begun first, the longest jobs) are waited for last.
        for job, future in sorted(futures, key=lambda pair: not pair[0].files):
            future.result()
            if done is not None and job.files:
                done(job)
    except BaseException:
        # A failed job or a stop: the jobs not yet begun are dropped and the writers end
        # now, rather than finishing work that will be thrown away.
        pool.shutdown(wait=False, cancel_futures=True)
        stop_children()
        raise
    pool.shutdown()


def run_job(data: JobInput) -> None:
    """Write one job's files (in a writer process, or here without a pool)."""
    job = data.job
    if job.document:
        write_document(
            data.folder / job.document,
            job.document,
            data.event,
            data.schedule,
            data.activities,
            urls=data.urls,
            stamp=data.dtstamp,
        )
    else:
        write_agenda_files(
            data.folder,
            data.event,
            data.activities,
            job.files,
            dtstamp=data.dtstamp,
            previous=data.previous,
            urls=data.urls,
        )
