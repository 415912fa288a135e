"""Shared look and safety of every sheet sigmeet writes for people to read.

One place decides how a header looks, how dates and times are stored, how wide columns are,
and, above all, that text from registration forms stays text: a name such as
`=HYPERLINK("http://evil", "click")` must never become a live formula in an organiser's
spreadsheet.

Workbooks are written with XlsxWriter: a BIO schedule workbook holds 2.5 million cells,
which openpyxl took ~3.5 minutes to build and save. A `Book` is one file being written; its
`Sheet`s take 1-based rows and columns (as the spreadsheet shows them) and, in
`constant_memory` mode, must be written row after row (each row is flushed to a temporary
file when the next begins). A style is a `Style` (XlsxWriter format properties); a cell's
format is made once per book for each distinct combination of styles. The data rows of
lists (`write_table`, `write_rows`) are written as sheet XML by list_rows.py, and spliced
into XlsxWriter's file when the book is closed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

import xlsxwriter

from scheduler.exports.list_rows import ListRows, excel_serial, number_cell, splice_lists, text_cell

DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "hh:mm"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0.0%"

# Spreadsheet programs read text starting with these as a formula when it is typed in or
# imported (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@")

# Control characters an .xlsx file cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

Style = tuple[tuple[str, object], ...]


def style(**properties: object) -> Style:
    """XlsxWriter format properties as a hashable value (formats are cached by it)."""
    return tuple(sorted(properties.items()))


HEADER = style(
    bold=True, font_color="#FFFFFF", font_size=11, pattern=1, bg_color="#1F4E78", valign="vcenter"
)
TITLE_FONT = style(bold=True, font_size=16)
SUBTITLE_FONT = style(bold=True, font_size=12)
BOLD = style(bold=True)
MUTED_FONT = style(italic=True, font_color="#808080")
BAND_FILL = style(pattern=1, bg_color="#DDEBF7")
GREY_FILL = style(pattern=1, bg_color="#D9D9D9")
WRAP_TOP = style(text_wrap=True, valign="top")
ROOM_EDGE = style(left=1, left_color="#A6A6A6")  # a thin grey line left of the cell

MIN_WIDTH = 6
MAX_WIDTH = 50
A4, A3 = 9, 8  # XlsxWriter's paper codes

Row = Sequence[object]


class Formatted(NamedTuple):
    """A value written with its own number format (e.g. a ratio as a percentage)."""

    value: object
    number_format: str


def clean_text(value: str) -> str:
    """Drop control characters that would make the .xlsx file unreadable."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def shown_width(value: object) -> int:
    """Characters a value takes on screen, for column widths."""
    if value is None:
        return 0
    if isinstance(value, Formatted):
        value = value.value
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


class Book:
    """One .xlsx file being written; `close` writes it."""

    def __init__(
        self,
        path: str | Path,
        title: str,
        *,
        constant_memory: bool = False,
        temp_dir: str | Path | None = None,
    ) -> None:
        options: dict[str, object] = {"constant_memory": constant_memory}
        if constant_memory:
            # Rows wait in temporary files until `close`: beside the output, so that a
            # stop (which removes the half-written folder) leaves none behind.
            options["tmpdir"] = str(temp_dir) if temp_dir is not None else None
        else:
            options["in_memory"] = True
        self.wb = xlsxwriter.Workbook(str(path), options)
        self.wb.set_properties({"author": "sigmeet", "title": title})
        self._formats: dict[tuple, object] = {}
        self.path, self.temp_dir = Path(path), temp_dir
        self._sheets = 0
        self._lists: dict[str, ListRows] = {}  # sheet part -> its rows, spliced in at close

    def format(self, *styles: Style, number_format: str | None = None, quote: bool = False):
        """The cell format of `styles` (later ones win), a number format and Excel's quote
        prefix; None when there is nothing to format."""
        key = (styles, number_format, quote)
        try:
            return self._formats[key]
        except KeyError:
            pass
        properties: dict[str, object] = {}
        for s in styles:
            properties.update(s)
        if number_format:
            properties["num_format"] = number_format
        if quote:
            properties["quote_prefix"] = True
        fmt = self._formats[key] = self.wb.add_format(properties) if properties else None
        return fmt

    def sheet(self, name: str) -> Sheet:
        ws = self.wb.add_worksheet(name)
        # The margins openpyxl wrote (XlsxWriter's own are Excel's narrower defaults).
        ws.set_margins(left=0.75, right=0.75, top=1, bottom=1)
        ws.set_header("", {"margin": 0.5})
        ws.set_footer("", {"margin": 0.5})
        self._sheets += 1
        return Sheet(self, ws, f"xl/worksheets/sheet{self._sheets}.xml")

    def list_rows(self, sheet: Sheet, columns: int) -> ListRows:
        """The data rows of `sheet`, a list of `columns` columns below its header row."""
        rows = self._lists[sheet.part] = ListRows(sheet, columns, self.temp_dir)
        return rows

    def close(self) -> None:
        try:
            for rows in self._lists.values():
                rows.probe()
            self.wb.close()
            if self._lists:
                splice_lists(self.path, self._lists)
        finally:
            for rows in self._lists.values():
                rows.close()


