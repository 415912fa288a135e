"""schedule.xlsx cell by cell against a snapshot: every sheet's values, number formats,
fonts, fills, borders, alignment, quote prefixes, widths, heights, merged cells, frozen
panes, filters and print settings.

The snapshot was taken from the openpyxl writer before the workbook moved to XlsxWriter, so
this test says the move changed nothing a reader sees. A deliberate change to a sheet
updates the snapshot: `python -m tests.exports.test_workbook_snapshot OUT.json` writes it.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

from models.domain import Change
from scheduler.exports.folder import write_schedule_workbook
from tests.helpers.outputs import demo_event, demo_schedule

SNAPSHOT = Path(__file__).with_name("schedule_snapshot.json")
# The input file's checksum changes with every written demo registration.
VARIES = {("Summary", "input_sha256")}
EMPTY = [
    None,
    None,
    None,
    False,
    [False, False, 11.0, None],
    [None, None],
    [None, None, False],
    None,
]


def _rgb(color) -> str | None:
    # openpyxl writes ARGB with alpha 00, XlsxWriter FF; Excel shows both alike.
    return color.rgb[-6:] if color is not None and color.type == "rgb" else None


def _cell(c) -> list:
    f, fill, a, left = c.font, c.fill, c.alignment, c.border.left
    value = c.value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        value = value.isoformat()
    return [
        value,
        c.number_format if c.value is not None else None,
        c.data_type if c.value is not None else None,
        bool(c.quotePrefix),
        # A bold font without a size is the default 11 points.
        [bool(f.b), bool(f.i), f.sz or 11.0, _rgb(f.color)],
        [fill.fill_type, _rgb(fill.fgColor) if fill.fill_type else None],
        [a.horizontal, a.vertical, bool(a.wrap_text)],
        [left.style, _rgb(left.color)] if left is not None and left.style else None,
    ]


def workbook_snapshot(path: Path) -> dict:
    wb = load_workbook(path)
    sheets = {}
    for ws in wb.worksheets:
        widths = {}
        for key, dim in ws.column_dimensions.items():
            if dim.width:
                low = dim.min or column_index_from_string(key)
                for i in range(low, (dim.max or low) + 1):
                    widths[str(i)] = dim.width
        ps = ws.page_setup
        cells = {}
        for row in ws.iter_rows():
            label = row[0].value
            for c in row:
                shown = _cell(c)
                if (ws.title, label) in VARIES and c.column == 2:
                    shown[0] = "varies"
                if shown != EMPTY:
                    cells[c.coordinate] = shown
        sheets[ws.title] = {
            "dimensions": [ws.max_row, ws.max_column],
            "freeze": ws.freeze_panes,
            "filter": ws.auto_filter.ref,
            "merged": sorted(map(str, ws.merged_cells.ranges)),
            "titles": [ws.print_title_rows, ws.print_title_cols],
            "print": [
                ps.orientation,
                str(ps.paperSize),
                # XlsxWriter leaves out 1, the schema default.
                str(ps.fitToWidth or 1),
                str(ps.fitToHeight if ps.fitToHeight is not None else 1),
                bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage),
            ],
            "margins": [
                getattr(ws.page_margins, m)
                for m in ("left", "right", "top", "bottom", "header", "footer")
            ],
            "widths": widths,
            # 15 points is the default height, which XlsxWriter does not write.
            "heights": {
                str(r): d.height for r, d in ws.row_dimensions.items() if d.height not in (None, 15)
            },
            "validations": len(ws.data_validations.dataValidation),
            "conditional_formats": len(ws.conditional_formatting),
            "cells": cells,
        }
    return {"sheets": list(wb.sheetnames), "by_sheet": sheets}


def write_demo(folder: Path) -> Path:
    """The demo event's schedule workbook, with a Changes sheet."""
    event, input_path = demo_event(folder)
    changes = [
        Change("A1", "added", "=evil() meeting", dt.datetime(2024, 3, 5, 9)),
        Change("A2", "moved", "to 10:00\nline two", dt.datetime(2024, 3, 5, 10)),
        Change("A3", "cancelled", "", dt.datetime(2024, 3, 5, 11)),
    ]
    path = folder / "schedule.xlsx"
    return write_schedule_workbook(path, event, demo_schedule(event), input_path, None, changes)


def test_schedule_workbook_matches_its_snapshot(tmp_path):
    got = workbook_snapshot(write_demo(tmp_path))
    expected = json.loads(SNAPSHOT.read_text())
    assert got["sheets"] == expected["sheets"]
    for sheet in expected["sheets"]:
        mine, theirs = got["by_sheet"][sheet], expected["by_sheet"][sheet]
        for key in theirs:
            if key != "cells":
                assert mine[key] == theirs[key], (sheet, key)
        assert set(mine["cells"]) == set(theirs["cells"]), sheet
        for coordinate, cell in theirs["cells"].items():
            assert mine["cells"][coordinate] == cell, (sheet, coordinate)


if __name__ == "__main__":  # python -m tests.exports.test_workbook_snapshot OUT.json [XLSX]
    source = Path(sys.argv[2]) if len(sys.argv) > 2 else None
    if source is None:
        import tempfile

        source = write_demo(Path(tempfile.mkdtemp()))
    Path(sys.argv[1]).write_text(
        json.dumps(workbook_snapshot(source), indent=1, sort_keys=True) + "\n"
    )
