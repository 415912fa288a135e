"""Each hard rule: a schedule workbook tampered to break it is rejected at the right row.

The workbook is written by `write_schedule` from the valid hand-made schedule of
`check_helpers`, then edited with openpyxl as an organiser (or a buggy tool) might.
Rows (see `base_schedule`): Meetings 2 A1-A2 09:00 T3, 3 A3-A4 09:20 T1, 4 A7-A8 09:40 T1,
5 A4-A5 09:40 T2, 6 A2-A4 13:00 T2 pinned, 7 A1-A4 13:20 T3; Panels 2-3 P2 (A1, A5)
10:00-10:30, 4-6 P1 (A3 moderator, A2, A8) 13:20-14:00.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from scheduler.check import check_workbook
from scheduler.exports.schedule.meetings_panels import write_schedule
from scheduler.exports.schedule.reader import ScheduleUnreadable
from tests.helpers.domain_events import base_event, base_schedule


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


def broken(path, event=None) -> set[tuple[str, str, int | None]]:
    report = check_workbook(event or base_event(), path)
    assert report.ok == (not report.violations)
    return {(v.rule, v.sheet, v.row) for v in report.violations}


def t(hhmm: str) -> dt.time:
    return dt.time.fromisoformat(hhmm)


def test_untampered_schedule_passes(book):
    report = check_workbook(base_event(), book)
    assert report.ok, [str(v) for v in report.violations]
    assert report.warnings == ()


def test_meeting_off_the_slot_grid(book):
    edit(book, "Meetings", 4, start=t("09:45"), end=t("10:05"))
    assert broken(book) == {("slot_time", "Meetings", 4)}


def test_meeting_end_must_match_its_slot(book):
    edit(book, "Meetings", 2, end=t("09:30"))
    assert broken(book) == {("slot_time", "Meetings", 2)}


def test_attendee_in_two_meetings_at_once(book):
    edit(book, "Meetings", 3, start=t("09:40"), end=t("10:00"), table="T4")
    found = broken(book)
    assert ("double_booking", "Meetings", 5) in found
    report = check_workbook(base_event(), book)
    message = next(str(v) for v in report.violations if v.rule == "double_booking")
    assert message == "Meetings row 5: attendee A4 is in two activities at 09:40 (rows 3 and 5)"


def test_meeting_during_a_panel_is_double_booking(book):
    # A2 sits in panel P1 13:20-14:00.
    edit(book, "Meetings", 7, b="A2")
    found = broken(book)
    assert ("double_booking", "Panels", 5) in found or ("double_booking", "Meetings", 7) in found
    report = check_workbook(base_event(), book)
    assert any("Meetings row 7" in str(v) and "Panels row 5" in str(v) for v in report.violations)


def test_attendee_outside_their_sessions(book):
    # A5 is registered for S1 only; T2 is free at 13:40.
    edit(book, "Meetings", 5, start=t("13:40"), end=t("14:00"))
    found = broken(book)
    assert ("absent", "Meetings", 5) in found
    assert ("max_consecutive", "Meetings", 5) in found  # A4: 13:00, 13:20, 13:40


def test_attendee_in_an_unavailable_window(book):
    edit(book, "Meetings", 3, start=t("09:00"), end=t("09:20"))
    assert broken(book) == {("unavailable", "Meetings", 3)}


def test_cancelled_attendee_takes_part_in_nothing(book):
    edit(book, "Meetings", 4, b="A6")
    assert ("cancelled", "Meetings", 4) in broken(book)
    edit(book, "Panels", 6, attendee="A6")
    assert ("cancelled", "Panels", 6) in broken(book)


def test_unknown_attendee_and_table(book):
    edit(book, "Meetings", 4, b="A99", table="T99")
    found = broken(book)
    assert ("unknown_attendee", "Meetings", 4) in found
    assert ("unknown_table", "Meetings", 4) in found


def test_two_meetings_at_one_table(book):
    edit(book, "Meetings", 4, table="T2")
    assert broken(book) == {("table_clash", "Meetings", 5)}


def test_table_outside_its_sessions(book):
    edit(book, "Meetings", 4, table="T4", room="Hall B")  # T4 serves S2 only
    assert broken(book) == {("table_session", "Meetings", 4)}


def test_room_must_be_the_tables_room(book):
    edit(book, "Meetings", 4, room="Hall Z")
    assert broken(book) == {("room", "Meetings", 4)}


def test_host_meets_at_own_table_and_nobody_else_uses_it(book):
    edit(book, "Meetings", 2, table="T2", room="Hall A")  # host A1 away from T3
    edit(book, "Meetings", 4, table="T3", room="Hall B")  # A7-A8 at A1's table
    assert broken(book) == {("host_table", "Meetings", 2), ("host_table", "Meetings", 4)}


def test_pair_meets_at_most_once(book):
    row = append(book, "Meetings", 2, start=t("09:20"), end=t("09:40"), meeting="M-0007")
    assert broken(book) == {("pair_repeat", "Meetings", row)}


def test_pair_must_be_a_candidate(book):
    edit(book, "Meetings", 3, b="A5")  # A3-A5 declined
    edit(book, "Meetings", 4, a="A8", b="A3")  # A8-A3: no request links them
    assert broken(book) == {("not_candidate", "Meetings", 3), ("not_candidate", "Meetings", 4)}


def test_mutual_only_rejects_one_sided_pairs_but_not_pins(book):
    found = broken(book, base_event(mutual_only=True))
    # A3-A4, A7-A8, A1-A4 are one-sided; the pinned A2-A4 is exempt.
    assert found == {
        ("not_mutual", "Meetings", 3),
        ("not_mutual", "Meetings", 4),
        ("not_mutual", "Meetings", 7),
    }


def test_pair_only_in_the_sessions_its_requests_allow(book):
    edit(book, "Meetings", 4, a="A2", b="A3")  # A2-A3 may meet in S2 only
    assert broken(book) == {("pair_session", "Meetings", 4)}


def test_attendee_cap(book):
    append(book, "Meetings", 5, start=t("09:20"), end=t("09:40"), a="A7", b="A5")
    # A7 may have 1 meeting; the later one in time (row 4, 09:40) is the one too many.
    assert broken(book) == {("cap", "Meetings", 4)}


def test_pins_may_exceed_a_cap_but_nothing_else(book):
    # A2 has one pinned meeting (row 6) and one chosen (row 2): with cap 1 the chosen one
    # is one too many, and the pin alone is allowed.
    event = base_event()
    capped = replace(
        event,
        attendees=tuple(replace(a, max_meetings=1) if a.id == "A2" else a for a in event.attendees),
    )
    assert broken(book, capped) == {("cap", "Meetings", 2)}
    delete(book, "Meetings", 2)
    assert broken(book, capped) == set()


def test_too_many_meetings_in_a_row(book):
    row = append(book, "Meetings", 3, start=t("13:40"), end=t("14:00"), a="A4", b="A8")
    # A8 sits in P1 until 14:00: move it out of the panel to isolate the rule.
    delete(book, "Panels", 6)
    assert broken(book) == {("max_consecutive", "Meetings", row)}


def test_pin_moved_or_missing(book):
    edit(book, "Meetings", 6, table="T1")
    assert broken(book) == {("pin", "Meetings", 6)}
    delete(book, "Meetings", 6)
    assert broken(book) == {("pin", "Meetings", None)}


def test_pinned_pair_is_exempt_from_candidate_rules(book):
    # A2-A4 has no request at all; it only meets because it is pinned (row 6).
    assert all(rule != "not_candidate" for rule, _, _ in broken(book))


def test_every_panel_runs(book):
    delete(book, "Panels", 3)
    delete(book, "Panels", 2)
    assert broken(book) == {("panel_missing", "Panels", None)}


def test_fixed_panel_at_its_time(book):
    for row in (2, 3):
        edit(book, "Panels", row, start=t("10:30"), end=t("11:00"))
    assert broken(book) == {("panel_time", "Panels", 2)}


def test_free_panel_at_a_slot_start_of_an_allowed_session(book):
    for row in (4, 5, 6):
        edit(book, "Panels", row, start=t("13:30"), end=t("14:10"))
    assert broken(book) == {("panel_time", "Panels", 4)}


def test_free_panel_must_fit_inside_its_session(book):
    for row in (4, 5, 6):
        edit(book, "Panels", row, start=t("13:40"), end=t("14:20"))
    assert broken(book) == {("panel_time", "Panels", 4)}


def test_panel_duration_is_its_minutes(book):
    for row in (4, 5, 6):
        edit(book, "Panels", row, end=t("13:50"))
    assert broken(book) == {("panel_time", "Panels", 4)}


def test_panel_members_at_one_time(book):
    edit(book, "Panels", 6, start=t("09:00"), end=t("09:40"))
    assert ("panel_time", "Panels", 6) in broken(book)


def test_panel_title_and_room_as_registered(book):
    edit(book, "Panels", 2, title="Funding!")
    edit(book, "Panels", 3, room="Room 9")
    assert broken(book) == {("panel_title", "Panels", 2), ("panel_room", "Panels", 3)}


def test_two_panels_never_share_a_room_at_once(book):
    # Moving the fixed P2 into P1's time also breaks its fixed time: that is reported too.
    for row in (2, 3):
        edit(book, "Panels", row, start=t("13:20"), end=t("13:50"))
    found = broken(book)
    assert ("room_clash", "Panels", 4) in found


def test_panel_capacity_counts_the_moderator(book):
    row = append(book, "Panels", 6, attendee="A7")
    found = broken(book)
    assert ("capacity", "Panels", row) in found


def test_moderator_takes_part_as_moderator(book):
    edit(book, "Panels", 4, role="participant")
    edit(book, "Panels", 5, role="moderator")
    assert broken(book) == {("moderator", "Panels", 4), ("moderator", "Panels", 5)}
    delete(book, "Panels", 4)
    assert ("moderator", "Panels", 4) in broken(book)  # P1's first row is now row 4


def test_members_only_from_those_who_chose(book):
    edit(book, "Panels", 6, attendee="A7")
    assert broken(book) == {("panel_member", "Panels", 6)}


def test_member_present_for_the_whole_panel(book):
    edit(book, "Panels", 6, attendee="A5")  # A5 chose P1 but is registered for S1 only
    assert broken(book) == {("absent", "Panels", 6)}


def test_unknown_panel_and_role(book):
    edit(book, "Panels", 2, panel="P9", role="speaker")
    found = broken(book)
    assert ("unknown_panel", "Panels", 2) in found
    assert ("role", "Panels", 2) in found


def test_priority_and_mutual_mismatch_are_warnings(book):
    edit(book, "Meetings", 2, priority=1, mutual="no")
    report = check_workbook(base_event(), book)
    assert report.ok
    assert {(w.rule, w.row) for w in report.warnings} == {("priority", 2), ("mutual", 2)}


def test_duplicate_meeting_id_is_a_warning(book):
    edit(book, "Meetings", 4, meeting="M-0002")
    report = check_workbook(base_event(), book)
    assert report.ok
    assert [str(w) for w in report.warnings] == [
        "Meetings row 4: meeting id M-0002 is also in row 3"
    ]


def test_unreadable_cell_names_the_row(book):
    edit(book, "Meetings", 3, start="quarter past nine")
    assert broken(book) == {("unreadable", "Meetings", 3)}


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
