"""Pure colour arithmetic: WCAG luminance and contrast, OKLCH, and the nearest passing shade.

Contrast ratios are exact (never rounded up): `floor_ratio` cuts them to two decimals
for messages, so a pair shown as 4.49:1 really fails 4.5:1. `nearest_passing` finds the
colour of the same hue that is closest in perceived lightness (OKLCH L, searched on a
grid of 0.001) and meets every contrast it must meet.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

LIGHTNESS_STEPS = 1000  # the OKLCH lightness grid nearest_passing searches


def hex_to_rgb(color: str) -> tuple[int, int, int]:
    """Return the 0-255 channels of '#RGB' or '#RRGGBB'."""
    digits = color.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def rgb_to_hex(red: int, green: int, blue: int) -> str:
    """Return '#RRGGBB' (upper case) for 0-255 channels."""
    return f"#{red:02X}{green:02X}{blue:02X}"


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def _encode(linear: float) -> int:
    """Return the 0-255 sRGB channel of a linear value, clamped to [0, 1]."""
    linear = min(1.0, max(0.0, linear))
    value = linear * 12.92 if linear <= 0.0031308 else 1.055 * linear ** (1 / 2.4) - 0.055
    return round(value * 255)


def relative_luminance(color: str) -> float:
    """Return the WCAG 2.x relative luminance of a hex colour, from 0 (black) to 1 (white)."""
    red, green, blue = (_linear(c) for c in hex_to_rgb(color))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """Return the WCAG contrast ratio of two hex colours, from 1.0 to 21.0 (not rounded)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def floor_ratio(ratio: float) -> float:
    """Return ratio cut (never rounded up) to two decimals: 4.4999 gives 4.49."""
    return math.floor(ratio * 100) / 100


def format_ratio(ratio: float) -> str:
    """Return the ratio as WCAG tools print it, cut to two decimals: '4.49:1'."""
    return f"{floor_ratio(ratio):.2f}:1"


# --- OKLab / OKLCH (Björn Ottosson's matrices) -------------------------------------------


def _linear_to_oklab(red: float, green: float, blue: float) -> tuple[float, float, float]:
    long = 0.4122214708 * red + 0.5363325363 * green + 0.0514459929 * blue
    medium = 0.2119034982 * red + 0.6806995451 * green + 0.1073969566 * blue
    short = 0.0883024619 * red + 0.2817188376 * green + 0.6299787005 * blue
    long, medium, short = (math.copysign(abs(v) ** (1 / 3), v) for v in (long, medium, short))
    return (
        0.2104542553 * long + 0.7936177850 * medium - 0.0040720468 * short,
        1.9779984951 * long - 2.4285922050 * medium + 0.4505937099 * short,
        0.0259040371 * long + 0.7827717662 * medium - 0.8086757660 * short,
    )


def _oklab_to_linear(lightness: float, a: float, b: float) -> tuple[float, float, float]:
    long = (lightness + 0.3963377774 * a + 0.2158037573 * b) ** 3
    medium = (lightness - 0.1055613458 * a - 0.0638541728 * b) ** 3
    short = (lightness - 0.0894841775 * a - 1.2914855480 * b) ** 3
    return (
        4.0767416621 * long - 3.3077115913 * medium + 0.2309699292 * short,
        -1.2684380046 * long + 2.6097574011 * medium - 0.3413193965 * short,
        -0.0041960863 * long - 0.7034186147 * medium + 1.7076147010 * short,
    )


def to_oklch(color: str) -> tuple[float, float, float]:
    """Return OKLCH lightness (0-1), chroma (0-~0.37) and hue (degrees, 0-360) of a colour."""
    lightness, a, b = _linear_to_oklab(*(_linear(c) for c in hex_to_rgb(color)))
    return lightness, math.hypot(a, b), math.degrees(math.atan2(b, a)) % 360


def oklab_to_hex(lightness: float, a: float, b: float) -> str | None:
    """Return the sRGB hex of an OKLab colour, or None when it lies outside sRGB."""
    linear = _oklab_to_linear(lightness, a, b)
    if any(v < -0.0005 or v > 1.0005 for v in linear):
        return None
    return rgb_to_hex(*(_encode(v) for v in linear))


