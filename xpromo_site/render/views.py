"""What pages render from, computed once before the first page: the frozen inputs, the
plain-data views templates get (program, partners, campaigns, events, lockups) and the
shared files (stylesheet, icon, scripts, hashed assets, share images) they link to."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from ..analytics import PROVIDERS, expand
from ..campaigntypes import TYPES
from ..enablement import kicker, share_image
from ..hosts import Host, host_named
from ..images import PreparedImage
from ..lockup import BOXES
from ..models import LINK_MARK, Body, Campaign, Partner
from ..qrcodes import QrCode, QrRequest
from ..shareimages import ShareImage, unique
from ..site import Published, Site, Variant
from ..themes import Theme, compact_css, render_template
from .logos import (
    LockupFits,
    SiteFits,
    brand_css,
    fit_view,
    lockup_fits,
    logo_css,
    needs_plate,
    own_band_logo,
    plate_class,
    site_fits,
)
from .sinks import OutputFile

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MARK_RE = re.compile(f"{LINK_MARK}(i?)(\\d+){LINK_MARK}")
CSP_MARK = "xpromo-content-security-policy"  # stands in <meta> until the policy is known;
# each render adds a secret to it (Views.csp_mark), so no copy can forge it
CONSENT_SCRIPT = "consent.js"
KIT_SCRIPT = "kit.js"  # the hub's copy buttons; hashed like the stylesheet


@dataclass(frozen=True, slots=True)
class Drawn:
    """The share images' PNGs by path (see plan_share_images) and the kits' QR codes
    (see enablement.qr_requests); with draw False both are empty, and pages and kits go
    without them."""

    images: Mapping[str, bytes] = field(default_factory=dict)
    qr_codes: Mapping[QrRequest, QrCode] = field(default_factory=dict)
    draw: bool = True


@dataclass(frozen=True, slots=True)
class RenderInputs:
    """Everything the output is rendered from.

    assets maps each referenced source asset path to its safe version (bytes and
    proportions); host (None: program.host) chooses the static host's files.
    """

    site: Site
    theme: Theme
    assets: Mapping[str, PreparedImage]
    drawn: Drawn = Drawn()
    host: str | None = None


@dataclass(frozen=True, slots=True)
class SharedFiles:
    """Where the files every page links to are: each name carries a hash of its bytes."""

    assets: Mapping[str, str]  # source asset → its hashed output path
    stylesheet: str
    icon: str
    kit_script: str | None  # None when the theme has no kit.js


@dataclass(frozen=True, slots=True)
class Views:
    """What every page, hub and kit renders from, made once and never changed after:
    workers are forked with it and need nothing else but their chunk's numbers."""

    inputs: RenderInputs
    host: Host
    csp_mark: str  # replaced in every page, so never in the output: a title quoting it stays
    files: SharedFiles
    analytics: dict[str, Any] | None
    program: dict[str, Any]
    nav_pages: list[dict[str, str]]
    partners: Mapping[str, dict[str, Any]]  # partner id → its view
    campaigns: Mapping[str, dict[str, Any]]  # slug → the campaign's view (event included)
    joined: Mapping[str, list[Published]]  # partner id → its campaigns, in the site's order
    share_images: Mapping[str, ShareImage]  # page path → its share image (none undrawn)
    lockups: Mapping[str, LockupFits]  # page path → its hero lockup


