"""Addresses are read as browsers read them: the host a link is filed under is the one visited.

The property tests hold xpromo's reading against ``whatwg_host`` below, a transcription
of the WHATWG URL Standard's steps that decide a URL's host (basic URL parser states
"scheme" to "host", the host parser, IDNA by UTS #46 through the ``idna`` package and the
IPv4 parser), written independently of the parser xpromo uses.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import unquote_to_bytes

import idna
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from xpromo_site.errors import Collector
from xpromo_site.markdown import render_markdown
from xpromo_site.render import fill_links
from xpromo_site.tracking import host_key, is_trackable
from xpromo_site.urls import SITE_HOST, read

PAGE = f"https://{SITE_HOST}/page/"

# --- a reference: the WHATWG steps that decide the host --------------------------------

_FORBIDDEN_HOST = set("\x00\t\n\r #/:<>?@[\\]^|")
_FORBIDDEN_DOMAIN = _FORBIDDEN_HOST | {chr(c) for c in range(0x20)} | {"%", "\x7f"}


class Refused(Exception):
    """The reference cannot say (a rule of UTS #46 the idna package applies more strictly)."""


def _ipv4_number(part: str) -> int | None:
    radix = 10
    if part[:2].lower() == "0x":
        part, radix = part[2:], 16
    elif len(part) > 1 and part.startswith("0"):
        part, radix = part[1:], 8
    if part == "":
        return 0
    digits = {10: "0123456789", 16: "0123456789abcdefABCDEF", 8: "01234567"}[radix]
    if any(c not in digits for c in part):
        return None
    return int(part, radix)


def _ends_in_a_number(host: str) -> bool:
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    last = parts[-1]
    return bool(last) and (
        all(c.isascii() and c.isdigit() for c in last) or _ipv4_number(last) is not None
    )


def _ipv4(host: str) -> str | None:
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if len(parts) > 4 or "" in parts:
        return None
    numbers = [_ipv4_number(p) for p in parts]
    if any(n is None for n in numbers):
        return None
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        return None
    address = values[-1] + sum(n * 256 ** (3 - i) for i, n in enumerate(values[:-1]))
    return ".".join(str((address >> shift) & 255) for shift in (24, 16, 8, 0))


def _host(text: str) -> str | None:
    """The WHATWG host parser for a special scheme; None for failure."""
    if text.startswith("["):
        return text if text.endswith("]") else None  # IPv6 literals are not generated
    domain = unquote_to_bytes(text).decode("utf-8", "replace")
    try:
        mapped = idna.uts46_remap(domain, std3_rules=False, transitional=False)
        labels = [
            label if label.isascii() else idna.encode(label, uts46=False).decode("ascii")
            for label in mapped.split(".")
        ]
    except (idna.IDNAError, UnicodeError) as error:
        raise Refused(str(error)) from error
    ascii_domain = ".".join(labels).lower()
    if not ascii_domain or any(c in _FORBIDDEN_DOMAIN for c in ascii_domain):
        return None
    if _ends_in_a_number(ascii_domain):
        return _ipv4(ascii_domain)
    return ascii_domain


def whatwg_host(url: str, base_host: str = SITE_HOST) -> str | None:
    """The host a browser navigates to for url written in a page of https://base_host/.

    None when the address is not an http(s) URL with a host, or fails to parse.
    """
    text = url.strip("".join(chr(c) for c in range(0x21)))
    text = re.sub(r"[\t\n\r]", "", text)
    scheme_match = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", text)
    if scheme_match:
        scheme, rest = scheme_match[1].lower(), text[scheme_match.end() :]
        if scheme not in ("http", "https"):
            return None
        if scheme == "https":  # the base's scheme: "special relative or authority state"
            if rest.startswith("//"):
                rest = rest[2:]
            elif rest[:1] in ("/", "\\") and rest[1:2] in ("/", "\\"):
                rest = rest[2:]  # relative slash state → special authority ignore slashes
            else:
                return base_host  # a path relative to the page
    elif text[:1] in ("/", "\\") and text[1:2] in ("/", "\\"):
        rest = text[2:]
    else:
        return base_host
    rest = rest.lstrip("/\\")  # special authority ignore slashes state
    authority = re.split(r"[/\\?#]", rest, maxsplit=1)[0]
    host = authority.rpartition("@")[2]
    if not host.startswith("["):
        host, _, port = host.partition(":")
        if port and not (port.isascii() and port.isdigit() and int(port) <= 65535):
            return None  # the port state fails: the whole URL does
    if not host:
        return None
    return _host(host)


def _key(host: str | None) -> str | None:
    """host_key's folding of a host: one trailing dot and one leading www. dropped."""
    if host is None:
        return None
    host = host.removeprefix("[").removesuffix("]")
    if len(host) > 1 and host.endswith("."):
        host = host[:-1]
    return host.removeprefix("www.") if host.startswith("www.") and len(host) > 4 else host


# --- examples ------------------------------------------------------------------------


def _wide(text: str) -> str:
    """Return text in fullwidth letters, which UTS #46 maps to ASCII."""
    return "".join(chr(ord(c) + 0xFEE0) for c in text)


HOSTILE = [
    ("https://evil.example\\@contoso.example/", "evil.example"),
    ("https://evil.example\\\\@contoso.example/", "evil.example"),
    ("https:///evil.example/b", "evil.example"),
    ("https:\\\\evil.example/", "evil.example"),
    ("//evil.example/a", "evil.example"),
    ("///evil.example/b", "evil.example"),
    ("/\\evil.example/", "evil.example"),
    ("\\\\evil.example/", "evil.example"),
    ("https://evil.exa\tmple/", "evil.example"),
    (" https://evil.example/\n", "evil.example"),
    ("https://ev%69l.example/", "evil.example"),
    (f"https://{_wide('evil')}.example/", "evil.example"),
    ("https://EVIL.example/", "evil.example"),
    ("https://0x7f.1/", "127.0.0.1"),
    ("https://user:pass@evil.example/", "evil.example"),
]


@pytest.mark.parametrize(("url", "host"), HOSTILE)
def test_the_reference_reads_the_hostile_forms_as_browsers_do(url: str, host: str) -> None:
    assert whatwg_host(url) == host


@pytest.mark.parametrize(("url", "host"), HOSTILE)
def test_xpromo_reads_the_host_browsers_visit(url: str, host: str) -> None:
    reading = read(url)
    assert reading.web
    assert reading.host == host
    assert reading.href is not None
    assert read(reading.href).host == host
    assert is_trackable(reading.href)
    assert host_key(reading.href) == host


@pytest.mark.parametrize(
    "url",
    [u for u, _ in HOSTILE if u != "https://EVIL.example/" and "@" not in u.rpartition("\\")[2]],
)
def test_text_that_reads_otherwise_than_it_looks_is_a_quirk(url: str) -> None:
    reading = read(url)
    assert reading.quirks, url
    assert not is_trackable(url)  # callers publish reading.href instead, and say so


def test_a_backslash_never_files_a_link_under_the_host_after_it() -> None:
    assert host_key("https://evil.example\\@contoso.example/") is None
    assert host_key(read("https://evil.example\\@contoso.example/").href or "") == "evil.example"


def test_userinfo_is_seen_but_is_no_quirk() -> None:
    reading = read("https://contoso.example@evil.example/")
    assert (reading.host, reading.userinfo, reading.quirks) == ("evil.example", True, ())


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://WWW.Bücher.example:8443/", "xn--bcher-kva.example"),
        ("https://straße.example/", "xn--strae-oqa.example"),  # not strasse: no IDNA 2003
        ("https://contoso.example./", "contoso.example"),
        ("https://[::1]:8443/", "::1"),
    ],
)
def test_host_keys_are_the_browsers_hosts(url: str, key: str) -> None:
    assert host_key(url) == key
    assert read(url).quirks == ()


