"""A small HTML reader for end-to-end tests: elements with attributes, text and nesting."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element] = field(default_factory=list)
    text_parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """All text inside, whitespace folded."""
        parts = list(self.text_parts)
        for child in self.children:
            parts.append(child.text)
        return " ".join(" ".join(parts).split())

    def iter(self, tag: str | None = None) -> list[Element]:
        """Every descendant (document order), optionally only those with the tag."""
        found = []
        for child in self.children:
            if tag is None or child.tag == tag:
                found.append(child)
            found.extend(child.iter(tag))
        return found

    def find(self, tag: str, **attrs: str) -> Element | None:
        for element in self.iter(tag):
            if all(element.attrs.get(k.rstrip("_")) == v for k, v in attrs.items()):
                return element
        return None

    def has_class(self, name: str) -> bool:
        return name in self.attrs.get("class", "").split()


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is None:
            self.errors.append(f"stray </{tag}>")
            return
        if node is not self.current:
            self.errors.append(f"</{tag}> closes open <{self.current.tag}>")
        self.current = node.parent or self.root

    def handle_data(self, data: str) -> None:
        self.current.text_parts.append(data)


def parse_html(html: str) -> Element:
    """Parse html; raise AssertionError on mis-nested or unclosed elements."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    assert not reader.errors, reader.errors
    assert reader.current is reader.root, f"unclosed <{reader.current.tag}>"
    return reader.root
