"""Site → output files (pages, hubs, manifests, sitemap, static files), with no disk I/O."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as xml_escape
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from .images import PreparedImage
from .links import TrackedLink
from .lockup import BOXES, Fit, Shape, fit_logos, weights
from .models import LINK_MARK, SEPARATORS, Body, Campaign, Partner
from .site import Published, Site, Variant
from .themes import Theme, render_template

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
LINKS_COLUMNS = ("campaign", "partner", "channel", "placement", "destination", "url")
_MARK_RE = re.compile(f"{LINK_MARK}(i?)(\\d+){LINK_MARK}")


@dataclass(frozen=True, slots=True)
class OutputFile:
    path: str  # relative to the output folder, "/"-separated
    data: bytes


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


def brand_css(partners: Iterable[Partner]) -> str:
    """Return one rule per partner setting its colours as custom properties."""
    rules = []
    for p in partners:
        c = p.colors
        rules.append(
            f".brand-{p.id}{{--brand-primary:{c.primary};--brand-on-primary:{c.on_primary};"
            f"--brand-text:{c.text};--brand-background:{c.background};"
            f"--brand-accent:{c.accent or c.primary};--brand-link:{c.link or c.text}}}"
        )
    return "\n".join(rules) + "\n"


def _own_band_logo(partner: Partner) -> str:
    """The logo drawn on the partner's own primary: the dark-background one on a dark band."""
    if partner.colors.band_is_dark and partner.logo_on_dark:
        return partner.logo_on_dark
    return partner.logo


def _fit_view(fit: Fit) -> dict[str, Any]:
    return {"class": fit.css_class, "width": fit.width, "height": fit.height}


