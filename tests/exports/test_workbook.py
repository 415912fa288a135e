"""schedule.xlsx written by write_outputs and read back: sheets, cells, layout, safety."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from scheduler.exports.folder import write_outputs
from scheduler.exports.schedule import names
from scheduler.figures import FIGURE_NAMES, quality_figures
from tests.helpers.outputs import DAY, EVIL_NAME, demo_event, demo_schedule


def rows(ws, header_row: int = 1) -> list[dict[str, object]]:
    header = [c.value for c in ws[header_row]]
    return [
        dict(zip(header, r, strict=False))
        for r in ws.iter_rows(min_row=header_row + 1, values_only=True)
    ]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    # Written once for the module: every test here only reads the files.
    tmp_path = tmp_path_factory.mktemp("outputs")
    event, input_path = demo_event(tmp_path)
    schedule = demo_schedule(event)
    out = write_outputs(tmp_path / "out", event, schedule, input_path=input_path)
    return event, schedule, input_path, load_workbook(out / "schedule.xlsx")


def test_contract_sheets_in_order(written):
    *_, wb = written
    assert wb.sheetnames == [
        "Meetings",
        "Panels",
        "Panel rosters",
        "Agendas",
        "Unscheduled",
        "Summary",
        "Grid",
    ]


def contract_output_sheets() -> dict[str, tuple[str, ...]]:
    """The Output table of docs/workbook.md (the contract): sheet name -> its fixed columns."""
    text = (Path(__file__).parents[2] / "docs" / "workbook.md").read_text()
    output = text[text.index("## Output") :]
    found = {}
    for sheet, columns in re.findall(r"^\| (\w+) \| [^|]+ \| ([^|]+) \|$", output, re.M):
        if sheet != "sheet":
            found[sheet] = tuple(c.strip() for c in columns.split(","))
    return found


def test_names_are_the_contracts():
    contract = contract_output_sheets()
    listed = {
        names.MEETINGS: names.MEETINGS_COLUMNS,
        names.PANELS: names.PANELS_COLUMNS,
        names.AGENDAS: names.AGENDAS_COLUMNS,
        names.UNSCHEDULED: names.UNSCHEDULED_COLUMNS,
        names.SUMMARY: names.SUMMARY_COLUMNS,
        names.GRID: None,  # a wall chart: the contract fixes no columns
        names.CHANGES: names.CHANGES_COLUMNS,
    }
    assert set(listed) == set(contract)
    for sheet, columns in listed.items():
        if columns is not None:
            # The contract's columns first, in its order; more may follow.
            assert columns[: len(contract[sheet])] == contract[sheet], sheet
    assert (
        f"`OUT/{names.SCHEDULE_FILE}`"
        in (Path(__file__).parents[2] / "docs" / "workbook.md").read_text()
    )
    # What the reader requires or judges is among what the writer writes.
    assert set(names.MEETINGS_REQUIRED + names.MEETINGS_OPTIONAL) <= set(names.MEETINGS_COLUMNS)
    assert set(names.PANELS_REQUIRED + names.PANELS_OPTIONAL) <= set(names.PANELS_COLUMNS)


def test_each_list_sheet_has_its_named_header(written):
    *_, wb = written
    for sheet, columns in (
        (names.MEETINGS, names.MEETINGS_COLUMNS),
        (names.PANELS, names.PANELS_COLUMNS),
        (names.AGENDAS, names.AGENDAS_COLUMNS),
        (names.UNSCHEDULED, names.UNSCHEDULED_COLUMNS),
        (names.SUMMARY, names.SUMMARY_COLUMNS),
    ):
        assert tuple(c.value for c in wb[sheet][1]) == columns, sheet


def test_meetings_sheet_equals_the_schedule(written):
    event, schedule, _, wb = written
    slot = {s.index: s for s in event.slots}
    expected = sorted((m.a, m.b, slot[m.slot].start, m.table, m.origin) for m in schedule.meetings)
    got = sorted(
        (r["a"], r["b"], dt.datetime.combine(r["date"].date(), r["start"]), r["table"], r["origin"])
        for r in rows(wb["Meetings"])
    )
    assert got == expected


def test_agendas_sheet_matches_meetings_and_panels(written):
    event, _, _, wb = written
    expected: set[tuple] = set()
    for r in rows(wb["Meetings"]):
        for me, other in ((r["a"], r["b"]), (r["b"], r["a"])):
            expected.add((me, r["start"], "meeting", other, f"Table {r['table']}, {r['room']}"))
    for r in rows(wb["Panels"]):
        expected.add((r["attendee"], r["start"], "panel", None, r["room"]))
    agendas = rows(wb["Agendas"])
    got = {(r["attendee"], r["start"], r["activity"], r["with_id"], r["location"]) for r in agendas}
    assert got == expected
    assert len(agendas) == len(expected)
    first = agendas[0]
    assert list(first)[:8] == [
        "attendee",
        "name",
        "date",
        "start",
        "end",
        "activity",
        "with",
        "location",
    ]
    # Rows go attendee by attendee in Attendees order, each one's by time.
    order = [a.id for a in event.attendees]
    keys = [(order.index(r["attendee"]), r["start"]) for r in agendas]
    assert keys == sorted(keys)


def test_dates_and_times_are_real_excel_cells_and_headers_frozen(written):
    *_, wb = written
    for name in ("Agendas",):
        ws = wb[name]
        assert ws["C2"].is_date and ws["C2"].number_format == "yyyy-mm-dd"
        assert ws["C2"].value.date() == DAY
        assert ws["D2"].is_date and ws["D2"].number_format == "hh:mm"
        assert isinstance(ws["D2"].value, dt.time)
    for name in ("Agendas", "Unscheduled", "Summary"):
        ws = wb[name]
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref.startswith("A1:")
        assert ws.cell(row=1, column=1).font.bold
    grid = wb["Grid"]
    assert grid["B3"].is_date and isinstance(grid["C3"].value, dt.time)


def test_column_widths_fit_their_text(written):
    *_, wb = written
    ws = wb["Unscheduled"]
    header = [c.value for c in ws[1]]
    details = header.index("details") + 1
    column = next(ws.iter_cols(min_col=details, max_col=details, min_row=2))
    longest = max(len(str(c.value or "")) for c in column)
    width = ws.column_dimensions[ws.cell(row=1, column=details).column_letter].width
    assert min(longest, 50) <= width <= 52


def test_registration_text_that_looks_like_a_formula_stays_text(written):
    *_, wb = written
    hits = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} became a formula"
                if isinstance(cell.value, str) and EVIL_NAME in cell.value:
                    hits.append(ws.title)
    assert {"Meetings", "Agendas", "Grid"} <= set(hits)
    agendas = rows(wb["Agendas"])
    assert any(r["with"] == EVIL_NAME for r in agendas)
    evil_org = next(r for r in rows(wb["Meetings"]) if r["b"] == "A3")["b_organisation"]
    assert evil_org == "+Evil Org"


def test_summary_has_every_figure_and_traces_the_input(written):
    event, schedule, input_path, wb = written
    summary = {r["metric"]: r["value"] for r in rows(wb["Summary"])}
    figures = quality_figures(event, schedule)
    for name in FIGURE_NAMES:
        assert summary[name] == pytest.approx(figures[name]), name
    assert summary["meetings"] == 3
    assert summary["requests"] == len(event.requests)
    assert summary["meetings_priority_5"] == 1  # A1-A2
    assert summary["meetings_priority_4"] == 2  # A1-A3 and A2-A8
    assert summary["solver_status"] == "OPTIMAL"
    assert summary["seed"] == 7
    assert summary["most_meetings"] == 2 and summary["median_meetings"] == 1
    assert summary["input_file"] == input_path.name
    assert summary["input_sha256"] == hashlib.sha256(input_path.read_bytes()).hexdigest()
    # Who has none: A4, A5 and A6 are in candidate pairs but meet nobody (A6 only declined).
    assert "(A4)" in summary["attendees_without_meetings_list"]
    assert "(A5)" in summary["attendees_without_meetings_list"]
    assert "(A6)" not in summary["attendees_without_meetings_list"]
    # AM: 3 meetings in 3 tables x 3 slots.
    assert summary["table_utilisation_AM"] == pytest.approx(3 / 9)
    assert summary["panel_choices"] == 2
    assert summary["panel_choices_seated"] == 2


def test_grid_is_a_printable_wall_chart(written):
    event, schedule, _, wb = written
    ws = wb["Grid"]
    # Row 1: rooms over their tables; row 2: slot columns then tables.
    assert ws["E1"].value == "Hall A" and ws["G1"].value == "Hall B"
    assert "E1:F1" in {str(r) for r in ws.merged_cells.ranges}
    header = [c.value for c in ws[2]]
    assert header[:4] == ["session", "date", "start", "end"]
    assert header[4:6] == ["T1", "T2"]
    assert header[6].startswith("T3 (host: Dora Host")
    assert header[7] == "panels"
    body = {
        (r[2], i): v for r in ws.iter_rows(min_row=3, values_only=True) for i, v in enumerate(r)
    }
    nine = dt.time(9, 0)
    assert body[(nine, 4)] == "Ann Lee (Acme)\nBob Ma (Beta GmbH)"
    assert body[(dt.time(9, 40), 5)].startswith("Ann Lee (Acme)\n=HYPERLINK")
    assert "AI in Health (Room 1)" in body[(dt.time(14, 20), 7)]
    # The host of T3 (Dora Host, second in the pair) is named first at her own table.
    assert body[(dt.time(9, 20), 6)] == "Dora Host (Host AG)\nBob Ma (Beta GmbH)"
    assert ws.max_row == 2 + len(event.slots)
    assert ws["E3"].alignment.wrap_text
    assert ws.freeze_panes == "E3"
    assert ws.print_title_rows == "$1:$2"
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    # XlsxWriter leaves out fitToWidth="1", the schema default.
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0


def test_panel_rosters_list_each_panel_with_its_people(written):
    *_, wb = written
    values = [r for r in wb["Panel rosters"].iter_rows(values_only=True)]
    assert values[0][0] == "P1: AI in Health"
    assert "3 of 4 places taken" in values[1]
    assert values[2][:3] == ("role", "attendee", "name")
    assert [v[:3] for v in values[3:6]] == [
        ("moderator", "A2", "Bob Ma"),
        ("participant", "A1", "Ann Lee"),
        ("participant", "A5", "Jane Doe"),
    ]