@pytest.mark.parametrize("url", ["/about/", "about", "#top", "?q=1", "mailto:a@b.example"])
def test_site_paths_and_other_schemes_are_not_offsite(url: str) -> None:
    assert not read(url).offsite


def test_addresses_browsers_refuse_have_no_reading() -> None:
    for url in ("http://a%00b/", "https://", "https://exa mple.example/", "https://x:99999/"):
        assert read(url).href is None
        assert not is_trackable(url)


# --- properties ----------------------------------------------------------------------

_SCHEMES = ["https:", "http:", "HTTPS:", "hTTp:", ""]
_SLASHES = ["", "/", "//", "///", "\\", "\\\\", "/\\", "\\/", "////"]
_USERINFO = ["", "user@", "contoso.example@", "evil.example\\@", "a:b@", "@", "x%40y@"]
_HOSTS = [
    "contoso.example",
    "CONTOSO.example",
    "www.contoso.example",
    "c%6Fntoso.example",
    "%63ontoso.example",
    f"{_wide('contoso')}.example",
    "contoso。example",
    "bücher.example",
    "xn--bcher-kva.example",
    "straße.example",
    "evil.example",
    "contoso.example.",
    "0x7f.1",
    "127.0.0.1",
    "1.2.3",
    "sub.contoso.example",
]
_PORTS = ["", ":443", ":8443", ":"]
_TAILS = ["", "/", "/a", "\\@contoso.example/", "@contoso.example", "/%2e%2e/x", "?q=\\a", "#x\\y"]


