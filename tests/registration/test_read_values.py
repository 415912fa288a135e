"""Cell values in every form real registration exports hold them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.registration.values import (
    ValueProblem,
    as_date,
    as_id,
    as_id_list,
    as_int,
    as_time,
    as_yes_no,
)

FEB27 = dt.date(2013, 2, 27)


@pytest.mark.parametrize(
    "raw",
    [
        FEB27,
        dt.datetime(2013, 2, 27, 0, 0),
        dt.datetime(2013, 2, 27, 9, 30),
        "2013-02-27",
        " 2013-02-27 ",
        "2013/02/27",
        "2013-02-27 00:00:00",
        "27.02.2013",
        "27.2.2013",
        "27.02.13",
        "27/02/2013",
        "02/27/2013",  # only the month-first reading is a real date
        "27-02-2013",
        "27 Feb 2013",
        "27 February 2013",
        "Feb 27, 2013",
        41332,  # Excel serial day number
        41332.0,
        41332.375,  # serial with a time part
    ],
)
def test_dates_in_every_accepted_form(raw):
    assert as_date(raw) == FEB27


def test_ambiguous_slash_dates_are_day_first():
    assert as_date("03/02/2013") == dt.date(2013, 2, 3)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("31.02.2013", '"31.02.2013" is not a real date'),
        ("tomorrow", '"tomorrow" is not a date (write it like 2013-02-27 or 27.02.2013)'),
        (dt.time(9), '"09:00" is a time, not a date'),
        (12, '"12" is not a date'),
    ],
)
def test_unreadable_dates_say_why(raw, message):
    with pytest.raises(ValueProblem) as err:
        as_date(raw)
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (dt.time(9, 0), dt.time(9, 0)),
        (dt.datetime(2013, 2, 27, 9, 0), dt.time(9, 0)),
        (dt.datetime(1899, 12, 30, 9, 19, 59, 999999), dt.time(9, 20)),  # float noise
        ("09:00", dt.time(9, 0)),
        ("9:00", dt.time(9, 0)),
        ("09:00:00", dt.time(9, 0)),
        ("9:00 AM", dt.time(9, 0)),
        ("9:30am", dt.time(9, 30)),
        ("2:15 PM", dt.time(14, 15)),
        ("12:00 PM", dt.time(12, 0)),
        ("12:30 a.m.", dt.time(0, 30)),
        ("9 am", dt.time(9, 0)),
        ("9", dt.time(9, 0)),  # a bare hour, as text or as a number
        (9, dt.time(9, 0)),
        ("9.00", dt.time(9, 0)),
        ("14.30", dt.time(14, 30)),
        ("9h30", dt.time(9, 30)),
        ("2013-02-27 09:00", dt.time(9, 0)),
        ("27.02.2013 14:30", dt.time(14, 30)),
        ("2013-02-27T09:00:00", dt.time(9, 0)),
        (0.375, dt.time(9, 0)),  # Excel fraction of a day
        (0.5833333333, dt.time(14, 0)),
        (9.3, dt.time(9, 30)),  # typed 9.30 into a number cell
        (14, dt.time(14, 0)),
        (41332.375, dt.time(9, 0)),  # serial date and time
    ],
)
def test_times_in_every_accepted_form(raw, expected):
    assert as_time(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("25:00", '"25:00" is not a time of day'),
        ("9:75", '"9:75" is not a time of day'),
        ("13:00 PM", '"13:00 PM" is not a time of day'),
        ("noon", '"noon" is not a time (write it like 09:00 or 9:00 AM)'),
        ("930", '"930" is not a time (write it like 09:00 or 9:00 AM)'),
        ("9:00 noon", '"9:00 noon" is not a time (write it like 09:00 or 9:00 AM)'),
        (9.75, '"9.75" is not a time of day'),
        (FEB27, '"2013-02-27" is a date, not a time'),
    ],
)
def test_unreadable_times_say_why(raw, message):
    with pytest.raises(ValueProblem) as err:
        as_time(raw)
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(17, "17"), (17.0, "17"), ("17", "17"), (" A-017 ", "A-017"), (17.5, "17.5"), ("007", "007")],
)
def test_ids_compare_as_trimmed_text(raw, expected):
    assert as_id(raw) == expected


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_whole_number_ids_read_the_same_as_int_float_or_text(n):
    assert as_id(n) == as_id(float(n)) == as_id(str(n)) == str(n)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("D1-AM, D1-PM", ("D1-AM", "D1-PM")),
        ("D1-AM;D1-PM", ("D1-AM", "D1-PM")),
        ("D1-AM\nD1-PM", ("D1-AM", "D1-PM")),
        ("D1-AM, D1-AM,", ("D1-AM",)),
        (3, ("3",)),
        (3.0, ("3",)),
    ],
)
def test_id_lists(raw, expected):
    assert as_id_list(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"), [(20, 20), (20.0, 20), ("20", 20), (" 20.0 ", 20), ("-3", -3)]
)
def test_whole_numbers(raw, expected):
    assert as_int(raw) == expected


@pytest.mark.parametrize("raw", [2.5, "2.5", "twenty", True, "3 min"])
def test_not_whole_numbers(raw):
    with pytest.raises(ValueProblem, match="is not a whole number"):
        as_int(raw)


@pytest.mark.parametrize(
    "raw", ["yes", "Yes", " YES ", "y", "true", "TRUE", "1", 1, 1.0, "x", "X", True]
)
def test_yes(raw):
    assert as_yes_no(raw) is True


@pytest.mark.parametrize("raw", ["no", "No", "n", "false", "0", 0, False])
def test_no(raw):
    assert as_yes_no(raw) is False


def test_neither_yes_nor_no():
    with pytest.raises(ValueProblem) as err:
        as_yes_no("maybe")
    assert str(err.value) == '"maybe" is not yes or no'
