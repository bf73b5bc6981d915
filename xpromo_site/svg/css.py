"""CSS inside an SVG (style sheets, style attributes, url() in presentation
attributes): what makes it unsafe (a load from outside the file, script), and
removing the filter properties from it when a logo's effects must go."""

from __future__ import annotations

import re

LOCAL_REF = re.compile(r"#[A-Za-z_][\w.:-]*")  # a reference within the file: #id
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.I | re.S)
_EFFECT_PROPERTIES = frozenset({"filter", "-webkit-filter", "backdrop-filter"})
_CSS_BLOCK = re.compile(r"\{([^{}]*)\}")
_CSS_DANGER = ("@import", "expression(", "javascript:", "vbscript:", "-moz-binding", "behavior")


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
        if not LOCAL_REF.fullmatch(match[2].strip()):
            return f"url({match[2].strip()[:40]})"
    return None


def without_effects(declarations: str) -> str:
    """Return CSS declarations (a style attribute's value) without filter properties."""
    kept = [
        part
        for part in declarations.split(";")
        if ":" not in part or part.partition(":")[0].strip().lower() not in _EFFECT_PROPERTIES
    ]
    return ";".join(kept)


def style_without_effects(css: str) -> str:
    """Return a style sheet with the filter properties of its rules removed."""
    return _CSS_BLOCK.sub(lambda block: "{" + without_effects(block[1]) + "}", css)
