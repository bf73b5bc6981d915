"""Reads rendered pages back: inline code the CSP must hash, and where the disclosure sits.

Themes can override any template, so what the policy must allow and whether a
page discloses its referral links before the first one are decided from the HTML
a build actually wrote, not from what the built-in templates are meant to do.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser

from .errors import Diagnostic, Location, Severity, XpromoError

DISCLOSURE_ID = "disclosure"
DATA_BLOCK_TYPES = ("application/ld+json", "application/json")
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"})
VOID |= {"source", "track", "wbr"}


@dataclass
class PageScan:
    """What one page holds that the security policy and the disclosure rule care about."""

    inline_scripts: list[str] = field(default_factory=list)  # executable <script> bodies
    inline_styles: list[str] = field(default_factory=list)  # <style> bodies
    inline_attributes: list[str] = field(default_factory=list)  # style=, onclick=, ...
    sponsored_links: int = 0
    sponsored_before_disclosure: bool = False
    disclosure_text: str | None = None


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = PageScan()
        self._raw: str | None = None  # "script" or "style" while inside an inline one
        self._buffer: list[str] = []
        self._disclosure_depth = 0
        self._disclosure: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name in values:
            if name == "style" or name.startswith("on"):
                self.scan.inline_attributes.append(f"<{tag} {name}>")
        if tag == "script" and "src" not in values:
            if values.get("type", "").lower() not in DATA_BLOCK_TYPES:
                self._raw, self._buffer = "script", []
        elif tag == "style":
            self._raw, self._buffer = "style", []
        if self._disclosure is not None:
            self._disclosure_depth += tag not in VOID
        elif values.get("id") == DISCLOSURE_ID and self.scan.disclosure_text is None:
            self._disclosure, self._disclosure_depth = [], 1
        if tag == "a" and "sponsored" in values.get("rel", "").split():
            self.scan.sponsored_links += 1
            if self.scan.sponsored_links == 1 and self.scan.disclosure_text is None:
                self.scan.sponsored_before_disclosure = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if self._disclosure is not None and tag not in VOID:
            self._close_one()

    def handle_endtag(self, tag: str) -> None:
        if self._raw == tag:
            body = "".join(self._buffer)
            (self.scan.inline_scripts if tag == "script" else self.scan.inline_styles).append(body)
            self._raw = None
        if self._disclosure is not None:
            self._close_one()

    def _close_one(self) -> None:
        self._disclosure_depth -= 1
        if self._disclosure_depth == 0 and self._disclosure is not None:
            self.scan.disclosure_text = " ".join(" ".join(self._disclosure).split())
            self._disclosure = None

    def handle_data(self, data: str) -> None:
        if self._raw is not None:
            self._buffer.append(data)
        if self._disclosure is not None:
            self._disclosure.append(data)


def scan_page(html: str) -> PageScan:
    """Return what html holds: inline scripts and styles, sponsored links, the disclosure.

    Well-formed markup (what templates write) is read by a quick tokenizer; anything
    it does not recognise sends the whole page through Python's HTML parser instead.
    Both feed the same handlers, so they find the same things.
    """
    scan = _quick_scan(html)
    if scan is not None:
        return scan
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.scan


_NAME = r"[a-zA-Z][^\t\n\r\f />\x00]*"
_TOKEN = re.compile(
    r"<!--.*?-->"  # comment
    r"|<![a-zA-Z][^<>]*>"  # doctype
    rf"|</({_NAME})\s*>"  # end tag
    rf"|<({_NAME})((?:\s+[^\s\"'<>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*(/?)>",
    re.S,
)
_ATTRIBUTE = re.compile(r"([^\s\"'<>/=]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+)))?")
_RAW_END = {tag: re.compile(rf"</\s*{tag}\s*>", re.I) for tag in ("script", "style")}
# Outside the disclosure, only these tags and tags with these attributes change a scan.
_NOTED_TAGS = frozenset({"script", "style", "a"})


def _plain(noted: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Return (a run of text and markup that changes nothing outside the disclosure, a
    search for the noted attributes): tags other than script, style and a count when
    they carry an attribute whose name noted matches."""
    attribute = rf"\s+(?!{noted})[^\s\"'<>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?"
    run = re.compile(
        r"(?:[^<]+"
        rf"|</{_NAME}\s*>"
        rf"|<(?!(?i:script|style|a)[\s/>]){_NAME}(?:{attribute})*\s*/?>"
        r"|<!--.*?-->|<![a-zA-Z][^<>]*>)*",
        re.S,
    )
    return run, re.compile(rf"\s(?:{noted})", re.I)


# every attribute the scan records, then (for a verdict, once one inline attribute is
# found) only the disclosure's id
_PLAIN, _NOTED_ATTRIBUTES = _plain(r"(?i:style|id)(?=[\s=/>]|$)|(?i:on)")
_PLAIN_ID, _NOTED_ID = _plain(r"(?i:id)(?=[\s=/>]|$)")


