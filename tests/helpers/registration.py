"""A small valid registration as plain rows (sheet -> rows), for tests that write workbooks."""

from __future__ import annotations

import datetime as dt

DAY = dt.date(2013, 2, 27)


def valid_rows() -> dict[str, list[dict[str, object]]]:
    """A small event that validates without errors or warnings.

    Sessions: D1-AM 09:00-10:00 in 20-minute slots (3 slots), D1-PM 14:00-15:00 in 15-minute
    slots with 5-minute changeovers (3 slots). Data rows start at Excel row 2.
    """
    return {
        "Event": [
            {"key": "name", "value": "BioMatch"},
            {"key": "timezone", "value": "Europe/Berlin"},
        ],
        "Sessions": [
            {
                "session": "D1-AM",
                "date": DAY,
                "start": dt.time(9),
                "end": dt.time(10),
                "slot_minutes": 20,
            },
            {
                "session": "D1-PM",
                "date": DAY,
                "start": dt.time(14),
                "end": dt.time(15),
                "slot_minutes": 15,
                "changeover_minutes": 5,
            },
        ],
        "Attendees": [
            {"id": "A-1", "name": "Ann", "organisation": "Acme"},
            {"id": "A-2", "name": "Bob", "organisation": "Bio"},
            {"id": "A-3", "name": "Cy", "organisation": "Cell"},
            {"id": "A-4", "name": "Di", "organisation": "DNA", "host_table": "T2"},
        ],
        "Requests": [
            {"from": "A-1", "to": "A-2", "priority": 4},
            {"from": "A-2", "to": "A-1", "priority": 2},
            {"from": "A-3", "to": "A-1", "priority": 5, "status": "accepted"},
            {"from": "A-4", "to": "A-2", "priority": 3, "sessions": "D1-PM"},
        ],
        "Tables": [{"table": "T1", "room": "Hall A"}, {"table": "T2", "room": "Hall A"}],
        "Panels": [
            {
                "panel": "P1",
                "title": "Funding",
                "room": "R1",
                "capacity": 5,
                "minutes": 40,
                "moderator": "A-3",
            }
        ],
        "PanelChoices": [{"attendee": "A-1", "panel": "P1", "priority": 4}],
    }
