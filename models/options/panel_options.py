"""Where each panel could run (its options) and who could sit in it at each option (seats).

A fixed panel has one option, its fixed time. A free panel may start at any slot start of
one of its sessions where it fits before the session ends. Options the moderator cannot
attend are dropped: the moderator always takes part.

Hard rules (models/hard_rules.py) kept here, by the options and seats that exist at all:
  H13 panel times    options only at the fixed time, or at slot starts inside an allowed
                     session where the panel fits (_times); running once is models/rules.py
  H16 panel members  the moderator registered, not cancelled and present at every option;
                     seats only for attendees who chose the panel (not the moderator)
  H2 present         a seat only where its attendee is present for the whole panel
  H3 registered      choosers must be registered attendees
Capacity (H15), rooms (H14), one place (H1) and seats only where the panel runs (H16) are
constraints: models/rules.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.domain import Event, Panel
from models.options.availability import Availability

NO_MODERATOR = -1  # PanelOptions.moderator of a panel without one
_UNREGISTERED = -2  # a moderator who is not a registered attendee (the panel is refused)


@dataclass(frozen=True)
class PanelOption:
    panel: int  # position in event.panels
    start: dt.datetime
    end: dt.datetime
    slots: tuple[int, ...]  # slots the panel overlaps in time


@dataclass(frozen=True)
class Seat:
    """A participant (not the moderator) who chose the panel, at one option."""

    attendee: int
    option: int  # position in PanelOptions.options
    priority: int


@dataclass(frozen=True)
class PanelOptions:
    options: tuple[PanelOption, ...]
    seats: tuple[Seat, ...]
    moderator: tuple[int, ...]  # per panel: attendee position, NO_MODERATOR when none


def panel_label(panel: Panel) -> str:
    """How a panel is named in messages to the organiser."""
    text = f"Panels row {panel.row}: panel {panel.id}"
    if panel.fixed_start is not None:
        text += f" fixed at {panel.fixed_start:%Y-%m-%d %H:%M}"
    else:
        text += " must be placed"
    return text + (f" with moderator {panel.moderator}" if panel.moderator else "")


def panel_options(event: Event, av: Availability) -> tuple[PanelOptions, list[str]]:
    """Build panel options and seats; also return panels impossible on their own."""
    options: list[PanelOption] = []
    seats: list[Seat] = []
    moderators: list[int] = []
    problems: list[str] = []
    idx = av.attendee_index
    for p, panel in enumerate(event.panels):
        mod = idx.get(panel.moderator, _UNREGISTERED) if panel.moderator else NO_MODERATOR
        moderators.append(mod)
        label = panel_label(panel)
        if mod == _UNREGISTERED:
            problems.append(f"{label}: the moderator is not a registered attendee")
            continue
        if mod >= 0 and event.attendees[mod].cancelled:
            problems.append(f"{label}: the moderator is cancelled")
            continue
        if mod >= 0 and panel.capacity < 1:
            problems.append(f"{label}: capacity {panel.capacity} leaves no seat for the moderator")
            continue
        # H13 times, H16/H2 the moderator present for the whole panel.
        mine = [
            o
            for o in _times(event, panel, p, av)
            if mod < 0 or av.present_during(mod, o.start, o.end)
        ]
        if not mine:
            why = "the moderator is not available then" if mod >= 0 else "it fits no session"
            if panel.fixed_start is None and mod >= 0 and not list(_times(event, panel, p, av)):
                why = "it fits in none of its sessions"
            problems.append(f"{label}: {why}")
            continue
        first = len(options)
        options += mine
        # H16 only attendees who chose the panel, H3 registered ones.
        choosers = sorted(
            (c for c in event.panel_choices if c.panel == panel.id and c.attendee in idx),
            key=lambda c: (idx[c.attendee], -c.priority),
        )
        seen: set[int] = set()
        for c in choosers:
            who = idx[c.attendee]
            if who == mod or who in seen:
                continue
            seen.add(who)
            for o in range(first, len(options)):
                if av.present_during(who, options[o].start, options[o].end):  # H2
                    seats.append(Seat(who, o, c.priority))
    return PanelOptions(tuple(options), tuple(seats), tuple(moderators)), problems


def _times(event: Event, panel: Panel, p: int, av: Availability):
    length = dt.timedelta(minutes=panel.minutes)
    if panel.fixed_start is not None:
        starts = [panel.fixed_start]
    else:
        allowed = set(panel.sessions)
        starts = [
            s.start
            for s in event.slots
            if s.session in allowed and s.start + length <= event.session[s.session].end_dt
        ]
    for start in starts:
        end = start + length
        slots = tuple(s.index for s in event.slots if s.start < end and start < s.end)
        yield PanelOption(p, start, end, slots)
