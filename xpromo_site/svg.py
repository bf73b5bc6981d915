"""SVG sanitising: parse with defusedxml, keep only allow-listed elements and attributes.

What reaches the output draws and does nothing else: no script, event handlers,
animation, `<foreignObject>`, links, or references to anything outside the file (only
`#id` references and raster images embedded as `data:image/png|jpeg|webp|gif;base64`
survive). Entities, external DTDs and other XML bombs are refused, never expanded.
Editor data (Inkscape, Illustrator, metadata, comments) is dropped without a word; what
could run script or load another file is dropped and reported, so a reviewer sees it.
The same input always gives the same bytes.
"""

from __future__ import annotations

import base64
import binascii
import io
import math
import re
import warnings
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from PIL import Image, UnidentifiedImageError

from .limits import MAX_DEPTH, MAX_IMAGE_PIXELS

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XHTML_NS = "http://www.w3.org/1999/xhtml"

ELEMENTS = frozenset(
    """svg g defs symbol use switch title desc path rect circle ellipse line polyline polygon
    text tspan textPath linearGradient radialGradient stop clipPath mask pattern marker image
    style filter feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix
    feDiffuseLighting feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB
    feFuncG feFuncR feGaussianBlur feMerge feMergeNode feMorphology feOffset fePointLight
    feSpecularLighting feSpotLight feTile feTurbulence""".split()  # noqa: SIM905
)
SILENT_ELEMENTS = frozenset({"metadata"})  # editor data: dropped without a report
ANIMATION = frozenset({"animate", "animateMotion", "animateTransform", "set", "discard"})

ATTRIBUTES = frozenset(
    """id class style role focusable version viewBox preserveAspectRatio x y x1 y1 x2 y2 cx
    cy r rx ry fx fy fr width height d points pathLength transform fill fill-opacity
    fill-rule stroke stroke-width stroke-linecap stroke-linejoin stroke-miterlimit
    stroke-dasharray stroke-dashoffset stroke-opacity opacity clip-path clip-rule mask filter
    color display visibility overflow vector-effect shape-rendering text-rendering
    image-rendering color-interpolation color-interpolation-filters paint-order isolation
    mix-blend-mode offset stop-color stop-opacity gradientUnits gradientTransform
    spreadMethod href patternUnits patternContentUnits patternTransform clipPathUnits
    maskUnits maskContentUnits markerWidth markerHeight markerUnits refX refY orient
    marker-start marker-mid marker-end font-family font-size font-weight font-style
    font-variant font-stretch letter-spacing word-spacing text-anchor text-decoration
    dominant-baseline alignment-baseline baseline-shift dx dy rotate textLength lengthAdjust
    startOffset method spacing side writing-mode direction unicode-bidi in in2 result
    stdDeviation mode operator k1 k2 k3 k4 values type tableValues slope intercept amplitude
    exponent flood-color flood-opacity lighting-color radius baseFrequency numOctaves seed
    stitchTiles scale xChannelSelector yChannelSelector order kernelMatrix divisor bias
    targetX targetY edgeMode preserveAlpha surfaceScale diffuseConstant specularConstant
    specularExponent kernelUnitLength azimuth elevation z pointsAtX pointsAtY pointsAtZ
    limitingConeAngle filterUnits primitiveUnits requiredExtensions requiredFeatures
    systemLanguage media""".split()  # noqa: SIM905
)

_LOCAL_REF = re.compile(r"#[A-Za-z_][\w.:-]*")
_RASTER_DATA = re.compile(r"data:image/(png|jpeg|jpg|webp|gif);base64,(.*)", re.I | re.S)
_RASTER_FORMATS = {"png": "PNG", "jpeg": "JPEG", "jpg": "JPEG", "webp": "WEBP", "gif": "GIF"}
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.I | re.S)
# filter effects: how long they take to draw grows with their numbers (feMorphology's radius,
# feConvolveMatrix's order, feTurbulence's octaves), so a few bytes can take minutes
EFFECTS = frozenset(name for name in ELEMENTS if name == "filter" or name.startswith("fe"))
_EFFECT_PROPERTIES = frozenset({"filter", "-webkit-filter", "backdrop-filter"})
_CSS_BLOCK = re.compile(r"\{([^{}]*)\}")
_CSS_DANGER = ("@import", "expression(", "javascript:", "vbscript:", "-moz-binding", "behavior")
_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(px|pt|pc|mm|cm|in)?\s*")
_UNITS = {None: 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54}
_UNITS["in"] = 96.0
_DIGITS = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


