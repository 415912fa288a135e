"""Every contract rule checkable before solving: the exact problem, with sheet, row and column.

Each case changes the small valid event of conftest.py (data rows start at Excel row 2) and
expects exactly these problems: nothing missed, and no follow-on noise.
"""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler.registration.read import read_workbook

DAY = dt.date(2013, 2, 27)
PIN = {"a": "A-1", "b": "A-2", "date": DAY, "start": dt.time(9, 20)}
EXTRA_PEOPLE = [
    {"id": "A-5", "name": "Eve", "organisation": "Eco"},
    {"id": "A-6", "name": "Fay", "organisation": "Fab"},
]


def add(sheet, **row):
    return lambda s: s.setdefault(sheet, []).append(row)


def update(sheet, index, **values):
    return lambda s: s[sheet][index].update(values)


def pins(*rows, people=()):
    def change(s):
        s["Attendees"].extend(people)
        s.setdefault("Pinned", []).extend(rows)

    return change


def away(attendee, start, end):
    return {"attendee": attendee, "date": DAY, "from": start, "to": end}


def both(*changes):
    def change(s):
        for c in changes:
            c(s)

    return change


def drop_column(sheet, column):
    def change(s):
        for row in s[sheet]:
            row.pop(column, None)

    return change


ERRORS = {
    "missing sheet": (lambda s: s.pop("Tables"), ["Tables: the required sheet is missing"]),
    "missing column": (
        drop_column("Attendees", "organisation"),
        [
            'Attendees row 1: the required column "organisation" is missing '
            "(the header row needs it)"
        ],
    ),
    "duplicate attendee": (
        add("Attendees", id="A-2", name="X", organisation="Y"),
        ['Attendees row 6, column "id": the id "A-2" is already used on row 3'],
    ),
    "duplicate session": (
        add(
            "Sessions",
            session="D1-AM",
            date=DAY + dt.timedelta(days=1),
            start=dt.time(9),
            end=dt.time(10),
            slot_minutes=20,
        ),
        ['Sessions row 4, column "session": the session id "D1-AM" is already used on row 2'],
    ),
    "duplicate table": (
        add("Tables", table="T1"),
        ['Tables row 4, column "table": the table id "T1" is already used on row 2'],
    ),
    "duplicate panel": (
        add("Panels", panel="P1", title="Again", capacity=3, minutes=20),
        ['Panels row 3, column "panel": the panel id "P1" is already used on row 2'],
    ),
    "unknown request attendees": (
        add("Requests", **{"from": "A-0193", "to": "A-9"}),
        [
            'Requests row 6, column "from": unknown attendee "A-0193" (not in the Attendees sheet)',
            'Requests row 6, column "to": unknown attendee "A-9" (not in the Attendees sheet)',
        ],
    ),
    "unknown host table": (
        update("Attendees", 0, host_table="T9"),
        ['Attendees row 2, column "host_table": unknown table "T9" (not in the Tables sheet)'],
    ),
    "unknown moderator": (
        update("Panels", 0, moderator="A-7"),
        ['Panels row 2, column "moderator": unknown attendee "A-7" (not in the Attendees sheet)'],
    ),
    "unknown panel choice": (
        add("PanelChoices", attendee="A-8", panel="P8"),
        [
            'PanelChoices row 3, column "attendee": unknown attendee "A-8" '
            "(not in the Attendees sheet)",
            'PanelChoices row 3, column "panel": unknown panel "P8" (not in the Panels sheet)',
        ],
    ),
    "unknown absent attendee": (
        add("Unavailable", **away("Z", dt.time(9), dt.time(10))),
        ['Unavailable row 2, column "attendee": unknown attendee "Z" (not in the Attendees sheet)'],
    ),
    "unknown sessions in every sessions list": (
        both(
            update("Attendees", 0, sessions="D1-AM, D9"),
            update("Requests", 0, sessions="X"),
            update("Tables", 0, sessions="D1-PM,Y"),
            update("Panels", 0, sessions="Z"),
        ),
        [
            'Attendees row 2, column "sessions": unknown session "D9" (not in the Sessions sheet)',
            'Requests row 2, column "sessions": unknown session "X" (not in the Sessions sheet)',
            'Tables row 2, column "sessions": unknown session "Y" (not in the Sessions sheet)',
            'Panels row 2, column "sessions": unknown session "Z" (not in the Sessions sheet)',
        ],
    ),
    "unreadable date": (
        update("Sessions", 0, date="31.02.2013"),
        ['Sessions row 2, column "date": "31.02.2013" is not a real date'],
    ),
    "unreadable time": (
        update("Sessions", 1, start="25:00"),
        ['Sessions row 3, column "start": "25:00" is not a time of day'],
    ),
    "unreadable number": (
        update("Sessions", 0, slot_minutes="twenty"),
        ['Sessions row 2, column "slot_minutes": "twenty" is not a whole number'],
    ),
    "session ends before it starts": (
        update("Sessions", 0, end=dt.time(8)),
        [
            'Sessions row 2, column "end": the session ends at 08:00, '
            "which is not after its start at 09:00"
        ],
    ),
    "absence ends before it starts": (
        add("Unavailable", **away("A-1", dt.time(10), dt.time(9))),
        [
            'Unavailable row 2, column "to": the absence ends at 09:00, '
            "which is not after it starts at 10:00"
        ],
    ),
    "overlapping sessions": (
        add(
            "Sessions",
            session="D1-MID",
            date=DAY,
            start=dt.time(9, 30),
            end=dt.time(11),
            slot_minutes=30,
        ),
        [
            'Sessions row 4, column "start": the session overlaps session "D1-AM" '
            "(row 2, 2013-02-27 09:00-10:00); sessions must not overlap"
        ],
    ),
    "session with no slot": (
        update("Sessions", 0, slot_minutes=90),
        [
            'Sessions row 2, column "slot_minutes": no meeting slot fits: '
            "the session lasts 60 minutes and one slot takes 90"
        ],
    ),
    "slot_minutes zero": (
        update("Sessions", 0, slot_minutes=0),
        ['Sessions row 2, column "slot_minutes": "0" must be more than 0 minutes'],
    ),
    "priority out of range": (
        both(update("Requests", 0, priority=6), update("PanelChoices", 0, priority=0)),
        [
            'Requests row 2, column "priority": "6" is out of range: it must be from 1 to 5',
            'PanelChoices row 2, column "priority": "0" is out of range: it must be from 1 to 5',
        ],
    ),
    "unknown request status": (
        update("Requests", 0, status="maybe"),
        [
            'Requests row 2, column "status": unknown status "maybe" '
            "(use accepted, declined, pending, or leave it blank)"
        ],
    ),
    "host table claimed twice": (
        update("Attendees", 0, host_table="T2"),
        [
            'Attendees row 5, column "host_table": table "T2" is already the host table of '
            '"A-1" (row 2); a table has one host'
        ],
    ),
    "free panel longer than its sessions": (
        update("Panels", 0, minutes=90),
        [
            'Panels row 2, column "minutes": the panel lasts 90 minutes but fits in none of its '
            'sessions (the longest, "D1-AM", lasts 60 minutes)'
        ],
    ),
    "panel capacity below 1": (
        update("Panels", 0, capacity=0),
        ['Panels row 2, column "capacity": "0" is out of range: it must be at least 1'],
    ),
    "panel minutes not positive": (
        update("Panels", 0, minutes=-5),
        ['Panels row 2, column "minutes": "-5" must be more than 0 minutes'],
    ),
    "fixed panel without date": (
        update("Panels", 0, start=dt.time(12)),
        [
            'Panels row 2, column "date": a fixed panel needs both a date and a start; '
            "date is missing"
        ],
    ),
    "fixed panel without start": (
        update("Panels", 0, date=DAY),
        [
            'Panels row 2, column "start": a fixed panel needs both a date and a start; '
            "start is missing"
        ],
    ),
    "cancelled moderator": (
        update("Attendees", 2, status="cancelled"),
        ['Panels row 2, column "moderator": the moderator "A-3" is cancelled'],
    ),
    "fixed panel while its moderator is away": (
        both(
            update("Panels", 0, date=DAY, start="9:00"),
            add("Unavailable", **away("A-3", dt.time(9, 30), dt.time(10))),
        ),
        ['Panels row 2, column "moderator": the moderator "A-3" is away then (Unavailable row 2)'],
    ),
    "fixed panels sharing a room and a moderator": (
        both(
            update("Panels", 0, date=DAY, start="12:00"),
            add(
                "Panels",
                panel="P2",
                title="T",
                room="R1",
                capacity=3,
                minutes=30,
                moderator="A-3",
                date=DAY,
                start="12:30",
            ),
        ),
        [
            'Panels row 3, column "room": the room "R1" is taken by panel "P1" (row 2) '
            "at the same time",
            'Panels row 3, column "moderator": the moderator "A-3" also moderates panel "P1" '
            "(row 2) at the same time",
        ],
    ),
    "pin not at a slot start": (
        pins({**PIN, "start": dt.time(9, 10)}),
        [
            'Pinned row 2, column "start": no meeting slot starts at 09:10 on 2013-02-27 '
            "(a pin must start at a slot start)"
        ],
    ),
    "pin while an attendee is away": (
        both(add("Unavailable", **away("A-2", "9:30", "9:45")), pins(PIN)),
        ['Pinned row 2, column "b": "A-2" is away then (Unavailable row 2)'],
    ),
    "pin while an attendee is not present": (
        both(update("Attendees", 1, sessions="D1-PM"), pins(PIN)),
        ['Pinned row 2, column "b": "A-2" is not present in session "D1-AM"'],
    ),
    "pin of a cancelled attendee": (
        both(update("Attendees", 1, status="cancelled"), pins(PIN)),
        ['Pinned row 2, column "b": "A-2" is cancelled'],
    ),
    "pins double-booking an attendee": (
        pins(PIN, {**PIN, "b": "A-3"}),
        ['Pinned row 3, column "a": "A-1" is already pinned at this time (row 2)'],
    ),
    "pins double-booking a table": (
        pins(
            {**PIN, "table": "T1"},
            {**PIN, "a": "A-5", "b": "A-6", "table": "T1"},
            people=EXTRA_PEOPLE,
        ),
        ['Pinned row 3, column "table": table "T1" is already pinned at this time (row 2)'],
    ),
    "more pins than tables": (
        pins(
            {**PIN, "table": "T1"},
            {**PIN, "a": "A-3", "b": "A-4"},
            {**PIN, "a": "A-5", "b": "A-6"},
            people=EXTRA_PEOPLE,
        ),
        [
            'Pinned row 4, column "start": more meetings are pinned at 09:20 on 2013-02-27 '
            "than there are usable tables (2)"
        ],
    ),
    "pin at an unknown table": (
        pins({**PIN, "table": "T9"}),
        ['Pinned row 2, column "table": unknown table "T9" (not in the Tables sheet)'],
    ),
    "pin at a table not usable then": (
        both(update("Tables", 0, sessions="D1-PM"), pins({**PIN, "table": "T1"})),
        ['Pinned row 2, column "table": table "T1" is not usable in session "D1-AM"'],
    ),
    "pin at another host's table": (
        pins({**PIN, "table": "T2"}),
        ['Pinned row 2, column "table": table "T2" is the host table of "A-4"'],
    ),
    "pin of a host away from their table": (
        pins({**PIN, "a": "A-4", "table": "T1"}),
        ['Pinned row 2, column "table": "A-4" hosts all their meetings at table "T2"'],
    ),
    "pin of two hosts": (
        both(update("Attendees", 0, host_table="T1"), pins({**PIN, "b": "A-4"})),
        ['Pinned row 2: "A-1" and "A-4" both host at their own table, so they cannot meet'],
    ),
    "pin with oneself": (
        pins({**PIN, "b": "A-1"}),
        ['Pinned row 2, column "b": "A-1" cannot meet themselves'],
    ),
    "pair pinned twice": (
        pins(PIN, {**PIN, "a": "A-2", "b": "A-1", "start": "14:00"}),
        ["Pinned row 3: this pair is already pinned on row 2; a pair meets at most once"],
    ),
    "unknown attendee status": (
        update("Attendees", 0, status="maybe"),
        [
            'Attendees row 2, column "status": unknown status "maybe" '
            "(use registered or cancelled, or leave it blank)"
        ],
    ),
    "min_meetings above max_meetings": (
        both(
            update("Attendees", 0, min_meetings=5, max_meetings=3),
            update("Attendees", 1, min_meetings=4),
            add("Event", key="max_meetings", value=2),
        ),
        [
            'Attendees row 2, column "min_meetings": min_meetings 5 is above max_meetings 3',
            'Attendees row 3, column "min_meetings": min_meetings 4 is above max_meetings 2 '
            "(the Event default)",
        ],
    ),
    "negative numbers": (
        both(
            update("Attendees", 0, max_meetings=-1),
            update("Sessions", 1, changeover_minutes=-5),
        ),
        [
            'Sessions row 3, column "changeover_minutes": "-5" is out of range: '
            "it must be at least 0",
            'Attendees row 2, column "max_meetings": "-1" is out of range: it must be at least 0',
        ],
    ),
    "max_consecutive below 1": (
        add("Event", key="max_consecutive", value=0),
        ['Event row 4, column "value": "0" is out of range: it must be at least 1'],
    ),
    "unknown timezone": (
        update("Event", 1, value="Europe/Bonn"),
        [
            'Event row 3, column "value": unknown timezone "Europe/Bonn" '
            "(use a name like Europe/Berlin or UTC)"
        ],
    ),
    "mutual_only not yes or no": (
        add("Event", key="mutual_only", value="sometimes"),
        ['Event row 4, column "value": "sometimes" is not yes or no'],
    ),
    "setting given twice": (
        add("Event", key="Name", value="Other"),
        ['Event row 4, column "key": "name" is already set on row 2; keep one row'],
    ),
    "conflicting duplicate requests": (
        add("Requests", **{"from": "A-1", "to": "A-2", "priority": 5}),
        [
            'Requests row 6: "A-1" -> "A-2" is requested again, differently from row 2 '
            "(priority, status or sessions); keep one row"
        ],
    ),
}


