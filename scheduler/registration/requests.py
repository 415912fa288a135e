"""The Requests sheet, and the pairs derived from it exactly as the contract says."""

from __future__ import annotations

from collections.abc import Mapping

from models.domain import ACCEPTED, DECLINED, PENDING, Pair, Request
from scheduler.registration.cells import Known, RowReader, resolve_sessions
from scheduler.registration.problems import Problem
from scheduler.registration.schema import REQUEST_STATUSES, REQUESTS
from scheduler.registration.sheets import RawSheet
from scheduler.registration.values import as_id, as_id_list, as_int, as_text


def _status(cells: RowReader) -> str | None:
    raw = cells.get("status", as_text, default="")
    status = raw.lower() or PENDING
    if status not in REQUEST_STATUSES:
        cells.error(
            "status", f'unknown status "{raw}" (use accepted, declined, pending, or leave it blank)'
        )
        return None
    return status


def read_requests(
    sheet: RawSheet | None, attendees: Known, sessions: Known, problems: list[Problem]
) -> tuple[Request, ...]:
    """Valid request rows; requests to oneself and repeated identical rows are left out."""
    requests: list[Request] = []
    seen: dict[tuple[str, str], Request] = {}
    for row in sheet.rows if sheet else ():
        cells = RowReader(sheet, row, problems)
        source = cells.get(
            "from", as_id, required="who is asking? the requesting attendee is missing"
        )
        target = cells.get("to", as_id, required="whom to meet? the requested attendee is missing")
        if source:
            cells.refs("from", (source,), attendees)
        if target:
            cells.refs("to", (target,), attendees)
        priority = cells.get("priority", as_int, default=3)
        cells.in_range("priority", priority, 1, 5)
        status = _status(cells)
        given = cells.get("sessions", as_id_list)
        if given is not None:
            cells.refs("sessions", given, sessions)
        if not cells.ok or source is None or target is None:
            continue
        if source == target:
            cells.warning("to", f'"{source}" requests a meeting with themselves; ignored')
            continue
        request = Request(
            source,
            target,
            priority,
            status,
            None if given is None else resolve_sessions(given, sessions),
            row.number,
        )
        earlier = seen.get((source, target))
        if earlier is None:
            seen[(source, target)] = request
            requests.append(request)
            continue
        same = (earlier.priority, earlier.status, earlier.sessions) == (
            request.priority,
            request.status,
            request.sessions,
        )
        if same:
            cells.warning(
                None,
                f'the same request "{source}" -> "{target}" as row {earlier.row}; counted once',
            )
        else:
            cells.error(
                None,
                f'"{source}" -> "{target}" is requested again, differently from row {earlier.row} '
                "(priority, status or sessions); keep one row",
            )
    if sheet is not None and not sheet.rows:
        problems.append(
            Problem(REQUESTS.name, None, None, "there are no requests: nobody will meet", "warning")
        )
    return tuple(requests)


def derive_pairs(
    requests: tuple[Request, ...], order: Mapping[str, int], all_sessions: tuple[str, ...]
) -> tuple[Pair, ...]:
    """One Pair per linked pair of attendees, a before b in Attendees order.

    Mutual: both directions requested, or some request accepted. Declined: some request
    declined. Priority: the highest; weight: the sum. Sessions: those in every request's list
    (a request without a list allows all).
    """
    grouped: dict[tuple[str, str], list[Request]] = {}
    for r in requests:
        a, b = sorted((r.source, r.target), key=order.__getitem__)
        grouped.setdefault((a, b), []).append(r)
    pairs = []
    for (a, b), linked in sorted(
        grouped.items(), key=lambda kv: (order[kv[0][0]], order[kv[0][1]])
    ):
        allowed = set(all_sessions)
        for r in linked:
            if r.sessions is not None:
                allowed &= set(r.sessions)
        directions = {(r.source, r.target) for r in linked}
        pairs.append(
            Pair(
                a=a,
                b=b,
                priority=max(r.priority for r in linked),
                weight=sum(r.priority for r in linked),
                mutual=len(directions) == 2 or any(r.status == ACCEPTED for r in linked),
                declined=any(r.status == DECLINED for r in linked),
                sessions=tuple(s for s in all_sessions if s in allowed),
                requests=len(linked),
            )
        )
    return tuple(pairs)
