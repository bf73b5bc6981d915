"""Raw HTML in copy: what `program.content.html: safe` lets through (the tag and
attribute subset), the located errors and warnings about what it does not, and the
nh3 pass that sanitises the rendered HTML with the link placeholders kept."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser

import nh3

from ..errors import Collector, Location
from ..models import LINK_MARK
from .schemes import LINK_SCHEMES, SCRIPT_SCHEMES, scheme_of, shown

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


class _RawTags(HTMLParser):
    """Collects the start tags of a raw HTML fragment with their attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def check_raw_html(fragment: str, location: Location, collector: Collector) -> None:
    """Check raw HTML that `content.html: safe` lets through the sanitiser."""
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
                    f"raw HTML <{tag} {name}='{shown(value or '')}'> would load or run "
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


def sanitise(rendered: str, text: str) -> str:
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