@pytest.mark.parametrize("case", ERRORS, ids=list(ERRORS))
def test_error_is_reported_exactly(case, valid_sheets, write_workbook):
    change, expected = ERRORS[case]
    change(valid_sheets)
    result = read_workbook(write_workbook(valid_sheets))
    assert result.event is None
    assert [str(p) for p in result.errors] == expected


WARNINGS = {
    "attendee without requests either way": (
        add("Attendees", id="A-5", name="Eve", organisation="Eco"),
        [
            'Attendees row 6, column "id": nobody requested "A-5" and they requested nobody: '
            "no meetings for them"
        ],
    ),
    "request to oneself": (
        add("Requests", **{"from": "A-2", "to": "A-2"}),
        ['Requests row 6, column "to": "A-2" requests a meeting with themselves; ignored'],
    ),
    "identical duplicate request": (
        add("Requests", **{"from": "A-1", "to": "A-2", "priority": 4}),
        ['Requests row 6: the same request "A-1" -> "A-2" as row 2; counted once'],
    ),
    "no session in common": (
        both(update("Requests", 0, sessions="D1-AM"), update("Requests", 1, sessions="D1-PM")),
        [
            'Requests row 3, column "sessions": the requests between "A-1" and "A-2" have no '
            "session in common, so they cannot meet"
        ],
    ),
    "never present together": (
        both(update("Attendees", 0, sessions="D1-AM"), update("Attendees", 1, sessions="D1-PM")),
        [
            'Requests row 3: "A-1" and "A-2" are never present in the same session '
            "(where their requests allow), so they cannot meet"
        ],
    ),
    "present in no slot": (
        both(
            add("Unavailable", **away("A-2", dt.time(8), dt.time(12))),
            add("Unavailable", **away("A-2", "13:00", "18:00")),
        ),
        [
            'Attendees row 3, column "sessions": "A-2" is present in no meeting slot '
            "(absent or away in every session)"
        ],
    ),
    "panel choice of a cancelled attendee": (
        both(
            update("Attendees", 1, status="cancelled"),
            add("PanelChoices", attendee="A-2", panel="P1"),
        ),
        ['PanelChoices row 3, column "attendee": "A-2" is cancelled, so this choice is ignored'],
    ),
    "repeated panel choice": (
        add("PanelChoices", attendee="A-1", panel="P1"),
        ['PanelChoices row 3: "A-1" already chose panel "P1" on row 2; counted once'],
    ),
    "unknown setting": (
        add("Event", key="colour", value="blue"),
        [
            'Event row 4, column "key": unknown setting "colour" is ignored (known: name, '
            "timezone, venue, max_meetings, max_consecutive, mutual_only)"
        ],
    ),
}


