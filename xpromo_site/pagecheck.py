"""Reads rendered pages back: inline code the CSP must hash, and where the disclosure sits.

Themes can override any template, so what the policy must allow and whether a
page discloses its referral links before the first one are decided from the HTML
a build actually wrote, not from what the built-in templates are meant to do.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .errors import Diagnostic, Location, Severity, XpromoError

DISCLOSURE_ID = "disclosure"
DATA_BLOCK_TYPES = ("application/ld+json", "application/json")


@dataclass
class PageScan:
    """What one page holds that the security policy and the disclosure rule care about."""

    inline_scripts: list[str] = field(default_factory=list)  # executable <script> bodies
    inline_styles: list[str] = field(default_factory=list)  # <style> bodies
    inline_attributes: list[str] = field(default_factory=list)  # style=, onclick=, ...
    sponsored_links: int = 0
    sponsored_before_disclosure: bool = False
    disclosure_text: str | None = None


def scan_page(html: str) -> PageScan:
    """Return what html holds: inline scripts and styles, sponsored links, the disclosure.

    The page is parsed as browsers parse it (HTML5, by Lexbor): a script ends, a comment
    closes and an attribute belongs to a tag exactly where it does for the visitor, and
    the content of a <template> is read where the template stands.
    """
    return _read(html, every_attribute=True)


# An attribute named on... follows one of these characters in a start tag, so the names
# this finds in the page, with ASCII letters lowered as the parser lowers them, are all the
# event handlers it can hold (mostly they are words). It starts with a plain "on" to run fast.
_ON_NAME = re.compile(rb"on(?<=[\t\n\f\r /\"']on)[^\t\n\f\r />=]*")
_IDENT = frozenset(string.ascii_lowercase + string.digits + "_-")
_NOTED = f'script:not([src]),style,a[rel],[id="{DISCLOSURE_ID}"],template,[style]'


@functools.lru_cache(maxsize=4096)  # pages of one build share most of their words
def _attribute_selector(name: str) -> str:
    """Return the CSS selector for elements with an attribute of this (lowered) name."""
    name = name.replace("\x00", "\ufffd")  # as the parser names it
    return "[" + "".join(c if c in _IDENT else f"\\{ord(c):x} " for c in name) + "]"


def _selector(page: bytes) -> str:
    """Return a selector for every element the scan notes in the page."""
    names = {_attribute_selector(name.decode()) for name in _ON_NAME.findall(page.lower())}
    return ",".join([_NOTED, *sorted(names)])


def _read(html: str, every_attribute: bool) -> PageScan:
    """Scan html; with every_attribute False, inline attributes after the first are not listed."""
    scan = PageScan()
    page = html.encode("utf-8")
    selector = _selector(page)
    seen: set[int] = set()  # a node matching several selectors comes once for each
    inside: set[int] = set()  # the disclosure and the sponsored links within it

    def visit(root: LexborNode) -> None:
        nonlocal inside
        for node in root.css(selector):
            if node.mem_id in seen:
                continue
            seen.add(node.mem_id)
            tag, attributes = node.tag, node.attributes
            if every_attribute or not scan.inline_attributes:
                for name in attributes:
                    if name == "style" or name.startswith("on"):
                        scan.inline_attributes.append(f"<{tag} {name}>")
            if tag == "script" and "src" not in attributes:
                if (attributes.get("type") or "").lower() not in DATA_BLOCK_TYPES:
                    scan.inline_scripts.append(node.text(deep=False))
            elif tag == "style":
                scan.inline_styles.append(node.text(deep=False))
            if scan.disclosure_text is None and attributes.get("id") == DISCLOSURE_ID:
                scan.disclosure_text = " ".join(node.text(separator=" ").split())
                inside = {node.mem_id, *(a.mem_id for a in node.css("a[rel]"))}
            if tag == "a" and "sponsored" in (attributes.get("rel") or "").split():
                scan.sponsored_links += 1
                if scan.sponsored_links == 1:
                    before = scan.disclosure_text is None or node.mem_id in inside
                    scan.sponsored_before_disclosure = before
            if tag == "template":
                for fragment in node.template_fragments()[:1]:  # its own content
                    visit(fragment)

    root = LexborHTMLParser(page).root  # bytes are read as UTF-8
    if root is not None:
        visit(root)
    return scan


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
    scan = _read(html, every_attribute=False)
    verdict = PageVerdict(
        frozenset(csp_hash(body) for body in scan.inline_scripts),
        frozenset(csp_hash(body) for body in scan.inline_styles),
        bool(scan.inline_attributes),
        discloses(scan, disclosure),
    )
    return shared(verdict)


@functools.lru_cache(maxsize=1024)
def shared(verdict: PageVerdict) -> PageVerdict:
    """Return the one object equal to verdict, so thousands of pages hold a few verdicts.

    A site has a handful of distinct verdicts; the bound keeps a long-running preview
    server from collecting every one it ever saw.
    """
    return verdict


@dataclass(frozen=True, slots=True)
class CheckedPages:
    script_hashes: tuple[str, ...]  # sorted, without repeats
    style_hashes: tuple[str, ...]
    warnings: tuple[Diagnostic, ...]


def judge(verdicts: Mapping[str, tuple[PageVerdict, str]]) -> CheckedPages:
    """Gather every page's verdict (output path → (verdict, template path)), in path order.

    Returns the hashes the policy must allow and warnings for inline attributes it
    blocks; raises XpromoError, located at the template, for pages that show a
    referral or affiliate link without the disclosure before it.
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