class SvgError(Exception):
    """The SVG cannot be made safe or used; line is where in the file, when known."""

    def __init__(self, message: str, line: int | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.hint = hint

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True, slots=True)
class SanitisedSvg:
    """The cleaned file, its proportions (from viewBox or width and height) and what went."""

    data: bytes
    width: float
    height: float
    removed: tuple[str, ...]  # what could run script or load other files, with its line
    effects: tuple[str, ...] = ()  # filter effects removed (keep_effects False), with lines


class _Builder(ElementTree.TreeBuilder):
    """A tree builder that remembers the line each element starts on, and stops the parse
    as soon as elements nest deeper than MAX_DEPTH."""

    def __init__(self) -> None:
        super().__init__()
        self.parser: Any = None
        self.lines: dict[int, int] = {}
        self.depth = 0

    def start(self, tag: Any, attrs: Any) -> ElementTree.Element:
        line = self.parser.parser.CurrentLineNumber if self.parser is not None else None
        self.depth += 1
        if self.depth > MAX_DEPTH + 1:
            raise SvgError(
                f"the SVG is nested too deeply (more than {MAX_DEPTH} levels)",
                line,
                "ungroup nested groups in a vector editor and export it again",
            )
        element = super().start(tag, attrs)
        if line is not None:
            self.lines[id(element)] = line
        return element

    def end(self, tag: Any) -> ElementTree.Element:
        self.depth -= 1
        return super().end(tag)


def _parse(data: bytes) -> tuple[ElementTree.Element, dict[int, int]]:
    builder = _Builder()
    parser = DefusedXMLParser(
        target=builder, forbid_dtd=False, forbid_entities=True, forbid_external=True
    )
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as error:
        line = parser.parser.CurrentLineNumber
        name = getattr(error, "name", None)
        what = f" ({name})" if name else ""
        raise SvgError(
            f"the SVG declares XML entities{what}, which could expand without end or read "
            "other files; xpromo never expands them",
            line,
            "export it again as a plain SVG: an image never needs a DOCTYPE with entities",
        ) from None
    except ElementTree.ParseError as error:
        line, _col = error.position
        reason = str(error).rsplit(": line", 1)[0]
        raise SvgError(
            f"the file is not well-formed XML ({reason})",
            line,
            "open it in a vector editor and export it again as SVG",
        ) from None
    return root, builder.lines


def _split(name: str) -> tuple[str, str]:
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


def _scheme_problem(url: str) -> str:
    """Describe why a reference cannot stay: 'a javascript: URL', 'a reference to x'."""
    compact = re.sub(r"[\x00-\x20]+", "", url).lower()
    for scheme in ("javascript:", "vbscript:", "data:"):
        if compact.startswith(scheme):
            return f"a {scheme} URL"
    shown = url if len(url) <= 60 else url[:57] + "..."
    return f"a reference to {shown}"


def css_problem(css: str) -> str | None:
    """Return what makes CSS unsafe in an SVG (a load from outside, script), or None."""
    lowered = css.lower()
    if "\\" in css:
        return "escaped characters"
    for danger in _CSS_DANGER:
        if danger in lowered:
            return danger.rstrip("(:")
    if "image-set" in lowered:
        return "image-set()"
    urls = list(_CSS_URL.finditer(css))
    if lowered.count("url(") != len(urls):
        return "url()"
    for match in urls:
        if not _LOCAL_REF.fullmatch(match[2].strip()):
            return f"url({match[2].strip()[:40]})"
    return None


