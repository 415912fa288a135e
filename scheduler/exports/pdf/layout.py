"""Drawing helpers shared by the agenda pages and the table signs: A4, margins, colours, text
cut to a width, a table of rows scaled so that it fits on one page, time ranges, and the
reproducible canvas every document is drawn on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

PAGE_W, PAGE_H = A4
MARGIN = 42.0  # points (about 15 mm)
INK = HexColor("#1b1f24")
MUTED = HexColor("#6a737d")
RULE = HexColor("#c9d1d9")
SHADE = HexColor("#f2f4f7")
ACCENT = HexColor("#1f5f8b")
WHITE = HexColor("#ffffff")
ELLIPSIS = "…"


def fit(text: str, font: str, size: float, width: float) -> str:
    """`text` cut (with an ellipsis) so that it is at most `width` points wide."""
    if stringWidth(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        mid = (low + high + 1) // 2
        if stringWidth(text[:mid].rstrip() + ELLIPSIS, font, size) <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + ELLIPSIS


class PageCanvas(Canvas):
    """A canvas that sets all of a page's text in one PDF text object, drawn over the
    page's shapes when the page ends, with font and colour set only when they change.

    `drawString` made a text object for every string (BT, font, origin, text, ET) and the
    canvas's font and colour operators around it: about half of a page's drawing time, paid
    twice per attendee (their PDF and agendas.pdf). The page looks the same: text was always
    drawn over the shapes beneath it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._page_text = None
        self._text_style: tuple = ()

    def put_text(self, x: float, y: float, text: str, font: str, size: float, color: Color):
        t = self._page_text
        if t is None:
            t = self._page_text = self.beginText()
            self._text_style = ()
        font_now, color_now = self._text_style or (None, None)
        if font_now != (font, size):
            t.setFont(font, size)
        if color_now is not color:
            t.setFillColor(color)
        self._text_style = ((font, size), color)
        t.setTextOrigin(x, y)
        t.textOut(text)

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        if self._page_text is not None:
            self.drawText(self._page_text)
            self._page_text = None
        super().showPage()

    def save(self) -> None:
        if self._page_text is not None:
            self.showPage()
        super().save()


def draw_text(
    c: PageCanvas,
    x: float,
    y: float,
    text: str,
    font: str,
    size: float,
    width: float | None = None,
    color: Color = INK,
) -> None:
    c.put_text(x, y, fit(text, font, size, width) if width is not None else text, font, size, color)


def wrap(text: str, font: str, size: float, width: float, lines: int = 2) -> list[str]:
    """`text` broken at spaces into at most `lines` lines of `width` points (the last cut)."""
    words, out, line = text.split(), [], ""
    for word in words:
        trial = f"{line} {word}".strip()
        if stringWidth(trial, font, size) <= width or not line:
            line = trial
        else:
            out.append(line)
            line = word
    out.append(line)
    if len(out) > lines:
        out = [*out[: lines - 1], " ".join(out[lines - 1 :])]
    return [fit(x, font, size, width) for x in out]


@dataclass(frozen=True)
class Cell:
    text: str
    bold: bool = False
    muted: bool = False


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    heading: bool = False  # a day heading across the whole width
    muted: bool = False


@dataclass(frozen=True)
class Sizes:
    row: float
    font: float


def sizes_for(rows: int, height: float, *, row: float = 17.0, smallest: float = 8.0) -> Sizes:
    """Row height and font size so `rows` rows fit in `height` points (never below `smallest`)."""
    if rows <= 0:
        return Sizes(row, row * 0.58)
    h = max(smallest, min(row, height / rows))
    return Sizes(h, round(h * 0.58, 1))


def draw_table(
    c: PageCanvas,
    top: float,
    widths: Sequence[float],
    header: Sequence[str],
    rows: Sequence[Row],
    fonts: tuple[str, str],
    bottom: float = MARGIN + 18,
    row_height: float = 17.0,
) -> float:
    """Draw a header and `rows` from `top` down, scaled to end above `bottom`; return the y
    below the last row. Rows that still do not fit at the smallest size are left out, with
    a last line saying how many."""
    regular, bold = fonts
    x0 = MARGIN
    full = sum(widths)
    s = sizes_for(len(rows) + 1, top - bottom, row=row_height)
    y = top
    c.setFillColor(ACCENT)
    c.rect(x0, y - s.row, full, s.row, stroke=0, fill=1)
    x = x0
    for title, w in zip(header, widths, strict=True):
        draw_text(c, x + 4, y - s.row + s.row * 0.3, title, bold, s.font, w - 8, WHITE)
        x += w
    y -= s.row
    room = int((y - bottom) // s.row)
    shown = rows if len(rows) <= room else rows[: max(0, room - 1)]
    for i, row in enumerate(shown):
        base = y - s.row + s.row * 0.3
        if row.heading:
            draw_text(c, x0 + 4, base, row.cells[0].text, bold, s.font, full - 8, ACCENT)
            c.setStrokeColor(RULE)
            c.setLineWidth(0.6)
            c.line(x0, y - s.row, x0 + full, y - s.row)
        else:
            if i % 2:
                c.setFillColor(SHADE)
                c.rect(x0, y - s.row, full, s.row, stroke=0, fill=1)
            x = x0
            for cell, w in zip(row.cells, widths, strict=False):
                color = MUTED if (cell.muted or row.muted) else INK
                font = bold if cell.bold else regular
                draw_text(c, x + 4, base, cell.text, font, s.font, w - 8, color)
                x += w
        y -= s.row
    if len(shown) < len(rows):
        left = len(rows) - len(shown)
        draw_text(
            c, x0 + 4, y - s.row * 0.7, f"… and {left} more lines", regular, s.font, None, MUTED
        )
        y -= s.row
    return y


def time_range(start: dt.datetime, end: dt.datetime) -> str:
    return f"{start:%H:%M}–{end:%H:%M}"


def new_canvas(path: Path, title: str) -> PageCanvas:
    # invariant: no creation time or random id in the file, so an unchanged agenda is
    # written byte for byte the same (and agendas.zip changes only with content).
    c = PageCanvas(str(path), pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setAuthor("sigmeet")
    c.setCreator("sigmeet")
    return c
