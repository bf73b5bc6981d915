"""SVG sanitising: parse with defusedxml, keep only allow-listed elements and attributes.

What reaches the output draws and does nothing else: no script, event handlers,
animation, `<foreignObject>`, links, or references to anything outside the file (only
`#id` references and raster images embedded as `data:image/png|jpeg|webp|gif;base64`
survive). Entities, external DTDs and other XML bombs are refused, never expanded.
Editor data (Inkscape, Illustrator, metadata, comments) is dropped without a word; what
could run script or load another file is dropped and reported, so a reviewer sees it.
The same input always gives the same bytes.

The jobs: `tree.py` reads and writes the XML, `clean.py` holds the allow-list and
applies it, `css.py` judges CSS and strips filters from it, `measure.py` finds the
proportions; `sanitise_svg` here runs them in that order.
"""

from __future__ import annotations

from dataclasses import dataclass

from .clean import Sanitiser
from .css import css_problem
from .measure import proportions
from .tree import SVG_NS, SvgError, parse, serialise, split_name

__all__ = ["SanitisedSvg", "SvgError", "css_problem", "sanitise_svg"]


@dataclass(frozen=True, slots=True)
class SanitisedSvg:
    """The cleaned file, its proportions (from viewBox or width and height) and what went."""

    data: bytes
    width: float
    height: float
    removed: tuple[str, ...]  # what could run script or load other files, with its line
    effects: tuple[str, ...] = ()  # filter effects removed (keep_effects False), with lines


def sanitise_svg(data: bytes, keep_effects: bool = True) -> SanitisedSvg:
    """Return the safe, deterministic version of an SVG file.

    With keep_effects False, filter effects go too (`<filter>`, its fe* primitives,
    filter attributes and CSS filter properties), listed in `effects`: a logo is
    rasterised, and a filter can take minutes to draw.

    Raises SvgError when the file cannot be made safe or used: not XML, entities or an
    external DTD, a root other than <svg>, nesting deeper than MAX_DEPTH, unknown
    proportions.
    """
    root, lines = parse(data)
    namespace, local = split_name(root.tag)
    if local != "svg" or namespace not in (SVG_NS, ""):
        raise SvgError(
            "the file is not an SVG image (its root element is not <svg>)",
            1,
            "export the image as SVG from a vector editor",
        )
    sanitiser = Sanitiser(lines, default_svg=namespace == "", keep_effects=keep_effects)
    sanitiser.clean(root, 0)
    width, height = proportions(root)
    parts: list[str] = []
    serialise(root, parts, root=True)
    parts.append("\n")
    return SanitisedSvg(
        "".join(parts).encode("utf-8"),
        width,
        height,
        tuple(sanitiser.removed),
        tuple(sanitiser.effects),
    )