class _Renderer:
    def __init__(self, site: Site, theme: Theme, assets: Mapping[str, PreparedImage]) -> None:
        self.site = site
        self.theme = theme
        self.assets = assets
        self.files: dict[str, bytes] = {}
        self.asset_paths = {src: hashed_name(src, image.data) for src, image in assets.items()}
        for src, out in self.asset_paths.items():
            self.files[out] = assets[src].data
        self.fits: dict[tuple[str, str, str], Fit] = self._site_fits()
        self.lockups = {
            variant.path: self._lockup_fits(item, variant)
            for item in site.published
            for variant in (item.canonical, *item.variants)
        }
        used = {*self.fits.values()} | {fit for fits in self.lockups.values() for _, _, fit in fits}
        logo_css = "\n".join(sorted(fit.css_rule() for fit in used)) + "\n"
        css = (
            theme.static.get("xpromo.css", b"")
            + b"\n"
            + brand_css(site.partners).encode()
            + logo_css.encode()
        )
        self.stylesheet = hashed_name("static/xpromo.css", css)
        self.files[self.stylesheet] = css
        for name, data in theme.static.items():
            if name != "xpromo.css":
                self.files[f"static/{name}"] = data
        self.partners = {p.id: self._partner(p) for p in site.partners}
        self.program = {
            "name": site.program.name,
            "description": site.program.description,
            "language": site.program.language,
            "base_url": site.program.base_url,
            "owner": self.partners[site.owner.id],
            "extra": site.program.extra,
        }
        self.nav_pages = [{"title": p.title, "path": f"{p.slug}/"} for p in site.pages]
        self.campaigns = {item.campaign.slug: self._campaign(item) for item in site.published}

    # logo sizes ---------------------------------------------------------------------------
    def _shape(self, partner: Partner, path: str, weight: float = 1.0) -> Shape:
        image = self.assets[path]
        return Shape(
            image.width, image.height, weight, partner.logo_min_width, partner.logo_clear_space
        )

    def _site_fits(self) -> dict[tuple[str, str, str], Fit]:
        """Every partner's logos at each place, the same visible area for all partners.

        Keys are (partner id, "logo" or "own_band", size).
        """
        drawn = [
            (partner, kind, path)
            for partner in self.site.partners
            for kind, path in (("logo", partner.logo), ("own_band", _own_band_logo(partner)))
        ]
        fits = {}
        for size, box in BOXES.items():
            sized = fit_logos([self._shape(p, path) for p, _, path in drawn], box)
            for (partner, kind, _path), fit in zip(drawn, sized, strict=True):
                fits[(partner.id, kind, size)] = fit
        return fits

    def _lockup_fits(self, item: Published, variant: Variant) -> list[tuple[Partner, bool, Fit]]:
        """The hero lockup of a page: each partner, whether on its own band, and its size.

        The lead comes first, on its own band; the host (who leads the canonical page)
        weighs as the campaign's lockup mode says.
        """
        lockup = self.site.program.lockup.merged(item.campaign.lockup)
        members = [variant.lead, *(p for p in item.partners if p.id != variant.lead.id)]
        host = item.canonical.lead.id
        weight = weights(lockup.mode, [p.id == host for p in members], lockup.max_ratio)
        shapes = [
            self._shape(p, _own_band_logo(p) if i == 0 else p.logo, weight[i])
            for i, p in enumerate(members)
        ]
        fits = fit_logos(shapes, BOXES["lg"], lockup.max_ratio)
        return [(p, i == 0, fit) for i, (p, fit) in enumerate(zip(members, fits, strict=True))]

    # views handed to templates --------------------------------------------------------
    def _partner(self, partner: Partner) -> dict[str, Any]:
        logo = self.asset_paths[partner.logo]
        on_dark = self.asset_paths[partner.logo_on_dark] if partner.logo_on_dark else None
        colors = partner.colors
        return {
            "id": partner.id,
            "name": partner.name,
            "website": partner.website,
            "tagline": partner.tagline,
            "legal": partner.legal,
            "logo": logo,
            "logo_on_dark": on_dark,
            "logo_for_primary": self.asset_paths[_own_band_logo(partner)],
            "primary_is_dark": colors.band_is_dark,
            "logo_box": {size: _fit_view(self.fits[(partner.id, "logo", size)]) for size in BOXES},
            "logo_for_primary_box": {
                size: _fit_view(self.fits[(partner.id, "own_band", size)]) for size in BOXES
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
            "extra": partner.extra,
        }

    def _lockup(self, item: Published, variant: Variant) -> dict[str, Any]:
        lockup = self.site.program.lockup.merged(item.campaign.lockup)
        separator = lockup.separator if lockup.separator in SEPARATORS else "phrase"
        return {
            "mode": lockup.mode,
            "separator": separator,
            "phrase": lockup.separator if separator == "phrase" else None,
            "logos": [
                {
                    "partner": self.partners[partner.id],
                    "own_band": own_band,
                    "host": partner.id == item.canonical.lead.id,
                    "box": _fit_view(fit),
                }
                for partner, own_band, fit in self.lockups[variant.path]
            ],
        }

    def _campaign(self, item: Published) -> dict[str, Any]:
        campaign = item.campaign
        return {
            "slug": campaign.slug,
            "title": campaign.title,
            "type": campaign.type,
            "summary": campaign.summary,
            "status": item.status.value,
            "starts": campaign.starts,
            "ends": campaign.ends,
            "path": item.canonical.path,
            "partners": [self.partners[p.id] for p in item.partners],
            "channels": list(campaign.channels),
            "event": _event(campaign),
            "offer": campaign.offer,
            "referral": campaign.referral,
            "extra": campaign.extra,
        }

    def image_urls(self, body: Body, page_path: str) -> list[str]:
        """Return where each of the body's images is, relative to the page at page_path."""
        root = "../" * page_path.count("/")
        return [root + self.asset_paths[image.path] for image in body.images]

    def _common(self, page_path: str, brand: Partner, legal: Iterable[Partner]) -> dict[str, Any]:
        depth = page_path.count("/")
        return {
            "program": self.program,
            "root": "../" * depth,
            "page_path": page_path,
            "canonical_url": self.site.program.base_url + page_path,
            "brand": self.partners[brand.id],
            "legal_partners": [self.partners[p.id] for p in legal],
            "nav_pages": self.nav_pages,
            "stylesheet": self.stylesheet,
            "today": self.site.today,
        }

    def page(self, path: str, template: str, context: dict[str, Any]) -> None:
        html = render_template(self.theme, template, context)
        self.files[path + "index.html" if path.endswith("/") or not path else path] = html.encode(
            "utf-8"
        )

    # pages ----------------------------------------------------------------------------
    def home(self) -> None:
        site = self.site
        context = self._common("", site.owner, [site.owner])
        context["live"] = [self.campaigns[i.campaign.slug] for i in site.live]
        context["ended"] = [self.campaigns[i.campaign.slug] for i in site.ended]
        self.page("", "home.html", context)

    def campaign_pages(self, item: Published) -> None:
        for variant in (item.canonical, *item.variants):
            context = self._common(variant.path, variant.lead, item.partners)
            context["canonical_url"] = self.site.program.base_url + item.canonical.path
            context.update(self._variant_context(item, variant))
            self.page(variant.path, "campaign.html", context)

    def _variant_context(self, item: Published, variant: Variant) -> dict[str, Any]:
        lead = variant.lead
        cta = None
        if variant.cta is not None:
            cta = {"label": item.campaign.cta.label, "url": variant.cta.url}
        return {
            "campaign": self.campaigns[item.campaign.slug],
            "lockup": self._lockup(item, variant),
            "lead": self.partners[lead.id],
            "co_partners": [self.partners[p.id] for p in item.partners if p.id != lead.id],
            "variant": None if variant.canonical else self.partners[lead.id],
            "variants": [
                {"partner": self.partners[v.lead.id], "path": v.path} for v in item.variants
            ],
            "body_html": fill_links(
                item.campaign.body,
                [link.url for link in variant.body_links],
                self.image_urls(item.campaign.body, variant.path),
            ),
            "cta": cta,
            "website_links": {
                partner.id: link.url
                for partner, link in zip(item.partners, variant.website_links, strict=True)
            },
            "referral_code": _referral_code(item, variant, self.site),
        }

    def hub(self, partner: Partner) -> None:
        entries = []
        for item in self.site.published:
            if partner not in item.partners:
                continue
            variant = next(v for v in item.variants if v.lead.id == partner.id)
            entries.append(
                {
                    "campaign": self.campaigns[item.campaign.slug],
                    "variant_path": variant.path,
                    "share_links": [
                        {"channel": link.channel, "url": link.url}
                        for link in item.share_links[partner.id]
                    ],
                }
            )
        context = self._common(f"partners/{partner.id}/", partner, [partner])
        context.update({"partner": self.partners[partner.id], "entries": entries})
        self.page(f"partners/{partner.id}/", "hub.html", context)

    def plain_pages(self) -> None:
        for page in self.site.pages:
            path = f"{page.slug}/"
            context = self._common(path, self.site.owner, [self.site.owner])
            context["page"] = {
                "title": page.title,
                "description": page.description,
                "body_html": fill_links(
                    page.body,
                    [link.url for link in page.body.links],
                    self.image_urls(page.body, path),
                ),
                "path": path,
                "extra": page.extra,
            }
            self.page(path, "page.html", context)

    def not_found(self) -> None:
        context = self._common("", self.site.owner, [self.site.owner])
        context["canonical_url"] = self.site.program.base_url + "404.html"
        # hosts serve 404.html at any depth: link from the site's root path, not relatively
        context["root"] = urlsplit(self.site.program.base_url).path or "/"
        self.page("404.html", "404.html", context)

    # machine-readable files -------------------------------------------------------------
    def manifests(self) -> None:
        site = self.site
        self.files["links.csv"] = links_csv(site.links()).encode("utf-8")
        urls = [site.program.base_url]
        urls += [site.program.base_url + item.canonical.path for item in site.live]
        urls += [site.program.base_url + f"{page.slug}/" for page in site.pages]
        self.files["sitemap.xml"] = sitemap_xml(urls).encode("utf-8")
        self.files["robots.txt"] = (
            f"User-agent: *\nAllow: /\n\nSitemap: {site.program.base_url}sitemap.xml\n"
        ).encode()
        self.files["_headers"] = HEADERS.encode()


HEADERS = """\
/*
  Content-Security-Policy: default-src 'none'; img-src 'self'; style-src 'self'; \
base-uri 'none'; form-action 'none'; frame-ancestors 'none'
  Referrer-Policy: strict-origin-when-cross-origin
  X-Content-Type-Options: nosniff
  Permissions-Policy: camera=(), microphone=(), geolocation=(), interest-cohort=()
/static/*
  Cache-Control: public, max-age=31536000, immutable
/assets/*
  Cache-Control: public, max-age=31536000, immutable
"""


def _event(campaign: Campaign) -> dict[str, Any] | None:
    event = campaign.event
    if event is None:
        return None
    zone = ZoneInfo(event.timezone)
    start = event.start.replace(tzinfo=zone)
    end = event.end.replace(tzinfo=zone) if event.end else None
    start_label = f"{WEEKDAYS[start.weekday()]} {format_date(start.date())}, {_format_time(start)}"
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
        "start_label": start_label,
        "end_label": end_label,
        "timezone_label": f"{event.timezone.replace('_', ' ')} (UTC{offset[:3]}:{offset[3:]})",
    }


