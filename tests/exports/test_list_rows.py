"""List sheets' rows are written as sheet XML by scheduler/exports/list_rows.py and spliced
into XlsxWriter's package: a reader must see exactly what XlsxWriter's own cell writing
gives, for awkward text, every value type and formats XlsxWriter numbers itself."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

import pytest
import xlsxwriter
from openpyxl import load_workbook

from scheduler.exports.excel_style import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    FORMULA_PREFIXES,
    HEADER,
    TIME_FORMAT,
    Book,
    Formatted,
    clean_text,
    write_table,
)
from scheduler.exports.list_rows import excel_serial

AWKWARD = [
    "plain",
    '=HYPERLINK("http://evil", "x")',
    "+31 6 1234",
    "-Acme-",
    "@home",
    "Ärzte & Söhne <GmbH>",
    "R&D",
    "  leading and trailing  ",
    "two\nlines",
    "tab\there",
    "literal _x0041_ escape",
    "carriage\rreturn",
    "bell\x07gone",
    "non\ufffecharacter",
    "日本語 · ελληνικά",
    "",
]
HEADERS = ("text", "number", "date", "time", "datetime", "share", "flag", "none")


def _rows():
    for i, text in enumerate(AWKWARD):
        yield (
            text,
            i * 1.25 if i % 2 else i,
            dt.date(2026, 3, 1 + i),
            dt.time(9, 3 * i),
            dt.datetime(2026, 3, 1 + i, 8, 30, 15),
            Formatted(i / 7, "0.0%"),
            i % 3 == 0,
            None,
        )
    yield (None,) * len(HEADERS)  # an empty row in the middle, then one more
    yield ("last", 1, None, None, None, None, None, None)


def _xlsxwriter_reference(path):
    """The same list through XlsxWriter's own write calls, in constant-memory mode."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("List")
    header = wb.add_format(dict(kv for kv in HEADER))
    formats = {
        dt.date: wb.add_format({"num_format": DATE_FORMAT}),
        dt.time: wb.add_format({"num_format": TIME_FORMAT}),
        dt.datetime: wb.add_format({"num_format": DATETIME_FORMAT}),
    }
    quoted = wb.add_format({"quote_prefix": True})
    percent = wb.add_format({"num_format": "0.0%"})
    for c, name in enumerate(HEADERS):
        ws.write_string(0, c, name, header)
    for r, values in enumerate(_rows(), start=1):
        for c, value in enumerate(values):
            if isinstance(value, str):
                value = clean_text(value)
                if value:
                    ws.write_string(
                        r, c, value, quoted if value.startswith(FORMULA_PREFIXES) else None
                    )
            elif isinstance(value, Formatted):
                ws.write_number(r, c, value.value, percent)
            elif isinstance(value, bool):
                ws.write_boolean(r, c, value)
            elif isinstance(value, dt.date | dt.time):
                ws.write_datetime(r, c, value, formats[type(value)])
            elif value is not None:
                ws.write_number(r, c, value)
    wb.close()


def _cell_xml(path, part):
    """Each cell's XML as written, style index left out (the books number them apart)."""
    sheet = zipfile.ZipFile(path).read(part).decode()
    cells = re.findall(r'<c r="([A-Z]+\d+)"(.*?)(?:/>|</c>)', sheet)
    return {ref: re.sub(r' s="\d+"', "", xml) for ref, xml in cells}


def _cells(path):
    ws = load_workbook(path)["List"]
    return {
        c.coordinate: (c.value, c.data_type, c.number_format, bool(c.quotePrefix), c.font.b)
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    }, ws.max_row


def test_list_rows_read_back_as_xlsxwriter_writes_them(tmp_path):
    ours, theirs = tmp_path / "ours.xlsx", tmp_path / "theirs.xlsx"
    book = Book(ours, "list", constant_memory=True, temp_dir=tmp_path)
    book.sheet("Before").put(1, 1, "the list is not the first sheet: its part is sheet2.xml")
    assert write_table(book.sheet("List"), HEADERS, _rows()) == len(AWKWARD) + 2
    book.close()
    _xlsxwriter_reference(theirs)
    mine, reference = _cells(ours), _cells(theirs)
    assert mine == reference
    # Byte for byte too, as Excel reads it (xml:space="preserve" keeps edge spaces there).
    assert _cell_xml(ours, "xl/worksheets/sheet2.xml") == _cell_xml(
        theirs, "xl/worksheets/sheet1.xml"
    )
    assert mine[0][f"A{len(AWKWARD) + 3}"][0] == "last"
    # Nothing of the probe row or a placeholder is left, and no temporary file either.
    sheet = zipfile.ZipFile(ours).read("xl/worksheets/sheet2.xml").decode()
    assert "\x01" not in sheet and '<row r="2"><c r="A2" s=' not in sheet
    assert f'<dimension ref="A1:H{len(AWKWARD) + 3}"/>' in sheet
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ours.xlsx", "theirs.xlsx"]


def test_an_empty_list_keeps_its_header_only(tmp_path):
    path = tmp_path / "empty.xlsx"
    book = Book(path, "list", constant_memory=True, temp_dir=tmp_path)
    assert write_table(book.sheet("List"), HEADERS, []) == 0
    book.close()
    cells, rows = _cells(path)
    assert rows == 1 and set(cells) == {f"{c}1" for c in "ABCDEFGH"}


def test_a_value_no_list_cell_can_hold_is_refused(tmp_path):
    book = Book(tmp_path / "bad.xlsx", "list", constant_memory=True, temp_dir=tmp_path)
    with pytest.raises(TypeError, match="list cell"):
        write_table(book.sheet("List"), ("x",), [(object(),)])


@pytest.mark.parametrize(
    "value",
    [dt.date(1900, 2, 28), dt.date(1900, 3, 1), dt.date(2026, 12, 1), dt.time(23, 59, 59),
     dt.datetime(2026, 12, 1, 13, 45, 30, 500000), dt.datetime(1900, 3, 1, 6)],
)  # fmt: skip
def test_excel_serials_are_xlsxwriters(tmp_path, value):
    path = tmp_path / "serial.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet().write_datetime(0, 0, value, wb.add_format({"num_format": "yyyy"}))
    wb.close()
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert f"<v>{excel_serial(value):.16G}</v>" in sheet


def test_a_cell_written_below_a_list_is_refused_not_lost(tmp_path):
    book = Book(tmp_path / "below.xlsx", "list", constant_memory=True, temp_dir=tmp_path)
    sheet = book.sheet("List")
    write_table(sheet, ("x",), [("a",), ("b",)])
    sheet.put(5, 1, "a note under the list")
    with pytest.raises(ValueError, match="below the header"):
        book.close()