def _quick_scan(html: str, every_attribute: bool = True) -> PageScan | None:
    """Scan well-formed html with a regular-expression tokenizer; None when in doubt.

    With every_attribute False, inline attributes after the first are not listed.
    """
    scanner = _Scanner()
    position = 0
    plain, noted = _PLAIN, _NOTED_ATTRIBUTES
    while True:
        if not every_attribute and scanner.scan.inline_attributes:
            plain, noted = _PLAIN_ID, _NOTED_ID
        if scanner._disclosure is None:
            position = plain.match(html, position).end()  # type: ignore[union-attr]
        start = html.find("<", position)
        if start < 0:
            start = len(html)
        if start > position and scanner._disclosure is not None:  # text matters only there
            scanner.handle_data(unescape(html[position:start]))
        if start == len(html):
            return scanner.scan
        token = _TOKEN.match(html, start)
        if token is None:
            return None  # markup the tokenizer does not know: the exact parser reads it
        position = token.end()
        outside = scanner._disclosure is None
        if token[1] is not None:
            if not outside:
                scanner.handle_endtag(token[1].lower())
        elif token[2] is not None:
            tag = token[2].lower()
            if outside and tag not in _NOTED_TAGS and not noted.search(token[3]):
                continue
            attrs: list[tuple[str, str | None]] = []
            for name, double, single, bare in _ATTRIBUTE.findall(token[3]):
                value = double or single or bare  # findall gives "" for an absent group
                attrs.append((name.lower(), unescape(value) if "&" in value else value))
            if token[4]:
                scanner.handle_startendtag(tag, attrs)
                continue
            scanner.handle_starttag(tag, attrs)
            if tag in _RAW_END:  # script and style bodies are text up to their end tag
                end = _RAW_END[tag].search(html, position)
                if end is None:
                    return None
                if end.start() > position:
                    scanner.handle_data(html[position : end.start()])
                scanner.handle_endtag(tag)
                position = end.end()


def csp_hash(body: str) -> str:
    """Return the CSP source ('sha256-...') that allows exactly this inline script or style."""
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def discloses(scan: PageScan, disclosure: str) -> bool:
    """True when the page shows the disclosure text before its first sponsored link."""
    if not scan.sponsored_links:
        return True
    if scan.sponsored_before_disclosure or scan.disclosure_text is None:
        return False
    return " ".join(disclosure.split()) in scan.disclosure_text


@dataclass(frozen=True, slots=True)
class PageVerdict:
    """What the policy and the disclosure rule need of one page, small enough to keep for all."""

    script_hashes: frozenset[str]
    style_hashes: frozenset[str]
    inline_attributes: bool  # has style= or on...= attributes, which the policy blocks
    discloses: bool  # the disclosure comes before the first sponsored link (or none)


def check_page(html: str, disclosure: str) -> PageVerdict:
    """Return the verdict on one rendered page, for `judge` to gather.

    Pages of one template mostly get equal verdicts: they share one object.
    """
    scan = _quick_scan(html, every_attribute=False) or scan_page(html)
    verdict = PageVerdict(
        frozenset(csp_hash(body) for body in scan.inline_scripts),
        frozenset(csp_hash(body) for body in scan.inline_styles),
        bool(scan.inline_attributes),
        discloses(scan, disclosure),
    )
    return shared(verdict)


_SHARED: dict[PageVerdict, PageVerdict] = {}


def shared(verdict: PageVerdict) -> PageVerdict:
    """Return the one object equal to verdict, so thousands of pages hold a few verdicts."""
    return _SHARED.setdefault(verdict, verdict)


@dataclass(frozen=True, slots=True)
class CheckedPages:
    script_hashes: tuple[str, ...]  # sorted, without repeats
    style_hashes: tuple[str, ...]
    warnings: tuple[Diagnostic, ...]


def check_pages(pages: Mapping[str, tuple[str, str]], disclosure: str) -> CheckedPages:
    """Read every page (output path → (html, template path)) back.

    Returns the hashes the policy must allow and warnings for inline attributes it
    blocks; raises XpromoError, located at the template, for pages that show a
    referral or affiliate link without the disclosure before it.
    """
    return judge(
        {name: (check_page(html, disclosure), template) for name, (html, template) in pages.items()}
    )


def judge(verdicts: Mapping[str, tuple[PageVerdict, str]]) -> CheckedPages:
    """Gather every page's verdict (output path → (verdict, template path)), in path order.

    Returns what check_pages returns and raises as it does.
    """
    scripts: set[str] = set()
    styles: set[str] = set()
    failed: dict[str, list[str]] = {}
    blocked: dict[str, list[str]] = {}
    for name in sorted(verdicts):
        verdict, template = verdicts[name]
        scripts.update(verdict.script_hashes)
        styles.update(verdict.style_hashes)
        if verdict.inline_attributes:
            blocked.setdefault(template, []).append(name)
        if not verdict.discloses:
            failed.setdefault(template, []).append(name)
    if failed:
        raise XpromoError(
            [
                Diagnostic(
                    Location(template),
                    f"{names[0]} shows a referral or affiliate link without the program's "
                    f"disclosure before it ({_pages(len(names))})",
                    'print {{ disclosure }} in an element with id="disclosure" above the first '
                    "link (the built-in campaign.html does so in its block disclosure)",
                )
                for template, names in sorted(failed.items())
            ]
        )
    warnings = tuple(
        Diagnostic(
            Location(template),
            f"{names[0]} has an inline style or event handler attribute, which the "
            f"Content-Security-Policy blocks ({_pages(len(names))})",
            "move the style into the theme's stylesheet and the script into a file under static/",
            Severity.WARNING,
        )
        for template, names in sorted(blocked.items())
    )
    return CheckedPages(tuple(sorted(scripts)), tuple(sorted(styles)), warnings)


def _pages(count: int) -> str:
    return f"{count} page{'s' * (count != 1)}"
