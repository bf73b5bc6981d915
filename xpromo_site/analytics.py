"""Analytics tools a program can switch on: their documented script tags and CSP origins.

Each provider's snippet is an external script with data attributes (no inline code),
so the Content-Security-Policy only has to name the provider's origins. Providers
that set cookies (`sets_cookies`) may only load after the visitor agrees, through
the site's own consent script.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Provider:
    """One analytics tool: how its script is loaded and what it contacts."""

    name: str  # printed in messages and the consent banner
    script: str  # script URL; "{site}" is replaced by the program's site id
    attributes: tuple[tuple[str, str], ...]  # data attributes; "{site}" as above
    script_origins: tuple[str, ...]
    connect_origins: tuple[str, ...]
    img_origins: tuple[str, ...]
    site_hint: str  # what `site` holds for this provider
    site_pattern: str  # a regular expression `site` must match
    sets_cookies: bool = False


PROVIDERS: dict[str, Provider] = {
    # <script defer data-domain="example.com" src="https://plausible.io/js/script.js">
    "plausible": Provider(
        name="Plausible",
        script="https://plausible.io/js/script.js",
        attributes=(("data-domain", "{site}"),),
        script_origins=("https://plausible.io",),
        connect_origins=("https://plausible.io",),
        img_origins=(),
        site_hint="the domain you registered with Plausible, such as partners.example.com",
        site_pattern=r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?",
    ),
    # <script data-goatcounter="https://CODE.goatcounter.com/count" async
    #         src="//gc.zgo.at/count.js">; its CSP note asks for img-src of the count URL
    "goatcounter": Provider(
        name="GoatCounter",
        script="https://gc.zgo.at/count.js",
        attributes=(("data-goatcounter", "https://{site}.goatcounter.com/count"),),
        script_origins=("https://gc.zgo.at",),
        connect_origins=("https://{site}.goatcounter.com",),
        img_origins=("https://{site}.goatcounter.com",),
        site_hint="your GoatCounter code, the first part of CODE.goatcounter.com",
        site_pattern=r"[a-z0-9]([a-z0-9-]*[a-z0-9])?",
    ),
    # <script src="https://cdn.usefathom.com/script.js" data-site="ABCDEFG" defer>
    "fathom": Provider(
        name="Fathom",
        script="https://cdn.usefathom.com/script.js",
        attributes=(("data-site", "{site}"),),
        script_origins=("https://cdn.usefathom.com",),
        connect_origins=("https://cdn.usefathom.com",),
        img_origins=("https://cdn.usefathom.com",),
        site_hint="the site id Fathom gives you, such as ABCDEFG",
        site_pattern=r"[A-Z0-9]{4,16}",
    ),
    # gtag.js, configured by the consent script once the visitor agrees
    "google": Provider(
        name="Google Analytics",
        script="https://www.googletagmanager.com/gtag/js?id={site}",
        attributes=(),
        script_origins=("https://www.googletagmanager.com",),
        connect_origins=(
            "https://*.google-analytics.com",
            "https://*.analytics.google.com",
            "https://*.googletagmanager.com",
        ),
        img_origins=("https://*.google-analytics.com", "https://*.googletagmanager.com"),
        site_hint="your measurement id, such as G-ABC123DEF4",
        site_pattern=r"G-[A-Z0-9]{4,20}",
        sets_cookies=True,
    ),
}


def expand(template: str, site: str) -> str:
    """Return template with {site} replaced by the program's site id."""
    return template.replace("{site}", site)
