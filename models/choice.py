"""A schedule in option terms, the currency between the greedy start, both solve phases and
the hint: which meeting option rows, panel options and seats are taken."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Choice:
    """A schedule in option terms: chosen meeting rows, panel options and seats."""

    meetings: tuple[int, ...]
    options: tuple[int, ...]
    seats: tuple[int, ...]
