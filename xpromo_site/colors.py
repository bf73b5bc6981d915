"""Pure colour arithmetic: WCAG relative luminance and contrast ratios."""

from __future__ import annotations


def hex_to_rgb(color: str) -> tuple[int, int, int]:
    """Return the 0-255 channels of '#RGB' or '#RRGGBB'."""
    digits = color.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(color: str) -> float:
    """Return the WCAG 2.x relative luminance of a hex colour, from 0 (black) to 1 (white)."""
    red, green, blue = (_linear(c) for c in hex_to_rgb(color))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """Return the WCAG contrast ratio of two hex colours, from 1.0 to 21.0 (not rounded)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def is_dark(color: str) -> bool:
    """True when white text reads better on color than black text does."""
    return contrast_ratio(color, "#FFFFFF") > contrast_ratio(color, "#000000")
