"""YAML and front matter loading that keeps the location of every node.

`load_yaml` turns text into a tree of `Node`s: mappings, lists and scalars, each
with the file location it came from, so validators can point at the exact line
and column of a bad value. `split_front_matter` cuts a Markdown file into its
YAML header and body, keeping the line offset of each.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Diagnostic, Location, XpromoError
from ..limits import (
    MAX_DEPTH,
    MAX_SOURCE_BYTES,
    MAX_YAML_VALUES,
    FileProblem,
    read_file,
    size_problem,
)

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


_HINTS = (
    (
        "cannot start any token",
        "indent with spaces, not tabs, and quote values that start with @ or `",
    ),
    (
        "mapping values are not allowed",
        "quote text that contains ': ', for example title: \"Backup: the webinar\"",
    ),
    (
        "could not find expected ':'",
        "each line of a mapping needs 'key: value'; check the "
        "line above for a missing colon or an unclosed quote",
    ),
    ("did not find expected key", "check the indentation of this line against the keys above it"),
    (
        "found undefined alias",
        "define the &anchor before using *alias, or quote a value that starts with *",
    ),
    ("found unexpected end of stream", "a quoted value is not closed"),
    ("tab", "indent with spaces, not tabs"),
    (
        "expected alphabetic or numeric character",
        "a value that starts with * or & is read as a YAML alias or anchor: put it in quotes",
    ),
    ("single document", "the file holds one YAML document: remove the second '---' line"),
)


# What the parser was reading when it gave up, for the constructs that open with one
# character and must close with another: the error is placed where they opened.
_UNCLOSED = {
    "while parsing a flow sequence": ("this '[' is never closed", "close it with ']'"),
    "while parsing a flow mapping": ("this '{' is never closed", "close it with '}'"),
    "while scanning a quoted scalar": (
        "this quoted text is never closed",
        "end it with the quote it starts with",
    ),
}


def _syntax_error(error: yaml.MarkedYAMLError, path: str, line_offset: int) -> XpromoError:
    context = (error.context or "").strip()
    opened, problem_mark = error.context_mark, error.problem_mark
    if context in _UNCLOSED and opened is not None and problem_mark is not None:
        message, close = _UNCLOSED[context]
        gave_up = problem_mark.line + 1 + line_offset, problem_mark.column + 1
        problem = (error.problem or "").strip()
        hint = f"{close}; the parser gave up at line {gave_up[0]}, column {gave_up[1]}"
        hint += f" ({problem})" if problem else ""
        location = Location(path, opened.line + 1 + line_offset, opened.column + 1)
        return XpromoError([Diagnostic(location, f"invalid YAML: {message}", hint)])
    mark = problem_mark or opened
    line: int = (mark.line + 1 + line_offset) if mark else 1 + line_offset
    col = (mark.column + 1) if mark else 1
    problem = (error.problem or error.context or "invalid YAML").strip()
    if error.context and error.problem and error.context.startswith("expected"):
        problem = f"{error.context.strip()}, {problem}"
    known = next((h for needle, h in _HINTS if needle in problem), None)
    return XpromoError([Diagnostic(Location(path, line, col), f"invalid YAML: {problem}", known)])


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
            raise _too_many(self.location(node))
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
            raise _syntax_error(error, self.path, self.line_offset) from None
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


def _too_many(location: Location) -> XpromoError:
    return XpromoError(
        [
            Diagnostic(
                location,
                f"this YAML expands to too many values (more than {MAX_YAML_VALUES:,})",
                "remove recursive or heavily repeated &anchor/*alias references",
            )
        ]
    )


def _check_depth(text: str, path: str, line_offset: int) -> None:
    """Refuse YAML nested deeper than MAX_DEPTH before composing it.

    Reads parser events only (libyaml's parser keeps its own stack), so a file of a million
    '[' fails at once instead of exhausting the composer's recursion. Some libyaml builds
    refuse deep nesting themselves, with their own limit, wording and position (PyYAML
    6.0.4 stops at 1,000 levels while scanning ahead); then the pure-Python parser, which
    reads one event at a time, finds the place xpromo's own limit is passed, so the
    message and its location do not depend on the PyYAML release.
    """
    try:
        _deepest_within_limit(yaml.parse(text, Loader=_Loader), path, line_offset)
    except yaml.MarkedYAMLError as error:
        if "nesting depth" not in str(error.problem):
            raise
        _deepest_within_limit(yaml.parse(text, Loader=yaml.SafeLoader), path, line_offset)
        raise  # pragma: no cover - the pure-Python parser has no limit of its own


def _deepest_within_limit(events: Iterator[yaml.Event], path: str, line_offset: int) -> None:
    """Raise XpromoError at the first collection that opens past MAX_DEPTH levels."""
    depth = 0
    for event in events:
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                assert mark is not None  # the parser marks every event it reads
                raise XpromoError(
                    [
                        Diagnostic(
                            Location(path, mark.line + 1 + line_offset, mark.column + 1),
                            f"this YAML is nested too deeply (more than {MAX_DEPTH} levels)",
                            "a partner program needs a few levels; check for stray [ or { "
                            "or for lines starting '- - -'",
                        )
                    ]
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_expansion(root: yaml.Node, path: str, line_offset: int) -> None:
    """Refuse an alias bomb before expanding it: sizes are counted once per shared node."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        sizes[id(node)] = MAX_YAML_VALUES + 1  # a node that contains itself is too large
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(item) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(key) + size(value) for key, value in node.value)
        sizes[id(node)] = min(total, MAX_YAML_VALUES + 1)
        return sizes[id(node)]

    if size(root) <= MAX_YAML_VALUES:
        return
    node = root
    while True:  # point at the smallest part that is too large on its own
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        larger = [child for child in children if sizes.get(id(child), 0) > MAX_YAML_VALUES]
        if not larger or larger[0] is node:
            break
        node = larger[0]
    mark = node.start_mark
    raise _too_many(Location(path, mark.line + 1 + line_offset, mark.column + 1))


