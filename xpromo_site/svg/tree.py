"""The SVG's XML tree: parsed with defusedxml (each element's line kept, nesting
deeper than MAX_DEPTH refused as it is read) and written back deterministically,
with SVG as the default namespace and attributes in the input's order."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from ..limits import MAX_DEPTH

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XHTML_NS = "http://www.w3.org/1999/xhtml"


class SvgError(Exception):
    """The SVG cannot be made safe or used; line is where in the file, when known."""

    def __init__(self, message: str, line: int | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.hint = hint

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


def too_deep(line: int | None) -> SvgError:
    """The error for elements nested deeper than MAX_DEPTH, at line."""
    return SvgError(
        f"the SVG is nested too deeply (more than {MAX_DEPTH} levels)",
        line,
        "ungroup nested groups in a vector editor and export it again",
    )


class _Builder(ElementTree.TreeBuilder):
    """A tree builder that remembers the line each element starts on, and stops the parse
    as soon as elements nest deeper than MAX_DEPTH."""

    def __init__(self) -> None:
        super().__init__()
        self.parser: Any = None
        self.lines: dict[int, int] = {}
        self.depth = 0

    def start(self, tag: Any, attrs: Any) -> ElementTree.Element:
        line = self.parser.parser.CurrentLineNumber if self.parser is not None else None
        self.depth += 1
        if self.depth > MAX_DEPTH + 1:
            raise too_deep(line)
        element = super().start(tag, attrs)
        if line is not None:
            self.lines[id(element)] = line
        return element

    def end(self, tag: Any) -> ElementTree.Element:
        self.depth -= 1
        return super().end(tag)


def parse(data: bytes) -> tuple[ElementTree.Element, dict[int, int]]:
    """Return the root element and the line each element starts on (by id).

    Raises SvgError when the file is not well-formed XML, declares entities or an
    external DTD, or nests deeper than MAX_DEPTH.
    """
    builder = _Builder()
    parser = DefusedXMLParser(
        target=builder, forbid_dtd=False, forbid_entities=True, forbid_external=True
    )
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as error:
        line = parser.parser.CurrentLineNumber
        name = getattr(error, "name", None)
        what = f" ({name})" if name else ""
        raise SvgError(
            f"the SVG declares XML entities{what}, which could expand without end or read "
            "other files; xpromo never expands them",
            line,
            "export it again as a plain SVG: an image never needs a DOCTYPE with entities",
        ) from None
    except ElementTree.ParseError as error:
        line, _col = error.position
        reason = str(error).rsplit(": line", 1)[0]
        raise SvgError(
            f"the file is not well-formed XML ({reason})",
            line,
            "open it in a vector editor and export it again as SVG",
        ) from None
    return root, builder.lines


def split_name(name: str) -> tuple[str, str]:
    """Return a tag or attribute name's namespace and local name."""
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


def serialise(element: ElementTree.Element, parts: list[str], root: bool = False) -> None:
    """Write element as XML: SVG as the default namespace, attributes in their order."""
    name = split_name(element.tag)[1]
    parts.append(f"<{name}")
    if root:
        parts.append(f' xmlns="{SVG_NS}"')
    for key, value in element.attrib.items():
        namespace, attribute = split_name(key)
        prefix = "xml:" if namespace == XML_NS else ""
        parts.append(f" {prefix}{attribute}={quoteattr(value)}")
    if not len(element) and not element.text:
        parts.append("/>")
    else:
        parts.append(">")
        parts.append(escape(element.text or ""))
        for child in element:
            serialise(child, parts)
            parts.append(escape(child.tail or ""))
        parts.append(f"</{name}>")
