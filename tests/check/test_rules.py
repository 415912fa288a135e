"""Each hard rule: a schedule workbook tampered to break it is rejected at the right row,
named by the rule it breaks (models/hard_rules.py, H1..H16).

The workbook is written by `write_schedule` from the valid hand-made schedule of
`tests.helpers.domain_events`, then edited with openpyxl as an organiser (or a buggy tool)
might. Rows (see `base_schedule`): Meetings 2 A1-A2 09:00 T3, 3 A3-A4 09:20 T1, 4 A7-A8
09:40 T1, 5 A4-A5 09:40 T2, 6 A2-A4 13:00 T2 pinned, 7 A1-A4 13:20 T3 (a row appended to
Meetings is row 8); Panels 2-3 P2 (A1, A5) 10:00-10:30, 4-6 P1 (A3 moderator, A2, A8)
13:20-14:00 (a row appended to Panels is row 7).
"""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

from models.domain import Event
from models.hard_rules import BY_ID, HARD_RULES
from scheduler.check import CONSISTENT, READABLE, RULE_OF, check_workbook, report_text
from scheduler.exports.schedule.meetings_panels import write_schedule
from scheduler.exports.schedule.reader import ScheduleUnreadable
from tests.helpers.domain_events import base_event, base_schedule

# Rules the checker cannot judge from a schedule workbook and the registration; none today.
NOT_JUDGED_FROM_A_WORKBOOK: frozenset[str] = frozenset()


@pytest.fixture
def book(tmp_path):
    return write_schedule(tmp_path / "schedule.xlsx", base_event(), base_schedule())


def edit(path, sheet: str, row: int, **values) -> None:
    wb = load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    for column, value in values.items():
        ws.cell(row=row, column=header.index(column) + 1, value=value)
    wb.save(path)


def append(path, sheet: str, copy_of: int, **values) -> int:
    """Append a copy of row `copy_of` with some values changed; return its row number."""
    wb = load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    row = [c.value for c in ws[copy_of]]
    for column, value in values.items():
        row[header.index(column)] = value
    ws.append(row)
    wb.save(path)
    return ws.max_row


def delete(path, sheet: str, row: int) -> None:
    wb = load_workbook(path)
    wb[sheet].delete_rows(row)
    wb.save(path)


Found = set[tuple[str, str, str, int | None]]  # (rule id, check code, sheet, Excel row)


def broken(path, event=None) -> Found:
    report = check_workbook(event or base_event(), path)
    return {(v.rule.id, v.code, v.sheet, v.row) for v in report.violations}


def t(hhmm: str) -> dt.time:
    return dt.time.fromisoformat(hhmm)


def mutual_only() -> Event:
    return base_event(mutual_only=True)


def capped_a2() -> Event:
    """A2 may have one meeting; they have one pinned (row 6) and one chosen (row 2)."""
    event = base_event()
    return replace(
        event,
        attendees=tuple(replace(a, max_meetings=1) if a.id == "A2" else a for a in event.attendees),
    )


def without_pins() -> Event:
    return replace(base_event(), pins=())


def untouched(path) -> None:
    pass