class Sheet:
    """A worksheet of a `Book`, addressed as the spreadsheet shows it (row 1, column 1 = A1)."""

    def __init__(self, book: Book, ws, part: str) -> None:
        self.book, self.ws, self.part = book, ws, part  # part: its file in the package

    def put(self, row: int, column: int, value: object, *styles: Style, quote: bool = True):
        """Write one value: strings as plain text (formula-like ones with Excel's quote
        prefix unless `quote` is false), dates and times as real Excel cells with their
        number format. An empty value with `styles` leaves a styled blank cell."""
        r, c, fmt = row - 1, column - 1, self.book.format
        if isinstance(value, Formatted):
            value, number_format = value
            self.ws.write(r, c, value, fmt(*styles, number_format=number_format))
        elif isinstance(value, str):
            value = clean_text(value)
            if not value:
                if styles:
                    self.ws.write_blank(r, c, None, fmt(*styles))
                return
            q = quote and value.startswith(FORMULA_PREFIXES)
            self.ws.write_string(r, c, value, fmt(*styles, quote=q))
        elif value is None:
            if styles:
                self.ws.write_blank(r, c, None, fmt(*styles))
        elif isinstance(value, bool):
            self.ws.write_boolean(r, c, value, fmt(*styles))
        elif isinstance(value, int | float):
            self.ws.write_number(r, c, value, fmt(*styles))
        elif isinstance(value, dt.datetime):
            self.ws.write_datetime(r, c, value, fmt(*styles, number_format=DATETIME_FORMAT))
        elif isinstance(value, dt.date):
            self.ws.write_datetime(r, c, value, fmt(*styles, number_format=DATE_FORMAT))
        elif isinstance(value, dt.time):
            self.ws.write_datetime(r, c, value, fmt(*styles, number_format=TIME_FORMAT))
        else:
            raise TypeError(f"cannot write a {type(value).__name__} to a cell")

    def put_row(
        self, row: int, values: Row, *styles: Style, first_column: int = 1, quote: bool = True
    ) -> None:
        """`put` each value of a row; empty values are skipped (styled blanks if `styles`)."""
        for offset, value in enumerate(values):
            self.put(row, first_column + offset, value, *styles, quote=quote)

    def blank(self, row: int, column: int, *styles: Style) -> None:
        self.ws.write_blank(row - 1, column - 1, None, self.book.format(*styles))

    def merge(self, row: int, first_column: int, last_column: int, text: str, *styles: Style):
        self.ws.merge_range(
            row - 1,
            first_column - 1,
            row - 1,
            last_column - 1,
            clean_text(text),
            self.book.format(*styles),
        )

    def set_width(self, column: int, width: float) -> None:
        """Column `column`'s width in characters, stored as given (7 pixels a character is
        XlsxWriter's own measure, so <col width> is exactly `width`)."""
        self.ws.set_column_pixels(column - 1, column - 1, round(7 * width))

    def set_widths(self, widths: Sequence[int], first_column: int = 1) -> None:
        """Widths fitted to content: two characters of padding, within MIN_WIDTH..MAX_WIDTH."""
        for offset, width in enumerate(widths):
            self.set_width(first_column + offset, max(MIN_WIDTH, min(MAX_WIDTH, width + 2)))

    def set_height(self, row: int, height: float) -> None:
        self.ws.set_row(row - 1, height)

    def freeze(self, rows: int, columns: int = 0) -> None:
        """Freeze the first `rows` rows and `columns` columns."""
        self.ws.freeze_panes(rows, columns)

    def print_setup(
        self,
        *,
        landscape: bool,
        paper: int = A4,
        pages_wide: int = 1,
        pages_high: int = 0,
        title_rows: int = 0,
        title_columns: int = 0,
    ) -> None:
        """Paper, orientation, fit to `pages_wide` x `pages_high` (0: as many as needed),
        rows and columns repeated on every page."""
        ws = self.ws
        ws.set_landscape() if landscape else ws.set_portrait()
        ws.set_paper(paper)
        ws.fit_to_pages(pages_wide, pages_high)
        if title_rows:
            ws.repeat_rows(0, title_rows - 1)
        if title_columns:
            ws.repeat_columns(0, title_columns - 1)


