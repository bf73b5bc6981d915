"""Markdown → HTML once per document, with absolute links left as placeholders.

Copy may come from partners. By default raw HTML in Markdown is escaped, never passed
through; `program.content.html: safe` lets a small formatting subset through, sanitised
with nh3 (links and images must still be written in Markdown, so they are tracked and
checked). Links and images whose scheme could run script or smuggle a document
(`javascript:`, `vbscript:`, `data:`) are located errors, as are links to schemes other
than http(s), mailto:, tel:, sms: and webcal:. Links are read as browsers read them
(``urls.read``): every link a browser opens on another site, scheme-relative ``//host/``
ones too, becomes a placeholder, published as the browser reads it (with a located
warning when that differs from the text), which the renderer fills per page (tracked for
that page's audience, or as written), so a campaign's Markdown is parsed and rendered
once however many variants it has.
"""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from .errors import Collector, Diagnostic, Location
from .models import LINK_MARK, Body, BodyImage, BodyLink
from .tracking import is_trackable
from .urls import read

LINK_SCHEMES = ("http", "https", "mailto", "tel", "sms", "webcal")
SCRIPT_SCHEMES = ("javascript", "vbscript")

# what Markdown itself writes, and the raw HTML subset `content.html: safe` lets through
MARKDOWN_TAGS = frozenset(
    (
        "p",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "ul",
        "ol",
        "li",
        "pre",
        "code",
        "em",
        "strong",
        "s",
        "hr",
        "br",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "a",
        "img",
    )
)
SAFE_TAGS = frozenset(
    (
        "abbr",
        "b",
        "i",
        "u",
        "sub",
        "sup",
        "small",
        "mark",
        "kbd",
        "samp",
        "var",
        "cite",
        "dfn",
        "q",
        "time",
        "span",
        "del",
        "ins",
        "details",
        "summary",
        "figure",
        "figcaption",
        "dl",
        "dt",
        "dd",
        "caption",
        "wbr",
        "br",
        "hr",
    )
)
SAFE_ATTRIBUTES = {
    "*": {"lang", "dir", "title"},
    "a": {"href"},
    "img": {"src", "alt"},
    "th": {"style", "class", "colspan", "rowspan", "scope"},
    "td": {"style", "class", "colspan", "rowspan"},
    "ol": {"start", "reversed"},
    "code": {"class"},
    "time": {"datetime"},
    "q": {"cite"},
    "details": {"open"},
}
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")


def _parser(html: bool) -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": html, "xhtmlOut": False, "typographer": False})
    parser.enable(["table", "strikethrough"])
    # every link reaches the checks below, which refuse the dangerous ones by name
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser


_PARSERS = {"off": _parser(False), "safe": _parser(True)}


def scheme_of(url: str) -> str | None:
    """Return the lowercase scheme a browser would read from url, or None if relative.

    Tabs, newlines and other control characters are ignored and percent-escapes decoded,
    as a browser or a lenient client might.
    """
    compact = re.sub(r"[\x00-\x20\x7f]+", "", unquote(url)).lower()
    match = _SCHEME.match(compact)
    return match[1] if match else None


def _shown(url: str) -> str:
    return url if len(url) <= 60 else url[:57] + "..."


def url_problem(url: str, image: bool) -> tuple[str, str] | None:
    """Return (message, hint) when a link (or image) URL must be refused, else None.

    Remote http(s) images are left to the caller, which knows where site files are.
    """
    scheme = scheme_of(url)
    what = "image" if image else "link"
    site_hint = (
        "save the image under assets/ and refer to it by path, e.g. ![Diagram](/assets/diagram.png)"
    )
    if scheme in SCRIPT_SCHEMES:
        return (
            f"{what} '{_shown(url)}' would run script in the visitor's browser",
            site_hint if image else "link to a web page (https://...), or remove the link",
        )
    if scheme == "data":
        if image:
            return (
                f"image '{_shown(url)}' is embedded in the text; images must be files in the site",
                site_hint,
            )
        return (
            f"link '{_shown(url)}' opens a document embedded in the link",
            "link to a web page (https://...) instead",
        )
    if not image and scheme is not None and scheme not in LINK_SCHEMES:
        return (
            f"link '{_shown(url)}' uses {scheme}:, which copy may not link to",
            "links may be web addresses (https://...), mailto:, tel:, sms: or webcal:",
        )
    return None


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


