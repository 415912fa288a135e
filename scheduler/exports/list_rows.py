"""The rows of long list sheets written as sheet XML here, then spliced into the workbook
XlsxWriter writes around them.

At 16,000 attendees the schedule workbook's lists (Meetings, Agendas, Unscheduled) hold
over two million cells. XlsxWriter's path for one cell (argument conversion, a row table,
attribute escaping) was two thirds of the workbook's time: ~45 s of CPU at BIO, in the
process that also waits for the agenda writers. Here a row is a few f-strings.

XlsxWriter still writes everything else: the header row, widths, frozen panes, filter,
print setup, styles. A cell is written as XlsxWriter's constant-memory mode writes it (an
inline string, or a number as `.16G`). Only a formatted cell's style index cannot be known
before XlsxWriter numbers its formats when the file is saved, so such a cell carries a
placeholder, each distinct format is written once through XlsxWriter in a probe row (row 2),
and when the file is closed the probe row is read back, dropped, and its indices put in
place of the placeholders as the rows are copied into the package.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from xlsxwriter.utility import xl_col_to_name

if TYPE_CHECKING:
    from scheduler.exports.excel_style import Sheet

EPOCH = dt.datetime(1899, 12, 31)  # Excel's 1900 date system, as XlsxWriter counts it
# A placeholder for the style index of format k: START k END (neither is XML-legal text,
# and cleaned cell text has none, so no cell value can contain one).
START, END = "\x01", "\x02"
ESCAPED = re.compile(r"(_x[0-9a-fA-F]{4}_)")  # a literal _xHHHH_ keeps its underscore
CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
EDGE_SPACE = re.compile(r"^\s|\s$")
# Text none of the above applies to (most names and places): written as it is.
PLAIN = re.compile(r"[\x00-\x1f&<>\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")
CHUNK = 1 << 20


@lru_cache(maxsize=4096)  # an event has a few dozen dates and times, each used often
def excel_serial(value: dt.date | dt.time) -> float:
    """The number Excel stores for a date, a time of day or a (naive) date and time in the
    1900 date system, computed as XlsxWriter's write_datetime does (its function is private)."""
    if isinstance(value, dt.time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return (seconds + value.microsecond / 1e6) / 86400
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:
        raise TypeError("Excel has no time zones: write the local time without its zone")
    delta = value - EPOCH
    serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
    return serial + 1 if serial > 59 else serial  # Excel counts a 29 February 1900


def excel_text(text: str) -> str:
    """Control characters and non-characters as Excel's _xHHHH_ escapes (and a literal
    _xHHHH_ escaped in turn), as XlsxWriter writes them."""
    text = ESCAPED.sub(r"_x005F\1", text)
    text = CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
    return text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")


def text_cell(ref: str, text: str, style: str = "") -> str:
    """An inline-string cell, as XlsxWriter's constant-memory mode writes one."""
    if PLAIN.search(text) is None:
        return f'<c r="{ref}"{style} t="inlineStr"><is><t>{text}</t></is></c>'
    text = excel_text(text)
    space = ' xml:space="preserve"' if EDGE_SPACE.search(text) else ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def number_cell(ref: str, value: float, style: str = "") -> str:
    return f'<c r="{ref}"{style}><v>{value:.16G}</v></c>'


class ListRows:
    """Rows 2, 3, ... of a list sheet whose header (row 1) XlsxWriter writes; the book's
    `close` splices them in. `widths` holds each column's widest value so far."""

    def __init__(self, sheet: Sheet, columns: int, temp_dir: str | Path | None) -> None:
        self.sheet = sheet
        self.names = [xl_col_to_name(c) for c in range(columns)]
        self.widths = [0] * columns
        self.rows = 0  # data rows added
        self.last_row = 1  # the last row with a cell (the header's: 1)
        self._styles: dict[tuple[str | None, bool], int] = {}  # (number format, quote) -> k
        self._file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="", dir=temp_dir)

    def style(self, number_format: str | None = None, quote: bool = False) -> str:
        """A cell's style attribute for the format, as a placeholder filled in at close."""
        k = self._styles.setdefault((number_format, quote), len(self._styles))
        return f' s="{START}{k}{END}"'

    def add(self, cells: Sequence[str]) -> None:
        """Add the next row: its cells' XML (`text_cell`, `number_cell`), in column order; no
        cells, no row."""
        self.rows += 1
        if cells:
            r = self.rows + 1
            self._file.write(f'<row r="{r}">{"".join(cells)}</row>')
            self.last_row = r

    def ref(self, column: int) -> str:
        return f"{self.names[column]}{self.rows + 2}"  # the row being built

    def probe(self) -> None:
        """Write each placeholder's format through XlsxWriter in row 2, column k."""
        ws, book = self.sheet.ws, self.sheet.book
        for (number_format, quote), k in self._styles.items():
            fmt = book.format(number_format=number_format, quote=quote)
            if number_format is None:
                ws.write_string(1, k, "x", fmt)
            else:
                ws.write_number(1, k, 0, fmt)

    def splice(self, sheet_xml: str, out) -> None:
        """Write `sheet_xml` (XlsxWriter's, with the header and probe rows) to the binary
        stream `out` with these rows in place of the probe row, placeholders filled in."""
        data = sheet_xml.index("<sheetData>") + len("<sheetData>")
        probe_at = sheet_xml.find('<row r="2"', data)
        end = sheet_xml.index("</sheetData>")
        probe = sheet_xml[probe_at:end] if probe_at >= 0 else ""
        # Below the header the rows are ours alone: a cell written there would be lost, and
        # its row would keep XlsxWriter from writing the probe row.
        written = set(re.findall(r'<row r="(\d+)"', sheet_xml[data:end]))
        if written - {"1", "2"} or (self._styles and "2" not in written):
            raise ValueError(f"{self.sheet.ws.name}: XlsxWriter wrote cells below the header")
        indices = dict(re.findall(r'<c r="([A-Z]+)2" s="(\d+)"', probe))
        filled = {}
        for k in self._styles.values():
            column = xl_col_to_name(k)
            filled[f' s="{START}{k}{END}"'] = f' s="{indices[column]}"' if column in indices else ""
        head = sheet_xml[: probe_at if probe_at >= 0 else end]
        last = self.names[-1] if self.names else "A"
        dimension = f'<dimension ref="A1:{last}{self.last_row}"/>'
        head = re.sub(r'<dimension ref="[^"]*"/>', dimension, head, count=1)
        out.write(head.encode())
        self._file.seek(0)
        carry = ""
        while chunk := self._file.read(CHUNK):
            chunk = carry + chunk
            cut = chunk.rfind(">") + 1  # a placeholder lies within one tag
            chunk, carry = chunk[:cut], chunk[cut:]
            for placeholder, attribute in filled.items():
                chunk = chunk.replace(placeholder, attribute)
            out.write(chunk.encode())
        out.write((carry + sheet_xml[end:]).encode())

    def close(self) -> None:
        self._file.close()


def splice_lists(path: Path, lists: dict[str, ListRows]) -> None:
    """Rewrite the workbook at `path` with each `lists` part (e.g. xl/worksheets/sheet2.xml)
    given its rows; every other part is copied as XlsxWriter wrote it."""
    spliced = path.with_name(path.name + ".rows")
    try:
        with zipfile.ZipFile(path) as zin, zipfile.ZipFile(spliced, "w") as zout:
            for info in zin.infolist():
                if info.filename in lists:
                    sheet_xml = zin.read(info).decode()  # before zout.open resets info's sizes
                    with zout.open(info, "w") as out:
                        lists[info.filename].splice(sheet_xml, out)
                else:
                    with zin.open(info) as src, zout.open(info, "w") as out:
                        shutil.copyfileobj(src, out)
        spliced.replace(path)
    finally:
        spliced.unlink(missing_ok=True)