def landscape_fit_width(sheet: Sheet, paper: int = A4, pages_wide: int = 1, **titles: int) -> None:
    """Print `pages_wide` pages across on landscape paper, as many pages down as needed."""
    sheet.print_setup(landscape=True, paper=paper, pages_wide=pages_wide, **titles)


def write_table(
    sheet: Sheet, headers: Sequence[str], rows: Iterable[Row], *, quote: bool = True
) -> int:
    """Write a header and rows, from the top of an empty sheet, as a filterable list;
    return the number of data rows.

    The header is styled and frozen, the list gets an auto-filter, each column is as wide
    as its longest value (within bounds), and it prints landscape across one page width.
    Strings are cleaned and kept text; "" and None leave the cell empty.
    """
    ws, book = sheet.ws, sheet.book
    header = book.format(HEADER)
    for c, name in enumerate(headers):
        ws.write_string(0, c, name, header)
    out = write_rows(sheet, len(headers), rows, quote=quote)
    widths = [max(len(h), w) for h, w in zip(headers, out.widths, strict=True)]
    sheet.freeze(1)
    ws.autofilter(0, 0, out.rows, len(headers) - 1)
    sheet.set_widths(widths)
    landscape_fit_width(sheet, title_rows=1)
    return out.rows


def write_rows(sheet: Sheet, columns: int, rows: Iterable[Row], *, quote: bool) -> ListRows:
    """Write `rows` below a header row (the hot loop of a large workbook: list_rows.py):
    strings cleaned and kept text (formula-like ones with Excel's quote prefix if `quote`),
    dates and times as Excel cells with their number format, "" and None as no cell.
    The result knows how many rows were written and each column's widest value."""
    out = sheet.book.list_rows(sheet, columns)
    widths, ref = out.widths, out.ref
    quoted = out.style(quote=True) if quote else ""
    styles = {
        dt.date: out.style(DATE_FORMAT),
        dt.time: out.style(TIME_FORMAT),
        dt.datetime: out.style(DATETIME_FORMAT),
    }
    for values in rows:
        cells = []
        for c, value in enumerate(values):
            kind = type(value)
            if kind is str:
                if ILLEGAL_CHARACTERS_RE.search(value):
                    value = clean_text(value)
                if not value:
                    continue
                style = quoted if quoted and value.startswith(FORMULA_PREFIXES) else ""
                cells.append(text_cell(ref(c), value, style))
                width = (
                    max(len(line) for line in value.split("\n")) if "\n" in value else len(value)
                )
            elif value is None:
                continue
            elif kind is int or kind is float:
                cells.append(number_cell(ref(c), value))
                width = shown_width(value)
            elif kind in styles:
                cells.append(number_cell(ref(c), excel_serial(value), styles[kind]))
                width = shown_width(value)
            elif kind is bool:
                cells.append(f'<c r="{ref(c)}" t="b"><v>{int(value)}</v></c>')
                width = shown_width(value)
            elif kind is Formatted and isinstance(value.value, int | float):
                number, number_format = value
                cells.append(number_cell(ref(c), number, out.style(number_format)))
                width = shown_width(value)
            else:
                raise TypeError(f"cannot write a {kind.__name__} to a list cell")
            if width > widths[c]:
                widths[c] = width
        out.add(cells)
    return out
