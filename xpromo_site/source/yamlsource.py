"""YAML loading that keeps the location of every node.

`load_yaml` turns text into a tree of `Node`s: mappings, lists and scalars, each
with the file location it came from, so validators can point at the exact line
and column of a bad value. The document is checked against the limits
(`yamlchecks.py`) before it is expanded; parser errors are worded by `yamlerrors.py`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..errors import Diagnostic, Location, XpromoError
from ..limits import MAX_DEPTH, MAX_YAML_VALUES
from .yamlchecks import check_depth, check_expansion, too_many
from .yamlerrors import reader_error, syntax_error

try:  # the C loader is several times faster; fall back to pure Python where it is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_TAG = "tag:yaml.org,2002:"
SCALAR_KINDS = {
    f"{_TAG}str": "text",
    f"{_TAG}int": "number",
    f"{_TAG}float": "number",
    f"{_TAG}bool": "boolean",
    f"{_TAG}null": "null",
    f"{_TAG}timestamp": "timestamp",
}


@dataclass(slots=True)
class Node:
    """A located YAML value.

    kind is "mapping" (value: dict[str, Node]), "list" (value: list[Node]) or one of the
    scalar kinds "text", "number", "boolean", "null", "timestamp" (value: the Python
    scalar; timestamps stay text so validators can check them). raw is the scalar as
    written.
    """

    kind: str
    value: Any
    location: Location
    raw: str = ""
    key_locations: dict[str, Location] = field(default_factory=dict)

    def get(self, key: str) -> Node | None:
        """Return the child node under key of a mapping, or None."""
        if self.kind != "mapping":
            return None
        return self.value.get(key)

    def describe(self) -> str:
        """Return how a user would name this kind of value in a message."""
        return {
            "mapping": "a mapping",
            "list": "a list",
            "text": f"'{self.raw}'",
            "number": self.raw if len(self.raw) <= 40 else self.raw[:37] + "...",
            "boolean": self.raw,
            "timestamp": self.raw,
            "null": "nothing",
        }[self.kind]

    def to_python(self) -> Any:
        """Return the plain Python value (dicts, lists, scalars) of this subtree."""
        if self.kind == "mapping":
            return {k: v.to_python() for k, v in self.value.items()}
        if self.kind == "list":
            return [v.to_python() for v in self.value]
        return self.value


class _Builder:
    def __init__(self, path: str, line_offset: int) -> None:
        self.path = path
        self.line_offset = line_offset
        self.constructor = yaml.constructor.SafeConstructor()
        self.count = 0
        self.problems: list[Diagnostic] = []

    def location(self, node: yaml.Node) -> Location:
        mark = node.start_mark
        return Location(self.path, mark.line + 1 + self.line_offset, mark.column + 1)

    def build(self, node: yaml.Node, depth: int = 0) -> Node:
        self.count += 1
        if self.count > MAX_YAML_VALUES or depth > MAX_DEPTH:
            raise too_many(self.location(node))
        location = self.location(node)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, location, depth)
        if isinstance(node, yaml.SequenceNode):
            return Node("list", [self.build(item, depth + 1) for item in node.value], location)
        assert isinstance(node, yaml.ScalarNode)
        return self.scalar(node, location)

    def mapping(self, node: yaml.MappingNode, location: Location, depth: int) -> Node:
        try:
            self.constructor.flatten_mapping(node)
        except yaml.constructor.ConstructorError as error:
            raise syntax_error(error, self.path, self.line_offset) from None
        children: dict[str, Node] = {}
        keys: dict[str, Location] = {}
        for key_node, value_node in node.value:
            key_location = self.location(key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(
                    Diagnostic(key_location, "a key must be plain text, not a list or mapping")
                )
                continue
            key = str(key_node.value)
            if key in children:
                first = keys[key]
                self.problems.append(
                    Diagnostic(
                        key_location,
                        f"duplicate key '{key}'",
                        f"'{key}' is already set at line {first.line}; keep one of them",
                    )
                )
                continue
            keys[key] = key_location
            children[key] = self.build(value_node, depth + 1)
        return Node("mapping", children, location, key_locations=keys)

    def scalar(self, node: yaml.ScalarNode, location: Location) -> Node:
        kind = SCALAR_KINDS.get(node.tag)
        raw = str(node.value)
        if kind is None:
            self.problems.append(
                Diagnostic(location, f"unsupported YAML tag '{node.tag}'", "remove the !tag")
            )
            return Node("text", raw, location, raw)
        if kind in ("text", "timestamp"):
            return Node(kind, raw, location, raw)
        constructors = {
            "number": (
                self.constructor.construct_yaml_int
                if node.tag.endswith("int")
                else self.constructor.construct_yaml_float
            ),
            "boolean": self.constructor.construct_yaml_bool,
            "null": self.constructor.construct_yaml_null,
        }
        try:
            value = constructors[kind](node)
        except ValueError:  # an integer of thousands of digits: more than any number holds
            value = -math.inf if raw.lstrip().startswith("-") else math.inf
        return Node(kind, value, location, raw)


def load_yaml(text: str, path: str, line_offset: int = 0) -> Node:
    """Parse one YAML document into a located Node tree.

    line_offset is added to every line number (for front matter inside a Markdown
    file). An empty document gives a null node at line 1. Raises XpromoError for
    syntax errors, duplicate keys and unsupported tags.
    """
    try:
        check_depth(text, _Loader, path, line_offset)
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        raise syntax_error(error, path, line_offset) from None
    except yaml.reader.ReaderError as error:
        raise reader_error(error, text, path, line_offset) from None
    except yaml.YAMLError as error:  # pragma: no cover - every other error carries a mark
        raise XpromoError(
            [Diagnostic(Location(path, 1 + line_offset, 1), f"invalid YAML: {error}")]
        ) from None
    if root is None:
        return Node("null", None, Location(path, 1 + line_offset, 1))
    check_expansion(root, path, line_offset)
    builder = _Builder(path, line_offset)
    tree = builder.build(root)
    if builder.problems:
        raise XpromoError(builder.problems)
    return tree
