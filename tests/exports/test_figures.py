"""Quality figures on small cases computed by hand, in memory and as the checker reads them."""

from __future__ import annotations

import datetime as dt

import pytest

from models.domain import (
    ACCEPTED,
    DECLINED,
    Meeting,
    Panel,
    PanelRun,
    Request,
    Schedule,
    Table,
)
from scheduler.check import check_workbook
from scheduler.exports.schedule.meetings_panels import write_schedule
from scheduler.figures import FIGURE_NAMES, quality_figures
from tests.helpers.domain_events import event_in_memory, person, session
from tests.helpers.events import DAY, at

DAY2 = DAY + dt.timedelta(days=1)


def event_and_schedule():
    """Day 1: S1 09:00-10:00 (slots 0-2), S2 13:00-14:00 (slots 3-5); day 2: S3 (slots 6-7).

    Busy slots per attendee on day 1, and what lies between first and last activity:
      X 0,2,4      idle 1,3      -> 2 idle, 2 breaks
      Y 1,5        idle 2,3,4    -> 3 idle, 1 break (2 and 3 are one break across lunch)
      U 1,2,5      idle 3,4      -> 2 idle, 1 break
      V 0,5        idle 1-4      -> 4 idle, 1 break
      W 0,4        idle 1-3      -> 3 idle, 1 break
      Z 0,3-4 (panel 13:00-13:40),5  idle 1,2 -> 2 idle, 1 break
    Day 2: only X-Y at slot 6, nothing idle. Total 16 idle slots, 7 breaks.
    """
    sessions = [
        session("S1", "09:00", "10:00"),
        session("S2", "13:00", "14:00"),
        session("S3", "09:00", "09:40", day=DAY2),
    ]
    attendees = [person(p) for p in ("X", "Y", "U", "V", "W", "Z", "N")]
    attendees.append(person("Q", cancelled=True))
    requests = [
        Request("X", "Y", 5),
        Request("Y", "X", 2),  # X-Y: weight 7, mutual, met
        Request("X", "V", 3),  # weight 3, met
        Request("U", "V", 4, status=DECLINED),  # no candidate
        Request("W", "Z", 2, status=ACCEPTED),  # weight 2, mutual, met
        Request("Y", "Z", 4),  # weight 4, not met
        Request("N", "X", 2),  # weight 2, not met: N is in a candidate pair, meets nobody
        Request("Q", "X", 5),  # Q cancelled: no candidate
    ]
    event = event_in_memory(
        sessions,
        attendees,
        requests,
        tables=[Table("T1", "Hall"), Table("T2", "Hall")],
        panels=[Panel("P", "Talk", "Room", capacity=4, minutes=40, fixed_start=at("13:00"))],
    )
    schedule = Schedule(
        meetings=(
            Meeting("X", "V", 0, "T1"),
            Meeting("Z", "W", 0, "T2"),
            Meeting("Y", "U", 1, "T1"),
            Meeting("X", "U", 2, "T1"),
            Meeting("X", "W", 4, "T1"),
            Meeting("Y", "V", 5, "T1"),
            Meeting("Z", "U", 5, "T2"),
            Meeting("X", "Y", 6, "T1"),
        ),
        panels=(PanelRun("P", at("13:00"), at("13:40"), ("Z",)),),
    )
    return event, schedule


# Candidate pairs X-Y, X-V, W-Z, Y-Z, N-X: weights 7+3+2+4+2 = 18, met 7+3+2 = 12.
# Meetings of attendees in candidate pairs: X 4, Y 3, V 2, W 2, Z 2, N 0 (U is only in a
# declined pair, Q cancelled).
EXPECTED = {
    "meetings": 8,
    "candidate_pairs": 5,
    "weighted_share": 12 / 18,
    "mutual_met": 2,
    "attendees_without_meetings": 1,
    "min_meetings": 0,
    "mean_meetings": 13 / 6,
    "idle_slots": 16,
    "breaks": 7,
    "panel_seats": 1,
}


def test_figures_by_hand():
    event, schedule = event_and_schedule()
    figures = quality_figures(event, schedule)
    assert list(figures) == list(FIGURE_NAMES)
    assert figures == pytest.approx(EXPECTED)


def test_checker_reports_the_same_figures_from_the_workbook(tmp_path):
    event, schedule = event_and_schedule()
    report = check_workbook(event, write_schedule(tmp_path / "s.xlsx", event, schedule))
    assert report.figures == pytest.approx(EXPECTED)


def test_a_panel_between_meetings_is_no_idle_time():
    event, schedule = event_and_schedule()
    without_panel = Schedule(schedule.meetings, ())
    figures = quality_figures(event, without_panel)
    # Z then meets at slots 0 and 5 only: 4 idle slots in one break instead of 2.
    assert figures["idle_slots"] == 18
    assert figures["breaks"] == 7
    assert figures["panel_seats"] == 0


def test_empty_schedule():
    event, _ = event_and_schedule()
    figures = quality_figures(event, Schedule())
    assert figures == pytest.approx(
        {
            **EXPECTED,
            "meetings": 0,
            "weighted_share": 0.0,
            "mutual_met": 0,
            "attendees_without_meetings": 6,
            "min_meetings": 0,
            "mean_meetings": 0.0,
            "idle_slots": 0,
            "breaks": 0,
            "panel_seats": 0,
        }
    )
