"""Per-attendee files read back: agenda workbooks, calendars, the zip and contacts.csv."""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from pathlib import Path

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from scheduler.exports.agendas.xlsx import HEADER_ROW
from scheduler.exports.folder import write_outputs
from tests.helpers.outputs import DAY, EVIL_NAME, PATH_NAME, base_sheets, demo_event, demo_schedule


def sheet_rows(ws, header_row: int = 1) -> list[dict[str, object]]:
    header = [c.value for c in ws[header_row]]
    return [
        dict(zip(header, r, strict=False))
        for r in ws.iter_rows(min_row=header_row + 1, values_only=True)
    ]


def contacts(out: Path) -> list[dict[str, str]]:
    with (out / "contacts.csv").open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("agendas")
    event, input_path = demo_event(tmp_path)
    schedule = demo_schedule(event)
    out = write_outputs(tmp_path / "out", event, schedule, input_path=input_path)
    return event, schedule, input_path, out


def test_one_agenda_and_calendar_per_attendee_not_cancelled(written):
    event, _, _, out = written
    files = sorted(p.name for p in (out / "agendas").iterdir())
    people = [a for a in event.attendees if not a.cancelled]
    assert len(files) == 3 * len(people)  # .xlsx, .ics and .pdf
    assert not any(p.name.startswith("A7-") for p in (out / "agendas").iterdir())  # cancelled
    assert {"A1-ann-lee.xlsx", "A1-ann-lee.ics", "A1-ann-lee.pdf"} <= set(files)
    # Two attendees named Jane Doe: two pairs of files, told apart by their ids.
    assert {"A5-jane-doe.xlsx", "A6-jane-doe.xlsx", "A5-jane-doe.ics", "A6-jane-doe.ics"} <= set(
        files
    )


def test_hostile_names_stay_inside_the_agendas_folder(written):
    _, _, _, out = written
    folder = (out / "agendas").resolve()
    for path in (out / "agendas").iterdir():
        assert path.resolve().parent == folder
        assert path.name.isascii() and "/" not in path.name and ".." not in path.name
    assert any(p.name.startswith("A4-etc-passwd") for p in folder.iterdir())
    assert not (out.parent / "etc").exists()


def test_agenda_workbook_matches_meetings_and_panels(written):
    event, _, _, out = written
    wb = load_workbook(out / "schedule.xlsx")
    meetings = sheet_rows(wb["Meetings"])
    panels = sheet_rows(wb["Panels"])
    for person in (a for a in event.attendees if not a.cancelled):
        stem = next(p.stem for p in (out / "agendas").glob(f"{person.id}-*.xlsx"))
        ws = load_workbook(out / "agendas" / f"{stem}.xlsx")["Agenda"]
        assert ws["A1"].value == "Demo Partnering Day"
        assert "Expo Hall, Berlin" in ws["A2"].value
        assert person.id in ws["A3"].value
        lines = sheet_rows(ws, HEADER_ROW)
        got = sorted(
            (r["from"], r["with"], r["where"])
            for r in lines
            if r["what"] == "meeting" or str(r["what"]).startswith("panel")
        )
        expected = []
        for r in meetings:
            if person.id in (r["a"], r["b"]):
                other = "b" if r["a"] == person.id else "a"
                expected.append(
                    (r["start"], r[f"{other}_name"], f"Table {r['table']}, {r['room']}")
                )
        expected += [
            (r["start"], r["title"], r["room"]) for r in panels if r["attendee"] == person.id
        ]
        assert got == sorted(expected), person.id
        # Every slot of the day is on the page: the rest are shown free.
        assert all(isinstance(r["date"], dt.datetime) for r in lines)
        assert sum(1 for r in lines if r["what"] == "free") > 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        # One page wide and tall: an absent attribute is the schema's default, 1 (Excel and
        # XlsxWriter write none for 1; 0 would mean "as many pages as needed").
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight in (None, 1)


def test_agenda_text_that_looks_like_a_formula_stays_text(written):
    # Agenda workbooks are written cell by cell from a template (agendas/xlsx_package.py),
    # not by XlsxWriter's write calls: a name starting with "=" must still be a string.
    *_, out = written
    seen = 0
    for path in (out / "agendas").glob("*.xlsx"):
        for row in load_workbook(path)["Agenda"].iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{path.name}!{cell.coordinate} became a formula"
                seen += cell.value == EVIL_NAME
    assert seen > 0


def test_agenda_shows_free_slots_and_panels_in_time_order(written):
    _, _, _, out = written
    ws = load_workbook(out / "agendas" / "A1-ann-lee.xlsx")["Agenda"]
    lines = [(r["from"], r["to"], r["what"]) for r in sheet_rows(ws, HEADER_ROW)]
    assert lines == [
        (dt.time(9, 0), dt.time(9, 20), "meeting"),
        (dt.time(9, 20), dt.time(9, 40), "free"),
        (dt.time(9, 40), dt.time(10, 0), "meeting"),
        (dt.time(14, 0), dt.time(14, 40), "panel (participant)"),
        (dt.time(14, 40), dt.time(15, 0), "free"),
    ]
    with_cell = ws.cell(row=HEADER_ROW + 3, column=5)
    assert with_cell.value == EVIL_NAME and with_cell.data_type == "s"


