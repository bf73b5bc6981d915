"""QR codes of tracked links, as SVG (for print) and PNG (for slides and documents), with segno.

A `QrRequest` (the link and the colour) has a `key` hashing every input, so made
codes can be kept between builds like share images: choosing the best mask
pattern takes segno tens of milliseconds per code.
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
from dataclasses import dataclass

import PIL
import segno
from PIL import Image

from .colors import contrast_ratio, hex_to_rgb
from .svg import sanitise_svg

PNG_SCALE = 10  # pixels per module: about 4 cm wide at 300 dpi for a typical link
SVG_SCALE = 8
BORDER = 4  # the quiet zone the QR standard asks for, in modules
ERROR_LEVEL = "m"  # at least: survives about 15% damage (segno raises it when free)
MIN_DARK_CONTRAST = 7.0  # a brand's text colour is used only when it scans like black
QR_VERSION = "3"  # raise it whenever the drawing changes: every cached code is made again


@dataclass(frozen=True, slots=True)
class QrCode:
    """One QR code: what it encodes and its two files."""

    url: str
    svg: bytes
    png: bytes

    @property
    def size(self) -> int:
        """Return the width (and height) of the PNG in pixels, from its header."""
        return int(struct.unpack(">I", self.png[16:20])[0])


@dataclass(frozen=True, slots=True)
class QrRequest:
    """A QR code to make: the link and the colour of its dark modules."""

    url: str
    dark: str

    @property
    def key(self) -> str:
        """Return the hex digest of every input of the code's two files."""
        inputs: list[str | int] = [QR_VERSION, segno.__version__, PIL.__version__, self.url]
        inputs.append(self.dark)
        inputs += [ERROR_LEVEL, SVG_SCALE, PNG_SCALE, BORDER]
        return hashlib.sha256(json.dumps(inputs).encode()).hexdigest()


def dark_color(text_color: str) -> str:
    """Return the colour to draw modules in: the brand's text colour when it is dark enough."""
    return text_color if contrast_ratio(text_color, "#FFFFFF") >= MIN_DARK_CONTRAST else "#000000"


def qr_request(url: str, text_color: str = "#000000") -> QrRequest:
    """Return the request for url's code, dark modules in text_color (or black) on white."""
    return QrRequest(url, dark_color(text_color))


def make_qr(request: QrRequest) -> QrCode:
    """Return the QR code the request asks for.

    The output is deterministic: the same url and colour give the same bytes.
    """
    code = segno.make(request.url, error=ERROR_LEVEL, micro=False)
    svg = io.BytesIO()
    code.save(
        svg,
        kind="svg",
        scale=SVG_SCALE,
        border=BORDER,
        dark=request.dark,
        light="#FFFFFF",
        xmldecl=False,
        svgclass=None,
        lineclass=None,
        title=f"QR code: {request.url}",
    )
    # segno writes width and height but no viewBox; the sanitiser adds one from them and
    # writes the form every SVG the site publishes has (it removes nothing from segno's
    # output), so the code scales wherever it is placed without the viewer guessing
    return QrCode(request.url, sanitise_svg(svg.getvalue()).data, _png(code, request.dark))


def _png(code: segno.QRCode, dark: str) -> bytes:
    """Return the code as a two-colour PNG, encoded by Pillow like the share images.

    Pillow brings its own zlib, so the bytes do not depend on the machine's.
    """
    rows = [bytes(1 if module else 0 for module in row) for row in code.matrix_iter(border=BORDER)]
    width = len(rows[0])
    image = Image.frombytes("P", (width, len(rows)), b"".join(rows))
    image.putpalette([255, 255, 255, *hex_to_rgb(dark)])
    image = image.resize((width * PNG_SCALE, width * PNG_SCALE), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", bits=1, compress_level=9)
    return buffer.getvalue()
