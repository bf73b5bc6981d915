"""What every host adapter shares: the security policy, the plan of header rules and
routes it is written from, the `Host` record that describes a host, and helpers for the
file formats more than one host reads. The host modules import only this one, so
each host is one small file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import Diagnostic, Location, Severity

REFERRER_POLICY = "strict-origin-when-cross-origin"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
IMMUTABLE = "public, max-age=31536000, immutable"
HASHED_FOLDERS = ("static", "assets")  # every file xpromo writes there has a content hash
# directives a <meta> policy may not carry (HTML: "must not contain report-uri,
# frame-ancestors, or sandbox"); browsers ignore them there
META_FORBIDDEN = ("frame-ancestors", "report-uri", "sandbox")


@dataclass(frozen=True, slots=True)
class ContentSecurityPolicy:
    """Directives in order, each with its sources."""

    directives: tuple[tuple[str, tuple[str, ...]], ...]

    def header(self) -> str:
        """Return the policy as a Content-Security-Policy header value."""
        return "; ".join(" ".join((name, *sources)) for name, sources in self.directives)

    def meta(self) -> str:
        """Return the policy for a <meta http-equiv> element: without header-only directives."""
        kept = tuple(d for d in self.directives if d[0] not in META_FORBIDDEN)
        return ContentSecurityPolicy(kept).header()


def content_security_policy(
    *,
    scripts: tuple[str, ...] = (),
    styles: tuple[str, ...] = (),
    images: tuple[str, ...] = (),
    connect: tuple[str, ...] = (),
    forms: tuple[str, ...] = (),
) -> ContentSecurityPolicy:
    """Return the strictest policy that allows the site's own styles and images plus the
    given sources (origins, 'self' or 'sha256-...' hashes). Nothing else may load,
    nothing may frame the pages, and forms post only to the given origins.
    """
    directives: list[tuple[str, tuple[str, ...]]] = [("default-src", ("'none'",))]
    if scripts:
        directives.append(("script-src", _unique(scripts)))
    directives.append(("style-src", _unique(("'self'", *styles))))
    directives.append(("img-src", _unique(("'self'", *images))))
    if connect:
        directives.append(("connect-src", _unique(connect)))
    directives.append(("base-uri", ("'none'",)))
    directives.append(("form-action", _unique(forms) if forms else ("'none'",)))
    directives.append(("frame-ancestors", ("'none'",)))
    return ContentSecurityPolicy(tuple(directives))


def _unique(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


@dataclass(frozen=True, slots=True)
class HeaderRule:
    pattern: str  # a path from the site root; "*" matches the rest
    headers: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Route:
    """A path that does not simply serve its file: a redirect, or 410 Gone."""

    source: str  # path from the site root: a folder ("/a/"), or its "/a/index.html"
    target: str  # "/path/" on this site or an absolute URL; for 410, the page to show
    status: int  # 301, 302 or 410
    why: str  # "after_end", "vanity" or "ended"

    @property
    def is_dynamic(self) -> bool:
        """True for splat or placeholder rules (Cloudflare counts them apart)."""
        return "*" in self.source or ":" in self.source


@dataclass(frozen=True, slots=True)
class HostPlan:
    csp: ContentSecurityPolicy
    rules: tuple[HeaderRule, ...]
    routes: tuple[Route, ...]
    base_url: str
    location: Location  # where warnings about the host point: program.host in partners.yaml


@dataclass(frozen=True, slots=True)
class HostFiles:
    files: dict[str, bytes]
    warnings: tuple[Diagnostic, ...]


@dataclass(frozen=True, slots=True)
class Limits:
    """What a host documents it accepts; None where it names no limit xpromo could reach."""

    redirects: int | None = None  # redirect or routing rules (static ones, if counted apart)
    dynamic_redirects: int | None = None  # of them, rules with * or :placeholders
    redirect_chars: int | None = None  # characters a redirect rule
    header_rules: int | None = None
    header_chars: int | None = None  # characters a header line (or the policy's value)
    files: int | None = None  # files a deploy
    file_bytes: int | None = None  # bytes a file


@dataclass(frozen=True, slots=True)
class Host:
    """A static host: what it can do, and the function that writes its files from a plan.

    headers: the file the host reads response headers from ("_headers", "vercel.json",
    ...), or None when it sends no custom headers; then policy_in_meta puts the
    Content-Security-Policy into a <meta http-equiv> in every page instead.
    routes_by_rules: it applies redirect rules itself; when False the fallback pages
    written at each route's source (every host gets them) are all visitors see.
    answers_410: an ended campaign without after_end answers 410 Gone; otherwise its
    pages stay, marked noindex.
    """

    name: str
    title: str  # as its documentation spells it
    headers: str | None
    policy_in_meta: bool
    routes_by_rules: bool
    answers_410: bool
    limits: Limits
    write: Callable[[HostPlan], HostFiles]


def headers_file(rules: tuple[HeaderRule, ...]) -> str:
    """Return rules in the `_headers` syntax Netlify and Cloudflare Pages share."""
    lines = []
    for rule in rules:
        lines.append(rule.pattern)
        lines.extend(f"  {name}: {value}" for name, value in rule.headers)
    return "\n".join(lines) + "\n"


def redirects_file(lines: list[str]) -> str:
    """Return `_redirects` text: a comment, then one rule a line."""
    head = "# Ended campaigns and vanity paths, written by xpromo from the program.\n"
    return head + "".join(f"{line}\n" for line in lines)


def warning(host_plan: HostPlan, message: str, hint: str) -> Diagnostic:
    """Return a warning about the host, located at program.host."""
    return Diagnostic(host_plan.location, message, hint, Severity.WARNING)


def json_file(data: object) -> bytes:
    """Return data as the indented UTF-8 JSON every host's JSON files are written in."""
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
