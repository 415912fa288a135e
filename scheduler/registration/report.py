"""Plain-text reports of a registration workbook: a short overview and the problem list."""

from __future__ import annotations

from collections.abc import Iterable

from models.domain import Event
from scheduler.registration.problems import Problem


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def overview(event: Event) -> str:
    s = event.settings
    days = sorted({x.date for x in event.sessions})
    if not days:
        dates = "no dates"
    elif len(days) == 1:
        dates = days[0].isoformat()
    else:
        dates = f"{days[0].isoformat()} to {days[-1].isoformat()} ({_plural(len(days), 'day')})"
    cancelled = sum(1 for a in event.attendees if a.cancelled)
    registered = len(event.attendees) - cancelled
    candidates = event.candidates
    mutual = sum(1 for p in candidates if p.mutual)
    declined = sum(1 for p in event.pairs if p.declined)
    fixed = sum(1 for p in event.panels if p.fixed_start is not None)
    lines = [
        f"Event: {s.name}" + (f" at {s.venue}" if s.venue else ""),
        f"Dates: {dates}, timezone {s.timezone}",
        f"Attendees: {registered} registered, {cancelled} cancelled",
        f"Sessions: {len(event.sessions)} with {_plural(len(event.slots), 'meeting slot')}",
        f"Tables: {len(event.tables)}",
        f"Requests: {len(event.requests)} giving {_plural(len(candidates), 'candidate pair')} "
        f"({mutual} mutual, {declined} declined)",
        f"Panels: {len(event.panels)} ({fixed} at a fixed time), "
        f"{_plural(len(event.panel_choices), 'panel choice')}",
        f"Pinned meetings: {len(event.pins)}",
    ]
    rules = []
    if s.max_meetings is not None:
        rules.append(f"at most {s.max_meetings} meetings each")
    if s.max_consecutive is not None:
        rules.append(f"at most {s.max_consecutive} meetings in a row")
    if s.mutual_only:
        rules.append("mutual pairs only")
    if rules:
        lines.append("Rules: " + ", ".join(rules))
    return "\n".join(lines)


def problems_text(problems: Iterable[Problem]) -> str:
    problems = tuple(problems)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    lines = []
    if errors:
        lines.append(_plural(len(errors), "error") + " (must be fixed):")
        lines += [f"  {p}" for p in errors]
    if warnings:
        lines.append(_plural(len(warnings), "warning") + " (worth checking):")
        lines += [f"  {p}" for p in warnings]
    lines.append(
        f"{_plural(len(errors), 'error')}, {_plural(len(warnings), 'warning')}."
        + (" The workbook cannot be scheduled until the errors are fixed." if errors else "")
    )
    return "\n".join(lines)
