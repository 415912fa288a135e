"""The prepared problem: an event with everything derived from it before any model is built
(availability grids, meeting options, panel options). Every step of the solve reads these
four together, so they travel as one object."""

from __future__ import annotations

from dataclasses import dataclass

from models.domain import Event
from models.errors import Infeasible
from models.options.availability import Availability, availability
from models.options.meeting_options import MeetingOptions, meeting_options
from models.options.panel_options import PanelOptions, panel_options


@dataclass(frozen=True)
class Prepared:
    event: Event
    av: Availability
    mo: MeetingOptions
    po: PanelOptions


def prepare(event: Event) -> Prepared:
    """Availability, meeting and panel options of `event`; raises Infeasible naming every pin
    and panel that is impossible on its own."""
    av = availability(event)
    mo, pin_problems = meeting_options(event, av)
    po, panel_problems = panel_options(event, av)
    if pin_problems or panel_problems:
        raise Infeasible(pin_problems + panel_problems)
    return Prepared(event, av, mo, po)
