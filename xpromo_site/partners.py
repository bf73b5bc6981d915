"""partners.yaml → Program and Partners, with the checks that span fields and partners."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .analytics import PROVIDERS
from .brand import COLORS, ROLES, check_brand, resolve_colors
from .errors import Collector, Location
from .hosts import HOSTS
from .images import PreparedImage
from .models import (
    DEFAULT_DISCLOSURE,
    HTML_MODES,
    Analytics,
    Colors,
    Lockup,
    Partner,
    PartnerTracking,
    Program,
)
from .source.fields import Asset, Boolean, LockupSpec, Number, OneOf, Url, slug
from .source.files import read_source
from .source.schema import (
    INVALID,
    SLUG_PATTERN,
    Anything,
    Checker,
    Field,
    ListOf,
    Struct,
    Text,
    check_known,
    describe,
    is_valid,
)
from .source.yamlsource import Node, load_yaml
from .trackingspec import (
    PARTNER_TRACKING,
    TRACKING_PROGRAM,
    check_scheme,
    location_of,
    program_tracking,
)

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


@dataclass(frozen=True)
class Roster:
    """What partners.yaml gave: the program, the valid partners, and every declared id."""

    program: Program | None  # None when the program section is invalid
    partners: tuple[Partner, ...]
    known_ids: frozenset[str]  # ids that are valid slugs, even of partners with other errors
    logos: dict[str, PreparedImage] = field(default_factory=dict)  # site path → safe file


def load_program(root: Path, collector: Collector) -> Roster:
    """Read and validate partners.yaml under root.

    Problems go to collector; raises XpromoError only when the file cannot be read or
    parsed at all.
    """
    path = root / PARTNERS_FILE
    if path.exists() and not path.is_file():
        collector.error(
            Location(PARTNERS_FILE, 1, 1),
            "partners.yaml is not a regular file",
            "partners.yaml must be a text file in the program's folder",
        )
        return Roster(None, (), frozenset())
    if not path.is_file():
        hint = "run xpromo in the folder that holds partners.yaml, or pass --source"
        for other in ("partners.yml", "Partners.yaml", "partners.YAML"):
            if (root / other).is_file():
                hint = f"rename {other} to partners.yaml"
        collector.error(Location(PARTNERS_FILE, 1, 1), "partners.yaml not found", hint)
        return Roster(None, (), frozenset())
    if not path.resolve().is_relative_to(root.resolve()):
        collector.error(
            Location(PARTNERS_FILE, 1, 1),
            "partners.yaml is a link to a file outside the site",
            "keep the program's own partners.yaml in its folder",
        )
        return Roster(None, (), frozenset())
    tree = load_yaml(read_source(path, PARTNERS_FILE), PARTNERS_FILE)
    if tree.kind == "null":
        collector.error(
            Location(PARTNERS_FILE, 1, 1),
            "partners.yaml is empty",
            "it needs 'program:' and 'partners:'; see docs/REFERENCE.md",
        )
        return Roster(None, (), frozenset())
    checker = Checker(collector, root)
    data = ROOT.check(tree, "", checker)
    if data is INVALID:
        return Roster(None, (), frozenset())

    logos: dict[str, PreparedImage] = {}
    partners, known = _partners(data["partners"], tree.get("partners"), checker, logos)
    program = _program(data["program"], tree.get("program"), known, root, checker)
    return Roster(program, partners, frozenset(known), logos)


def _partners(
    values: Any, node: Node | None, checker: Checker, logos: dict[str, PreparedImage]
) -> tuple[tuple[Partner, ...], set[str]]:
    """Return the valid partners and the set of every id that is a valid slug."""
    if node is None or node.kind != "list":
        return (), set()
    if values is INVALID:
        ids = (item.get("id") for item in node.value)
        return (), {i.value for i in ids if i is not None and SLUG_PATTERN.fullmatch(i.raw)}
    partners: list[Partner] = []
    first_seen: dict[str, Location] = {}
    sources: dict[str, tuple[str, str]] = {}  # casefolded source → partner id, source
    for item, item_node in zip(values, node.value, strict=True):
        if item is INVALID:
            continue
        id_node = item_node.get("id")
        partner_id = item["id"]
        if partner_id is not INVALID and id_node is not None:
            if partner_id in first_seen:
                checker.error(
                    id_node.location,
                    f"duplicate partner id '{partner_id}'",
                    f"ids must be unique; '{partner_id}' is already used at line "
                    f"{first_seen[partner_id].line}",
                )
                continue
            first_seen[partner_id] = id_node.location
        if not is_valid(item):
            continue
        colors = resolve_colors(item["colors"], item_node.get("colors"), checker)
        drawn = None if colors is None else check_brand(item, item_node, colors, checker, logos)
        if drawn is None:
            continue
        tracking = item["tracking"] or {}
        tracking_node = item_node.get("tracking") or item_node
        if not check_scheme(tracking, tracking_node, checker):
            continue
        source = tracking.get("source") or partner_id
        source_node = tracking_node.get("source") or id_node or item_node
        if source.casefold() in sources:
            other, other_source = sources[source.casefold()]
            as_written = "" if other_source == source else f" (as '{other_source}')"
            checker.error(
                source_node.location,
                f"utm source '{source}' is also used by partner '{other}'{as_written}",
                "give each partner its own tracking.source so reports can tell their traffic apart",
            )
        sources[source.casefold()] = (partner_id, source)
        partners.append(
            Partner(
                id=partner_id,
                name=item["name"],
                website=item["website"],
                logo=item["logo"],
                logo_on_dark=item["logo_on_dark"],
                logo_clear_space=item["logo_clear_space"],
                logo_min_width=item["logo_min_width"],
                tagline=item["tagline"],
                legal=item["legal"],
                privacy=item["privacy"],
                colors=Colors(**{role: drawn.get(role) for role in (*ROLES, "button")}),  # type: ignore[arg-type]
                tracking=PartnerTracking(
                    source=source,
                    referral_param=tracking.get("referral_param"),
                    codes=tuple(sorted((tracking.get("codes") or {}).items())),
                    referral_transform=tracking.get("referral_transform") or "none",
                    subid_param=tracking.get("subid_param"),
                    subid_value=tracking.get("subid_value") or "campaign",
                    fixed_params=tuple((tracking.get("fixed_params") or {}).items()),
                    source_location=source_node.location,
                ),
                extra=item["extra"] or {},
                location=item_node.location,
                website_location=location_of(item_node, "website"),
                logo_location=location_of(item_node, "logo"),
            )
        )
    known = set(first_seen)
    for item_node in node.value:
        codes = (item_node.get("tracking") or Node("null", None, item_node.location)).get("codes")
        if codes is None or codes.kind != "mapping":
            continue
        for key in codes.value:
            if key not in known:
                check_known(
                    key, codes.key_locations[key], known, checker, "codes are keyed by partner id"
                )
    return tuple(partners), known


def _program(
    values: Any, node: Node | None, known: set[str], root: Path, checker: Checker
) -> Program | None:
    if values is INVALID or node is None:
        return None
    owner = values["owner"]
    owner_node = node.get("owner")
    if owner is not INVALID and owner_node is not None and known:
        check_known(
            owner,
            owner_node.location,
            known,
            checker,
            "the owner must be one of the partners",
        )
    base_url = values["base_url"]
    base_node = node.get("base_url")
    if base_url is not INVALID and base_node is not None and ("?" in base_url or "#" in base_url):
        checker.error(
            base_node.location,
            f"'program.base_url' must not have a query or fragment (got '{base_url}')",
            "use the address the site is served from, like https://partners.example.com/",
        )
    theme = values["theme"]
    theme_node = node.get("theme")
    if theme not in (INVALID, "default") and not (root / "themes" / theme).is_dir():
        themes = sorted(p.name for p in (root / "themes").glob("*") if p.is_dir())
        close = difflib.get_close_matches(theme, [*themes, "default"], 1, 0.6)
        checker.error(
            theme_node.location if theme_node else node.location,
            f"theme '{theme}' not found in themes/",
            f"did you mean '{close[0]}'?"
            if close
            else "use 'default' or create themes/" + theme + "/templates/",
        )
    if not is_valid(values):
        return None
    tracking = values["tracking"] or {}
    tracking_node = node.get("tracking")
    rules = program_tracking(tracking, tracking_node, checker)
    if rules is None:
        return None
    analytics = values["analytics"]
    content = values["content"] or {}
    return Program(
        name=values["name"],
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        owner=owner,
        medium=tracking.get("medium") or "referral",
        description=values["description"],
        language=values["language"],
        theme=theme,
        host=values["host"],
        disclosure=values["disclosure"] or DEFAULT_DISCLOSURE,
        analytics=Analytics(analytics["provider"], analytics["site"], analytics["consent"])
        if analytics
        else None,
        lockup=Lockup().merged(values["lockup"] or {}),
        html=content.get("html") or "off",
        extra=values["extra"] or {},
        tracking=rules,
        location=(node.get("host") or node).location,
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