@pytest.mark.parametrize("case", WARNINGS, ids=list(WARNINGS))
def test_warning_is_reported_and_the_event_stays_usable(case, valid_sheets, write_workbook):
    change, expected = WARNINGS[case]
    change(valid_sheets)
    result = read_workbook(write_workbook(valid_sheets))
    assert result.errors == ()
    assert result.event is not None
    assert [str(p) for p in result.warnings] == expected


def test_all_problems_are_reported_at_once_in_sheet_then_row_order(valid_sheets, write_workbook):
    # Introduced in reverse sheet order on purpose.
    pins({**PIN, "b": "A-1"})(valid_sheets)
    update("Requests", 2, priority=7)(valid_sheets)
    update("Requests", 0, status="nope")(valid_sheets)
    update("Attendees", 3, name=None)(valid_sheets)
    update("Sessions", 1, end="13:00")(valid_sheets)
    add("Event", key="timezone", value="Mars/Olympus")(valid_sheets)
    result = read_workbook(write_workbook(valid_sheets))
    assert [(p.sheet, p.row, p.column) for p in result.errors] == [
        ("Event", 4, "key"),
        ("Sessions", 3, "end"),
        ("Attendees", 5, "name"),
        ("Requests", 2, "status"),
        ("Requests", 4, "priority"),
        ("Pinned", 2, "b"),
    ]
    assert str(result.errors[2]) == 'Attendees row 5, column "name": every attendee needs a name'


def test_requests_need_tables(valid_sheets, tmp_path):
    from openpyxl import load_workbook

    from scheduler.registration.write import write_registration

    valid_sheets["Attendees"][3].pop("host_table")
    path = write_registration(tmp_path / "w.xlsx", valid_sheets)
    wb = load_workbook(path)
    wb["Tables"].delete_rows(2, 2)  # keep the header, drop every table
    wb.save(path)
    result = read_workbook(path)
    assert [str(p) for p in result.errors] == [
        "Tables: there are no tables, so no meeting can take place"
    ]