@st.composite
def addresses(draw: st.DrawFn) -> str:
    pieces = [
        draw(st.sampled_from(_SCHEMES)),
        draw(st.sampled_from(_SLASHES)),
        draw(st.sampled_from(_USERINFO)),
        draw(st.sampled_from(_HOSTS)),
        draw(st.sampled_from(_PORTS)),
        draw(st.sampled_from(_TAILS)),
    ]
    text = "".join(pieces)
    # tabs, newlines and stray characters anywhere: browsers drop the first two
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(text)))
        stray = draw(st.sampled_from(["\t", "\n", "\r", "\\", "/", "@", "%"]))
        text = text[:at] + stray + text[at:]
    if draw(st.booleans()):
        text = draw(st.sampled_from([" ", "\x01", "\n"])) + text + draw(st.sampled_from(["", " "]))
    return text


def _reference(url: str) -> str | None:
    try:
        return whatwg_host(url)
    except Refused:
        assume(False)
        raise  # unreachable


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(addresses())
def test_an_address_from_input_is_filed_under_the_host_browsers_visit(url: str) -> None:
    """What a front-matter URL field (cta.url, website) does: track it as written when
    it reads as it looks, publish and file the browser's reading when it does not
    (with a warning, see schema.browser_reading), refuse it otherwise."""
    reading = read(url)
    if is_trackable(url):
        published = url
    elif reading.absolute and reading.web and not any(c.isspace() for c in url):
        assert reading.quirks, url  # the author is told
        published = reading.href or ""
    else:
        return  # refused: a located error
    assert is_trackable(published)
    expected = _reference(published)
    assert expected is not None and expected != SITE_HOST, published
    assert host_key(published) == _key(expected), (url, published)
    if is_trackable(url):
        assert _key(_reference(url)) == host_key(url), url


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs += [value or "" for name, value in attrs if tag == "a" and name == "href"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(addresses(), st.sampled_from(["[go]({})", "[go](<{}>)", "<{}>", "[go][r]\n\n[r]: {}"]))
def test_every_link_copy_publishes_to_another_host_is_filed_under_that_host(
    url: str, form: str
) -> None:
    """Copy in Markdown: whatever markdown-it makes of the text, each published href a
    browser opens on another site is a filed link, under the host the browser visits."""
    collector = Collector()
    body = render_markdown(form.format(url) + "\n", "c.md", 0, collector=collector)
    assume(not collector.errors)
    filed = [link.url for link in body.links]
    parser = _Hrefs()
    parser.feed(str(fill_links(body, filed)))
    for href in parser.hrefs:
        expected = _reference(href)
        if href in filed:
            assert expected not in (None, SITE_HOST), href
            assert host_key(href) == _key(expected), href
        else:
            assert expected in (None, SITE_HOST), href
