"""Brand colours from a W3C Design Tokens (DTCG) file, with errors located in that file.

A token is an object with `$value`; any other object is a group, and a group's `$type`
is inherited by the tokens inside it. Colour values may be written as the 2025.10
colour object (`colorSpace`, `components`, optional `alpha` and `hex`), as a legacy hex
string, or as an alias `{group.token}` to another token (followed to the end, cycles
refused).
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from pathlib import Path

from .colors import COLOR_SPACES, convert_to_hex
from .errors import Diagnostic, Location, XpromoError
from .limits import MAX_TOKENS_BYTES
from .source.files import read_source
from .source.jsonsource import load_json
from .source.yamlsource import Node

ALIAS = re.compile(r"\{([^{}]+)\}")
_HEX = re.compile(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
MAX_ALIAS_CHAIN = 32


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its dotted path, its `$value` node and its own or inherited `$type`."""

    path: str
    value: Node
    type: str | None


@dataclass(frozen=True, slots=True)
class Resolved:
    """A colour read from the tokens file: '#RRGGBB', and the token it came from."""

    color: str
    token: str
    location: Location  # the $value that holds the colour (the first, for an alias)


def _problem(location: Location, message: str, hint: str | None = None) -> XpromoError:
    return XpromoError([Diagnostic(location, message, hint)])


class TokenFile:
    """The tokens of one file, by dotted path."""

    def __init__(self, path: str, tree: Node) -> None:
        self.path = path
        self.tokens: dict[str, Token] = {}
        if tree.kind != "mapping":
            raise _problem(
                tree.location,
                "a design tokens file holds one JSON object of groups and tokens",
                'for example {"color": {"$type": "color", "primary": {"$value": "#0B5FFF"}}}',
            )
        self._collect(tree, [], None)

    def _collect(self, group: Node, path: list[str], inherited: str | None) -> None:
        type_node = group.get("$type")
        own_type = type_node.value if type_node is not None and type_node.kind == "text" else None
        group_type = own_type or inherited
        for name, child in group.value.items():
            if name.startswith("$") or child.kind != "mapping":
                continue
            child_path = [*path, name]
            value = child.get("$value")
            if value is None:
                self._collect(child, child_path, group_type)
                continue
            child_type = child.get("$type")
            token_type = (
                child_type.value
                if child_type is not None and child_type.kind == "text"
                else group_type
            )
            dotted = ".".join(child_path)
            self.tokens[dotted] = Token(dotted, value, token_type)

    def find(self, role: str) -> list[str]:
        """Return the paths of colour tokens named like role (on-primary, onPrimary...)."""
        return [
            path
            for path, token in self.tokens.items()
            if _role_name(path.rpartition(".")[2]) == role and token.type in (None, "color")
        ]

    def resolve(self, reference: str, where: Location) -> Resolved:
        """Return the colour of the token at reference ('a.b' or '{a.b}').

        where locates the reference in messages when the token does not exist. Raises
        XpromoError located in the tokens file for values that are not colours, broken or
        circular aliases.
        """
        path = reference.strip()
        match = ALIAS.fullmatch(path)
        if match:
            path = match[1].strip()
        chain: list[str] = []
        first: Location | None = None
        while True:
            token = self.tokens.get(path)
            if token is None:
                close = difflib.get_close_matches(path, list(self.tokens), 1, 0.6)
                raise _problem(
                    where,
                    f"no token '{path}' in {self.path}",
                    f"did you mean '{close[0]}'?" if close else "check the token's path",
                )
            first = first or token.value.location
            if token.type not in (None, "color"):
                raise _problem(
                    token.value.location,
                    f"token '{token.path}' is a {token.type}, not a color",
                    "point at a token of $type color",
                )
            chain.append(path)
            value = token.value
            alias = ALIAS.fullmatch(value.value.strip()) if value.kind == "text" else None
            if alias is None:
                return Resolved(_color(value, token.path), chain[0], first)
            path = alias[1].strip()
            if path in chain or len(chain) > MAX_ALIAS_CHAIN:
                raise _problem(
                    value.location,
                    f"token '{token.path}' refers back to itself: {' → '.join([*chain, path])}",
                    "end the chain of aliases at a colour",
                )
            where = value.location


def _role_name(name: str) -> str:
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    return re.sub(r"[-\s]+", "_", snake).lower()