def _raster_ok(url: str) -> bool:
    """True when url embeds a readable PNG, JPEG, WebP or GIF within the pixel limit."""
    match = _RASTER_DATA.fullmatch(url.strip())
    if not match:
        return False
    try:
        data = base64.b64decode(re.sub(r"\s+", "", match[2]), validate=True)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            fmt = _RASTER_FORMATS[match[1].lower()]
            with Image.open(io.BytesIO(data), formats=[fmt]) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    return False
                image.verify()
    except (
        binascii.Error,
        ValueError,
        OSError,
        SyntaxError,
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        return False
    return True


def without_effects(declarations: str) -> str:
    """Return CSS declarations (a style attribute's value) without filter properties."""
    kept = [
        part
        for part in declarations.split(";")
        if ":" not in part or part.partition(":")[0].strip().lower() not in _EFFECT_PROPERTIES
    ]
    return ";".join(kept)


def _style_without_effects(css: str) -> str:
    """Return a style sheet with the filter properties of its rules removed."""
    return _CSS_BLOCK.sub(lambda block: "{" + without_effects(block[1]) + "}", css)


class _Sanitiser:
    def __init__(self, lines: dict[int, int], default_svg: bool, keep_effects: bool) -> None:
        self.lines = lines
        self.default_svg = default_svg  # the file has no namespace: read its tags as SVG
        self.keep_effects = keep_effects
        self.removed: dict[str, None] = {}
        self.effects: dict[str, None] = {}

    def report(self, what: str, element: ElementTree.Element, effect: bool = False) -> None:
        line = self.lines.get(id(element))
        found = self.effects if effect else self.removed
        found.setdefault(f"{what} (line {line})" if line else what, None)

    def local_svg(self, element: ElementTree.Element) -> str | None:
        namespace, local = _split(element.tag)
        if namespace == SVG_NS or (namespace == "" and self.default_svg):
            return local
        return None

    def clean(self, element: ElementTree.Element, depth: int) -> None:
        """Clean element's attributes and children in place."""
        if depth > MAX_DEPTH:
            raise SvgError(
                f"the SVG is nested too deeply (more than {MAX_DEPTH} levels)",
                self.lines.get(id(element)),
                "ungroup nested groups in a vector editor and export it again",
            )
        local = self.local_svg(element) or ""
        element.tag = f"{{{SVG_NS}}}{local}"
        self.clean_attributes(element, local)
        for child in list(element):
            self.clean_child(element, child, depth)

    def clean_child(
        self, parent: ElementTree.Element, child: ElementTree.Element, depth: int
    ) -> None:
        if not isinstance(child.tag, str):  # comments and processing instructions
            self.drop(parent, child)
            return
        namespace, local = _split(child.tag)
        svg_local = self.local_svg(child)
        if svg_local is None:
            if namespace == XHTML_NS:
                self.report(f"HTML <{local}>", child)
            self.drop(parent, child)
            return
        if svg_local == "a":
            href = child.get("href") or child.get(f"{{{XLINK_NS}}}href") or ""
            if href and not _LOCAL_REF.fullmatch(href.strip()):
                self.report(f"{_scheme_problem(href)} on <a>", child)
            child.tag = f"{{{SVG_NS}}}g"
            for name in [n for n in child.attrib if _split(n)[1] in ("href", "target")]:
                del child.attrib[name]
            svg_local = "g"
        if svg_local in EFFECTS and not self.keep_effects:
            self.report(f"<{svg_local}>", child, effect=True)
            self.drop(parent, child)
            return
        if svg_local not in ELEMENTS:
            if svg_local == "script":
                self.report("<script>", child)
            elif svg_local == "foreignObject":
                self.report("<foreignObject>", child)
            elif svg_local in ANIMATION:
                self.report(f"animation <{svg_local}>", child)
            elif svg_local not in SILENT_ELEMENTS:
                self.report(f"unsupported element <{svg_local}>", child)
            self.drop(parent, child)
            return
        if svg_local == "style":
            problem = css_problem("".join([child.text or "", *(c.tail or "" for c in child)]))
            if problem:
                self.report(f"<style> with {problem}", child)
                self.drop(parent, child)
                return
            if not self.keep_effects:
                self.clean_style_effects(child)
        self.clean(child, depth + 1)
        if svg_local in ("image", "use") and child.get("href") is None:
            self.drop(parent, child)

    def clean_style_effects(self, style: ElementTree.Element) -> None:
        css = "".join([style.text or "", *(c.tail or "" for c in style)])
        cleaned = _style_without_effects(css)
        if cleaned != css:
            self.report("filter in <style>", style, effect=True)
            for comment in list(style):
                style.remove(comment)
            style.text = cleaned

    def clean_attributes(self, element: ElementTree.Element, local: str) -> None:
        for name, value in list(element.attrib.items()):
            namespace, attribute = _split(name)
            del element.attrib[name]
            if namespace == XML_NS and attribute in ("space", "lang"):
                element.set(name, value)
                continue
            if namespace not in ("", XLINK_NS) or (namespace == XLINK_NS and attribute != "href"):
                continue  # editor data: inkscape:*, sodipodi:*, i:*, xlink:title ...
            if attribute.lower().startswith("on"):
                self.report(f"the event handler {attribute} on <{local}>", element)
                continue
            if attribute == "href":
                kept = self.clean_href(element, local, value)
                if kept is not None:
                    element.set("href", kept)
                continue
            if attribute == "style":
                problem = css_problem(value)
                if problem:
                    self.report(f"a style with {problem} on <{local}>", element)
                    continue
                if not self.keep_effects and without_effects(value) != value:
                    self.report(f"filter in the style on <{local}>", element, effect=True)
                    value = without_effects(value)
            elif "url(" in value.lower():
                problem = css_problem(value)
                if problem:
                    self.report(f"{problem} in {attribute} on <{local}>", element)
                    continue
            if attribute == "filter" and not self.keep_effects:
                # a reference to a filter that is gone would stop the element being drawn
                self.report(f"filter on <{local}>", element, effect=True)
                continue
            if attribute in ATTRIBUTES or attribute.startswith("aria-"):
                element.set(attribute, value)

    def clean_href(self, element: ElementTree.Element, local: str, value: str) -> str | None:
        if _LOCAL_REF.fullmatch(value.strip()):
            return value.strip()
        if local == "image" and _raster_ok(value):
            return value
        self.report(f"{_scheme_problem(value)} on <{local}>", element)
        return None

    def drop(self, parent: ElementTree.Element, child: ElementTree.Element) -> None:
        """Remove child, keeping the text that follows it."""
        index = list(parent).index(child)
        if child.tail:
            if index == 0:
                parent.text = (parent.text or "") + child.tail
            else:
                previous = parent[index - 1]
                previous.tail = (previous.tail or "") + child.tail
        parent.remove(child)


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


def _proportions(root: ElementTree.Element) -> tuple[float, float]:
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


def sanitise_svg(data: bytes, keep_effects: bool = True) -> SanitisedSvg:
    """Return the safe, deterministic version of an SVG file.

    With keep_effects False, filter effects go too (`<filter>`, its fe* primitives,
    filter attributes and CSS filter properties), listed in `effects`: a logo is
    rasterised, and a filter can take minutes to draw.

    Raises SvgError when the file cannot be made safe or used: not XML, entities or an
    external DTD, a root other than <svg>, nesting deeper than MAX_DEPTH, unknown
    proportions.
    """
    root, lines = _parse(data)
    namespace, local = _split(root.tag)
    if local != "svg" or namespace not in (SVG_NS, ""):
        raise SvgError(
            "the file is not an SVG image (its root element is not <svg>)",
            1,
            "export the image as SVG from a vector editor",
        )
    sanitiser = _Sanitiser(lines, default_svg=namespace == "", keep_effects=keep_effects)
    sanitiser.clean(root, 0)
    width, height = _proportions(root)
    parts: list[str] = []
    _serialise(root, parts, root=True)
    parts.append("\n")
    return SanitisedSvg(
        "".join(parts).encode("utf-8"),
        width,
        height,
        tuple(sanitiser.removed),
        tuple(sanitiser.effects),
    )


def _serialise(element: ElementTree.Element, parts: list[str], root: bool = False) -> None:
    """Write element as XML: SVG as the default namespace, attributes in their order."""
    name = _split(element.tag)[1]
    parts.append(f"<{name}")
    if root:
        parts.append(f' xmlns="{SVG_NS}"')
    for key, value in element.attrib.items():
        namespace, attribute = _split(key)
        prefix = "xml:" if namespace == XML_NS else ""
        parts.append(f" {prefix}{attribute}={quoteattr(value)}")
    if not len(element) and not element.text:
        parts.append("/>")
    else:
        parts.append(">")
        parts.append(escape(element.text or ""))
        for child in element:
            _serialise(child, parts)
            parts.append(escape(child.tail or ""))
        parts.append(f"</{name}>")
