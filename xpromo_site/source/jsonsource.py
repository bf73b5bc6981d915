"""JSON loading that keeps the location of every value, as `yamlsource.Node`s.

The standard library checks the syntax first (its messages carry line and column); a
small reader over the same grammar then records where each value and key starts, so
messages about a design tokens file point into it.
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
import re
from collections.abc import Callable

from ..errors import Diagnostic, Location, XpromoError
from ..limits import MAX_DEPTH
from .yamlsource import Node

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_HINTS = (
    (
        "property name enclosed in double quotes",
        "JSON keys need double quotes, and no comma may follow the last entry of an object",
    ),
    ("Expecting ',' delimiter", "a comma is missing between two entries"),
    ("Expecting value", "a value is missing, or a comma follows the last entry of a list"),
    ("Extra data", "the file holds one JSON value; check the braces above"),
    ("Invalid control character", "a line break inside a string must be written \\n"),
    ("Unterminated string", "a string is not closed with a double quote"),
)


# the standard library's JSON string reader (C where it has it), typed for the checker
_scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]


def _error(path: str, line: int, col: int, message: str, hint: str | None = None) -> XpromoError:
    return XpromoError([Diagnostic(Location(path, line, col), message, hint)])


class _Reader:
    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def location(self, index: int) -> Location:
        line = bisect.bisect_right(self.starts, index)
        return Location(self.path, line, index - self.starts[line - 1] + 1)

    def skip(self, index: int) -> int:
        match = _WHITESPACE.match(self.text, index)
        return match.end() if match else index

    def value(self, index: int, depth: int) -> tuple[Node, int]:
        index = self.skip(index)
        location = self.location(index)
        char = self.text[index]
        if depth > MAX_DEPTH:
            raise _error(
                self.path,
                location.line,
                location.col,
                f"this JSON is nested too deeply (more than {MAX_DEPTH} levels)",
            )
        if char == "{":
            return self.mapping(index, depth, location)
        if char == "[":
            return self.sequence(index, depth, location)
        if char == '"':
            text, end = _scanstring(self.text, index + 1)
            return Node("text", text, location, text), end
        for literal, kind, value in (
            ("true", "boolean", True),
            ("false", "boolean", False),
            ("null", "null", None),
        ):
            if self.text.startswith(literal, index):
                return Node(kind, value, location, literal), index + len(literal)
        match = json.scanner.NUMBER_RE.match(self.text, index)
        if match is None:  # NaN, Infinity: accepted by json.loads, not by the JSON grammar
            raise _error(self.path, location.line, location.col, "invalid JSON: not a number")
        integer, fraction, exponent = match.groups()
        # past Python's int limit (4300 digits) read it as float, which holds it as inf
        number: float = int(integer) if len(integer) <= 4000 else float(integer)
        if fraction or exponent:
            number = float(integer + (fraction or "") + (exponent or ""))
        return Node("number", number, location, match.group()), match.end()

    def mapping(self, index: int, depth: int, location: Location) -> tuple[Node, int]:
        children: dict[str, Node] = {}
        keys: dict[str, Location] = {}
        index = self.skip(index + 1)
        while self.text[index] != "}":
            key_location = self.location(index)
            key, index = _scanstring(self.text, index + 1)
            index = self.skip(self.skip(index) + 1)  # the colon
            child, index = self.value(index, depth + 1)
            if key in children:
                raise _error(
                    self.path,
                    key_location.line,
                    key_location.col,
                    f"duplicate key '{key}'",
                    f"'{key}' is already set at line {keys[key].line}; keep one of them",
                )
            children[key], keys[key] = child, key_location
            index = self.skip(index)
            if self.text[index] == ",":
                index = self.skip(index + 1)
        return Node("mapping", children, location, key_locations=keys), index + 1

    def sequence(self, index: int, depth: int, location: Location) -> tuple[Node, int]:
        items: list[Node] = []
        index = self.skip(index + 1)
        while self.text[index] != "]":
            child, index = self.value(index, depth + 1)
            items.append(child)
            index = self.skip(index)
            if self.text[index] == ",":
                index = self.skip(index + 1)
        return Node("list", items, location), index + 1


def load_json(text: str, path: str) -> Node:
    """Parse JSON text into a located Node tree.

    Raises XpromoError located at the problem for syntax errors, duplicate keys and
    nesting deeper than MAX_DEPTH.
    """
    text = text.removeprefix("\ufeff")
    try:  # the syntax check only: numbers are read by _Reader (an int of 5000 digits too)
        json.loads(text, parse_int=lambda digits: 0)
    except json.JSONDecodeError as error:
        hint = next((h for needle, h in _HINTS if needle in error.msg), None)
        raise _error(path, error.lineno, error.colno, f"invalid JSON: {error.msg}", hint) from None
    except RecursionError:
        raise _error(
            path, 1, 1, f"this JSON is nested too deeply (more than {MAX_DEPTH} levels)"
        ) from None
    node, _end = _Reader(text, path).value(0, 0)
    return node
