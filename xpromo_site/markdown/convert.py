"""Markdown → a Body: the parser, the links and images it finds (each located, checked,
and left as a placeholder), headings and table alignment fitted to the page, and the
bounds on the parser's work per file."""

from __future__ import annotations

import re
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..errors import Collector, Diagnostic, Location
from ..models import LINK_MARK, Body, BodyImage, BodyLink
from ..tracking import is_trackable
from ..urls import read
from .rawhtml import check_raw_html, sanitise
from .schemes import shown, url_problem


def _parser(html: bool) -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": html, "xhtmlOut": False, "typographer": False})
    parser.enable(["table", "strikethrough"])
    # every link reaches the checks below, which refuse the dangerous ones by name
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser


_PARSERS = {"off": _parser(False), "safe": _parser(True)}


def _column(lines: list[str], first: int, last: int, url: str, start_at: int) -> tuple[int, int]:
    """Find where url is written between lines first..last; return 0-based line, 1-based col.

    markdown-it hands over URLs normalised (entities decoded, characters %-escaped), so
    when the URL itself is not found, its unescaped form and then the part after its
    last escape are looked for.
    """
    needles = [url, unquote(url)]
    if "%" in url:
        needles.append(url.rsplit("%", 1)[1][2:])
    for needle in filter(None, needles):
        for line_no in range(max(first, start_at), last):
            col = lines[line_no].find(needle)
            if col >= 0:
                return line_no, col + 1
    return first, 1


class _Renderer:
    def __init__(self, text: str, path: str, line_offset: int, collector: Collector) -> None:
        self.lines = text.splitlines()
        self.path = path
        self.line_offset = line_offset
        self.collector = collector
        self.links: list[BodyLink] = []
        self.images: list[BodyImage] = []

    def location(self, line_no: int, col: int) -> Location:
        return Location(self.path, self.line_offset + line_no + 1, col)

    def inline(self, block: Token) -> None:
        first, last = block.map or (0, len(self.lines))
        search_from = first
        for token in _walk(block.children or []):
            if token.type == "html_inline":
                line_no, col = _column(self.lines, first, last, token.content, search_from)
                check_raw_html(token.content, self.location(line_no, col), self.collector)
                continue
            attribute = {"link_open": "href", "image": "src"}.get(token.type)
            url = token.attrGet(attribute) if attribute else None
            if not isinstance(url, str):
                continue
            line_no, col = _column(self.lines, first, last, url, search_from)
            search_from = line_no
            location = self.location(line_no, col)
            problem = url_problem(url, image=attribute == "src")
            if problem is not None:
                self.collector.error(location, *problem)
                token.attrs.pop(str(attribute), None)
                continue
            if attribute == "href":
                reading = read(url)
                if not reading.offsite:
                    continue  # links within the site, mailto: and tel: stay as written
                if not is_trackable(url) and reading.href is not None:
                    # browsers go where they read the text to lead: publish and file that
                    self.collector.warning(
                        location,
                        f"link '{shown(url)}' goes to {reading.host}: " + "; ".join(reading.quirks),
                        f"write the address as it is published: {reading.href}",
                    )
                    url = reading.href
                token.attrSet("href", f"{LINK_MARK}{len(self.links)}{LINK_MARK}")
                self.links.append(BodyLink(url, location))
            else:
                token.attrSet("src", f"{LINK_MARK}i{len(self.images)}{LINK_MARK}")
                self.images.append(BodyImage(url, location))


def render_markdown(
    text: str, path: str, line_offset: int, html: str = "off", collector: Collector | None = None
) -> Body:
    """Return the Body of Markdown text: HTML with placeholders, its links and its images.

    path and line_offset locate the text in its file, for messages about its links and
    images. html is "off" (raw HTML escaped) or "safe" (a subset sanitised with nh3).
    Problems go to collector; without one, raises XpromoError when there are errors.
    """
    own = collector is None
    collector = collector if collector is not None else Collector()
    too_much = _too_much_work(text, path, line_offset)
    if too_much is not None:
        collector.diagnostics.append(too_much)
        if own:
            collector.raise_if_errors()
        return Body(html="")
    parser = _PARSERS[html]
    tokens = parser.parse(text)
    renderer = _Renderer(text, path, line_offset, collector)
    for block in tokens:
        if block.type == "heading_open" and block.tag == "h1":
            # the page's title is its only h1; a '#' heading in copy ranks below it
            block.tag = "h2"
        elif block.type == "heading_close" and block.tag == "h1":
            block.tag = "h2"
        if block.type in ("th_open", "td_open"):
            _align_by_class(block)
        if block.type == "html_block":
            first = (block.map or (0, 0))[0]
            col = _column(renderer.lines, first, first + 1, block.content.lstrip()[:20], first)[1]
            check_raw_html(block.content, renderer.location(first, col), collector)
        if block.type == "inline" and block.children:
            renderer.inline(block)
    rendered = parser.renderer.render(tokens, parser.options, {})
    if html == "safe":
        rendered = sanitise(rendered, text)
    if own:
        collector.raise_if_errors()
    return Body(html=rendered, links=tuple(renderer.links), images=tuple(renderer.images))


# What costs Markdown's parser most per character: each "[" opens a link or image label it
# searches to its end (about 50 µs each), each "|" a table cell. A real page has a few
# hundred; the bounds keep any file under about a second, and are the same on every machine.
MARKDOWN_WORK = (
    ("[", 20_000, "links and images ('[')"),
    ("|", 100_000, "table cells ('|')"),
)


def _too_much_work(text: str, path: str, line_offset: int) -> Diagnostic | None:
    """Return an error located at the first character over a bound of MARKDOWN_WORK, or None."""
    for char, bound, what in MARKDOWN_WORK:
        if text.count(char) <= bound:
            continue
        at = -1
        for _ in range(bound + 1):
            at = text.index(char, at + 1)
        line = text.count("\n", 0, at)
        col = at - (text.rfind("\n", 0, at) + 1) + 1
        return Diagnostic(
            Location(path, line_offset + line + 1, col),
            f"the copy has more than {bound:,} {what}; xpromo reads at most that many per file",
            "remove the repeated characters, or split the copy into several campaigns or pages",
        )
    return None


_ALIGN = re.compile(r"text-align:(left|center|right)")


def _align_by_class(cell: Token) -> None:
    """Turn a table column's alignment into a class: the security policy blocks inline style."""
    style = cell.attrs.get("style")
    found = _ALIGN.fullmatch(str(style)) if style is not None else None
    if found is not None:
        del cell.attrs["style"]
        cell.attrs["class"] = f"align-{found[1]}"


def _walk(children: list[Token]) -> list[Token]:
    result: list[Token] = []
    for child in children:
        result.append(child)
        if child.children:
            result.extend(_walk(child.children))
    return result
