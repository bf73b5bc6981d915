"""Markdown → HTML once per document, with absolute links left as placeholders.

Copy may come from partners, so raw HTML in Markdown is escaped, never passed
through. Every absolute http(s) link becomes a placeholder that the renderer
fills per page (tracked for that page's audience, or as written), so a campaign's
Markdown is parsed and rendered once however many variants it has.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .errors import Location
from .models import LINK_MARK, Body, BodyImage, BodyLink
from .tracking import is_trackable


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "xhtmlOut": False, "typographer": False})
    parser.enable(["table", "strikethrough"])
    return parser


_PARSER = _parser()


def _column(lines: list[str], first: int, last: int, url: str, start_at: int) -> tuple[int, int]:
    """Find where url is written between lines first..last; return 0-based line, 1-based col."""
    for line_no in range(max(first, start_at), last):
        col = lines[line_no].find(url)
        if col >= 0:
            return line_no, col + 1
    return first, 1


def render_markdown(text: str, path: str, line_offset: int) -> Body:
    """Return the Body of Markdown text: HTML with placeholders, its links and its images.

    path and line_offset locate the text in its file, for messages about its links
    and images.
    """
    tokens = _PARSER.parse(text)
    lines = text.splitlines()
    links: list[BodyLink] = []
    images: list[BodyImage] = []
    for block in tokens:
        if block.type == "heading_open" and block.tag == "h1":
            # the page's title is its only h1; a '#' heading in copy ranks below it
            block.tag = "h2"
        elif block.type == "heading_close" and block.tag == "h1":
            block.tag = "h2"
        if block.type != "inline" or not block.children:
            continue
        first, last = block.map or (0, len(lines))
        search_from = first
        for token in _walk(block.children):
            attribute = {"link_open": "href", "image": "src"}.get(token.type)
            url = token.attrGet(attribute) if attribute else None
            if not isinstance(url, str):
                continue
            if attribute == "href" and not is_trackable(url):
                continue  # links within the site, mailto: and tel: stay as written
            line_no, col = _column(lines, first, last, url, search_from)
            search_from = line_no
            location = Location(path, line_offset + line_no + 1, col)
            if attribute == "href":
                token.attrSet("href", f"{LINK_MARK}{len(links)}{LINK_MARK}")
                links.append(BodyLink(url, location))
            else:
                token.attrSet("src", f"{LINK_MARK}i{len(images)}{LINK_MARK}")
                images.append(BodyImage(url, location))
    html = _PARSER.renderer.render(tokens, _PARSER.options, {})
    return Body(html=html, links=tuple(links), images=tuple(images))


def _walk(children: list[Token]) -> list[Token]:
    result: list[Token] = []
    for child in children:
        result.append(child)
        if child.children:
            result.extend(_walk(child.children))
    return result
