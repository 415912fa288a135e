"""The one error the optimiser raises on purpose: the hard rules cannot all hold."""

from __future__ import annotations


class Infeasible(Exception):
    """No schedule satisfies every hard rule.

    `conflicts` names, in organisers' words, the smallest set of pins, panels or rules found
    to clash (each entry is one of them, e.g. 'Pinned row 4: A-001 and A-017 at
    2027-03-16 10:00'). When some items are impossible on their own (a pinned attendee who
    is away), every such item is listed, since each alone is a smallest clashing set.
    """

    def __init__(self, conflicts: tuple[str, ...] | list[str]):
        self.conflicts = tuple(conflicts)
        super().__init__("; ".join(self.conflicts) or "the hard rules cannot all hold")