def prepare(inputs: RenderInputs) -> tuple[Views, list[OutputFile]]:
    """Return the views pages render from and the shared files, in the order to write them.

    Raises XpromoError for template errors and undrawable logos.
    """
    site, theme, assets = inputs.site, inputs.theme, inputs.assets
    events = event_views(site)
    logos = {src: image.data for src, image in assets.items()}
    shares = _share_images(site, logos, events) if inputs.drawn.draw else {}
    files = [OutputFile(image.path, inputs.drawn.images[image.path]) for image in shares.values()]
    asset_paths = {src: hashed_name(src, image.data) for src, image in assets.items()}
    files += [OutputFile(hashed, assets[src].data) for src, hashed in asset_paths.items()]
    fits = site_fits(site, assets)
    lockups = {
        variant.path: lockup_fits(site, assets, item, variant)
        for item in site.published
        for variant in (item.canonical, *item.variants)
    }
    css = brand_css(site.partners) + logo_css(fits, lockups)
    stylesheet, kit_script, static = _theme_files(theme, css)
    files += static
    analytics = analytics_view(site, theme)
    if analytics is not None and analytics["consent_script"] is not None:
        consent = theme.static.get(CONSENT_SCRIPT, b"")
        files.append(OutputFile(analytics["consent_script"], consent))
    partners = {p.id: partner_view(p, asset_paths, fits) for p in site.partners}
    program = {
        "name": site.program.name,
        "description": site.program.description,
        "language": site.program.language,
        "base_url": site.program.base_url,
        "owner": partners[site.owner.id],
        "extra": site.program.extra,
    }
    icon_data = render_template(theme, "favicon.svg", {"program": program}).encode()
    icon = hashed_name("static/favicon.svg", icon_data)
    files.append(OutputFile(icon, icon_data))
    joined: dict[str, list[Published]] = {p.id: [] for p in site.partners}
    for item in site.published:
        for member in item.partners:
            joined[member.id].append(item)
    views = Views(
        inputs=inputs,
        host=host_named(inputs.host or site.program.host),
        csp_mark=f"{CSP_MARK}-{secrets.token_hex(16)}",
        files=SharedFiles(asset_paths, stylesheet, icon, kit_script),
        analytics=analytics,
        program=program,
        nav_pages=[{"title": p.title, "path": f"{p.slug}/"} for p in site.pages],
        partners=partners,
        campaigns={i.campaign.slug: campaign_view(i, partners, events) for i in site.published},
        joined=joined,
        share_images=shares,
        lockups=lockups,
    )
    return views, files


def _theme_files(theme: Theme, site_css: str) -> tuple[str, str | None, list[OutputFile]]:
    """Return the stylesheet's hashed name (the theme's xpromo.css, then site_css), the
    kit script's (None without one) and the theme's static files in the order to write
    them, consent.js left to the analytics view."""
    css = (
        compact_css(theme.static.get("xpromo.css", b"").decode("utf-8")).encode()
        + site_css.encode()
    )
    stylesheet = hashed_name("static/xpromo.css", css)
    files = [OutputFile(stylesheet, css)]
    script = theme.static.get(KIT_SCRIPT)
    kit_script = hashed_name(f"static/{KIT_SCRIPT}", script) if script else None
    for name, data in theme.static.items():
        if name == KIT_SCRIPT and kit_script is not None:
            files.append(OutputFile(kit_script, data))
        elif name not in ("xpromo.css", CONSENT_SCRIPT):
            files.append(OutputFile(f"static/{name}", data))
    return stylesheet, kit_script, files


def format_date(day: dt.date) -> str:
    """Return '1 December 2026' in any locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _format_time(moment: dt.datetime) -> str:
    return f"{moment:%H:%M}"


def hashed_name(path: str, data: bytes) -> str:
    """Return path with a short content hash before its suffix: a/b.css → a/b.1a2b3c4d.css."""
    digest = hashlib.sha256(data).hexdigest()[:10]
    pure = PurePosixPath(path)
    return str(pure.with_name(f"{pure.stem}.{digest}{pure.suffix}"))


def event_views(site: Site) -> dict[str, dict[str, Any] | None]:
    """Each published campaign's event as templates show it (None without one), by slug."""
    return {item.campaign.slug: event_view(item.campaign) for item in site.published}


def _share_images(
    site: Site, assets: Mapping[str, bytes], events: Mapping[str, dict[str, Any] | None]
) -> dict[str, ShareImage]:
    """Return the share image of every campaign page, by the page's path."""
    images = {}
    for item in site.published:
        line = kicker(item, events[item.campaign.slug])
        for variant in (item.canonical, *item.variants):
            images[variant.path] = share_image(site, item, variant, assets, line)
    return images


def plan_share_images(site: Site, assets: Mapping[str, bytes]) -> list[ShareImage]:
    """Return every share image the site's pages need, once each, in path order.

    assets maps each source asset path (logos included) to its bytes.
    """
    return unique(_share_images(site, assets, event_views(site)).values())


def partner_view(
    partner: Partner, asset_paths: Mapping[str, str], fits: SiteFits
) -> dict[str, Any]:
    logo = asset_paths[partner.logo]
    on_dark = asset_paths[partner.logo_on_dark] if partner.logo_on_dark else None
    colors = partner.colors
    return {
        "id": partner.id,
        "name": partner.name,
        "website": partner.website,
        "tagline": partner.tagline,
        "legal": partner.legal,
        "logo": logo,
        "logo_on_dark": on_dark,
        "logo_for_primary": asset_paths[own_band_logo(partner)],
        "primary_is_dark": colors.band_is_dark,
        "band_plate": plate_class(partner) if needs_plate(partner) else "",
        "logo_box": {size: fit_view(fits[(partner.id, "logo", size)]) for size in BOXES},
        "logo_for_primary_box": {
            size: fit_view(fits[(partner.id, "own_band", size)]) for size in BOXES
        },
        "colors": {
            "primary": colors.primary,
            "on_primary": colors.on_primary,
            "text": colors.text,
            "background": colors.background,
            "accent": colors.accent or colors.primary,
            "link": colors.link or colors.text,
        },
        "hub_path": f"partners/{partner.id}/",
        "privacy": partner.privacy,
        "extra": partner.extra,
    }