def test_calendars_parse_with_one_event_per_activity_in_event_timezone(written):
    event, _, _, out = written
    agendas = sheet_rows(load_workbook(out / "schedule.xlsx")["Agendas"])
    for person in (a for a in event.attendees if not a.cancelled):
        ics = next((out / "agendas").glob(f"{person.id}-*.ics"))
        cal = Calendar.from_ical(ics.read_bytes())
        events = cal.walk("VEVENT")
        mine = [r for r in agendas if r["attendee"] == person.id]
        assert len(events) == len(mine), person.id
        assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
        for entry, row in zip(sorted(events, key=lambda e: e.start), mine, strict=True):
            assert entry.start.tzinfo.key == "Europe/Berlin"
            assert entry.start.replace(tzinfo=None) == dt.datetime.combine(DAY, row["start"])
            assert entry.end.replace(tzinfo=None) == dt.datetime.combine(DAY, row["end"])
            assert entry["DTSTAMP"].dt.tzinfo is not None
            assert "Expo Hall, Berlin" in str(entry["LOCATION"])
            if row["activity"] == "meeting":
                assert row["with"] in str(entry["DESCRIPTION"])
                assert str(row["with_organisation"]) in str(entry["DESCRIPTION"])


def test_meeting_has_one_uid_in_both_calendars(written):
    _, _, _, out = written

    def uids(stem: str) -> dict[str, str]:
        cal = Calendar.from_ical((out / "agendas" / f"{stem}.ics").read_bytes())
        return {str(e["SUMMARY"]): str(e["UID"]) for e in cal.walk("VEVENT")}

    ann, bob = uids("A1-ann-lee"), uids("A2-bob-ma")
    assert ann["Meeting: Bob Ma (Beta GmbH)"] == bob["Meeting: Ann Lee (Acme)"]
    assert ann["Panel: AI in Health"] == bob["Panel: AI in Health"]
    assert len(set(ann.values())) == len(ann)


def test_zip_holds_every_agenda_file(written):
    _, _, _, out = written
    with zipfile.ZipFile(out / "agendas.zip") as zf:
        names = sorted(zf.namelist())
        assert zf.testzip() is None
        for name in names:
            assert zf.read(name) == (out / name).read_bytes()
    assert names == sorted(f"agendas/{p.name}" for p in (out / "agendas").iterdir())


def test_contacts_list_for_mail_merge(written):
    event, _, _, out = written
    rows = contacts(out)
    assert list(rows[0]) == [
        "attendee", "name", "email", "agenda_xlsx", "agenda_ics", "agenda_pdf", "attendees_row"
    ]  # fmt: skip
    assert [r["attendee"] for r in rows] == [a.id for a in event.attendees if not a.cancelled]
    for r in rows:
        assert (out / r["agenda_xlsx"]).is_file() and (out / r["agenda_ics"]).is_file()
        assert (out / r["agenda_pdf"]).is_file() and int(r["attendees_row"]) >= 2
    by_id = {r["attendee"]: r for r in rows}
    assert by_id["A1"]["email"] == "ann@acme.test"
    # A spreadsheet opening the CSV must not run the name as a formula.
    assert by_id["A3"]["name"] == "'" + EVIL_NAME
    assert by_id["A4"]["name"] == PATH_NAME


def test_rewriting_the_same_schedule_keeps_calendars_byte_identical(tmp_path):
    event, input_path = demo_event(tmp_path)
    schedule = demo_schedule(event)
    first = write_outputs(tmp_path / "one", event, schedule, input_path=input_path)
    second = write_outputs(tmp_path / "two", event, schedule, input_path=input_path)
    for ics in sorted((first / "agendas").glob("*.ics")):
        assert ics.read_bytes() == (second / "agendas" / ics.name).read_bytes(), ics.name
    # DTSTAMP is the input file's modification time, not the time of writing.
    cal = Calendar.from_ical((first / "agendas" / "A1-ann-lee.ics").read_bytes())
    stamp = cal.walk("VEVENT")[0]["DTSTAMP"].dt
    assert stamp == dt.datetime.fromtimestamp(int(input_path.stat().st_mtime), tz=dt.UTC)


def test_agenda_marks_unavailable_slots_away(tmp_path):
    sheets = base_sheets()
    sheets["Unavailable"] = [
        {"attendee": "A5", "date": DAY, "from": dt.time(9, 0), "to": dt.time(9, 30)}
    ]
    event, input_path = demo_event(tmp_path, sheets)
    out = write_outputs(tmp_path / "out", event, demo_schedule(event), input_path=input_path)
    ws = load_workbook(out / "agendas" / "A5-jane-doe.xlsx")["Agenda"]
    lines = [(r["from"], r["what"]) for r in sheet_rows(ws, HEADER_ROW)]
    assert lines == [
        (dt.time(9, 0), "away"),
        (dt.time(9, 20), "away"),  # 09:20-09:40 overlaps the window ending 09:30
        (dt.time(9, 40), "free"),
        (dt.time(14, 0), "panel (participant)"),
        (dt.time(14, 40), "free"),
    ]
