"""Logo sizes by visible area, so a wide wordmark and a square mark weigh the same.

Each logo gets the area its weight asks for (1 for every logo of an equal lockup; the
lockup's max_ratio for the leading ones of a host-led or partner-led one), at its own
proportions: width = sqrt(area x aspect), height = sqrt(area / aspect). All logos then
shrink together until each fits the theme's box for that place. A partner's minimum
width is honoured even beyond the box; the others then grow (as far as their box allows)
so that no logo's area, per unit of weight, exceeds another's by more than max_ratio.
Pure arithmetic: the same input gives the same sizes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Shape:
    """A logo to size: its proportions, weight, and its partner's rules."""

    width: float
    height: float
    weight: float = 1.0
    min_width: int = 0  # CSS pixels
    clear_space: float = 0.0  # share of the logo's drawn height kept free on each side


@dataclass(frozen=True, slots=True)
class Box:
    """The room the theme gives one logo: the area it aims for, and the largest sides."""

    area: float
    max_width: float
    max_height: float


MAX_ASPECT = 1e6

# the built-in theme's places: hero lockup and hub (lg), partner strip (md), cards (sm)
BOXES = {
    "lg": Box(area=7200, max_width=240, max_height=64),
    "md": Box(area=5000, max_width=176, max_height=48),
    "sm": Box(area=1600, max_width=96, max_height=28),
}


@dataclass(frozen=True, slots=True)
class Fit:
    """A logo's drawn size in CSS pixels, its clear space and its minimum width."""

    width: int
    height: int
    clear: int = 0
    min_width: int = 0

    @property
    def css_class(self) -> str:
        """Return the class name that carries this size: logo-fit-170x42[-c8][-m96]."""
        name = f"logo-fit-{self.width}x{self.height}"
        if self.clear:
            name += f"-c{self.clear}"
        if self.min_width:
            name += f"-m{self.min_width}"
        return name

    def css_rule(self) -> str:
        """Return the rule that sets this size as the theme's --logo-* properties."""
        rule = f".{self.css_class}{{--logo-w:{self.width}px;--logo-h:{self.height}px"
        if self.clear:
            rule += f";--logo-clear:{self.clear}px"
        if self.min_width:
            rule += f";--logo-min-w:{self.min_width}px"
        return rule + "}"


def weights(mode: str, is_host: Sequence[bool], max_ratio: float) -> list[float]:
    """Return each logo's area weight in a lockup of the given mode.

    is_host says, per logo, whether it is the host's (the partner leading the canonical
    page). host-led weighs the host max_ratio, partner-led weighs every other logo
    max_ratio, equal weighs all 1.
    """
    if mode == "host-led":
        return [max_ratio if host else 1.0 for host in is_host]
    if mode == "partner-led":
        return [1.0 if host else max_ratio for host in is_host]
    return [1.0 for _ in is_host]


def fit_logos(shapes: Sequence[Shape], box: Box, max_ratio: float = 1.5) -> list[Fit]:
    """Return the drawn size of each logo, in order.

    Logos with no proportions (a zero side) are treated as square.
    """
    sizes: list[tuple[float, float]] = []
    for shape in shapes:
        aspect = shape.width / shape.height if shape.width > 0 and shape.height > 0 else 1.0
        # beyond a million to one a logo is drawn one pixel thin whatever its proportions;
        # bounding them keeps the arithmetic finite (1e300 by 1e-300 is no ratio a float holds)
        aspect = min(max(aspect, 1 / MAX_ASPECT), MAX_ASPECT)
        area = box.area * shape.weight
        sizes.append((math.sqrt(area * aspect), math.sqrt(area / aspect)))
    scale = min([1.0] + [min(box.max_width / w, box.max_height / h) for w, h in sizes])
    sizes = [(w * scale, h * scale) for w, h in sizes]
    sizes = [
        (w * max(1.0, s.min_width / w), h * max(1.0, s.min_width / w))
        for (w, h), s in zip(sizes, shapes, strict=True)
    ]
    per_weight = [w * h / s.weight for (w, h), s in zip(sizes, shapes, strict=True)]
    largest = max(per_weight, default=0.0)
    balanced = []
    for (w, h), normal in zip(sizes, per_weight, strict=True):
        grow = math.sqrt(largest / max_ratio / normal) if normal * max_ratio < largest else 1.0
        grow = max(1.0, min(grow, box.max_width / w, box.max_height / h))
        balanced.append((w * grow, h * grow))
    fits = []
    for (w, h), shape in zip(balanced, shapes, strict=True):
        width, height = max(1, round(w)), max(1, round(h))
        fits.append(Fit(width, height, round(shape.clear_space * height), shape.min_width))
    return fits
