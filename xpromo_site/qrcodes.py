"""QR codes of tracked links, as SVG (for print) and PNG (for slides and documents), with segno."""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno

from .colors import contrast_ratio

PNG_SCALE = 10  # pixels per module: about 4 cm wide at 300 dpi for a typical link
SVG_SCALE = 8
BORDER = 4  # the quiet zone the QR standard asks for, in modules
ERROR_LEVEL = "m"  # at least: survives about 15% damage (segno raises it when free)
MIN_DARK_CONTRAST = 7.0  # a brand's text colour is used only when it scans like black


@dataclass(frozen=True, slots=True)
class QrCode:
    """One QR code: what it encodes and its two files."""

    url: str
    svg: bytes
    png: bytes
    size: int  # width and height of the PNG in pixels


def dark_color(text_color: str) -> str:
    """Return the colour to draw modules in: the brand's text colour when it is dark enough."""
    return text_color if contrast_ratio(text_color, "#FFFFFF") >= MIN_DARK_CONTRAST else "#000000"


def make_qr(url: str, text_color: str = "#000000", title: str | None = None) -> QrCode:
    """Return the QR code of url, dark modules in text_color (or black) on white.

    The output is deterministic: the same url and colour give the same bytes.
    """
    code = segno.make(url, error=ERROR_LEVEL, micro=False)
    dark = dark_color(text_color)
    svg = io.BytesIO()
    code.save(
        svg,
        kind="svg",
        scale=SVG_SCALE,
        border=BORDER,
        dark=dark,
        light="#FFFFFF",
        xmldecl=False,
        svgclass=None,
        lineclass=None,
        title=title,
    )
    png = io.BytesIO()
    code.save(png, kind="png", scale=PNG_SCALE, border=BORDER, dark=dark, light="#FFFFFF")
    size = code.symbol_size(scale=PNG_SCALE, border=BORDER)[0]
    return QrCode(url, svg.getvalue() + b"\n", png.getvalue(), size)
