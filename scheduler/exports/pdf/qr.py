"""A QR code drawn as vector squares (reportlab's own encoder: no image library needed)."""

from __future__ import annotations

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.pdfgen.canvas import Canvas


def draw_qr(c: Canvas, url: str, x: float, y: float, size: float) -> None:
    """The QR code of `url` as a `size`-point square with its lower left corner at (x, y)."""
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    w, h = x1 - x0, y1 - y0
    drawing = Drawing(
        size, size, transform=[size / w, 0, 0, size / h, -x0 * size / w, -y0 * size / h]
    )
    drawing.add(widget)
    renderPDF.draw(drawing, c, x, y)
