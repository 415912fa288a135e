"""Write a registration workbook from plain rows (tests, example and benchmark generators)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook

# The order sheets appear in; unknown sheets follow in the order given.
SHEET_ORDER = (
    "Event",
    "Sessions",
    "Attendees",
    "Unavailable",
    "Requests",
    "Tables",
    "Panels",
    "PanelChoices",
    "Pinned",
)


Rows = Sequence[Mapping[str, object]]


def write_registration(path: str | Path, sheets: Mapping[str, Rows]) -> Path:
    """Write each sheet's rows (dicts keyed by column header) to `path` as .xlsx.

    Columns are the union of the rows' keys in first-seen order. Dates, times and datetimes
    become real Excel date/time cells; None becomes an empty cell.
    """
    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    names = [s for s in SHEET_ORDER if s in sheets] + [s for s in sheets if s not in SHEET_ORDER]
    for name in names:
        rows = sheets[name]
        columns: list[str] = []
        for row in rows:
            columns += [c for c in row if c not in columns]
        ws = wb.create_sheet(name)
        ws.append(columns)
        for row in rows:
            ws.append([row.get(c) for c in columns])
        for col_cells in ws.iter_cols(min_row=2):
            for cell in col_cells:
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(cell.value, dt.time):
                    cell.number_format = "hh:mm"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
