"""Size limits for every file the build reads, so no submitted file can take it down.

Each limit is far above what a real program needs; a larger file is refused before it is
read. The numbers are part of the file contract (docs/REFERENCE.md, "Limits").
"""

from __future__ import annotations

import math
from pathlib import Path

MB = 1_000_000

MAX_SOURCE_BYTES = 1 * MB  # partners.yaml, each campaign and page file
MAX_TOKENS_BYTES = 1 * MB  # a design tokens file
MAX_SVG_BYTES = 1 * MB  # an SVG logo or image
MAX_RASTER_BYTES = 10 * MB  # a PNG, JPEG or WebP logo or image
MAX_LOGO_PIXELS = 4096 * 4096  # a logo is shown a few hundred pixels wide
MAX_IMAGE_PIXELS = 40_000_000  # an image in campaign copy
MAX_YAML_VALUES = 100_000  # values a YAML file may expand to (stops alias bombs)
MAX_DEPTH = 64  # nesting of YAML, JSON and SVG


def format_size(size: int) -> str:
    """Return a byte count as people read it, rounded up: '1.4 MB', '800 kB', '12 bytes'."""
    if size >= MB:
        return f"{math.ceil(size / MB * 10) / 10:.1f}".removesuffix(".0") + " MB"
    if size >= 1000:
        return f"{math.ceil(size / 1000)} kB"
    return f"{size} bytes"


def size_problem(path: Path, limit: int) -> str | None:
    """Return 'the file is too large (...)' when path holds more than limit bytes, else None."""
    size = path.stat().st_size
    if size <= limit:
        return None
    return f"the file is too large ({format_size(size)}; at most {format_size(limit)})"
