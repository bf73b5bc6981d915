"""Origins as a security policy names them: CSP source expressions built from URLs.

A header value is a grammar of its own: in a Content-Security-Policy, `;` ends a
directive and `,` starts another policy, so a form endpoint such as
`https://forms.example;sandbox` copied into `form-action` would rewrite the policy of
every page. `source_expression` returns an origin only when it can be written as the
CSP `host-source` grammar allows (scheme, host, optional port, nothing else), and None
otherwise, so input is refused where it is written, before any header is made.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import idna

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"(?:{_LABEL}\.)*{_LABEL}")
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*")


def source_expression(url: str) -> str | None:
    """Return url's origin as a CSP host-source (`https://host[:port]`), or None when url
    has no host a policy can name: characters a host cannot hold (`;`, `,`, quotes,
    spaces, `%`), user information (`user@`), or a port that is not a number.

    A host in another script is written as IDNA (`bücher.example` → `xn--bcher-kva.example`).
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if not _SCHEME.fullmatch(scheme) or "@" in parts.netloc or not parts.hostname:
        return None
    if "\\" in url.partition("?")[0]:  # browsers read it as "/": the host ends earlier
        return None
    host = parts.hostname.rstrip(".") if parts.hostname.endswith(".") else parts.hostname
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError:
            return None
    host = host.lower()
    if not _HOST.fullmatch(host) or len(host) > 253:
        return None
    default = {"https": 443, "http": 80}.get(scheme)
    return f"{scheme}://{host}" + (f":{port}" if port is not None and port != default else "")