def analytics_view(site: Site, theme: Theme) -> dict[str, Any] | None:
    """Return what templates need to load the program's analytics tool, or None."""
    chosen = site.program.analytics
    if chosen is None:
        return None
    provider = PROVIDERS[chosen.provider]
    attributes = [(name, expand(value, chosen.site)) for name, value in provider.attributes]
    view: dict[str, Any] = {
        "provider": chosen.provider,
        "name": provider.name,
        "site": chosen.site,
        "script": expand(provider.script, chosen.site),
        "attributes": attributes,
        "attributes_json": json.dumps(dict(attributes), sort_keys=True),
        "consent": chosen.consent,
        "consent_script": None,
    }
    if chosen.consent:
        data = theme.static.get(CONSENT_SCRIPT, b"")
        view["consent_script"] = hashed_name(f"static/{CONSENT_SCRIPT}", data)
    return view


def campaign_view(
    item: Published,
    partners: Mapping[str, dict[str, Any]],
    events: Mapping[str, dict[str, Any] | None],
) -> dict[str, Any]:
    campaign = item.campaign
    return {
        "slug": campaign.slug,
        "title": campaign.title,
        "type": campaign.type,
        "block": TYPES[campaign.type].block,  # which details the page shows
        "details_heading": TYPES[campaign.type].details,
        "summary": campaign.summary,
        "status": item.status.value,
        "starts": campaign.starts,
        "ends": campaign.ends,
        "path": item.canonical.path,
        "partners": [partners[p.id] for p in item.partners],
        "channels": list(campaign.channels),
        "event": events[campaign.slug],
        "offer": campaign.offer,
        "referral": campaign.referral,
        "after_end": item.redirect_to,
        "extra": campaign.extra,
    }


def event_view(campaign: Campaign) -> dict[str, Any] | None:
    event = campaign.event
    if event is None:
        return None
    zone = ZoneInfo(event.timezone)
    start = event.start.replace(tzinfo=zone)
    end = event.end.replace(tzinfo=zone) if event.end else None
    date_label = f"{WEEKDAYS[start.weekday()]} {format_date(start.date())}"
    start_label = f"{date_label}, {_format_time(start)}"
    end_label = None
    if end is not None:
        end_label = (
            _format_time(end)
            if end.date() == start.date()
            else f"{WEEKDAYS[end.weekday()]} {format_date(end.date())}, {_format_time(end)}"
        )
    offset = start.strftime("%z")
    return {
        "start": start,
        "end": end,
        "timezone": event.timezone,
        "venue": event.venue,
        "date_label": date_label,
        "start_label": start_label,
        "end_label": end_label,
        "timezone_label": f"{event.timezone.replace('_', ' ')} (UTC{offset[:3]}:{offset[3:]})",
    }


def referral_code(item: Published, variant: Variant, site: Site) -> str | None:
    if (
        TYPES[item.campaign.type].block != "referral"
        or variant.cta is None
        or not variant.cta.destination
    ):
        return None
    destination = site.partner(variant.cta.destination)
    if destination.id == variant.lead.id or not destination.tracking.referral_param:
        return None
    return destination.tracking.code_for(variant.lead.id)


def fill_links(
    body: Body,
    urls: list[str],
    images: list[str] | None = None,
    sponsored: set[int] | frozenset[int] = frozenset(),
) -> Markup:
    """Return the body's HTML with each placeholder replaced by its (escaped) URL.

    urls[n] fills link n; images[n], image n (a path relative to the page). Links whose
    index is in sponsored get rel="sponsored".
    """
    image_urls = images or []

    def fill(match: re.Match[str]) -> str:
        index = int(match[2])
        if match[1]:
            return str(escape(image_urls[index]))
        # the placeholder is the whole href value: close it and add the rel attribute
        rel = '" rel="sponsored' if index in sponsored else ""
        return str(escape(urls[index])) + rel

    return Markup(_MARK_RE.sub(fill, body.html))