def _reader_error(
    error: yaml.reader.ReaderError, text: str, path: str, line_offset: int
) -> XpromoError:
    """A character YAML does not allow (a control character), located where it is."""
    before = text[: error.position]
    line = before.count("\n") + 1 + line_offset
    col = len(before) - (before.rfind("\n") + 1) + 1
    character = error.character if isinstance(error.character, str) else chr(error.character)
    return XpromoError(
        [
            Diagnostic(
                Location(path, line, col),
                f"invalid YAML: the control character U+{ord(character):04X} is not allowed",
                "delete it: it often comes along when text is copied from a PDF or a "
                "word processor",
            )
        ]
    )


def read_source(path: Path, rel: str, limit: int = MAX_SOURCE_BYTES) -> str:
    """Return the UTF-8 text of a source file.

    Raises XpromoError located at 1:1 when the file holds more than limit bytes, and at
    the first byte that is not UTF-8.
    """
    too_large = size_problem(path, limit)
    if too_large:
        raise XpromoError(
            [
                Diagnostic(
                    Location(rel, 1, 1),
                    too_large,
                    "split it up, or remove what it does not need (pasted images, repeated text)",
                )
            ]
        )
    try:
        data = read_file(path)
    except FileProblem as problem:
        raise XpromoError(
            [Diagnostic(Location(rel, 1, 1), problem.message, problem.hint)]
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise XpromoError(
            [
                Diagnostic(
                    Location(rel, line, col),
                    f"the file is not UTF-8 text: byte 0x{data[error.start]:02X} here cannot "
                    "be read",
                    "save the file with UTF-8 encoding (most editors offer it under "
                    "'Save with encoding')",
                )
            ]
        ) from None


def load_yaml(text: str, path: str, line_offset: int = 0) -> Node:
    """Parse one YAML document into a located Node tree.

    line_offset is added to every line number (for front matter inside a Markdown
    file). An empty document gives a null node at line 1. Raises XpromoError for
    syntax errors, duplicate keys and unsupported tags.
    """
    try:
        _check_depth(text, path, line_offset)
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error, path, line_offset) from None
    except yaml.reader.ReaderError as error:
        raise _reader_error(error, text, path, line_offset) from None
    except yaml.YAMLError as error:  # pragma: no cover - every other error carries a mark
        raise XpromoError(
            [Diagnostic(Location(path, 1 + line_offset, 1), f"invalid YAML: {error}")]
        ) from None
    if root is None:
        return Node("null", None, Location(path, 1 + line_offset, 1))
    _check_expansion(root, path, line_offset)
    builder = _Builder(path, line_offset)
    tree = builder.build(root)
    if builder.problems:
        raise XpromoError(builder.problems)
    return tree


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """A Markdown file cut in two: YAML header text and body, with their first line numbers."""

    yaml_text: str
    yaml_line_offset: int  # lines before the first YAML line
    body: str
    body_line_offset: int  # lines before the first body line


_FENCE = "---"


def split_front_matter(text: str, path: str) -> FrontMatter:
    """Split `---` delimited YAML front matter from a Markdown body.

    Raises XpromoError when the file does not open with `---` or the header is not
    closed by a `---` (or `...`) line.
    """
    text = text.removeprefix("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != _FENCE:
        raise XpromoError(
            [
                Diagnostic(
                    Location(path, 1, 1),
                    "the file does not start with front matter",
                    "begin the file with a line '---', then the YAML fields "
                    "(title, type, partners, ...), then another '---' line",
                )
            ]
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (_FENCE, "..."):
            return FrontMatter(
                yaml_text="".join(lines[1:index]),
                yaml_line_offset=1,
                body="".join(lines[index + 1 :]),
                body_line_offset=index + 1,
            )
    raise XpromoError(
        [
            Diagnostic(
                Location(path, 1, 1),
                "the front matter is not closed",
                "add a line '---' after the last YAML field, before the Markdown text",
            )
        ]
    )
