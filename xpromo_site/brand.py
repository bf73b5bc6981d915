"""A partner's brand kit: its colours (written, or read from design tokens) and their
contrast, and its logos made safe, with a logo for every dark band it is drawn on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .colors import format_ratio
from .contrast import DERIVED, settle
from .errors import Diagnostic, Location, XpromoError
from .images import ImageProblem, PreparedImage, prepare_image, removed_summary
from .limits import MAX_LOGO_PIXELS
from .models import Colors
from .source.fields import Asset, ColorOrToken
from .source.schema import INVALID, Checker, Field, Struct, describe
from .source.yamlsource import Node
from .tokens import ALIAS, Resolved, TokenFile, load_tokens

ROLES = ("primary", "on_primary", "text", "background", "accent", "link")
REQUIRED_ROLES = ("primary", "on_primary", "text", "background")


def _check_references(values: dict[str, Any], node: Node, checker: Checker) -> None:
    """Token references need a tokens file to refer into."""
    if values.get("from") is not None:
        return
    for role in ROLES:
        value = values.get(role)
        child = node.get(role)
        if isinstance(value, str) and ALIAS.fullmatch(value) and child is not None:
            checker.error(
                child.location,
                f"'colors.{role}' refers to the token {value}, but 'colors' has no 'from:'",
                "add from: assets/brand/<name>.tokens.json, or write the colour as #RRGGBB",
            )
            values[role] = INVALID


COLORS = Struct(
    {
        "primary": Field(ColorOrToken(), required=True),
        "on_primary": Field(ColorOrToken(), required=True),
        "text": Field(ColorOrToken(), required=True),
        "background": Field(ColorOrToken(), required=True),
        "accent": Field(ColorOrToken()),
        "link": Field(ColorOrToken()),
        "from": Field(Asset((".json",), "a design tokens (.tokens.json)")),
    },
    "colors",
    after=_check_references,
    required_unless="from",
)


@dataclass(frozen=True)
class BrandColors:
    """A partner's colours by role, and for each the place to point at and how to name it."""

    values: dict[str, str]
    places: dict[str, Location]
    names: dict[str, str]  # role → "'colors.text'" or "'colors.text' (token color.text)"


def resolve_colors(
    values: dict[str, Any], node: Node | None, checker: Checker
) -> BrandColors | None:
    """Return the partner's colours, reading its design tokens file when it names one."""
    if node is None:
        return None
    source = values.get("from")
    colors = BrandColors({}, {}, {})
    tokens: TokenFile | None = None
    if source is not None:
        try:
            tokens = load_tokens(checker.root, source)
        except XpromoError as error:
            checker.collector.diagnostics.extend(error.diagnostics)
            return None
    ok = True
    for role in ROLES:
        given, role_node = values.get(role), node.get(role)
        if given is not None and role_node is not None and not ALIAS.fullmatch(given):
            colors.values[role] = given
            colors.places[role] = role_node.location
            colors.names[role] = f"'colors.{role}'"
            continue
        if tokens is None:
            continue
        try:
            resolved = _token_for(role, given, role_node, node, tokens)
        except XpromoError as error:
            checker.collector.diagnostics.extend(error.diagnostics)
            ok = False
            continue
        if resolved is None:
            continue
        colors.values[role] = resolved.color
        colors.places[role] = resolved.location
        colors.names[role] = f"'colors.{role}' (token {resolved.token})"
    return colors if ok else None


def _token_for(
    role: str, given: str | None, role_node: Node | None, node: Node, tokens: TokenFile
) -> Resolved | None:
    """Return the token that gives role: the one mapped to it, or the only one named like it.

    Returns None for an optional role no token gives. Raises XpromoError when the mapped
    token is missing or not a colour, when several tokens could be meant, or when none
    gives a required role.
    """
    from_node = node.get("from") or node
    if given is not None and role_node is not None:
        return tokens.resolve(given, role_node.location)
    found = tokens.find(role)
    if len(found) == 1:
        return tokens.resolve(found[0], from_node.location)
    token_name = role.replace("_", "-")
    if len(found) > 1:
        message = f"several tokens in {tokens.path} could be '{role}': {', '.join(found)}"
        hint = f'say which: {role}: "{{{found[0]}}}"'
    elif role in REQUIRED_ROLES:
        message = f"{tokens.path} has no colour token for '{role}'"
        hint = (
            f"name a token {token_name}, or map one here, such as "
            f'{role}: "{{color.brand.{token_name}}}"'
        )
    else:
        return None
    raise XpromoError([Diagnostic(from_node.location, message, hint)])


