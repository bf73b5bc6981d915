"""How browsers read an address from input: the one place xpromo parses a URL's host.

Links are published for browsers, which parse them by the WHATWG URL Standard, not by
RFC 3986 as ``urllib.parse`` does. The two disagree on text a campaign can hold:
``https://evil.example\\@contoso.example/`` is a Contoso address to urllib and an
evil.example one to a browser (``\\`` is ``/`` in http(s) URLs), ``https:///evil.example``
and ``//evil.example`` have no host for urllib and one for a browser, ``%``-escapes in a
host are decoded and hosts are mapped by UTS #46 (fullwidth letters, ``0x7f.1``) before a
browser connects. ``read`` parses with Ada, a WHATWG-conformant parser, and says where
the written text and the browser's reading differ, so callers file a link under the host
a visitor actually reaches and tell the author when that is not what the text seems to say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ada_url import URL, idna_to_unicode

__all__ = ["SITE_HOST", "WEB_SCHEMES", "Reading", "read", "shorten", "without_userinfo"]

# Web schemes, "special" in the WHATWG standard: in them "\" is "/", and a host follows
# the scheme however many slashes stand between them.
WEB_SCHEMES = frozenset({"http", "https"})

# A relative address is read as a page of a site served over https would read it; the
# host stands for "this site" and cannot be a real one (RFC 2606).
SITE_HOST = "site.invalid"
_SITE = f"https://{SITE_HOST}/page/"

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_EDGE = "".join(chr(c) for c in range(0x21))  # C0 controls and space: stripped at both ends
_INSIDE = re.compile(r"[\t\n\r]")  # ASCII tab and newline: removed anywhere
_SLASHES = re.compile(r"[/\\]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Reading:
    """An address as written and as a browser reads it.

    ``href`` is the browser's serialisation of the address (None when browsers refuse to
    parse it; then ``scheme`` and ``host`` are empty). ``host`` is the ASCII host a browser
    connects to, lowercased, IDNA-mapped, IPv6 literals in brackets. ``absolute`` tells
    whether the text names its own scheme. ``quirks`` lists, in words, each way the text
    reads differently to a browser than it looks (and than ``urllib`` reads it);
    ``userinfo`` whether a user name or password stands before the host.
    """

    written: str
    href: str | None
    scheme: str
    host: str
    path: str
    origin: str  # scheme://host[:port] as a browser's Origin header and CSP read it
    absolute: bool
    userinfo: bool
    quirks: tuple[str, ...]

    @property
    def web(self) -> bool:
        """True for an http(s) address with a host: one a browser can open."""
        return self.scheme in WEB_SCHEMES and bool(self.host)

    @property
    def offsite(self) -> bool:
        """True for a web address on another site than the page it is written on.

        Absolute http(s) addresses always count (the site's own host is the caller's to
        compare); a relative one counts when a browser reads a host into it (``//host``).
        """
        return self.web and (self.absolute or self.host != SITE_HOST)


@lru_cache(maxsize=1 << 16)
def read(url: str) -> Reading:
    """Return how a browser reads url, written in a page of an https site.

    Never raises: an address browsers cannot parse comes back with ``href`` None.
    """
    stripped = url.strip(_EDGE)
    compact = _INSIDE.sub("", stripped)
    scheme_match = _SCHEME.match(compact)
    written_scheme = scheme_match[1].lower() if scheme_match else None
    try:
        parsed = URL(url) if written_scheme else URL(url, base=_SITE)
    except ValueError:
        return Reading(url, None, "", "", "", "", written_scheme is not None, False, ())
    scheme = parsed.protocol.removesuffix(":")
    host = parsed.hostname
    userinfo = bool(parsed.username or parsed.password)
    if scheme not in WEB_SCHEMES:
        origin = parsed.origin
        return Reading(url, parsed.href, scheme, host, parsed.pathname, origin, True, userinfo, ())

    quirks: list[str] = []
    if stripped != url:
        quirks.append("browsers drop the spaces or control characters at its ends")
    if compact != stripped:
        quirks.append("browsers drop the tabs and line breaks inside it")
    if _CONTROL.search(compact):
        quirks.append("browsers percent-encode the control characters in it")
    head = re.split(r"[?#]", compact, maxsplit=1)[0]
    if "\\" in head:
        quirks.append("browsers read '\\' as '/'")
    rest = compact[len(written_scheme) + 1 :] if written_scheme else compact
    slashes = _SLASHES.match(rest)
    count = len(slashes[0]) if slashes else 0
    if written_scheme and count > 2:
        quirks.append(
            f"it has {count} slashes after '{written_scheme}:', which browsers read as "
            f"'{scheme}://'"
        )
    elif written_scheme and count < 2:
        quirks.append(
            f"it has {count} slash{'es' if count != 1 else ''} after '{written_scheme}:', so "
            "browsers read it as that host or as a page of this site, depending on the "
            "page's own scheme"
        )
    elif not written_scheme and count >= 2:
        quirks.append(f"it has no scheme, so browsers open it with the page's own ({scheme}:)")
    if written_scheme or count >= 2:
        authority = re.split(r"[/\\?#]", rest[count:], maxsplit=1)[0]
        written_host = _without_port(authority.rpartition("@")[2])
        if "%" in written_host:
            quirks.append(f"its host '{written_host}' is percent-encoded")
        elif written_host.lower() not in (host, _unicode(host)):
            quirks.append(f"browsers read its host '{written_host}' as '{host}'")
    absolute = bool(written_scheme)
    path, origin = parsed.pathname, parsed.origin
    return Reading(url, parsed.href, scheme, host, path, origin, absolute, userinfo, tuple(quirks))


def without_userinfo(url: str) -> str:
    """Return the browser's reading of url without its user name and password."""
    try:
        parsed = URL(url)
    except ValueError:
        return url
    parsed.username = ""
    parsed.password = ""
    return parsed.href


def shorten(url: str) -> str:
    """Return url as messages quote it: cut to 60 characters."""
    return url if len(url) <= 60 else url[:57] + "..."


def _without_port(host: str) -> str:
    if host.startswith("["):
        return host.partition("]")[0] + "]"
    return host.rpartition(":")[0] if ":" in host else host


def _unicode(host: str) -> str:
    try:
        return idna_to_unicode(host)
    except (ValueError, UnicodeError):  # pragma: no cover - ada returns text for any host
        return host