def linear_to_hex(red: float, green: float, blue: float) -> str | None:
    """Return the sRGB hex of linear-light channels, or None when one is outside [0, 1]."""
    if any(v < -0.0005 or v > 1.0005 for v in (red, green, blue)):
        return None
    return rgb_to_hex(_encode(red), _encode(green), _encode(blue))


def shade(color: str, lightness: float) -> str:
    """Return color at another OKLCH lightness, keeping its hue.

    The chroma is kept too where sRGB allows, else reduced (by bisection) just enough
    to fit: the same rule CSS Color 4 uses to map colours into a gamut.
    """
    _, chroma, hue = to_oklch(color)
    lightness = min(1.0, max(0.0, lightness))
    cos, sin = math.cos(math.radians(hue)), math.sin(math.radians(hue))
    found = oklab_to_hex(lightness, chroma * cos, chroma * sin)
    if found is not None:
        return found
    low, high = 0.0, chroma
    for _ in range(24):
        middle = (low + high) / 2
        if oklab_to_hex(lightness, middle * cos, middle * sin) is None:
            high = middle
        else:
            low = middle
    return oklab_to_hex(lightness, low * cos, low * sin) or rgb_to_hex(
        *(_encode(lightness**3),) * 3
    )


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A colour that passes, and the OKLCH lightness (on the search grid) it was made at."""

    color: str
    lightness: float


def meets(color: str, against: Sequence[tuple[str, float]]) -> bool:
    """True when color reaches each (other colour, minimum ratio) contrast, exactly."""
    return all(contrast_ratio(color, other) >= minimum for other, minimum in against)


def nearest_passing(color: str, against: Sequence[tuple[str, float]]) -> Suggestion | None:
    """Return the colour of color's hue nearest in lightness that meets every contrast.

    against lists (other colour, minimum ratio) pairs. Candidates are `shade(color, L)` for
    L on a grid of 1/1000, tried in order of |L - L(color)| (the darker first on a tie);
    the first that meets all is returned, or None when none does. Deterministic.
    """
    start = to_oklch(color)[0]
    if meets(color, against):
        return Suggestion(rgb_to_hex(*hex_to_rgb(color)), start)
    order = sorted(range(LIGHTNESS_STEPS + 1), key=lambda k: (abs(k / LIGHTNESS_STEPS - start), k))
    for step in order:
        candidate = shade(color, step / LIGHTNESS_STEPS)
        if meets(candidate, against):
            return Suggestion(candidate, step / LIGHTNESS_STEPS)
    return None


# --- colours written in other spaces (design tokens) ---------------------------------------

COLOR_SPACES = ("srgb", "srgb-linear", "hsl", "hwb", "oklab", "oklch")


def _hsl_to_srgb(hue: float, saturation: float, lightness: float) -> tuple[float, ...]:
    saturation, lightness = saturation / 100, lightness / 100

    def channel(n: int) -> float:
        k = (n + hue / 30) % 12
        a = saturation * min(lightness, 1 - lightness)
        return lightness - a * max(-1.0, min(k - 3, 9 - k, 1.0))

    return channel(0), channel(8), channel(4)


def convert_to_hex(space: str, components: Sequence[float]) -> str | None:
    """Return the sRGB hex of a colour given in one of COLOR_SPACES, as CSS Color 4 defines
    them (srgb 0-1; hsl and hwb: hue in degrees, the rest 0-100; oklab and oklch: L 0-1).

    Returns None when the colour lies outside sRGB. Raises KeyError for another space.
    """
    first, second, third = (float(c) for c in components)
    if space == "srgb-linear":
        return linear_to_hex(first, second, third)
    if space == "oklab":
        return oklab_to_hex(first, second, third)
    if space == "oklch":
        hue = math.radians(third)
        return oklab_to_hex(first, second * math.cos(hue), second * math.sin(hue))
    if space == "hsl":
        rgb: tuple[float, ...] = _hsl_to_srgb(first % 360, second, third)
    elif space == "hwb":
        white, black = second / 100, third / 100
        if white + black >= 1:
            grey = white / (white + black)
            rgb = (grey, grey, grey)
        else:
            rgb = tuple(c * (1 - white - black) + white for c in _hsl_to_srgb(first % 360, 100, 50))
    else:
        rgb = {"srgb": (first, second, third)}[space]
    if any(c < -0.0005 or c > 1.0005 for c in rgb):
        return None
    return rgb_to_hex(*(round(min(1.0, max(0.0, c)) * 255) for c in rgb))
