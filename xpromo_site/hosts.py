"""One model of response headers and routes, written out in each static host's own files.

`plan()` turns a Site and its Content-Security-Policy into a `HostPlan`: header rules
(security headers on every page, long caching for content-hashed files, `noindex` for
ended pages) and routes (ended campaigns answer 410 Gone or redirect to `after_end`,
vanity paths `/go/<code>` redirect to a partner's variant). `host_files()` writes that
plan in one host's format and reports what the host cannot do or would reject:

- netlify: `_headers` and `_redirects`; query strings pass through redirects; `410!`
  serves the ended page itself with status 410. A rule matches only the path it names,
  so an ended page's rule is written for `/slug/` and for `/slug/index.html`.
- cloudflare: `_headers` and `_redirects` in the same syntax; redirects only take
  301, 302, 303, 307 or 308, so ended pages stay (200, `X-Robots-Tag: noindex`). Limits:
  2,000 static and 100 dynamic redirects, 1,000 characters a redirect, 100 header rules,
  2,000 characters a header line. Both spellings of an ended page get the redirect
  too, in one step (Pages would otherwise send `/slug/index.html` on to `/slug/` first).
- github-pages: no header or redirect files at all; the CSP goes into every page's
  `<meta http-equiv>` (without `frame-ancestors`, which a meta policy may not hold) and
  `.nojekyll` stops Jekyll from processing the output.
- s3: `_aws/website.json` (the bucket's website configuration with RoutingRules, at most
  50) and CloudFront response headers policies for pages and for hashed assets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from .analytics import PROVIDERS, expand
from .errors import Diagnostic, Location, Severity
from .site import Site, Status
from .sources import source_expression
from .urls import read

REFERRER_POLICY = "strict-origin-when-cross-origin"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
IMMUTABLE = "public, max-age=31536000, immutable"
HASHED_FOLDERS = ("static", "assets")  # every file xpromo writes there has a content hash
# directives a <meta> policy may not carry (HTML: "must not contain report-uri,
# frame-ancestors, or sandbox"); browsers ignore them there
META_FORBIDDEN = ("frame-ancestors", "report-uri", "sandbox")

CLOUDFLARE_STATIC_REDIRECTS = 2000
CLOUDFLARE_DYNAMIC_REDIRECTS = 100
CLOUDFLARE_REDIRECT_CHARS = 1000
CLOUDFLARE_HEADER_RULES = 100
CLOUDFLARE_HEADER_LINE_CHARS = 2000
CLOUDFLARE_REDIRECT_CODES = (301, 302, 303, 307, 308)
S3_ROUTING_RULES = 50
CLOUDFRONT_CSP_CHARS = 1783


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


def policy_for(
    site: Site,
    script_hashes: tuple[str, ...] = (),
    style_hashes: tuple[str, ...] = (),
    own_scripts: bool = False,
) -> ContentSecurityPolicy:
    """Return the site's policy: its own files, the configured analytics tool's origins,
    the origins its live lead forms post to, and hashes of any inline code.

    own_scripts says the site ships script files of its own (the hubs' copy buttons).
    """
    scripts: list[str] = ["'self'"] if own_scripts else []
    images: list[str] = []
    connect: list[str] = []
    chosen = site.program.analytics
    if chosen is not None:
        provider = PROVIDERS[chosen.provider]
        if chosen.consent and "'self'" not in scripts:
            scripts.append("'self'")  # the consent script, under static/
        scripts += [expand(o, chosen.site) for o in provider.script_origins]
        images += [expand(o, chosen.site) for o in provider.img_origins]
        connect += [expand(o, chosen.site) for o in provider.connect_origins]
    forms = sorted({origin(i.campaign.form.endpoint) for i in site.live if i.campaign.form})
    return content_security_policy(
        scripts=(*scripts, *script_hashes),
        styles=style_hashes,
        images=tuple(images),
        connect=tuple(connect),
        forms=tuple(forms),
    )


def _unique(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def origin(url: str) -> str:
    """Return scheme://host[:port] of url as browsers read it (no user name, IDNA host),
    as a policy names it (see sources.py).

    Input is checked where it is written; a URL that reaches here unchecked is a bug.
    """
    source = source_expression(read(url).origin)
    if source is None:
        raise ValueError(f"{url!r} has no origin a security policy can name")
    return source


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


def routes(site: Site) -> tuple[Route, ...]:
    """Return the routes of the site: ended campaigns, then vanity paths, by path."""
    base = site.program.base_url
    result: list[Route] = []
    vanity: list[Route] = []
    for item in sorted(site.published, key=lambda p: p.campaign.slug):
        moved = item.redirect_to
        # each page answers at its folder and at the file in it: /slug/ and /slug/index.html
        if moved is not None:
            moved = "/" + moved.removeprefix(base) if moved.startswith(base) else moved
            result.extend(
                Route(source, moved, 301, "after_end")
                for path in item.paths
                for source in (f"/{path}", f"/{path}index.html")
            )
        elif item.status is Status.ENDED:
            result.extend(
                Route(source, f"/{path}index.html", 410, "ended")
                for path in item.paths
                for source in (f"/{path}", f"/{path}index.html")
            )
        for partner_id, code in item.campaign.vanity:
            target = moved or f"/{item.campaign.slug}/{partner_id}/"
            # typed without the slash as often as with it
            vanity.append(Route(f"/go/{code}", target, 302, "vanity"))
            vanity.append(Route(f"/go/{code}/", target, 302, "vanity"))
    return tuple(result) + tuple(sorted(vanity, key=lambda r: r.source))


def plan(site: Site, csp: ContentSecurityPolicy) -> HostPlan:
    """Return the headers and routes every host adapter writes in its own format."""
    rules = [
        HeaderRule(
            "/*",
            (
                ("Content-Security-Policy", csp.header()),
                ("Referrer-Policy", REFERRER_POLICY),
                ("X-Content-Type-Options", "nosniff"),
                ("Permissions-Policy", PERMISSIONS_POLICY),
            ),
        )
    ]
    rules += [
        HeaderRule(f"/{folder}/*", (("Cache-Control", IMMUTABLE),)) for folder in HASHED_FOLDERS
    ]
    for item in sorted(site.ended, key=lambda p: p.campaign.slug):
        if item.redirect_to is None:
            rules.append(HeaderRule(f"/{item.campaign.slug}/*", (("X-Robots-Tag", "noindex"),)))
    return HostPlan(csp, tuple(rules), routes(site), site.program.base_url, site.program.location)


def host_files(host_plan: HostPlan, host: str) -> HostFiles:
    """Return the files host needs and warnings about what it would reject.

    Raises ValueError for an unknown host (the schema only lets known ones through).
    """
    writers = {
        "netlify": _netlify,
        "cloudflare": _cloudflare,
        "github-pages": _github_pages,
        "s3": _s3,
    }
    if host not in writers:
        raise ValueError(f"unknown host {host!r}")
    return writers[host](host_plan)


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


def _warning(host_plan: HostPlan, message: str, hint: str) -> Diagnostic:
    return Diagnostic(host_plan.location, message, hint, Severity.WARNING)


def _netlify(host_plan: HostPlan) -> HostFiles:
    # "!" forces a rule over a file at the same path (the ended page, a fallback page)
    lines = [f"{r.source} {r.target} {r.status}!" for r in host_plan.routes]
    files = {"_headers": headers_file(host_plan.rules).encode()}
    if lines:
        files["_redirects"] = redirects_file(lines).encode()
    return HostFiles(files, ())


def _cloudflare(host_plan: HostPlan) -> HostFiles:
    usable = [r for r in host_plan.routes if r.status in CLOUDFLARE_REDIRECT_CODES]
    lines = [f"{r.source} {r.target} {r.status}" for r in usable]
    warnings = []
    static = sum(1 for r in usable if not r.is_dynamic)
    dynamic = len(usable) - static
    if static > CLOUDFLARE_STATIC_REDIRECTS:
        warnings.append(
            _warning(
                host_plan,
                f"Cloudflare Pages takes at most {CLOUDFLARE_STATIC_REDIRECTS:,} static "
                f"redirects; this program needs {static:,}",
                "remove vanity codes or after_end from old campaigns, or use Bulk Redirects",
            )
        )
    if dynamic > CLOUDFLARE_DYNAMIC_REDIRECTS:
        warnings.append(
            _warning(
                host_plan,
                f"Cloudflare Pages takes at most {CLOUDFLARE_DYNAMIC_REDIRECTS} dynamic "
                f"redirects; this program needs {dynamic}",
                "remove redirects with * or :placeholders",
            )
        )
    for line in lines:
        if len(line) > CLOUDFLARE_REDIRECT_CHARS:
            warnings.append(
                _warning(
                    host_plan,
                    f"Cloudflare Pages ignores redirects longer than {CLOUDFLARE_REDIRECT_CHARS:,}"
                    f" characters: {line[:60]}... has {len(line):,}",
                    "shorten the after_end address",
                )
            )
    if len(host_plan.rules) > CLOUDFLARE_HEADER_RULES:
        warnings.append(
            _warning(
                host_plan,
                f"Cloudflare Pages takes at most {CLOUDFLARE_HEADER_RULES} header rules; "
                f"this program needs {len(host_plan.rules)} (one per ended campaign)",
                "give ended campaigns an after_end address, or remove old campaign files",
            )
        )
    for rule in host_plan.rules:
        for name, value in rule.headers:
            if len(f"  {name}: {value}") > CLOUDFLARE_HEADER_LINE_CHARS:
                warnings.append(
                    _warning(
                        host_plan,
                        f"Cloudflare Pages ignores header lines longer than "
                        f"{CLOUDFLARE_HEADER_LINE_CHARS:,} characters: {name} on {rule.pattern}",
                        "fewer form endpoints or analytics origins make the policy shorter",
                    )
                )
    files = {"_headers": headers_file(host_plan.rules).encode()}
    if lines:
        files["_redirects"] = redirects_file(lines).encode()
    return HostFiles(files, tuple(warnings))


def _github_pages(host_plan: HostPlan) -> HostFiles:
    # headers travel in each page's <meta>; redirects are the fallback pages every host gets
    return HostFiles({".nojekyll": b""}, ())


def _s3(host_plan: HostPlan) -> HostFiles:
    host = urlsplit(host_plan.base_url).hostname or ""
    rules = []
    seen: set[str] = set()
    for route in host_plan.routes:
        if route.status == 410:
            continue  # S3 cannot answer 410: ended pages stay, marked noindex
        if not route.source.endswith("/"):
            # S3 sends /go/code on to /go/code/ itself (the fallback page is there), and
            # a KeyPrefixEquals rule for slug/ covers slug/index.html too
            continue
        prefix = route.source.lstrip("/")
        if route.why == "after_end":
            prefix = prefix.split("/")[0] + "/"  # one rule covers the campaign's variants
        if prefix in seen:
            continue
        seen.add(prefix)
        if "://" in route.target:
            parts = urlsplit(route.target)
            key = parts.path.lstrip("/") + (f"?{parts.query}" if parts.query else "")
            redirect = {
                "HostName": parts.netloc,
                "Protocol": parts.scheme,
                "ReplaceKeyWith": key,
            }
        else:
            redirect = {
                "HostName": host,
                "Protocol": "https",
                "ReplaceKeyWith": route.target.lstrip("/"),
            }
        redirect["HttpRedirectCode"] = str(route.status)
        rules.append({"Condition": {"KeyPrefixEquals": prefix}, "Redirect": redirect})
    website: dict[str, object] = {
        "IndexDocument": {"Suffix": "index.html"},
        "ErrorDocument": {"Key": "404.html"},
    }
    if rules:
        website["RoutingRules"] = rules
    warnings = []
    if len(rules) > S3_ROUTING_RULES:
        warnings.append(
            _warning(
                host_plan,
                f"an S3 website configuration takes at most {S3_ROUTING_RULES} routing rules; "
                f"this program needs {len(rules)}",
                "remove vanity codes or after_end from old campaigns",
            )
        )
    csp = host_plan.csp.header()
    if len(csp) > CLOUDFRONT_CSP_CHARS:
        warnings.append(
            _warning(
                host_plan,
                f"CloudFront takes a Content-Security-Policy of at most {CLOUDFRONT_CSP_CHARS:,} "
                f"characters; this one has {len(csp):,}",
                "fewer form endpoints or analytics origins make the policy shorter",
            )
        )
    files = {
        "_aws/website.json": _json(website),
        "_aws/response-headers-policy.json": _json(_cloudfront_policy(host_plan, "pages", None)),
        "_aws/response-headers-policy-assets.json": _json(
            _cloudfront_policy(host_plan, "assets", IMMUTABLE)
        ),
    }
    return HostFiles(files, tuple(warnings))


def _cloudfront_policy(host_plan: HostPlan, name: str, cache: str | None) -> dict[str, object]:
    """Return a ResponseHeadersPolicyConfig (aws cloudfront create-response-headers-policy)."""
    custom = [{"Header": "Permissions-Policy", "Value": PERMISSIONS_POLICY, "Override": True}]
    if cache is not None:
        custom.append({"Header": "Cache-Control", "Value": cache, "Override": True})
    slug = "".join(c if c.isalnum() else "-" for c in (urlsplit(host_plan.base_url).hostname or ""))
    return {
        "Name": f"xpromo-{slug}-{name}"[:128],
        "Comment": f"Security headers for the xpromo site's {name}",
        "SecurityHeadersConfig": {
            "ContentSecurityPolicy": {
                "Override": True,
                "ContentSecurityPolicy": host_plan.csp.header(),
            },
            "ContentTypeOptions": {"Override": True},
            "FrameOptions": {"Override": True, "FrameOption": "DENY"},
            "ReferrerPolicy": {"Override": True, "ReferrerPolicy": REFERRER_POLICY},
        },
        "CustomHeadersConfig": {"Quantity": len(custom), "Items": custom},
    }


def _json(data: object) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
