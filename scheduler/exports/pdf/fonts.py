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
from reportlab.pdfbase.ttfonts import TTFError, TTFont

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


class ReusedSubsetFont(TTFont):
    """A TrueType font whose PDF objects for each distinct subset are made once per process.

    Every PDF embeds its own subset of the font: reportlab rebuilt, serialised and deflated
    it for each file (the font program, its widths and its ToUnicode map: ~2.5 ms a font,
    half a one-page agenda's time), yet most agendas hold the same letters in the same
    order (ASCII is always in subset 0, other letters follow in the order they first
    appear), so their subsets are byte for byte the same. This is reportlab's
    `TTFont.addObjects` with those parts reused; the PDF is the same as reportlab's own
    (tests/exports/test_pdf.py compares them)."""

    def addObjects(self, doc):  # noqa: N802 - reportlab's name
        if not doc.compression:
            return super().addObjects(doc)
        state = self._assignState(doc)
        state.frozen = 1
        fonts = doc.idToObject["BasicFonts"].dict
        for n, subset in enumerate(state.subsets):
            internal = self.getSubsetInternalName(n, doc)[1:]
            parts = self._parts(n, tuple(subset))
            font = pdfdoc.PDFTrueTypeFont()
            font.__Comment__ = f"Font {self.fontName} subset {n}"
            font.Name = internal
            font.BaseFont = parts.base_name
            font.FirstChar = 0
            font.LastChar = len(subset) - 1
            font.Widths = parts.widths
            cmap = _deflated(parts.cmap)
            font.ToUnicode = doc.Reference(cmap, "toUnicodeCMap:" + parts.base_name)
            program = _deflated(parts.program)
            program.dictionary["Length1"] = parts.program_length
            font.FontDescriptor = self._descriptor(doc, parts.base_name, program)
            doc.Reference(font, internal)
            fonts[internal] = font
        del self.state[doc]

    @lru_cache(maxsize=64)  # noqa: B019 - fonts live as long as the process
    def _parts(self, n: int, subset: tuple[int, ...]) -> SubsetParts:
        face = self.face
        name = b"".join((ttfonts.SUBSETN(n), b"+", face.name, face.subfontNameX)).decode("pdfdoc")
        program = face.makeSubset(subset)
        return SubsetParts(
            base_name=name,
            widths=Formatted(pdfdoc.PDFArray(map(face.getCharWidth, subset)).format(None)),
            cmap=zlib.compress(ttfonts.makeToUnicodeCMap(name, subset).encode("utf8")),
            program=zlib.compress(program),
            program_length=len(program),
        )

    def _descriptor(self, doc, name: str, program: pdfdoc.PDFStream):
        """The FontDescriptor of reportlab's `TTFontFace.addSubsetObjects`."""
        face = self.face
        program_ref = doc.Reference(program, f"fontFile:{face.filename}({name})")
        descriptor = pdfdoc.PDFDictionary(
            {
                "Type": "/FontDescriptor",
                "Ascent": face.ascent,
                "CapHeight": face.capHeight,
                "Descent": face.descent,
                "Flags": (face.flags & ~ttfonts.FF_NONSYMBOLIC) | ttfonts.FF_SYMBOLIC,
                "FontBBox": pdfdoc.PDFArray(face.bbox),
                "FontName": pdfdoc.PDFName(name),
                "ItalicAngle": face.italicAngle,
                "StemV": face.stemV,
                "FontFile2": program_ref,
                "MissingWidth": face.defaultWidth,
            }
        )
        return doc.Reference(descriptor, "fontDescriptor:" + name)


@dataclass(frozen=True)
class SubsetParts:
    """What a subset's PDF objects hold, ready to write."""

    base_name: str  # e.g. AAAAAA+DejaVuSans
    widths: Formatted
    cmap: bytes  # deflated ToUnicode CMap
    program: bytes  # deflated subset font
    program_length: int


class Formatted(pdfdoc.PDFObject):
    """A PDF value serialised once (a subset's widths are the same in every file)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document) -> bytes:
        return self.data


def _deflated(data: bytes) -> pdfdoc.PDFStream:
    """A stream of already deflated bytes (the Filter entry keeps reportlab from deflating
    them again)."""
    stream = pdfdoc.PDFStream(content=data)
    stream.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
    return stream


@cache
def register_fonts() -> tuple[str, str]:
    """Register the fonts with reportlab (once per process); their names (regular, bold).

    Raises `FontMissing` with what to install when there is no usable font.
    """
    files = find_font_files()
    if files is None:
        raise FontMissing(f"No Unicode font for the PDFs was found: {INSTALL_HINT}.")
    try:
        pdfmetrics.registerFont(ReusedSubsetFont(REGULAR, str(files.regular)))
        pdfmetrics.registerFont(ReusedSubsetFont(BOLD, str(files.bold)))
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