def both(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def run(path) -> None:
        for step in steps:
            step(path)

    return run


def panel_time(rows, **values) -> Callable[[Path], None]:
    return both(*(lambda p, r=r: edit(p, "Panels", r, **values) for r in rows))


@dataclass(frozen=True)
class Case:
    """One way to break one rule: the tampering and everything the checker must report."""

    rule: str  # the hard rule id the tampering breaks
    code: str  # the checker's name for the breach
    tamper: Callable[[Path], None]
    expected: Found
    event: Callable[[], Event] = base_event
    name: str = ""  # tells apart cases of one rule and code

    @property
    def id(self) -> str:
        return "-".join(x for x in (self.rule, self.code, self.name) if x)


M, P = "Meetings", "Panels"
CASES = (
    Case(
        "H1",
        "double_booking",
        lambda b: edit(b, M, 7, start=t("13:00"), end=t("13:20")),  # A4 already at 13:00
        {("H1", "double_booking", M, 7)},
        name="two_meetings",
    ),
    Case(
        "H1",
        "double_booking",
        lambda b: edit(b, M, 7, b="A2"),  # A2 sits in panel P1 13:20-14:00; A1-A2 met
        {("H1", "double_booking", P, 5), ("H8", "pair_repeat", M, 7)},
        name="meeting_and_panel",
    ),
    Case(
        "H2",
        "absent",
        # A5 is registered for S1 only; T2 is free at 13:40; A4 then meets 3 in a row.
        lambda b: edit(b, M, 5, start=t("13:40"), end=t("14:00")),
        {("H2", "absent", M, 5), ("H11", "max_consecutive", M, 5)},
        name="meeting",
    ),
    Case(
        "H2",
        "absent",
        lambda b: edit(b, P, 6, attendee="A5"),  # A5 chose P1 but is registered for S1 only
        {("H2", "absent", P, 6)},
        name="panel",
    ),
    Case(
        "H2",
        "unavailable",
        lambda b: edit(b, M, 3, start=t("09:00"), end=t("09:20")),
        {("H2", "unavailable", M, 3)},
    ),
    Case(
        "H3",
        "unknown_attendee",
        lambda b: edit(b, M, 4, b="A99"),
        {("H3", "unknown_attendee", M, 4)},
    ),
    Case(
        "H3",
        "cancelled",
        lambda b: edit(b, M, 4, b="A6"),
        {("H3", "cancelled", M, 4)},
        name="meeting",
    ),
    Case(
        "H3",
        "cancelled",
        lambda b: edit(b, P, 6, attendee="A6"),  # A6 did not choose P1 either
        {("H3", "cancelled", P, 6), ("H16", "panel_member", P, 6)},
        name="panel",
    ),
    Case(
        "H4",
        "slot_time",
        lambda b: edit(b, M, 4, start=t("09:45"), end=t("10:05")),
        {("H4", "slot_time", M, 4)},
        name="off_the_grid",
    ),
    Case(
        "H4",
        "slot_time",
        lambda b: edit(b, M, 2, end=t("09:30")),
        {("H4", "slot_time", M, 2)},
        name="end_not_the_slots",
    ),
    Case(
        "H5",
        "table_clash",
        lambda b: edit(b, M, 4, table="T2"),
        {("H5", "table_clash", M, 5)},
    ),
    Case(
        "H6",
        "unknown_table",
        lambda b: edit(b, M, 4, table="T99"),
        {("H6", "unknown_table", M, 4)},
    ),
    Case(
        "H6",
        "table_session",
        lambda b: edit(b, M, 4, table="T4", room="Hall B"),  # T4 serves S2 only
        {("H6", "table_session", M, 4)},
    ),
    Case(
        "H6",
        "room",
        lambda b: edit(b, M, 4, room="Hall Z"),
        {("H6", "room", M, 4)},
    ),
    Case(
        "H7",
        "host_table",
        lambda b: edit(b, M, 2, table="T2", room="Hall A"),  # host A1 away from T3
        {("H7", "host_table", M, 2)},
        name="host_elsewhere",
    ),
    Case(
        "H7",
        "host_table",
        lambda b: edit(b, M, 4, table="T3", room="Hall B"),  # A7-A8 at A1's table
        {("H7", "host_table", M, 4)},
        name="guest_at_a_hosts_table",
    ),
    Case(
        "H8",
        "pair_repeat",
        lambda b: append(b, M, 2, start=t("09:20"), end=t("09:40"), meeting="M-0007"),
        {("H8", "pair_repeat", M, 8)},
    ),
    Case(
        "H9",
        "not_candidate",
        lambda b: edit(b, M, 3, b="A5"),  # A3-A5 declined
        {("H9", "not_candidate", M, 3)},
        name="declined",
    ),
    Case(
        "H9",
        "not_candidate",
        lambda b: edit(b, M, 4, a="A8", b="A3"),  # no request links them
        {("H9", "not_candidate", M, 4)},
        name="never_requested",
    ),
    Case(
        "H9",
        "not_candidate",
        untouched,  # the pinned A2-A4 (row 6) has no request: only its pin lets it meet
        {("H9", "not_candidate", M, 6)},
        event=without_pins,
        name="pin_removed",
    ),
    Case(
        "H9",
        "not_mutual",
        untouched,  # A3-A4, A7-A8, A1-A4 are one-sided; the pinned A2-A4 is exempt
        {("H9", "not_mutual", M, 3), ("H9", "not_mutual", M, 4), ("H9", "not_mutual", M, 7)},
        event=mutual_only,
    ),
    Case(
        "H9",
        "pair_session",
        lambda b: edit(b, M, 4, a="A2", b="A3"),  # A2-A3 may meet in S2 only
        {("H9", "pair_session", M, 4)},
    ),
    Case(
        "H9",
        "self_meeting",
        lambda b: edit(b, M, 4, b="A7"),
        {("H9", "self_meeting", M, 4)},
    ),
    Case(
        "H10",
        "cap",
        # A7 may have 1 meeting; the later one in time (row 4, 09:40) is the one too many.
        lambda b: append(b, M, 5, start=t("09:20"), end=t("09:40"), a="A7", b="A5"),
        {("H10", "cap", M, 4)},
    ),
    Case(
        "H10",
        "cap",
        untouched,  # the chosen meeting is the one too many, never the pin
        {("H10", "cap", M, 2)},
        event=capped_a2,
        name="beside_a_pin",
    ),
    Case(
        "H11",
        "max_consecutive",
        both(
            lambda b: append(b, M, 3, start=t("13:40"), end=t("14:00"), a="A4", b="A8"),
            # A8 sits in P1 until 14:00: move it out of the panel to isolate the rule.
            lambda b: delete(b, P, 6),
        ),
        {("H11", "max_consecutive", M, 8)},
    ),
    Case(
        "H12",
        "pin",
        lambda b: edit(b, M, 6, table="T1"),
        {("H12", "pin", M, 6)},
        name="moved",
    ),
    Case(
        "H12",
        "pin",
        lambda b: delete(b, M, 6),
        {("H12", "pin", M, None)},
        name="missing",
    ),
    Case(
        "H13",
        "panel_missing",
        both(lambda b: delete(b, P, 3), lambda b: delete(b, P, 2)),
        {("H13", "panel_missing", P, None)},
    ),
    Case(
        "H13",
        "panel_time",
        panel_time((2, 3), start=t("10:30"), end=t("11:00")),
        {("H13", "panel_time", P, 2)},
        name="fixed_panel_moved",
    ),
    Case(
        "H13",
        "panel_time",
        panel_time((4, 5, 6), start=t("13:30"), end=t("14:10")),
        {("H13", "panel_time", P, 4)},
        name="not_a_slot_start",
    ),
    Case(
        "H13",
        "panel_time",
        panel_time((4, 5, 6), start=t("13:40"), end=t("14:20")),
        {("H13", "panel_time", P, 4)},
        name="past_the_session_end",
    ),
    Case(
        "H13",
        "panel_time",
        panel_time((4, 5, 6), end=t("13:50")),
        {("H13", "panel_time", P, 4)},
        name="not_its_minutes",
    ),
    Case(
        "H13",
        "panel_time",
        lambda b: edit(b, P, 6, start=t("09:00"), end=t("09:40")),
        {("H13", "panel_time", P, 6)},
        name="members_at_two_times",
    ),
    Case(
        "H13",
        "unknown_panel",
        lambda b: edit(b, P, 2, panel="P9"),  # P9 then shares Room 1 with P2 at 10:00
        {("H13", "unknown_panel", P, 2), ("H14", "room_clash", P, 3)},
    ),
    Case(
        "H13",
        "panel_title",
        lambda b: edit(b, P, 2, title="Funding!"),
        {("H13", "panel_title", P, 2)},
    ),
    Case(
        "H13",
        "panel_room",
        lambda b: edit(b, P, 3, room="Room 9"),
        {("H13", "panel_room", P, 3)},
    ),
    Case(
        "H14",
        "room_clash",
        # The fixed P2 moved into P1's time and room: its time is wrong too, and A1 (meeting
        # at 13:20) and A5 (S1 only) cannot be there.
        panel_time((2, 3), start=t("13:20"), end=t("13:50")),
        {
            ("H14", "room_clash", P, 4),
            ("H13", "panel_time", P, 2),
            ("H1", "double_booking", P, 2),
            ("H2", "absent", P, 3),
        },
    ),
    Case(
        "H15",
        "capacity",
        lambda b: append(b, P, 6, attendee="A7"),  # P1 holds 3; A7 did not choose it
        {("H15", "capacity", P, 7), ("H16", "panel_member", P, 7)},
    ),
    Case(
        "H16",
        "moderator",
        lambda b: edit(b, P, 4, role="participant"),
        {("H16", "moderator", P, 4)},
        name="moderator_as_participant",
    ),
    Case(
        "H16",
        "moderator",
        lambda b: edit(b, P, 5, role="moderator"),
        {("H16", "moderator", P, 5)},
        name="participant_as_moderator",
    ),
    Case(
        "H16",
        "moderator",
        lambda b: delete(b, P, 4),  # P1's first row is now row 4
        {("H16", "moderator", P, 4)},
        name="moderator_missing",
    ),
    Case(
        "H16",
        "panel_member",
        lambda b: edit(b, P, 6, attendee="A7"),
        {("H16", "panel_member", P, 6)},
        name="did_not_choose",
    ),
    Case(
        "H16",
        "panel_member",
        lambda b: append(b, P, 6),
        {("H16", "panel_member", P, 7)},
        name="listed_twice",
    ),
    Case(
        "H16",
        "role",
        lambda b: edit(b, P, 2, role="speaker"),
        {("H16", "role", P, 2)},
    ),
)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_violation_is_caught(book, case: Case):
    case.tamper(book)
    report = check_workbook(case.event(), book)
    assert {(v.rule.id, v.code, v.sheet, v.row) for v in report.violations} == case.expected
    assert not report.ok
    rule = BY_ID[case.rule]
    ours = [v for v in report.violations if v.rule == rule and v.code == case.code]
    assert ours, f"the case names {case.id}, but the checker reports no such breach"
    text = report_text(report)
    assert f"{ours[0].where}: [{rule.id} {rule.wording}] {ours[0].message}" in text
    # The report ends with how often each broken rule is broken.
    counts = text.split("Violations by rule:\n", 1)[1].splitlines()
    assert len(counts) == len({v.rule for v in report.violations})
    counted = sum(1 for v in report.violations if v.rule == rule)
    assert [rule.id, str(counted), rule.wording] in [line.split(maxsplit=2) for line in counts]


def test_every_hard_rule_has_a_tampering_case():
    """A rule added to HARD_RULES needs a checker test here (or a reason it has none)."""
    covered = {c.rule for c in CASES}
    assert covered == {r.id for r in HARD_RULES} - NOT_JUDGED_FROM_A_WORKBOOK
    judged = {rule.id for rule in RULE_OF.values()}
    assert covered <= judged


def test_every_check_of_a_hard_rule_has_a_tampering_case():
    hard = {r.id for r in HARD_RULES}
    codes = {code for code, rule in RULE_OF.items() if rule.id in hard}
    assert codes == {c.code for c in CASES}
    for case in CASES:
        assert RULE_OF[case.code].id == case.rule, case.id


def test_double_booking_names_both_rows(book):
    edit(book, M, 3, start=t("09:40"), end=t("10:00"), table="T4")
    report = check_workbook(base_event(), book)
    message = next(str(v) for v in report.violations if v.code == "double_booking")
    assert message == (
        "Meetings row 5: [H1 nobody in two places at once]"
        " attendee A4 is in two activities at 09:40 (rows 3 and 5)"
    )


def test_meeting_during_a_panel_names_both_sheets(book):
    edit(book, M, 7, b="A2")  # A2 sits in panel P1 13:20-14:00
    report = check_workbook(base_event(), book)
    (clash,) = [v for v in report.violations if v.code == "double_booking"]
    assert (
        clash.message
        == "attendee A2 is in two activities at 13:20 (Meetings row 7 and Panels row 5)"
    )


def test_pins_alone_may_exceed_a_cap(book):
    # capped_a2: with the chosen meeting (row 2) gone, only A2's pin is left.
    delete(book, M, 2)
    assert broken(book, capped_a2()) == set()


def test_untampered_schedule_passes(book):
    report = check_workbook(base_event(), book)
    assert report.ok, [str(v) for v in report.violations]
    assert report.warnings == ()


def test_priority_and_mutual_mismatch_are_warnings(book):
    edit(book, M, 2, priority=1, mutual="no")
    report = check_workbook(base_event(), book)
    assert report.ok
    assert {(w.rule, w.code, w.row) for w in report.warnings} == {
        (CONSISTENT, "priority", 2),
        (CONSISTENT, "mutual", 2),
    }


def test_duplicate_meeting_id_is_a_warning(book):
    edit(book, M, 4, meeting="M-0002")
    report = check_workbook(base_event(), book)
    assert report.ok
    text = report_text(report)
    assert "1 warning (columns that disagree with the input):" in text
    assert "  Meetings row 4: meeting id M-0002 is also in row 3" in text.splitlines()
    assert "Violations by rule" not in text  # warnings break no rule


def test_unreadable_cell_names_the_row_but_no_rule(book):
    edit(book, M, 3, start="quarter past nine")
    report = check_workbook(base_event(), book)
    assert broken(book) == {(READABLE.id, "unreadable", M, 3)}
    assert READABLE not in HARD_RULES and not report.ok
    assert f"  Meetings row 3: [{READABLE}] column \"start\": cannot read 'quarter past nine'" in (
        report_text(report).splitlines()
    )


def test_missing_sheet_or_column_is_unreadable(book, tmp_path):
    wb = load_workbook(book)
    wb["Meetings"].delete_cols(5)  # table
    wb.save(book)
    with pytest.raises(ScheduleUnreadable, match="table"):
        check_workbook(base_event(), book)
    wb = load_workbook(write_schedule(book, base_event(), base_schedule()))
    del wb["Panels"]
    wb.save(book)
    with pytest.raises(ScheduleUnreadable, match="Panels"):
        check_workbook(base_event(), book)
    with pytest.raises(ScheduleUnreadable, match="no such file"):
        check_workbook(base_event(), tmp_path / "nothing.xlsx")


def test_checker_stays_independent_of_the_model():
    """A second pair of eyes: from models/ the checker reads only the domain types and the
    list of rules, never the code that builds or solves the model."""
    source = (Path(__file__).parents[2] / "scheduler" / "check.py").read_text()
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [f"{node.module}.{a.name}" for a in node.names]
            imported |= {node.module} if node.module != "models" else set(names)
        elif isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
    from_models = {m for m in imported if m == "models" or m.startswith("models.")}
    assert from_models == {"models.domain", "models.hard_rules"}