def _referral_code(item: Published, variant: Variant, site: Site) -> str | None:
    if item.campaign.type != "referral" or variant.cta is None or not variant.cta.destination:
        return None
    destination = site.partner(variant.cta.destination)
    if destination.id == variant.lead.id or not destination.tracking.referral_param:
        return None
    return destination.tracking.code_for(variant.lead.id)


def fill_links(body: Body, urls: list[str], images: list[str] | None = None) -> Markup:
    """Return the body's HTML with each placeholder replaced by its (escaped) URL.

    urls[n] fills link n; images[n], image n (a path relative to the page).
    """
    image_urls = images or []

    def fill(match: re.Match[str]) -> str:
        index = int(match[2])
        return str(escape(image_urls[index] if match[1] else urls[index]))

    return Markup(_MARK_RE.sub(fill, body.html))


def links_csv(rows: Iterable[TrackedLink]) -> str:
    """Return the links manifest as CSV with a header row and '\\n' line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(LINKS_COLUMNS)
    for row in rows:
        writer.writerow(
            [row.campaign, row.partner, row.channel, row.placement, row.destination, row.url]
        )
    return buffer.getvalue()


def sitemap_xml(urls: Iterable[str]) -> str:
    """Return a sitemap listing urls."""
    entries = "".join(f"  <url><loc>{xml_escape(url)}</loc></url>\n" for url in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</urlset>\n"
    )


def render_site(site: Site, theme: Theme, assets: Mapping[str, PreparedImage]) -> list[OutputFile]:
    """Return every output file of the site, sorted by path.

    assets maps each referenced source asset path to its safe version (bytes and
    proportions). Raises XpromoError for template errors.
    """
    renderer = _Renderer(site, theme, assets)
    renderer.home()
    for item in site.published:
        renderer.campaign_pages(item)
    for partner in site.partners:
        renderer.hub(partner)
    renderer.plain_pages()
    renderer.not_found()
    renderer.manifests()
    return [OutputFile(path, data) for path, data in sorted(renderer.files.items())]
