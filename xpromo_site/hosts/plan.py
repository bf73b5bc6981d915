"""A Site and its policy → the `HostPlan` every host adapter writes in its own format.

`plan()` gives header rules (security headers on every page, long caching for
content-hashed files, `noindex` for ended pages) and routes (ended campaigns answer 410
Gone or redirect to `after_end`, vanity paths `/go/<code>` redirect to a partner's
variant). Every host module writes this one plan in its own format.
"""

from __future__ import annotations

from ..analytics import PROVIDERS, expand
from ..site import Site, Status
from ..sources import source_expression
from ..urls import read
from .common import (
    HASHED_FOLDERS,
    IMMUTABLE,
    PERMISSIONS_POLICY,
    REFERRER_POLICY,
    ContentSecurityPolicy,
    HeaderRule,
    HostPlan,
    Route,
    content_security_policy,
)


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


def origin(url: str) -> str:
    """Return scheme://host[:port] of url as browsers read it (no user name, IDNA host),
    as a policy names it (see sources.py).

    Input is checked where it is written; a URL that reaches here unchecked is a bug.
    """
    source = source_expression(read(url).origin)
    if source is None:
        raise ValueError(f"{url!r} has no origin a security policy can name")
    return source


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
