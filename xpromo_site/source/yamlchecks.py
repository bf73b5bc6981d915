"""The limits on a YAML document, checked before it is expanded: nesting deeper than
MAX_DEPTH (from parser events, before composing) and alias bombs (sizes of the composed
graph, each shared node counted once)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from ..errors import Diagnostic, Location, XpromoError
from ..limits import MAX_DEPTH, MAX_YAML_VALUES


def too_many(location: Location) -> XpromoError:
    """The error for YAML that expands to more than MAX_YAML_VALUES values, at location."""
    return XpromoError(
        [
            Diagnostic(
                location,
                f"this YAML expands to too many values (more than {MAX_YAML_VALUES:,})",
                "remove recursive or heavily repeated &anchor/*alias references",
            )
        ]
    )


def check_depth(text: str, loader: type[Any], path: str, line_offset: int) -> None:
    """Refuse YAML nested deeper than MAX_DEPTH before composing it.

    Reads parser events only (libyaml's parser keeps its own stack), so a file of a million
    '[' fails at once instead of exhausting the composer's recursion. Some libyaml builds
    refuse deep nesting themselves, with their own limit, wording and position (PyYAML
    6.0.4 stops at 1,000 levels while scanning ahead); then the pure-Python parser, which
    reads one event at a time, finds the place xpromo's own limit is passed, so the
    message and its location do not depend on the PyYAML release. loader is the one the
    document will be composed with.
    """
    try:
        _deepest_within_limit(yaml.parse(text, Loader=loader), path, line_offset)
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


def check_expansion(root: yaml.Node, path: str, line_offset: int) -> None:
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
    raise too_many(Location(path, mark.line + 1 + line_offset, mark.column + 1))