class _RawTags(HTMLParser):
    """Collects the start tags of a raw HTML fragment with their attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


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
                self.raw_html(token.content, self.location(line_no, col))
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
                        f"link '{_shown(url)}' goes to {reading.host}: "
                        + "; ".join(reading.quirks),
                        f"write the address as it is published: {reading.href}",
                    )
                    url = reading.href
                token.attrSet("href", f"{LINK_MARK}{len(self.links)}{LINK_MARK}")
                self.links.append(BodyLink(url, location))
            else:
                token.attrSet("src", f"{LINK_MARK}i{len(self.images)}{LINK_MARK}")
                self.images.append(BodyImage(url, location))

    def raw_html(self, fragment: str, location: Location) -> None:
        """Check raw HTML that `content.html: safe` lets through the sanitiser."""
        collector = self.collector
        parser = _RawTags()
        parser.feed(fragment)
        parser.close()
        for tag, attrs in parser.tags:
            if tag in ("a", "img"):
                kind = "links" if tag == "a" else "images"
                how = "[text](https://...)" if tag == "a" else "![description](/assets/...)"
                collector.error(
                    location,
                    f"raw HTML <{tag}> is not allowed: write {kind} in Markdown, {how}, "
                    "so they are tracked and checked",
                )
                continue
            for name, value in attrs:
                scheme = scheme_of(value or "")
                if scheme in (*SCRIPT_SCHEMES, "data"):
                    collector.error(
                        location,
                        f"raw HTML <{tag} {name}='{_shown(value or '')}'> would load or run "
                        f"a {scheme}: URL",
                        "remove the attribute",
                    )
            if tag not in SAFE_TAGS and tag not in MARKDOWN_TAGS:
                collector.warning(
                    location,
                    f"raw HTML <{tag}> is not in the safe subset and is removed",
                    "allowed: " + ", ".join(sorted(SAFE_TAGS)),
                )
                continue
            allowed = SAFE_ATTRIBUTES["*"] | SAFE_ATTRIBUTES.get(tag, set())
            for name, _value in attrs:
                if name not in allowed:
                    collector.warning(
                        location,
                        f"raw HTML attribute '{name}' on <{tag}> is removed",
                        "only lang, dir and title (and a few per tag) pass the sanitiser",
                    )


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
            renderer.raw_html(block.content, renderer.location(first, col))
        if block.type == "inline" and block.children:
            renderer.inline(block)
    rendered = parser.renderer.render(tokens, parser.options, {})
    if html == "safe":
        rendered = _sanitise(rendered, text)
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


def _sanitise(rendered: str, text: str) -> str:
    """Return rendered HTML passed through nh3, placeholders kept.

    The placeholders' NUL characters would not survive an HTML parser, so they travel as
    a marker derived from the text's own hash, which the text cannot contain.
    """
    marker = "xpromo" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]
    made = {
        ("a", "href"): re.compile(rf"{marker}\d+{marker}"),
        ("img", "src"): re.compile(rf"{marker}i\d+{marker}"),
    }

    def only_what_markdown_made(tag: str, name: str, value: str) -> str | None:
        # An HTML parser makes elements the raw text never named (<image> is read as
        # <img>): a link or image the Markdown did not make, and so did not track and
        # check, loses its address whatever the raw HTML looked like.
        pattern = made.get((tag, name))
        return value if pattern is None or pattern.fullmatch(value) else None

    cleaned = nh3.clean(
        rendered.replace(LINK_MARK, marker),
        tags=set(MARKDOWN_TAGS | SAFE_TAGS),
        attributes={tag: set(names) for tag, names in SAFE_ATTRIBUTES.items()},
        link_rel=None,
        url_schemes=set(LINK_SCHEMES),
        filter_style_properties={"text-align"},
        strip_comments=True,
        attribute_filter=only_what_markdown_made,
    )
    cleaned = _IMG_WITHOUT_SRC.sub("", cleaned)  # nothing left to show, not valid HTML
    return cleaned.replace(marker, LINK_MARK)


_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")


def _walk(children: list[Token]) -> list[Token]:
    result: list[Token] = []
    for child in children:
        result.append(child)
        if child.children:
            result.extend(_walk(child.children))
    return result
