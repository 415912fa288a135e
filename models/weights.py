"""Objective weights, in one place so the order of importance is easy to read and change.

See models/OBJECTIVE.md for what trades against what, in organisers' words. All weights are
integers (CP-SAT objectives are integral); the scale unit is "60 = one one-sided meeting of
priority 1".
"""

from __future__ import annotations

# 2. Meetings: priority-weighted; mutual interest worth 1.5x one-sided.
MEETING_ONE_SIDED = 60  # times the pair's priority (1..5): 60..300
MEETING_MUTUAL = 90  # times the pair's priority: 90..450

# 3. Fairness: bonus for an attendee's k-th meeting (k = 1, 2, ...), decreasing, then 0.
FAIRNESS = (240, 120, 80, 50, 30, 20, 10, 5)

# 1. Minimum-meetings targets: each meeting short of a target costs more than ten of the
#    best meetings, so targets come before extra meetings for anyone.
MIN_MEETINGS_SHORTFALL = 10 * (5 * MEETING_MUTUAL) + FAIRNESS[0] * 2

# 4. Panel seats, by the attendee's choice priority (1..5): 120..600.
PANEL_SEAT = 120

# 5. Compact days: a break (a run of idle slots) and each idle slot. Minimised in a second
#    phase with the meetings fixed (models/compact_days/), so they never cost a meeting.
BREAK = 20
IDLE_SLOT = 1


def meeting_value(priority: int, mutual: bool) -> int:
    """Objective value of one scheduled meeting of a pair."""
    return (MEETING_MUTUAL if mutual else MEETING_ONE_SIDED) * priority


def seat_value(priority: int) -> int:
    """Objective value of one panel seat taken by choice."""
    return PANEL_SEAT * priority


# 0. Re-planning with `--keep flexible`: an attendee whose announced agenda changes costs
#    more than all other gains together (computed per model, see models/keep_previous.py);
#    each previous meeting or seat moved or dropped also costs this much, so an agenda that
#    changes anyway is not reshuffled for nothing.
MOVED_ITEM = 30
#    An announced meeting that lost its slot (a new pin, an absence) and still takes place
#    elsewhere is worth this much on top of its value: as much as the best new meeting, so
#    the attendees get the meeting they were told about moved rather than swapped.
DISPLACED_KEPT = 5 * MEETING_MUTUAL
