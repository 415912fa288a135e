"""One-sheet workbooks written from a package XlsxWriter made once per process.

Every personal agenda is the same workbook around different cells: the same styles, theme,
print setup, sheet settings and list of parts. XlsxWriter rebuilt all of that for each of
the 16,000 agendas of a BIO run, most of a file's ~6 ms. So XlsxWriter writes one template
(every cell format the agenda uses, once each; the agenda's page setup) and each agenda
reuses its parts, writing only its own: the cells, the column widths, the sheet's size, the
shared strings and the title. Cells and strings are written as XlsxWriter writes them.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

from scheduler.exports.excel_style import Book, Sheet, Style
from scheduler.exports.list_rows import CONTROL, EDGE_SPACE, ESCAPED

SHEET_PART = "xl/worksheets/sheet1.xml"
STRINGS_PART = "xl/sharedStrings.xml"
CORE_PART = "docProps/core.xml"
COLUMNS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
TITLE_MARK = "@@title@@"
STAMP_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # XlsxWriter's: the file changes only with its content


class Format(NamedTuple):
    """A cell format, as `Book.format` takes it."""

    styles: tuple[Style, ...] = ()
    number_format: str | None = None
    quote: bool = False


class Cell(NamedTuple):
    column: int  # 1-based, at most 26
    value: str | float  # text, or the number Excel stores (dates and times as serials)
    format: Format = Format()


@dataclass(frozen=True)
class Template:
    names: tuple[str, ...]  # every part, in XlsxWriter's order
    fixed: dict[str, bytes]  # the parts every workbook shares
    sheet_head: str  # the sheet up to <dimension>
    sheet_views: str  # from after <dimension> to <sheetData>
    sheet_tail: str  # after </sheetData>
    strings_head: str  # <sst ... up to its counts
    core: str  # core properties, TITLE_MARK for the title and {stamp} for the dates
    xf: dict[Format, int]  # cell format -> style index


SheetSetup = Callable[[Sheet], None]


@cache
def template(sheet_name: str, formats: tuple[Format, ...], setup: SheetSetup) -> Template:
    """The package of a one-sheet workbook using `formats`, its sheet set up by `setup`
    (print settings, margins): written by XlsxWriter once per process."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "template.xlsx"
        book = Book(path, TITLE_MARK)
        page = book.sheet(sheet_name)
        page.ws.write_string(0, 0, "x")  # a string, so that the package has shared strings
        for column, f in enumerate(formats, start=1):
            cell_format = book.format(*f.styles, number_format=f.number_format, quote=f.quote)
            page.ws.write_number(column, 0, 0, cell_format)
        setup(page)
        book.close()
        with zipfile.ZipFile(path) as zf:
            parts = {name: zf.read(name) for name in zf.namelist()}
    sheet = parts[SHEET_PART].decode()
    indices = dict(re.findall(r'<c r="A(\d+)" s="(\d+)"', sheet))
    xf = {f: int(indices.get(str(row), 0)) for row, f in enumerate(formats, start=2)}
    strings = parts[STRINGS_PART].decode()
    core = parts[CORE_PART].decode().replace("{", "{{").replace("}", "}}")
    dimension = sheet.index("<dimension")
    return Template(
        names=tuple(parts),
        fixed={k: v for k, v in parts.items() if k not in (SHEET_PART, STRINGS_PART, CORE_PART)},
        sheet_head=sheet[:dimension],
        sheet_views=sheet[sheet.index("/>", dimension) + 2 : sheet.index("<sheetData")],
        sheet_tail=sheet[sheet.index("</sheetData>") + len("</sheetData>") :],
        strings_head=strings[: strings.index(" count=")],
        core=STAMP_RE.sub("{stamp}", core),
        xf=xf,
    )


def write_workbook(
    path: Path,
    t: Template,
    title: str,
    rows: Iterable[tuple[int, Sequence[Cell]]],
    widths: Sequence[float],
) -> None:
    """Write the workbook of `t` with `rows` (1-based row number, its cells in column order),
    column widths in characters from column A, and `title` in its properties."""
    strings: dict[str, int] = {}
    used = 0
    data: list[str] = []
    last_row = last_column = 1
    for r, cells in rows:
        data.append(f'<row r="{r}">')
        for column, value, f in cells:
            s = t.xf[f] if f in t.xf else 0
            style = f' s="{s}"' if s else ""
            ref = f"{COLUMNS[column - 1]}{r}"
            if isinstance(value, str):
                index = strings.setdefault(value, len(strings))
                used += 1
                data.append(f'<c r="{ref}"{style} t="s"><v>{index}</v></c>')
            else:
                data.append(f'<c r="{ref}"{style}><v>{value:.16G}</v></c>')
            last_column = max(last_column, column)
        data.append("</row>")
        last_row = r
    sheet = "".join(
        (
            t.sheet_head,
            f'<dimension ref="A1:{COLUMNS[last_column - 1]}{last_row}"/>',
            t.sheet_views,
            _columns(widths),
            "<sheetData>",
            *data,
            "</sheetData>",
            t.sheet_tail,
        )
    )
    sst = "".join(
        (
            t.strings_head,
            f' count="{used}" uniqueCount="{len(strings)}">',
            *(_shared_string(s) for s in strings),
            "</sst>",
        )
    )
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    core = t.core.format(stamp=stamp).replace(TITLE_MARK, _escape(title))
    own = {SHEET_PART: sheet.encode(), STRINGS_PART: sst.encode(), CORE_PART: core.encode()}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in t.names:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, own[name] if name in own else t.fixed[name])


def _columns(widths: Sequence[float]) -> str:
    """<cols>, adjacent columns of equal width in one <col> as XlsxWriter writes them
    (a width is stored through 7-pixel characters, as `Sheet.set_width` sets it)."""
    if not widths:
        return ""
    out, first = [], 0
    for i in range(1, len(widths) + 1):
        if i == len(widths) or widths[i] != widths[first]:
            chars = (round(7 * widths[first]) * 256 // 7) / 256.0
            out.append(f'<col min="{first + 1}" max="{i}" width="{chars:.16g}" customWidth="1"/>')
            first = i
    return f"<cols>{''.join(out)}</cols>"


def _escape(text: str) -> str:
    """Text as XML character data, control characters as Excel's _xHHHH_ escapes."""
    text = ESCAPED.sub(r"_x005F\1", text)
    text = CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _shared_string(text: str) -> str:
    space = ' xml:space="preserve"' if EDGE_SPACE.search(text) else ""
    return f"<si><t{space}>{_escape(text)}</t></si>"
