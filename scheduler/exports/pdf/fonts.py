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
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
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


@cache
def register_fonts() -> tuple[str, str]:
    """Register the fonts with reportlab (once per process); their names (regular, bold).

    Raises `FontMissing` with what to install when there is no usable font.
    """
    files = find_font_files()
    if files is None:
        raise FontMissing(f"No Unicode font for the PDFs was found: {INSTALL_HINT}.")
    try:
        pdfmetrics.registerFont(TTFont(REGULAR, str(files.regular)))
        pdfmetrics.registerFont(TTFont(BOLD, str(files.bold)))
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
