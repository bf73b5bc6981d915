"""Field validators: small declarative specs that check located YAML nodes.

Each spec checks one `Node`, reports problems to a `Checker` (never stopping at the
first), and returns the clean Python value or `INVALID`. `Struct` rejects unknown
keys with a "did you mean" hint. The same specs document the file contract.
"""

from __future__ import annotations

import abc
import dataclasses
import difflib
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Collector, Location
from .yamlsource import Node

SLUG_RE = r"[a-z0-9]+(?:-[a-z0-9]+)*"
SLUG_PATTERN = re.compile(SLUG_RE)


def suggest_slug(text: str) -> str:
    """Return the slug closest to text: lowercase, accents folded, others become hyphens.

    Accents are folded (NFKD, combining marks dropped), so ``Müller & Söhne`` becomes
    ``muller-sohne`` rather than ``m-ller-s-hne``.
    """
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c)
    )
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()


@dataclass(frozen=True)
class Checker:
    """What validators need: where to report, and the site root for asset paths."""

    collector: Collector
    root: Path

    def error(self, location: Location, message: str, hint: str | None = None) -> Any:
        """Record an error and return INVALID, so validators can `return checker.error(...)`."""
        self.collector.error(location, message, hint)
        return INVALID


class Spec(abc.ABC):
    """A validator for one value. `what` names the expected form in messages."""

    what = "a value"
    # a key with no value normally takes its default; a spec for which an empty value
    # is itself a mistake to explain (a colour whose # began a YAML comment) checks it
    checks_empty = False

    @abc.abstractmethod
    def check(self, node: Node, name: str, checker: Checker) -> Any:
        """Return the clean value of node, or INVALID after reporting to checker."""

    def wrong(self, node: Node, name: str, checker: Checker, hint: str | None = None) -> Any:
        """Report 'name' must be <what> (got <value>)."""
        if node.kind == "null":
            return checker.error(
                node.location, f"'{name}' has no value", hint or f"'{name}' must be {self.what}"
            )
        return checker.error(
            node.location, f"'{name}' must be {self.what} (got {node.describe()})", hint
        )


# Characters no text field may hold: C0 controls other than tab and line breaks, DEL,
# C1 controls (except NEL, YAML's own line break), lone surrogates and the two
# noncharacters XML refuses. A YAML escape ("\\x0b") is the usual way one arrives.
CONTROL_CHARACTERS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff"
_CONTROL = re.compile(rf"[{CONTROL_CHARACTERS}\ud800-\udfff]")


def _text_of(node: Node) -> str | None:
    if node.kind in ("text", "number", "timestamp"):
        return node.raw if node.kind != "text" else node.value
    return None


class Text(Spec):
    what = "text"

    def __init__(
        self,
        pattern: str | None = None,
        what: str | None = None,
        hint: str | None = None,
        max_length: int = 2000,
    ) -> None:
        self.pattern = re.compile(pattern) if pattern else None
        self.what = what or self.what
        self.hint = hint
        self.max_length = max_length

    def check(self, node: Node, name: str, checker: Checker) -> Any:
        text = _text_of(node)
        if text is None:
            return self.wrong(node, name, checker, self.hint)
        text = text.strip()
        if not text:
            return checker.error(
                node.location,
                f"'{name}' is empty",
                self.hint or f"write {self.what} or remove the key",
            )
        if len(text) > self.max_length:
            return checker.error(
                node.location,
                f"'{name}' is too long ({len(text)} characters; at most {self.max_length})",
            )
        control = _CONTROL.search(text)
        if control:
            return checker.error(
                node.location,
                f"'{name}' contains the control character U+{ord(control.group()):04X}",
                "delete it: it often comes along when text is copied from a PDF or a "
                "word processor, and it makes the feed and the pages unreadable",
            )
        if self.pattern and not self.pattern.fullmatch(text):
            return self.wrong(node, name, checker, self.hint)
        return text


class ListOf(Spec):
    def __init__(
        self,
        item: Spec,
        min_items: int = 0,
        unique: bool = False,
        max_items: int | None = None,
        why_max: str = "",
    ) -> None:
        self.item = item
        self.min_items = min_items
        self.max_items = max_items
        self.why_max = why_max  # the hint when there are more than max_items
        self.unique = unique
        self.what = "a list"

    def check(self, node: Node, name: str, checker: Checker) -> Any:
        if node.kind != "list":
            if node.kind in ("text", "number"):
                items = ", ".join(part.strip() for part in node.raw.split(",") if part.strip())
                key = name.rpartition(".")[2]
                return self.wrong(node, name, checker, f"write a list: {key}: [{items}]")
            return self.wrong(node, name, checker)
        if self.max_items is not None and len(node.value) > self.max_items:
            return checker.error(
                node.location,
                f"'{name}' has {len(node.value)} entries; at most {self.max_items}",
                self.why_max or None,
            )
        values = [
            self.item.check(child, f"{name}[{i + 1}]", checker)
            for i, child in enumerate(node.value)
        ]
        if self.unique:
            seen: dict[Any, int] = {}
            for index, (child, value) in enumerate(zip(node.value, values, strict=True)):
                if value is INVALID:
                    continue
                if value in seen:
                    checker.error(
                        child.location,
                        f"'{value}' is listed twice in '{name}'",
                        f"remove entry {index + 1}",
                    )
                    values[index] = INVALID
                seen.setdefault(value, index)
        if len(node.value) < self.min_items:
            return checker.error(
                node.location,
                f"'{name}' needs at least {self.min_items} "
                f"{'entry' if self.min_items == 1 else 'entries'} (got {len(node.value)})",
            )
        return values


