"""Printable PDFs: personal agenda pages, all agendas for the desk, table signs."""

from scheduler.exports.pdf.agenda import (
    AGENDAS_PDF,
    draw_agenda_page,
    name_order,
    write_agenda_pdf,
    write_agendas_pdf,
)
from scheduler.exports.pdf.fonts import FontMissing, fonts_available, register_fonts
from scheduler.exports.pdf.tables import TABLES_PDF, write_tables_pdf

__all__ = [
    "AGENDAS_PDF",
    "TABLES_PDF",
    "FontMissing",
    "draw_agenda_page",
    "fonts_available",
    "name_order",
    "register_fonts",
    "write_agenda_pdf",
    "write_agendas_pdf",
    "write_tables_pdf",
]
