"""The Unicode font the PDFs are set in, so Jürgen, Inès, Łukasz, Őrs and Çağla print right.

PDF's built-in fonts know only Western European letters, so a TrueType font is embedded
(as a subset: only the letters used). sigmeet ships no font file: it uses DejaVu Sans where
the system has it (Debian and Ubuntu: package `fonts-dejavu-core`; Fedora, Arch and macOS
paths are known too, and matplotlib's copy when it is installed), or Arial on Windows.
`SIGMEET_PDF_FONT` (and optionally `SIGMEET_PDF_FONT_BOLD`) names any other .ttf file.
"""

from __future__ import annotations

import importlib.util
import os
import zlib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFError, TTFont, TTFontFace

FONT_ENV = "SIGMEET_PDF_FONT"
BOLD_ENV = "SIGMEET_PDF_FONT_BOLD"
REGULAR, BOLD = "SigmeetSans", "SigmeetSans-Bold"

_DIRS = (
    "/usr/share/fonts/truetype/dejavu",  # Debian, Ubuntu
    "/usr/share/fonts/dejavu-sans-fonts",  # Fedora
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",  # Arch
    "/usr/local/share/fonts",
    "/opt/homebrew/share/fonts",
    "/Library/Fonts",
    str(Path.home() / "Library" / "Fonts"),
    "C:/Windows/Fonts",
)
_PAIRS = (("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"), ("arial.ttf", "arialbd.ttf"))
INSTALL_HINT = (
    "install DejaVu Sans (Debian/Ubuntu: apt-get install fonts-dejavu-core) "
    f"or set {FONT_ENV} to a .ttf file"
)


class FontMissing(Exception):
    """No Unicode TrueType font was found for the PDFs."""


@dataclass(frozen=True)
class FontFiles:
    regular: Path
    bold: Path


def find_font_files() -> FontFiles | None:
    """The regular and bold font files to use, or None when there are none."""
    chosen = os.environ.get(FONT_ENV, "").strip()
    if chosen:
        regular = Path(chosen)
        bold = Path(os.environ.get(BOLD_ENV, "").strip() or chosen)
        return FontFiles(regular, bold) if regular.is_file() and bold.is_file() else None
    for folder in (*_DIRS, *_matplotlib_fonts()):
        for regular, bold in _PAIRS:
            if (Path(folder) / regular).is_file():
                bold_path = Path(folder) / bold
                return FontFiles(
                    Path(folder) / regular,
                    bold_path if bold_path.is_file() else Path(folder) / regular,
                )
    return None


def _matplotlib_fonts() -> tuple[str, ...]:
    try:
        spec = importlib.util.find_spec("matplotlib")
    except (ImportError, ValueError):
        return ()
    if spec is None or not spec.submodule_search_locations:
        return ()
    return tuple(
        str(Path(p) / "mpl-data" / "fonts" / "ttf") for p in spec.submodule_search_locations
    )


class ReusedSubsetFace(TTFontFace):
    """A font face that makes and deflates each distinct subset once per process.

    Every PDF embeds its own subset of the font: reportlab rebuilt and deflated it for each
    file (~1.8 ms a font, 40 % of a one-page agenda's time), yet most agendas hold the same
    letters in the same order (ASCII is always in subset 0, accented letters follow in the
    order they first appear), so their subsets are byte for byte the same. The PDF written
    is the same as reportlab's own."""

    @lru_cache(maxsize=64)  # noqa: B019 - fonts live as long as the process
    def packed_subset(self, subset: tuple[int, ...]) -> tuple[int, bytes]:
        """The subset font's length and its deflated bytes."""
        raw = self.makeSubset(subset)
        return len(raw), zlib.compress(raw)

    def addSubsetObjects(self, doc, fontname, subset):  # noqa: N802 - reportlab's name
        if not doc.compression:
            return super().addSubsetObjects(doc, fontname, subset)
        length, packed = self.packed_subset(tuple(subset))
        font_file = pdfdoc.PDFStream(content=packed)
        font_file.dictionary["Length1"] = length
        # Already deflated: a Filter entry tells the stream not to deflate it again.
        font_file.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
        ref = doc.Reference(font_file, f"fontFile:{self.filename}({fontname})")
        return self._descriptor(doc, fontname, ref)

    def _descriptor(self, doc, fontname, font_file_ref):
        flags = (self.flags & ~ttfonts.FF_NONSYMBOLIC) | ttfonts.FF_SYMBOLIC
        descriptor = pdfdoc.PDFDictionary(
            {
                "Type": "/FontDescriptor",
                "Ascent": self.ascent,
                "CapHeight": self.capHeight,
                "Descent": self.descent,
                "Flags": flags,
                "FontBBox": pdfdoc.PDFArray(self.bbox),
                "FontName": pdfdoc.PDFName(fontname),
                "ItalicAngle": self.italicAngle,
                "StemV": self.stemV,
                "FontFile2": font_file_ref,
                "MissingWidth": self.defaultWidth,
            }
        )
        return doc.Reference(descriptor, "fontDescriptor:" + fontname)


def _font(name: str, path: Path) -> TTFont:
    font = TTFont(name, str(path))
    font.face.__class__ = ReusedSubsetFace  # the face reportlab loaded, with the cache
    return font


@cache
def register_fonts() -> tuple[str, str]:
    """Register the fonts with reportlab (once per process); their names (regular, bold).

    Raises `FontMissing` with what to install when there is no usable font.
    """
    files = find_font_files()
    if files is None:
        raise FontMissing(f"No Unicode font for the PDFs was found: {INSTALL_HINT}.")
    try:
        pdfmetrics.registerFont(_font(REGULAR, files.regular))
        pdfmetrics.registerFont(_font(BOLD, files.bold))
    except (TTFError, OSError) as exc:
        raise FontMissing(
            f"The PDF font {files.regular} cannot be used ({exc}): {INSTALL_HINT}."
        ) from exc
    return REGULAR, BOLD


def fonts_available() -> bool:
    try:
        register_fonts()
    except FontMissing:
        return False
    return True
