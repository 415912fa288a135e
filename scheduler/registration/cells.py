"""Reading one row's cells with every problem recorded, and checking ids against known ids."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

from scheduler.registration.problems import Problem
from scheduler.registration.sheets import RawSheet, SheetRow
from scheduler.registration.values import ValueProblem, as_id, as_text, shown

T = TypeVar("T")


@dataclass(frozen=True)
class Known:
    """The ids one sheet defines, in sheet order.

    `complete` is False when the sheet or its id column is missing: references to it are then
    not checked, so one missing sheet does not bury the organiser in follow-on errors.
    """

    what: str  # "attendee", "session", ...
    sheet: str
    order: tuple[str, ...]
    complete: bool = True

    @cached_property
    def ids(self) -> frozenset[str]:
        return frozenset(self.order)

    def unknown(self, ids: Iterable[str]) -> tuple[str, ...]:
        if not self.complete:
            return ()
        known = self.ids
        return tuple(i for i in ids if i not in known)


class RowReader:
    """Reads the cells of one row; each unreadable cell becomes a Problem and clears `ok`."""

    def __init__(self, sheet: RawSheet, row: SheetRow, problems: list[Problem]):
        self.sheet = sheet.spec.name
        self.columns = sheet.columns
        self.row = row
        self.problems = problems
        self.ok = True

    @property
    def number(self) -> int:
        return self.row.number

    def has(self, column: str) -> bool:
        return column in self.row.cells

    def get(
        self,
        column: str,
        parse: Callable[[object], T] = as_text,
        *,
        required: str | None = None,
        default: T | None = None,
    ) -> T | None:
        """The parsed cell, or `default` when blank; `required` is the message for a blank."""
        raw = self.row.cells.get(column)
        if raw is None:
            # A missing column is reported once for the sheet, not again on every row.
            if required and column in self.columns:
                self.error(column, required)
            return default
        try:
            return parse(raw)
        except ValueProblem as exc:
            self.error(column, str(exc))
            return default

    def unique_id(
        self, column: str, seen: dict[str, int], *, label: str, required: str
    ) -> tuple[str | None, bool]:
        """The row's id and whether it is new; a repeat is reported with the row it repeats.

        `seen` maps the ids met so far to their Excel rows and gains this row's new id.
        """
        found = self.get(column, as_id, required=required)
        if found and found in seen:
            self.error(column, f'{label} "{found}" is already used on row {seen[found]}')
            return found, False
        if found:
            seen[found] = self.number
        return found, True

    def in_range(self, column: str, value: int | None, low: int, high: int | None = None) -> None:
        if value is None:
            return
        if value < low or (high is not None and value > high):
            where = f"from {low} to {high}" if high is not None else f"at least {low}"
            self.error(column, f"{shown(value)} is out of range: it must be {where}")

    def refs(self, column: str, ids: Iterable[str], known: Known) -> None:
        for unknown in known.unknown(ids):
            self.error(column, f'unknown {known.what} "{unknown}" (not in the {known.sheet} sheet)')

    def error(self, column: str | None, message: str) -> None:
        self.ok = False
        self.problems.append(Problem(self.sheet, self.number, column, message))

    def warning(self, column: str | None, message: str) -> None:
        self.problems.append(Problem(self.sheet, self.number, column, message, "warning"))


def resolve_sessions(given: tuple[str, ...] | None, sessions: Known) -> tuple[str, ...]:
    """A `sessions` cell resolved: blank means every session; order is the sessions' order."""
    if given is None:
        return sessions.order
    wanted = set(given)
    return tuple(s for s in sessions.order if s in wanted)
