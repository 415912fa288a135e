"""Load the contract sheets of a workbook as plain rows keyed by contract column name.

This is the only module that touches the file. Anything wrong with the file itself (missing,
not an .xlsx, corrupt, locked) comes back as a Problem, never an exception.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from scheduler.registration.problems import Problem
from scheduler.registration.schema import SHEETS, SheetSpec, normalise_name
from scheduler.registration.values import is_blank


@dataclass(frozen=True)
class SheetRow:
    number: int  # the real Excel row number
    cells: dict[str, object]  # contract column -> raw cell value (only columns present)


@dataclass(frozen=True)
class RawSheet:
    spec: SheetSpec
    title: str  # as spelled in the workbook
    columns: tuple[str, ...]  # contract columns found in the header row
    rows: tuple[SheetRow, ...]  # non-blank data rows


@dataclass(frozen=True)
class LoadedWorkbook:
    sheets: dict[str, RawSheet]  # by contract sheet name; only the sheets present
    problems: tuple[Problem, ...]
    opened: bool = True  # False: the file itself could not be read


def _file_problem(path: Path, message: str) -> Problem:
    return Problem(path.name or str(path), None, None, message)


def _open(path: Path):
    if not path.exists():
        return None, _file_problem(path, f'file not found: "{path}"')
    if path.is_dir():
        return None, _file_problem(path, f'"{path}" is a folder, not a workbook')
    try:
        with warnings.catch_warnings():
            # openpyxl warns about data validation and other extensions it does not keep.
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(path, read_only=True, data_only=True), None
    except PermissionError:
        return None, _file_problem(
            path, "cannot be opened: permission denied (is it open or locked by another program?)"
        )
    except Exception as exc:  # noqa: BLE001 - any failure to open is the file's fault
        hint = "save it from Excel as an Excel Workbook (.xlsx)"
        return None, _file_problem(path, f"is not a readable .xlsx workbook ({exc}); {hint}")


def _read_sheet(spec: SheetSpec, ws) -> tuple[RawSheet, list[Problem]]:
    problems: list[Problem] = []
    # Some exporters write a wrong size into the sheet; read every cell that is really there.
    ws.reset_dimensions()
    wanted = {normalise_name(c): c for c in spec.columns}
    header_row = 0
    positions: dict[str, int] = {}
    rows: list[SheetRow] = []
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        if not header_row:
            if all(is_blank(v) for v in values):
                continue
            header_row = number
            for position, header in enumerate(values):
                column = wanted.get(normalise_name(header))
                if column is None:
                    continue
                if column in positions:
                    problems.append(
                        Problem(
                            spec.name,
                            number,
                            column,
                            "this column appears twice; only the first one is read",
                            "warning",
                        )
                    )
                    continue
                positions[column] = position
            continue
        cells = {
            column: values[position]
            for column, position in positions.items()
            if position < len(values) and not is_blank(values[position])
        }
        if cells:
            rows.append(SheetRow(number, cells))
    columns = tuple(c for c in spec.columns if c in positions)
    for column in spec.required_columns:
        if column not in positions:
            problems.append(
                Problem(
                    spec.name,
                    header_row or None,
                    None,
                    f'the required column "{column}" is missing (the header row needs it)',
                )
            )
    return RawSheet(spec, ws.title, columns, tuple(rows)), problems


def load_sheets(path: str | Path) -> LoadedWorkbook:
    path = Path(path)
    wb, problem = _open(path)
    if wb is None:
        return LoadedWorkbook({}, (problem,), opened=False)
    problems: list[Problem] = []
    sheets: dict[str, RawSheet] = {}
    by_name = {normalise_name(spec.name): spec for spec in SHEETS}
    try:
        for ws in wb.worksheets:
            spec = by_name.get(normalise_name(ws.title))
            if spec is None:
                continue  # extra sheets (notes, lookups, pivots) are none of our business
            if spec.name in sheets:
                problems.append(
                    Problem(
                        spec.name,
                        None,
                        None,
                        f'two sheets are named like "{spec.name}" ("{sheets[spec.name].title}" '
                        f'and "{ws.title}"); only the first one is read',
                        "warning",
                    )
                )
                continue
            sheet, sheet_problems = _read_sheet(spec, ws)
            sheets[spec.name] = sheet
            problems += sheet_problems
    except Exception as exc:  # noqa: BLE001 - a corrupt sheet is the file's fault
        problem = _file_problem(path, f"is damaged and cannot be read ({exc})")
        return LoadedWorkbook({}, (problem,), opened=False)
    finally:
        wb.close()
    for spec in SHEETS:
        if spec.required and spec.name not in sheets:
            problems.append(Problem(spec.name, None, None, "the required sheet is missing"))
    return LoadedWorkbook(sheets, tuple(problems))
