"""The hard rules of the contract, in one list: a short id and the rule in organisers' words.

Every place that keeps or judges a rule names it by this id: the model's rule functions
(models/rules.py, used by both solve phases), the independent checker's violations
(scheduler/check.py) and the tests that prove each rule is kept and that breaking it is caught.
A schedule that breaks any of these is wrong, whatever it scores.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HardRule:
    id: str
    wording: str

    def __str__(self) -> str:
        return f"{self.id} {self.wording}"


ONE_PLACE = HardRule("H1", "nobody in two places at once")
PRESENT = HardRule("H2", "nobody scheduled while away (their sessions, Unavailable windows)")
REGISTERED = HardRule("H3", "only registered attendees who have not cancelled take part")
IN_SLOTS = HardRule("H4", "meetings take the slots of a session")
ONE_PER_TABLE = HardRule("H5", "one meeting per table per slot")
TABLE_SESSIONS = HardRule("H6", "tables are used only where and when they stand")
HOST_TABLES = HardRule("H7", "hosts meet at their own table, and nobody else meets there")
PAIR_ONCE = HardRule("H8", "a pair meets at most once")
REQUESTED = HardRule(
    "H9",
    "only requested, undeclined pairs meet (mutual ones with mutual_only), in the sessions"
    " their requests allow",
)
MEETING_CAPS = HardRule("H10", "nobody has more meetings than their cap")
MAX_CONSECUTIVE = HardRule("H11", "at most max_consecutive meetings in a row")
PINS = HardRule("H12", "pinned meetings happen exactly as pinned")
PANEL_TIMES = HardRule(
    "H13", "every panel runs once, at its fixed time or at a slot start inside an allowed session"
)
PANEL_ROOMS = HardRule("H14", "two panels in one room never overlap")
PANEL_CAPACITY = HardRule("H15", "a panel holds at most its capacity, moderator included")
PANEL_MEMBERS = HardRule("H16", "a panel has its moderator and only attendees who chose it")

HARD_RULES: tuple[HardRule, ...] = (
    ONE_PLACE,
    PRESENT,
    REGISTERED,
    IN_SLOTS,
    ONE_PER_TABLE,
    TABLE_SESSIONS,
    HOST_TABLES,
    PAIR_ONCE,
    REQUESTED,
    MEETING_CAPS,
    MAX_CONSECUTIVE,
    PINS,
    PANEL_TIMES,
    PANEL_ROOMS,
    PANEL_CAPACITY,
    PANEL_MEMBERS,
)
BY_ID = {r.id: r for r in HARD_RULES}
