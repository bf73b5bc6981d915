"""The allow-list: which SVG elements and attributes may stay, and the Sanitiser
that keeps only those, reporting what could run script or load another file (and,
when asked, the filter effects it removed)."""

from __future__ import annotations

import base64
import binascii
import io
import re
import warnings
import xml.etree.ElementTree as ElementTree

from PIL import Image, UnidentifiedImageError

from ..limits import MAX_DEPTH, MAX_IMAGE_PIXELS
from .css import LOCAL_REF, css_problem, style_without_effects, without_effects
from .tree import SVG_NS, XHTML_NS, XLINK_NS, XML_NS, split_name, too_deep

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

_RASTER_DATA = re.compile(r"data:image/(png|jpeg|jpg|webp|gif);base64,(.*)", re.I | re.S)
_RASTER_FORMATS = {"png": "PNG", "jpeg": "JPEG", "jpg": "JPEG", "webp": "WEBP", "gif": "GIF"}
# filter effects: how long they take to draw grows with their numbers (feMorphology's radius,
# feConvolveMatrix's order, feTurbulence's octaves), so a few bytes can take minutes
EFFECTS = frozenset(name for name in ELEMENTS if name == "filter" or name.startswith("fe"))


def _scheme_problem(url: str) -> str:
    """Describe why a reference cannot stay: 'a javascript: URL', 'a reference to x'."""
    compact = re.sub(r"[\x00-\x20]+", "", url).lower()
    for scheme in ("javascript:", "vbscript:", "data:"):
        if compact.startswith(scheme):
            return f"a {scheme} URL"
    shown = url if len(url) <= 60 else url[:57] + "..."
    return f"a reference to {shown}"


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


class Sanitiser:
    """Cleans a parsed SVG in place and records what it removed."""

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
        namespace, local = split_name(element.tag)
        if namespace == SVG_NS or (namespace == "" and self.default_svg):
            return local
        return None

    def clean(self, element: ElementTree.Element, depth: int) -> None:
        """Clean element's attributes and children in place."""
        if depth > MAX_DEPTH:
            raise too_deep(self.lines.get(id(element)))
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
        namespace, local = split_name(child.tag)
        svg_local = self.local_svg(child)
        if svg_local is None:
            if namespace == XHTML_NS:
                self.report(f"HTML <{local}>", child)
            self.drop(parent, child)
            return
        if svg_local == "a":
            href = child.get("href") or child.get(f"{{{XLINK_NS}}}href") or ""
            if href and not LOCAL_REF.fullmatch(href.strip()):
                self.report(f"{_scheme_problem(href)} on <a>", child)
            child.tag = f"{{{SVG_NS}}}g"
            for name in [n for n in child.attrib if split_name(n)[1] in ("href", "target")]:
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
        cleaned = style_without_effects(css)
        if cleaned != css:
            self.report("filter in <style>", style, effect=True)
            for comment in list(style):
                style.remove(comment)
            style.text = cleaned

    def clean_attributes(self, element: ElementTree.Element, local: str) -> None:
        for name, value in list(element.attrib.items()):
            namespace, attribute = split_name(name)
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
        if LOCAL_REF.fullmatch(value.strip()):
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
