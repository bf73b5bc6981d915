"""The schema of partners.yaml: the program section (analytics, content, lockup, host,
tracking), each partner's entry, and the field docs the editor schemas and
docs/FIELDS.md are generated from."""

from __future__ import annotations

import re
from typing import Any

from ..analytics import PROVIDERS
from ..brand import COLORS
from ..hosts import HOSTS
from ..models import HTML_MODES
from ..source.fields import Asset, Boolean, LockupSpec, Number, OneOf, Url, slug
from ..source.schema import INVALID, Anything, Checker, Field, ListOf, Struct, Text, describe
from ..source.yamlsource import Node
from ..trackingspec import PARTNER_TRACKING, TRACKING_PROGRAM

PARTNERS_FILE = "partners.yaml"
LOGO_TYPES = (".svg", ".png", ".jpg", ".jpeg", ".webp")
LOGO_KINDS = "an SVG, PNG, JPEG or WebP"


def _check_analytics(values: dict[str, Any], node: Node, checker: Checker) -> None:
    provider = PROVIDERS.get(values.get("provider") or "")
    site, site_node = values.get("site"), node.get("site")
    if provider is None or site in (None, INVALID) or site_node is None:
        return
    if not re.fullmatch(provider.site_pattern, site):
        checker.error(
            site_node.location,
            f"'program.analytics.site' does not look like a {provider.name} site id (got '{site}')",
            f"write {provider.site_hint}",
        )
        values["site"] = INVALID
    if provider.sets_cookies and values.get("consent") is not True:
        provider_node = node.get("provider") or node
        checker.error(
            provider_node.location,
            f"{provider.name} sets cookies, so it may only load after the visitor agrees",
            "add 'consent: true' under analytics: pages then show a consent banner and load "
            "it only after a yes; or choose plausible, goatcounter or fathom, which set no cookies",
        )
        values["consent"] = INVALID


ANALYTICS = Struct(
    {
        "provider": Field(OneOf(tuple(PROVIDERS)), required=True, doc="the analytics tool"),
        "site": Field(Text(max_length=100), required=True, doc="the tool's id for this site"),
        "consent": Field(
            Boolean(), default=False, doc="ask visitors first, with a banner (needed for google)"
        ),
    },
    "analytics",
    after=_check_analytics,
    example="write it as analytics: {provider: plausible, site: partners.example.com}",
)

PROGRAM = Struct(
    {
        "name": Field(Text(max_length=120), required=True, doc="the program's name"),
        "base_url": Field(Url(), required=True, doc="where the site is served"),
        "owner": Field(
            Text(max_length=64), required=True, doc="id of the partner that runs the program"
        ),
        "description": Field(Text(max_length=400), doc="a sentence or two about the program"),
        "language": Field(
            Text(
                r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*",
                "a language tag such as en or de-CH",
                "write it with a hyphen, such as en, en-US or de-CH",
            ),
            default="en",
        ),
        "theme": Field(slug(), default="default", doc="built-in 'default' or a folder in themes/"),
        "tracking": Field(TRACKING_PROGRAM, default={}),
        "host": Field(OneOf(HOSTS), default="netlify", doc="the static host the build targets"),
        "disclosure": Field(
            Text(max_length=600), doc="the disclosure shown above referral and affiliate links"
        ),
        "analytics": Field(ANALYTICS, doc="one analytics tool; none by default"),
        "lockup": Field(LockupSpec("program.lockup"), default={}),
        "content": Field(
            Struct(
                {
                    "html": Field(
                        OneOf(HTML_MODES),
                        default="off",
                        doc="raw HTML in Markdown: off (shown as text) or safe (sanitised)",
                    )
                },
                "program.content",
            ),
            default={},
        ),
        "extra": Field(Anything(), default={}),
    },
    "program",
)


PARTNER = Struct(
    {
        "id": Field(slug(), required=True, doc="unique lowercase slug"),
        "name": Field(Text(max_length=120), required=True),
        "website": Field(Url(), required=True),
        "logo": Field(Asset(LOGO_TYPES, LOGO_KINDS), required=True),
        "logo_on_dark": Field(Asset(LOGO_TYPES, LOGO_KINDS)),
        "logo_clear_space": Field(Number(0, 2), default=0.0),
        "logo_min_width": Field(Number(16, 480, integer=True), default=0),
        "tagline": Field(Text(max_length=200)),
        "colors": Field(COLORS, required=True),
        "legal": Field(Text(max_length=500)),
        "privacy": Field(Url(), doc="the partner's privacy policy, linked from lead forms"),
        "tracking": Field(PARTNER_TRACKING, default={}),
        "extra": Field(Anything(), default={}),
    },
    "partner",
)

ROOT = Struct(
    {
        "program": Field(PROGRAM, required=True),
        "partners": Field(ListOf(PARTNER, min_items=2), required=True),
    },
    PARTNERS_FILE,
    example="partners.yaml has two top-level keys, program: and partners:; see docs/REFERENCE.md",
)


describe(
    PROGRAM,
    {
        "language": "the pages' lang, a BCP 47 tag",
        "tracking": "how links are tagged: medium, channels, dictionary",
        "lockup": "how partner logos are set together in each hero",
        "content": "what raw HTML in Markdown does",
        "extra": "free-form data for templates",
    },
)
describe(
    PARTNER,
    {
        "name": "the brand as it should be printed",
        "website": "the brand's site; links in copy to it are tracked",
        "logo": "the logo for light backgrounds",
        "logo_on_dark": "the logo for dark backgrounds, drawn on a dark band (without it, the "
        "logo is drawn there on a plate of the background colour)",
        "logo_clear_space": "free space around the logo, as a share of its height",
        "logo_min_width": "the narrowest the logo may be drawn, in CSS pixels",
        "tagline": "a short line shown on the partner's hub",
        "colors": "the brand's colours by role, or from a design tokens file",
        "legal": "the trademark line printed in the footer",
        "tracking": "utm_source and the partner's referral scheme",
        "extra": "free-form data for templates",
    },
)
describe(
    ROOT,
    {"program": "the program itself", "partners": "every partner's brand guidelines"},
)