def _color(value: Node, token: str) -> str:
    """Return '#RRGGBB' of a token's own $value (not an alias)."""
    if value.kind == "text":
        match = _HEX.fullmatch(value.value.strip())
        if match is None:
            raise _problem(
                value.location,
                f"token '{token}': '{value.value[:40]}' is not a colour",
                "write #RRGGBB, a colour object or an alias such as {color.brand.primary}",
            )
        digits = match[1]
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        if len(digits) == 8 and digits[6:].upper() != "FF":
            raise _opaque(value.location, token, f"#{digits}")
        return f"#{digits[:6].upper()}"
    if value.kind != "mapping":
        raise _problem(
            value.location,
            f"token '{token}': $value must be a colour (got {value.describe()})",
            'write {"colorSpace": "srgb", "components": [0.04, 0.37, 1]} or "#0B5FFF"',
        )
    return _color_object(value, token)


def _opaque(location: Location, token: str, shown: str) -> XpromoError:
    return _problem(
        location,
        f"token '{token}' is see-through ({shown}); brand colours must be opaque, or "
        "contrast cannot be known",
        "set alpha to 1",
    )


def _color_object(value: Node, token: str) -> str:
    space_node, components = value.get("colorSpace"), value.get("components")
    hex_node, alpha = value.get("hex"), value.get("alpha")
    if alpha is not None and (alpha.kind != "number" or alpha.value != 1):
        raise _opaque(alpha.location, token, f"alpha {alpha.raw}")
    fallback = None
    if hex_node is not None:
        match = _HEX.fullmatch(hex_node.value.strip()) if hex_node.kind == "text" else None
        if match is None or len(match[1]) != 6:
            raise _problem(
                hex_node.location,
                f"token '{token}': 'hex' must be written #RRGGBB (got {hex_node.describe()})",
            )
        fallback = hex_node.value.strip().upper()
    if space_node is None or space_node.kind != "text":
        raise _problem(
            value.location,
            f"token '{token}': a colour object needs 'colorSpace' and 'components'",
            'for example {"colorSpace": "srgb", "components": [0.04, 0.37, 1]}',
        )
    space = space_node.value
    if space not in COLOR_SPACES:
        if fallback:
            return fallback
        raise _problem(
            space_node.location,
            f"token '{token}': colorSpace '{space}' cannot be converted by xpromo",
            f"add a 'hex' fallback, or use one of {', '.join(COLOR_SPACES)}",
        )
    numbers = _components(components, value, token, fallback is not None)
    if numbers is None:  # a component no float holds: the hex says which colour it is
        return fallback  # type: ignore[return-value]
    converted = convert_to_hex(space, numbers)
    if converted is None:
        if fallback:
            return fallback
        where = components.location if components is not None else value.location
        raise _problem(
            where,
            f"token '{token}': this {space} colour lies outside sRGB, which pages are drawn in",
            "add a 'hex' fallback with the nearest sRGB colour",
        )
    return converted


def _components(
    node: Node | None, value: Node, token: str, has_fallback: bool = False
) -> list[float] | None:
    """Return the three components; None when one is too large and a hex fallback exists."""
    if node is None or node.kind != "list" or len(node.value) != 3:
        raise _problem(
            node.location if node is not None else value.location,
            f"token '{token}': 'components' must be a list of three numbers",
            'for example "components": [0.04, 0.37, 1]',
        )
    numbers = []
    for item in node.value:
        if item.kind == "text" and item.value == "none":
            numbers.append(0.0)
        elif item.kind == "number" and _finite(item.value):
            numbers.append(float(item.value))
        elif item.kind == "number" and has_fallback:
            return None
        elif item.kind == "number":
            raise _problem(
                item.location,
                f"token '{token}': component {_shown(item.raw)} is too large to be a colour",
                'components are small numbers, for example "components": [0.04, 0.37, 1]',
            )
        else:
            raise _problem(
                item.location,
                f"token '{token}': component {item.describe()} is not a number",
            )
    return numbers


def _finite(value: float) -> bool:
    """True when value is a number a float holds: not inf, nan or hundreds of digits."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _shown(raw: str) -> str:
    return raw if len(raw) <= 24 else raw[:21] + "..."


def load_tokens(root: Path, rel: str) -> TokenFile:
    """Read the design tokens file at rel under root.

    Raises XpromoError located in the file when it is too large, not UTF-8, not JSON, or
    not an object.
    """
    text = read_source(root / rel, rel, MAX_TOKENS_BYTES)
    return TokenFile(rel, load_json(text, rel))
