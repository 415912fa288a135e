"""The Summary sheet: the contract's quality figures and what an organiser asks next.

Rows are `metric, value, about`: the contract figures under their exact names first (the
values come from `scheduler.figures.quality_figures`), then requests, fairness, tables,
panels, the solver run and the input file, so a Summary can be traced to its input.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass

from models.domain import Attendee, Event, Schedule
from scheduler import __version__
from scheduler.exports.excel_style import (
    MAX_WIDTH,
    MIN_WIDTH,
    PERCENT_FORMAT,
    Book,
    Formatted,
    Sheet,
    shown_width,
    write_table,
)
from scheduler.exports.schedule.names import SUMMARY, SUMMARY_COLUMNS

# Excel refuses longer text in one cell.
MAX_CELL_TEXT = 32_000
RATIO_METRICS = ("weighted_share", "gap")
RATIO_PREFIX = "table_utilisation_"


@dataclass(frozen=True)
class SummaryRow:
    metric: str
    value: object
    about: str = ""


def build_summary_sheet(
    book: Book,
    event: Event,
    schedule: Schedule,
    *,
    figures: Mapping[str, object],
    input_name: str,
    input_sha256: str,
) -> Sheet:
    ws = book.sheet(SUMMARY)
    rows = summary_rows(
        event, schedule, figures=figures, input_name=input_name, input_sha256=input_sha256
    )
    values = [_value(r) for r in rows]
    write_table(
        ws, SUMMARY_COLUMNS, [(r.metric, v, r.about) for r, v in zip(rows, values, strict=True)]
    )
    fitted = max(len(SUMMARY_COLUMNS[1]), *(shown_width(v) for v in values)) + 2
    ws.set_width(2, max(MIN_WIDTH, min(MAX_WIDTH, fitted), 14))
    return ws


def _value(row: SummaryRow) -> object:
    """Ratios as percentages, other fractions with two decimals."""
    if not isinstance(row.value, float):
        return row.value
    is_ratio = row.metric in RATIO_METRICS or row.metric.startswith(RATIO_PREFIX)
    return Formatted(row.value, PERCENT_FORMAT if is_ratio else "0.00")


def summary_rows(
    event: Event,
    schedule: Schedule,
    *,
    figures: Mapping[str, object],
    input_name: str,
    input_sha256: str,
) -> list[SummaryRow]:
    rows = [SummaryRow(name, value, "quality figure") for name, value in figures.items()]
    rows += _request_rows(event, schedule)
    rows += _fairness_rows(event, schedule)
    rows += _table_rows(event, schedule)
    rows += _panel_rows(event, schedule)
    rows += _run_rows(schedule, input_name, input_sha256)
    return rows


def _meetings_per_attendee(event: Event, schedule: Schedule) -> dict[str, int]:
    count = {a.id: 0 for a in event.attendees if not a.cancelled}
    for m in schedule.meetings:
        for person in (m.a, m.b):
            if person in count:
                count[person] += 1
    return count


def _people(attendees: list[Attendee], note: dict[str, str] | None = None) -> str:
    """`Name (id)` list that fits one cell; the rest is counted, not silently dropped."""
    parts = [f"{a.name} ({a.id}{': ' + note[a.id] if note else ''})" for a in attendees]
    text = ", ".join(parts)
    if len(text) <= MAX_CELL_TEXT:
        return text
    shown: list[str] = []
    length = 0
    for part in parts:
        if length + len(part) + 40 > MAX_CELL_TEXT:
            break
        shown.append(part)
        length += len(part) + 2
    return ", ".join(shown) + f" and {len(parts) - len(shown)} more (see Agendas)"


def _request_rows(event: Event, schedule: Schedule) -> list[SummaryRow]:
    rows = [
        SummaryRow("requests", len(event.requests), "rows in Requests"),
        SummaryRow(
            "requests_declined",
            sum(1 for r in event.requests if r.status == "declined"),
            "requests the requested side declined",
        ),
        SummaryRow("linked_pairs", len(event.pairs), "pairs linked by a request, declined too"),
    ]
    by_priority: dict[int | None, int] = {}
    for m in schedule.meetings:
        pair = event.pair_of(m.a, m.b)
        key = pair.priority if pair else None
        by_priority[key] = by_priority.get(key, 0) + 1
    for level in range(5, 0, -1):
        wanted = sum(1 for p in event.candidates if p.priority == level)
        rows.append(
            SummaryRow(
                f"meetings_priority_{level}",
                by_priority.get(level, 0),
                f"of {wanted} candidate pairs of priority {level}",
            )
        )
    if by_priority.get(None):
        rows.append(
            SummaryRow("meetings_unrequested", by_priority[None], "pinned pairs without a request")
        )
    return rows


def _fairness_rows(event: Event, schedule: Schedule) -> list[SummaryRow]:
    count = _meetings_per_attendee(event, schedule)
    linked = {x for p in event.candidates for x in p.key}
    counted = [count[a.id] for a in event.attendees if a.id in count and a.id in linked]
    without = [a for a in event.attendees if a.id in linked and count.get(a.id, 1) == 0]
    targets = [a for a in event.attendees if a.id in count and a.min_meetings]
    missed = [a for a in targets if count[a.id] < a.min_meetings]
    return [
        SummaryRow(
            "median_meetings",
            float(statistics.median(counted)) if counted else 0.0,
            "per attendee in a candidate pair",
        ),
        # Not "max_meetings": that is the name of the cap in the Event and Attendees sheets.
        SummaryRow("most_meetings", max(counted, default=0), "of one attendee in a candidate pair"),
        SummaryRow("attendees_without_meetings_list", _people(without), "who is left with none"),
        SummaryRow("min_meetings_targets", len(targets), "attendees with a min_meetings target"),
        SummaryRow("min_meetings_targets_missed", len(missed), "targets not reached"),
        SummaryRow(
            "min_meetings_missed_by",
            _people(missed, {a.id: f"{count[a.id]} of {a.min_meetings}" for a in missed}),
            "meetings had of the target",
        ),
    ]


def _table_rows(event: Event, schedule: Schedule) -> list[SummaryRow]:
    slots_in: dict[str, set[int]] = {}
    for s in event.slots:
        slots_in.setdefault(s.session, set()).add(s.index)
    rows = []
    for session in event.sessions:
        slots = slots_in.get(session.id, set())
        tables = sum(1 for t in event.tables if session.id in t.sessions)
        capacity = tables * len(slots)
        used = sum(1 for m in schedule.meetings if m.slot in slots)
        rows.append(
            SummaryRow(
                f"table_utilisation_{session.id}",
                used / capacity if capacity else 0.0,
                f"{used} of {capacity} table slots ({tables} tables x {len(slots)} slots)",
            )
        )
    return rows


def _panel_rows(event: Event, schedule: Schedule) -> list[SummaryRow]:
    if not event.panels:
        return []
    seated = {(run.panel, person) for run in schedule.panels for person in run.members}
    choices = [
        c
        for c in event.panel_choices
        if c.attendee in event.attendee and not event.attendee[c.attendee].cancelled
    ]
    return [
        SummaryRow("panels_scheduled", len(schedule.panels), f"of {len(event.panels)} panels"),
        SummaryRow(
            "panel_seats_capacity",
            sum(event.panel[r.panel].capacity for r in schedule.panels),
            "places in the scheduled panels",
        ),
        SummaryRow("panel_choices", len(choices), "panel choices of attendees taking part"),
        SummaryRow(
            "panel_choices_seated",
            sum(1 for c in choices if (c.panel, c.attendee) in seated),
            "choices that got a seat",
        ),
    ]


def _run_rows(schedule: Schedule, input_name: str, input_sha256: str) -> list[SummaryRow]:
    stats = schedule.stats
    rows = []
    if stats is not None:
        rows += [
            SummaryRow("solver_status", stats.status, "OPTIMAL: proven best; FEASIBLE: good"),
            SummaryRow("objective", stats.objective, "value of the schedule to the solver"),
            SummaryRow("best_bound", stats.bound, "no schedule can score above this"),
            SummaryRow("gap", stats.gap, "how far from the bound the schedule may be"),
            SummaryRow(
                "meetings_phase",
                stats.meetings_text(),
                "phase 1 (which meetings and seats): proven when the objective reaches the bound",
            ),
            SummaryRow(
                "compact_days_phase",
                stats.compact_text(),
                "phase 2 (same meetings, better times): breaks, idle slots, their lower bound",
            ),
            SummaryRow("breaks_lower_bound", stats.breaks_bound, "no timing has fewer breaks"),
            SummaryRow("breaks_proven", "yes" if stats.breaks_proven else "no", "breaks = bound"),
            SummaryRow("solve_seconds", round(stats.seconds, 2), "solver time"),
            SummaryRow("seed", stats.seed, "same input, seed and workers: same schedule"),
            SummaryRow("workers", stats.workers, "solver threads"),
        ]
    rows += [
        SummaryRow("sigmeet_version", __version__, ""),
        SummaryRow("input_file", input_name, "registration workbook scheduled"),
        SummaryRow("input_sha256", input_sha256, "checksum of the input file"),
    ]
    return rows
