"""An SVG's proportions: its viewBox, or its width and height as CSS lengths.

Numbers no renderer could use (1e999, hundreds of digits) are refused here.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ElementTree

from .tree import SvgError

_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(px|pt|pc|mm|cm|in)?\s*")
_UNITS = {None: 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54}
_UNITS["in"] = 96.0
_DIGITS = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


def _length(value: str | None, name: str) -> float | None:
    """Return a width or height in pixels, None when it is not a positive length.

    Raises SvgError when it is a length too large to draw (1e999, hundreds of digits).
    """
    if value is None:
        return None
    match = _LENGTH.fullmatch(value)
    if not match:
        return None
    number = float(match[1]) * _UNITS[match[2]]
    if not math.isfinite(number):
        raise SvgError(
            f"the SVG's {name} '{value.strip()[:40]}' is too large to draw",
            1,
            f'write the {name} in pixels, such as width="120" height="32"',
        )
    return number if number > 0 else None


def proportions(root: ElementTree.Element) -> tuple[float, float]:
    """Return the SVG's width and height in user units, from its viewBox or else its
    width and height (then written into a viewBox on root).

    Raises SvgError when neither gives usable proportions.
    """
    view_box = root.get("viewBox")
    if view_box is not None:
        parts = [p for p in re.split(r"[\s,]+", view_box.strip()) if p]
        try:
            numbers = [float(p) for p in parts]
        except ValueError:
            numbers = []
        if len(numbers) == 4 and all(math.isfinite(n) for n in numbers):
            if numbers[2] > 0 and numbers[3] > 0:
                return numbers[2], numbers[3]
        elif len(numbers) == 4 and all(_DIGITS.fullmatch(p) for p in parts):
            raise SvgError(  # 1e999, or hundreds of digits: no renderer can use it
                f"the SVG's viewBox '{view_box[:40]}' holds a number too large to draw",
                1,
                'write it as viewBox="0 0 <width> <height>", such as viewBox="0 0 120 32"',
            )
        raise SvgError(
            f"the SVG's viewBox '{view_box[:40]}' is not four numbers",
            1,
            'write it as viewBox="0 0 <width> <height>", such as viewBox="0 0 120 32"',
        )
    width, height = _length(root.get("width"), "width"), _length(root.get("height"), "height")
    if width is None or height is None:
        raise SvgError(
            "the SVG has no viewBox and no width and height in pixels, "
            "so its proportions are unknown",
            1,
            'add a viewBox such as viewBox="0 0 120 32", or export it again with one',
        )
    root.set("viewBox", f"0 0 {width:g} {height:g}")
    return width, height
