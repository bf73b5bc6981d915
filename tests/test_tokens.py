"""Design tokens (DTCG): colour objects, legacy hex, aliases, and errors located in the JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from xpromo_site.errors import Location, XpromoError
from xpromo_site.source.jsonsource import load_json
from xpromo_site.tokens import TokenFile, load_tokens

WHERE = Location("partners.yaml", 16, 7)


def _tokens(data: Any) -> TokenFile:
    return TokenFile("t.tokens.json", load_json(json.dumps(data, indent=2), "t.tokens.json"))


def _error(data: Any, reference: str) -> tuple[Location, str]:
    with pytest.raises(XpromoError) as caught:
        _tokens(data).resolve(reference, WHERE)
    (diagnostic,) = caught.value.diagnostics
    return diagnostic.location, diagnostic.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("#0b5fff", "#0B5FFF"),
        ("#fff", "#FFFFFF"),
        ("#0B5FFFFF", "#0B5FFF"),
        ({"colorSpace": "srgb", "components": [0.043, 0.373, 1]}, "#0B5FFF"),
        ({"colorSpace": "srgb", "components": [0.043, 0.373, 1], "alpha": 1}, "#0B5FFF"),
        ({"colorSpace": "hsl", "components": [0, 0, 10.2]}, "#1A1A1A"),
        ({"colorSpace": "oklch", "components": [0.432, 0.211, 292.76]}, "#5B21B6"),
        ({"colorSpace": "srgb", "components": ["none", 0, 0]}, "#000000"),
        ({"colorSpace": "display-p3", "components": [0, 0.4, 1], "hex": "#0066ff"}, "#0066FF"),
        ({"colorSpace": "oklch", "components": [0.55, 0.4, 262], "hex": "#2A5CFF"}, "#2A5CFF"),
    ],
)
def test_colour_values(value: Any, expected: str) -> None:
    tokens = _tokens({"color": {"$type": "color", "brand": {"$value": value}}})
    assert tokens.resolve("color.brand", WHERE).color == expected


def test_aliases_are_followed_and_located_at_the_first_value() -> None:
    tokens = _tokens(
        {
            "base": {"blue": {"$type": "color", "$value": "#0B5FFF"}},
            "color": {"primary": {"$value": "{brand.main}"}},
            "brand": {"main": {"$value": "{base.blue}"}},
        }
    )
    resolved = tokens.resolve("{color.primary}", WHERE)
    assert (resolved.color, resolved.token) == ("#0B5FFF", "color.primary")
    assert resolved.location == Location("t.tokens.json", 10, 17)


def test_group_types_are_inherited_and_other_types_refused() -> None:
    data = {
        "size": {"$type": "dimension", "gap": {"$value": {"value": 8, "unit": "px"}}},
        "color": {"$type": "color", "text": {"$value": "#111111"}},
    }
    assert _tokens(data).find("text") == ["color.text"]
    location, message = _error(data, "size.gap")
    assert message == "token 'size.gap' is a dimension, not a color"
    assert location == Location("t.tokens.json", 5, 17)


def test_roles_are_found_by_name_in_any_spelling() -> None:
    tokens = _tokens({"color": {"onPrimary": {"$value": "#fff"}, "link-color": {"$value": "#00f"}}})
    assert tokens.find("on_primary") == ["color.onPrimary"]
    assert tokens.find("link") == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"c": {"a": {"$value": "{c.b}"}, "b": {"$value": "{c.a}"}}},
            "token 'c.b' refers back to itself: c.a → c.b → c.a",
        ),
        ({"c": {"a": {"$value": "{c.nope}"}}}, "no token 'c.nope' in t.tokens.json"),
        ({"c": {"a": {"$value": "blue"}}}, "token 'c.a': 'blue' is not a colour"),
        (
            {"c": {"a": {"$value": "#0B5FFF80"}}},
            "token 'c.a' is see-through (#0B5FFF80); brand colours must be opaque, or contrast "
            "cannot be known",
        ),
        ({"c": {"a": {"$value": 12}}}, "token 'c.a': $value must be a colour (got 12)"),
        (
            {"c": {"a": {"$value": {"components": [1, 0, 0]}}}},
            "token 'c.a': a colour object needs 'colorSpace' and 'components'",
        ),
        (
            {"c": {"a": {"$value": {"colorSpace": "srgb", "components": [1, 0]}}}},
            "token 'c.a': 'components' must be a list of three numbers",
        ),
        (
            {"c": {"a": {"$value": {"colorSpace": "srgb", "components": [1, "x", 0]}}}},
            "token 'c.a': component 'x' is not a number",
        ),
        (
            {"c": {"a": {"$value": {"colorSpace": "lab", "components": [50, 0, 0]}}}},
            "token 'c.a': colorSpace 'lab' cannot be converted by xpromo",
        ),
        (
            {"c": {"a": {"$value": {"colorSpace": "srgb", "components": [2, 0, 0]}}}},
            "token 'c.a': this srgb colour lies outside sRGB, which pages are drawn in",
        ),
        (
            {"c": {"a": {"$value": {"colorSpace": "srgb", "components": [1, 0, 0], "hex": "red"}}}},
            "token 'c.a': 'hex' must be written #RRGGBB (got 'red')",
        ),
    ],
)
def test_bad_tokens_are_located_in_the_file(data: Any, message: str) -> None:
    location, found = _error(data, "c.a")
    assert found == message
    assert location.path == "t.tokens.json" and location.line > 1


def test_a_missing_mapped_token_is_located_at_the_mapping() -> None:
    location, message = _error({"c": {"a": {"$value": "#000"}}}, "{c.b}")
    assert (location, message) == (WHERE, "no token 'c.b' in t.tokens.json")


def test_json_syntax_errors_are_located(tmp_path: Path) -> None:
    (tmp_path / "x.tokens.json").write_text('{\n  "c": {\n    "a": {"$value": "#000"},\n  }\n}\n')
    with pytest.raises(XpromoError) as caught:
        load_tokens(tmp_path, "x.tokens.json")
    (diagnostic,) = caught.value.diagnostics
    assert str(diagnostic.location) == "x.tokens.json:4:3"
    assert diagnostic.message == "invalid JSON: Expecting property name enclosed in double quotes"


def test_json_locations_of_values_and_keys() -> None:
    tree = load_json('{"a": [1, 2.5e1, true, null, "x"],\n "b": {"c": -3}}', "j.json")
    assert tree.to_python() == {"a": [1, 25.0, True, None, "x"], "b": {"c": -3}}
    assert tree.key_locations["b"] == Location("j.json", 2, 2)
    b = tree.get("b")
    assert b is not None and b.get("c") is not None
    assert b.get("c").location == Location("j.json", 2, 13)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1, "a": 2}', "duplicate key 'a'"),
        ("[" * 100 + "]" * 100, "this JSON is nested too deeply (more than 64 levels)"),
        ("[" * 100_000 + "]" * 100_000, "this JSON is nested too deeply (more than 64 levels)"),
        ('{"a": NaN}', "invalid JSON: not a number"),
        ("", "invalid JSON: Expecting value"),
    ],
)
def test_json_refusals(text: str, message: str) -> None:
    with pytest.raises(XpromoError) as caught:
        load_json(text, "j.json")
    assert caught.value.diagnostics[0].message == message


@pytest.mark.parametrize(
    ("components", "shown"),
    [
        ("[1e999, 0, 0]", "1e999"),
        ("[0.5, 0.1, -1e400]", "-1e400"),
        ("[" + "1" * 400 + ", 0, 0]", "1" * 21 + "..."),
        ("[" + "9" * 5000 + ", 0, 0]", "9" * 21 + "..."),
        ("[0, 0, " + "1" * 400 + ".5]", "1" * 21 + "..."),
    ],
)
def test_components_no_float_holds_are_located_or_give_way_to_the_hex(
    components: str, shown: str
) -> None:
    space = "oklch" if "0.5, 0.1" in components else "srgb"
    text = f'{{"c": {{"a": {{"$value": {{"colorSpace": "{space}", "components": {components}'
    tokens = TokenFile("t.tokens.json", load_json(text + "}}}}", "t.tokens.json"))
    with pytest.raises(XpromoError) as caught:
        tokens.resolve("c.a", WHERE)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.message == f"token 'c.a': component {shown} is too large to be a colour"
    assert diagnostic.location.path == "t.tokens.json"
    with_hex = text + ', "hex": "#0b5fff"}}}}'
    tokens = TokenFile("t.tokens.json", load_json(with_hex, "t.tokens.json"))
    assert tokens.resolve("c.a", WHERE).color == "#0B5FFF"
