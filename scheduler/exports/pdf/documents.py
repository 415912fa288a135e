"""The whole-event PDFs by file name, so the output writer can run each as a job of its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from models.domain import Event, Schedule
from scheduler.exports.agendas.items import AgendaItem
from scheduler.exports.pdf.agenda import AGENDAS_PDF, write_agendas_pdf
from scheduler.exports.pdf.tables import TABLES_PDF, write_tables_pdf

DOCUMENTS = (AGENDAS_PDF, TABLES_PDF)


def write_document(
    path: Path,
    name: str,
    event: Event,
    schedule: Schedule,
    activities: Mapping[str, list[AgendaItem]],
    *,
    urls: Mapping[str, str] | None = None,
    stamp: dt.datetime | None = None,
) -> Path:
    """Write the whole-event PDF `name` (one of DOCUMENTS) to `path`."""
    if name == AGENDAS_PDF:
        return write_agendas_pdf(path, event, activities, urls=urls, stamp=stamp)
    if name == TABLES_PDF:
        return write_tables_pdf(path, event, schedule, stamp=stamp)
    raise ValueError(f"unknown document {name!r}")