def check_brand(
    item: dict[str, Any],
    node: Node,
    colors: BrandColors,
    checker: Checker,
    logos: dict[str, PreparedImage],
) -> dict[str, str] | None:
    """Check what the schema cannot and return the colours pages draw, or None on errors.

    Logos must be safe images. A colour pair below its contrast is drawn in the nearest
    passing shade and warned about (an error only when no shade of the hue passes); a
    dark band without a logo made for it shows the logo on a plate, with a warning.
    """
    ok = True
    for key in ("logo", "logo_on_dark"):
        value_node = node.get(key)
        if item[key] is None or value_node is None:
            continue
        try:
            # logos are rasterised into share images: no filter effects, which can take
            # minutes to draw (a logo is a brand mark, drawn flat)
            prepared = prepare_image(checker.root / item[key], MAX_LOGO_PIXELS, keep_effects=False)
        except ImageProblem as problem:
            checker.error(
                value_node.location,
                f"'{key}' {item[key]}: {problem.message}",
                problem.hint or "export the logo again as SVG, PNG, JPEG or WebP",
            )
            ok = False
            continue
        logos[item[key]] = prepared
        if prepared.removed:
            checker.collector.warning(
                value_node.location,
                f"'{key}' {item[key]}: removed what could run script or load other files: "
                + removed_summary(prepared.removed),
                "the cleaned logo is published; ask the partner for a plain SVG export",
            )
        if prepared.effects:
            checker.collector.warning(
                value_node.location,
                f"'{key}' {item[key]}: removed filter effects, which can take minutes to "
                "draw and are not part of a brand mark: " + removed_summary(prepared.effects),
                "the logo is published and drawn without them; ask the partner for a flat "
                "SVG export (shadows and blurs flattened into shapes)",
            )
    settled = settle(colors.values)
    names = {**colors.names, "button": f"{colors.names['primary']} as the page's button"}
    for failure in settled.unsettled:
        role = failure.pair.foreground
        place = colors.places[DERIVED.get(role, role)]
        checker.error(place, failure.message(names), failure.hint())
        ok = False
    for adjustment in settled.adjustments:
        failure, role = adjustment.failure, adjustment.role
        origin = DERIVED.get(role, role)
        where = "the button on the page is" if role == "button" else "pages draw it"
        checker.collector.warning(
            colors.places[origin],
            f"{failure.message(names)}; {where} {adjustment.shade} "
            f"({format_ratio(adjustment.ratio)}), the nearest passing shade of the same hue",
            f"to pick the shade yourself, write a '{origin}' that passes"
            + (f", such as {adjustment.shade}" if role != "button" else " on the background"),
        )
    palette = settled.drawn
    band = Colors(palette["primary"], palette["on_primary"], palette["text"], palette["background"])
    logo_node = node.get("logo")
    if band.band_is_dark and item["logo_on_dark"] is None and logo_node is not None:
        checker.collector.warning(
            logo_node.location,
            f"partner '{item['id']}' has a dark primary colour ({band.primary}, with light "
            "on_primary text) and no 'logo_on_dark': on its own bands its logo is drawn on "
            f"a plate of its background colour ({band.background})",
            "add logo_on_dark: the logo made for dark backgrounds (often all white), such as "
            f"assets/logos/{item['id']}-white.svg",
        )
    return palette if ok else None


describe(
    COLORS,
    {
        "primary": "the brand colour: bands and buttons",
        "on_primary": "text and icons drawn on primary",
        "text": "body text",
        "background": "page background",
        "accent": "decorative rules on the band, cards and quotes; default primary",
        "link": "links in copy; default text",
        "from": "a design tokens file the colours come from",
    },
)
