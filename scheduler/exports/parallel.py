"""Write the output files of a large event in several processes at once.

A 3,000-attendee event means 6,000 agenda files, each costing openpyxl or icalendar tens
of milliseconds, plus one big schedule workbook: mostly pure-Python CPU work, so threads
would not help. The work is cut into independent jobs (the schedule workbook, and agendas
in chunks of attendees); each job writes its own files, so the result is the same whatever
the number of processes. Small events are written in this process: starting a pool would
cost more than it saves.

Writers are spawned, not forked: a forked writer would start with a copy of the solver's
whole memory (gigabytes at 8,000 attendees), a spawned one holds only the context it is
sent. Each dies with the command (scheduler/stopping.py), so none outlives a stop.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from models.domain import Event, Schedule
from scheduler.exports.agendas.bundle import AgendaFiles, write_agenda_files
from scheduler.exports.agendas.history import PreviousCalendars
from scheduler.exports.agendas.items import AgendaItem
from scheduler.exports.pdf.documents import write_document
from scheduler.stopping import child_started

# Below this many agendas a process pool costs more than it saves.
PARALLEL_FROM = 300
MAX_WORKERS = 8
# Several chunks per process even out attendees with long and short agendas.
CHUNKS_PER_WORKER = 4


@dataclass(frozen=True)
class OutputContext:
    """What every job needs; sent once to each worker process."""

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


def run_jobs(
    ctx: OutputContext, jobs: Sequence[OutputJob], workers: int, write_schedule: ScheduleWriter
) -> None:
    """Run every job, in `workers` processes when more than one; any failure is raised."""
    if workers <= 1:
        for job in jobs:
            _run(ctx, job, write_schedule)
        return
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(ctx, write_schedule),
    ) as pool:
        for future in [pool.submit(_run_in_worker, job) for job in jobs]:
            future.result()


def _run(ctx: OutputContext, job: OutputJob, write_schedule: ScheduleWriter) -> None:
    if job.is_schedule:
        write_schedule(ctx)
    elif job.document:
        write_document(
            ctx.folder / job.document,
            job.document,
            ctx.event,
            ctx.schedule,
            ctx.activities,
            urls=ctx.agenda_urls,
            stamp=ctx.dtstamp,
        )
    else:
        write_agenda_files(
            ctx.folder,
            ctx.event,
            ctx.activities,
            job.files,
            dtstamp=ctx.dtstamp,
            previous=ctx.previous_calendars,
            urls=ctx.agenda_urls,
        )


# Set once per worker process by the pool's initializer, so the event is sent once per
# process rather than once per job.
_worker_state: tuple[OutputContext, ScheduleWriter] | None = None


def _start_worker(ctx: OutputContext, write_schedule: ScheduleWriter) -> None:
    global _worker_state
    child_started()
    _worker_state = (ctx, write_schedule)


def _run_in_worker(job: OutputJob) -> None:
    assert _worker_state is not None, "worker started without its context"
    _run(_worker_state[0], job, _worker_state[1])
