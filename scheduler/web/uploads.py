"""Uploaded registration workbooks: checked (size, type, a real zip, an Excel workbook),
stored under a generated name, read by the same reader as `sigmeet validate`, and shown.

The validation report is the reader's findings as data (the CLI prints the same findings as
text, scheduler/registration/report.py): the overview lines, then every problem with sheet,
Excel row and column, linked to that row of the sheet view where it has one.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import openpyxl

from scheduler.registration.read import read_workbook
from scheduler.registration.report import overview
from scheduler.registration.schema import normalise_name

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
PREVIEW_ROWS = 2000
PREVIEW_COLUMNS = 40


class UploadRejected(Exception):
    """The file is not something we can read as a registration workbook; says why."""


def check_and_store(name: str, data: bytes, target: Path) -> None:
    """Store `data` at `target` (a generated path) if it can be an .xlsx workbook."""
    shown = Path(name or "").name or "the file"
    if not shown.lower().endswith(".xlsx"):
        raise UploadRejected(
            f"{shown} is not an Excel workbook (.xlsx). Save the registration from Excel as "
            '"Excel Workbook (.xlsx)" and upload that file.'
        )
    if not data:
        raise UploadRejected(f"{shown} is empty. Choose the saved registration workbook.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRejected(too_big_message())
    if not data.startswith(b"PK\x03\x04"):
        raise UploadRejected(
            f"{shown} is named .xlsx but is not an Excel workbook inside (an .xlsx file is a "
            'zip archive). Open it in Excel and save it as "Excel Workbook (.xlsx)".'
        )
    target.write_bytes(data)
    try:
        with zipfile.ZipFile(target) as archive:
            broken = archive.testzip()
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        target.unlink(missing_ok=True)
        raise UploadRejected(
            f"{shown} is damaged: its zip archive cannot be read ({exc}). The upload may have "
            "been cut off, or the file was not saved completely; save it again and retry."
        ) from None
    if broken is not None:
        target.unlink(missing_ok=True)
        raise UploadRejected(
            f"{shown} is damaged: part of it ({broken}) is corrupt. Save it again and retry."
        )
    if "xl/workbook.xml" not in names:
        target.unlink(missing_ok=True)
        raise UploadRejected(
            f"{shown} is a zip archive but not an Excel workbook (no xl/workbook.xml). "
            "Upload the registration saved from Excel as .xlsx."
        )


def too_big_message() -> str:
    return (
        f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB, the most the app "
        "accepts. A registration workbook is usually well under 1 MB: remove pictures or "
        "unused sheets and upload it again."
    )


def validation_report(stored: Path, original_name: str) -> tuple[bool, str | None, dict]:
    """(usable, event name, report) of a stored upload, from the registration reader."""
    result = read_workbook(stored)
    problems = []
    for p in result.problems:
        sheet = original_name if p.sheet == stored.name else p.sheet
        problems.append(
            {
                "sheet": sheet,
                "row": p.row,
                "column": p.column,
                "message": p.message,
                "severity": p.severity,
            }
        )
    event = result.event
    report = {
        "overview": overview(event).splitlines() if event is not None else [],
        "problems": problems,
        "errors": sum(p["severity"] == "error" for p in problems),
        "warnings": sum(p["severity"] != "error" for p in problems),
    }
    name = event.settings.name if event is not None else None
    return not result.errors and event is not None, name, report


def sheet_titles(path: Path) -> list[str]:
    wb = _open(path)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def sheet_index(titles: list[str], contract_name: str) -> int | None:
    """Which of the workbook's sheets a problem's sheet name means (headers and names are
    matched the way the reader matches them)."""
    wanted = normalise_name(contract_name)
    for i, title in enumerate(titles):
        if normalise_name(title) == wanted:
            return i
    return None


def sheet_rows(path: Path, index: int) -> tuple[str, list[tuple[int, list[object]]], bool]:
    """(title, [(Excel row, cell values)], truncated) of the workbook's sheet number `index`."""
    wb = _open(path)
    try:
        ws = wb.worksheets[index]
        ws.reset_dimensions()
        rows: list[tuple[int, list[object]]] = []
        truncated = False
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if number > PREVIEW_ROWS:
                truncated = True
                break
            cells = ["" if v is None else v for v in values[:PREVIEW_COLUMNS]]
            rows.append((number, cells))
        width = max((len(c) for _, c in rows), default=0)
        rows = [(n, c + [""] * (width - len(c))) for n, c in rows]
        return ws.title, rows, truncated
    finally:
        wb.close()


def _open(path: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