class MapOf(Spec):
    """A mapping with free keys checked by `key` and values checked by `value`."""

    what = "a mapping"

    def __init__(self, key: Spec, value: Spec) -> None:
        self.key = key
        self.value = value

    def check(self, node: Node, name: str, checker: Checker) -> Any:
        if node.kind != "mapping":
            return self.wrong(node, name, checker)
        result: dict[str, Any] = {}
        for key, child in node.value.items():
            key_node = Node("text", key, node.key_locations[key], key)
            checked_key = self.key.check(key_node, f"{name} key", checker)
            checked_value = self.value.check(child, f"{name}.{key}", checker)
            if checked_key is not INVALID:
                result[checked_key] = checked_value
        return result


class Anything(Spec):
    """Free-form data (`extra:`), passed on as plain Python values."""

    what = "a mapping"

    def check(self, node: Node, name: str, checker: Checker) -> Any:
        if node.kind != "mapping":
            return self.wrong(node, name, checker)
        return node.to_python()


@dataclass(frozen=True)
class Field:
    spec: Spec
    required: bool = False
    default: Any = None
    doc: str = ""


def describe(struct: Struct, docs: Mapping[str, str]) -> None:
    """Give struct's fields their one-line meanings (kept beside the struct they document).

    Raises KeyError for a key the struct does not have, so docs cannot drift from fields.
    """
    for key, doc in docs.items():
        struct.fields[key] = dataclasses.replace(struct.fields[key], doc=doc)


class Struct(Spec):
    """A mapping with known keys; unknown keys are errors with a "did you mean" hint."""

    what = "a mapping"

    def __init__(
        self,
        fields: Mapping[str, Field],
        label: str = "",
        after: Callable[[dict[str, Any], Node, Checker], None] | None = None,
        example: str | None = None,
        required_unless: str | None = None,
    ) -> None:
        self.fields = dict(fields)
        self.label = label
        self.after = after
        self.example = example
        self.required_unless = required_unless  # a key that, when given, makes none required

    def check(self, node: Node, name: str, checker: Checker) -> Any:
        if node.kind != "mapping":
            if not name:
                return checker.error(
                    node.location,
                    f"{self.label} must be 'key: value' fields (got {node.describe()})",
                    self.example,
                )
            return self.wrong(node, name, checker, self.example)
        result: dict[str, Any] = {}
        meant: set[str] = set()
        for key in node.value:
            if key not in self.fields:
                meant.update(self._unknown(node, key, name, checker))
        # entries of a list are named by their label; nested mappings by a dotted path
        prefix = "" if not name or name.endswith("]") else f"{name}."
        waived = self.required_unless is not None and self.required_unless in node.value
        for key, field_ in self.fields.items():
            child = node.value.get(key)
            if child is None:
                if field_.required and waived:
                    result[key] = field_.default
                    continue
                if field_.required and key not in meant:
                    where = f" in {self.label or name}" if (self.label or name) else ""
                    checker.error(
                        node.location,
                        f"missing required key '{key}'{where}",
                        f"add '{key}:' ({field_.spec.what})",
                    )
                result[key] = INVALID if field_.required else field_.default
                continue
            if child.kind == "null" and not field_.required and not field_.spec.checks_empty:
                result[key] = field_.default
                continue
            result[key] = field_.spec.check(child, f"{prefix}{key}", checker)
        if self.after is not None:
            self.after(result, node, checker)
        return result

    def _unknown(self, node: Node, key: str, name: str, checker: Checker) -> list[str]:
        """Report an unknown key; return the known key it was probably meant as, if any."""
        known = list(self.fields)
        close = difflib.get_close_matches(key, known, 1, 0.6) or difflib.get_close_matches(
            key.lower().replace("colour", "color"), known, 1, 0.6
        )
        where = f" in {self.label or name}" if (self.label or name) else ""
        hint = (
            f"did you mean '{close[0]}'?"
            if close
            else (
                "allowed keys: " + ", ".join(known) + "; put your own data under 'extra:'"
                if "extra" in self.fields
                else "allowed keys: " + ", ".join(known)
            )
        )
        checker.error(node.key_locations[key], f"unknown key '{key}'{where}", hint)
        return close[:1]


def is_valid(*values: Any) -> bool:
    """True when none of the values (or their nested dicts/lists) is INVALID."""
    for value in values:
        if value is INVALID:
            return False
        if isinstance(value, dict) and not is_valid(*value.values()):
            return False
        if isinstance(value, list) and not is_valid(*value):
            return False
    return True


def check_known(
    partner_id: str, location: Location, known: set[str], checker: Checker, why: str = ""
) -> bool:
    """Report an unknown partner id with the closest known one as hint; True if known."""
    if partner_id in known:
        return True
    close = (
        difflib.get_close_matches(partner_id, sorted(known), 1, 0.6)
        or difflib.get_close_matches(suggest_slug(partner_id), sorted(known), 1, 0.6)
        or [k for k in sorted(known) if suggest_slug(partner_id).startswith(k + "-")][:1]
    )
    hint = (
        f"did you mean '{close[0]}'?" if close else ("known partners: " + ", ".join(sorted(known)))
    )
    if why:
        hint = f"{why}; {hint}"
    checker.error(location, f"unknown partner '{partner_id}'", hint)
    return False
