"""Checks that an image file really holds an image of the kind its name says."""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from PIL import Image, UnidentifiedImageError

MAX_PIXELS = 40_000_000  # a logo never needs more; larger files are refused, not decoded
RASTER_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}


def image_problem(path: Path) -> str | None:
    """Return what is wrong with the image file at path, or None when it is usable."""
    suffix = path.suffix.lower()
    if suffix == ".svg":
        return _svg_problem(path.read_bytes())
    expected = RASTER_FORMATS.get(suffix)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.format != expected:
                    return f"the file holds a {image.format} image, not {expected}"
                width, height = image.size
                if width * height > MAX_PIXELS:
                    return f"the image is too large ({width}x{height} pixels)"
                image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return "the file is not a readable image"
    except (OSError, SyntaxError, ValueError) as error:
        return f"the image is damaged ({error})"
    return None


def _svg_problem(data: bytes) -> str | None:
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        return "SVG files with a DOCTYPE or entities are not accepted"
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        return f"the file is not valid SVG ({error})"
    if root.tag not in ("{http://www.w3.org/2000/svg}svg", "svg"):
        return "the file is not an SVG image (its root element is not <svg>)"
    return None
