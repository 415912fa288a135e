"""Shared look and safety of every sheet sigmeet writes for people to read.

One place decides how a header looks, how dates and times are stored, how wide columns are,
and, above all, that text from registration forms stays text: a name such as
`=HYPERLINK("http://evil", "click")` must never become a live formula in an organiser's
spreadsheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "hh:mm"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0.0%"

# Spreadsheet programs read text starting with these as a formula when it is typed in or
# imported (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@")

HEADER_FONT = Font(bold=True, color="FFFFFF", size=11)
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
TITLE_FONT = Font(bold=True, size=16)
SUBTITLE_FONT = Font(bold=True, size=12)
BOLD = Font(bold=True)
MUTED_FONT = Font(color="808080", italic=True)
BAND_FILL = PatternFill("solid", fgColor="DDEBF7")
GREY_FILL = PatternFill("solid", fgColor="D9D9D9")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGNMENT = Alignment(vertical="center")

MIN_WIDTH = 6
MAX_WIDTH = 50

Row = Sequence[object]


def clean_text(value: str) -> str:
    """Drop control characters that would make the .xlsx file unreadable."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def shown_width(value: object) -> int:
    """Characters a value takes on screen, for column widths."""
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return len("yyyy-mm-dd hh:mm")
    if isinstance(value, dt.date):
        return len("yyyy-mm-dd")
    if isinstance(value, dt.time):
        return len("hh:mm")
    if isinstance(value, float):
        return min(len(f"{value:.4g}"), 12)
    text = str(value)
    return max(len(line) for line in text.split("\n")) if text else 0


def put(ws: Worksheet, row: int, column: int, value: object):
    """Write one value: strings as plain text, dates and times as real Excel cells."""
    if isinstance(value, str):
        value = clean_text(value)
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        if value.startswith(FORMULA_PREFIXES):
            _as_text(cell)
    elif isinstance(value, dt.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, dt.time):
        cell.number_format = TIME_FORMAT
    return cell


def _as_text(cell) -> None:
    """openpyxl turns "=…" into a formula on assignment: insist on text, and set Excel's
    quote prefix so the cell stays text even when someone edits it later."""
    cell.data_type = "s"
    cell.quotePrefix = True


def put_row(ws: Worksheet, row: int, values: Row, first_column: int = 1) -> None:
    for offset, value in enumerate(values):
        if value is not None and value != "":
            put(ws, row, first_column + offset, value)


def style_header(ws: Worksheet, row: int, first_column: int, last_column: int) -> None:
    for column in range(first_column, last_column + 1):
        cell = ws.cell(row=row, column=column)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT


_XLSXWRITER_VALIGN = {"center": "vcenter", "top": "top", "bottom": "bottom"}


def xlsxwriter_style(
    font: Font | None = None, fill: PatternFill | None = None, alignment: Alignment | None = None
) -> dict[str, object]:
    """The XlsxWriter format properties of these openpyxl styles (the parts sigmeet uses:
    bold, italic, size and colour of a font, a solid fill, vertical alignment, wrapping),
    so a sheet written with XlsxWriter looks like one written with `put` and `style_header`."""
    style: dict[str, object] = {}
    if font is not None:
        if font.b:
            style["bold"] = True
        if font.i:
            style["italic"] = True
        if font.sz:
            style["font_size"] = font.sz
        if font.color is not None and font.color.rgb:
            style["font_color"] = "#" + font.color.rgb[-6:]
    if fill is not None and fill.fill_type == "solid":
        style["pattern"] = 1
        style["bg_color"] = "#" + fill.fgColor.rgb[-6:]
    if alignment is not None:
        if alignment.vertical:
            style["valign"] = _XLSXWRITER_VALIGN[alignment.vertical]
        if alignment.wrap_text:
            style["text_wrap"] = True
    return style


def set_widths(ws: Worksheet, widths: Sequence[int], first_column: int = 1) -> None:
    for offset, width in enumerate(widths):
        letter = get_column_letter(first_column + offset)
        ws.column_dimensions[letter].width = max(MIN_WIDTH, min(MAX_WIDTH, width + 2))


def write_table(ws: Worksheet, headers: Sequence[str], rows: Iterable[Row]) -> int:
    """Write a header and rows, from the top of an empty sheet, as a filterable list;
    return the number of data rows.

    The header is styled and frozen, the list gets an auto-filter, each column is as wide
    as its longest value (within bounds), and it prints landscape across one page width.
    Rows are appended whole (much faster than cell by cell on large sheets); only cells that
    need it are touched afterwards.
    """
    widths = [len(h) for h in headers]
    ws.append(list(headers))
    r = 1
    for values in rows:
        r += 1
        cleaned = [(clean_text(v) or None) if isinstance(v, str) else v for v in values]
        ws.append(cleaned)
        for i, value in enumerate(cleaned):
            if value is None:
                continue
            width = shown_width(value)
            if width > widths[i]:
                widths[i] = width
            if isinstance(value, str):
                if value.startswith(FORMULA_PREFIXES):
                    _as_text(ws.cell(row=r, column=i + 1))
            elif isinstance(value, dt.time):
                # openpyxl would show seconds (h:mm:ss); dates already get yyyy-mm-dd.
                ws.cell(row=r, column=i + 1).number_format = TIME_FORMAT
            elif isinstance(value, dt.datetime):
                ws.cell(row=r, column=i + 1).number_format = DATETIME_FORMAT
    style_header(ws, 1, 1, len(headers))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{r}"
    set_widths(ws, widths)
    ws.print_title_rows = "1:1"
    landscape_fit_width(ws)
    return r - 1


def landscape_fit_width(ws: Worksheet, paper: str = "A4", pages_wide: int = 1) -> None:
    """Print `pages_wide` pages across on landscape paper, as many pages down as needed."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A3 if paper == "A3" else ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = pages_wide
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
