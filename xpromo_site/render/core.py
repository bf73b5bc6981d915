"""The renderer: campaign pages, hubs, the program's pages, the policy and host files."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from .. import structured
from ..analytics import PROVIDERS, expand
from ..campaigntypes import TYPES
from ..enablement import (
    CALENDAR_FILE,
    CampaignKit,
    calendar_file,
    campaign_kit,
    details,
    image_alt,
    kicker,
    kit_copy,
    kit_view,
    kit_zip,
    kit_zip_path,
    print_qr,
    share_image,
    size_label,
)
from ..errors import Diagnostic, XpromoError
from ..hosts import host_named, plan, policy_for
from ..images import PreparedImage
from ..lockup import BOXES, Fit, Shape, fit_logos, weights
from ..models import LINK_MARK, SEPARATORS, Body, Campaign, Partner
from ..pagecheck import PageVerdict, check_page, judge, shared
from ..qrcodes import QrCode, QrRequest
from ..shareimages import HEIGHT, WIDTH, ShareImage, unique
from ..site import Published, Site, Status, Variant
from ..themes import Theme, compact_css, render_template, template_path
from ..workers import run, split
from .sinks import Sink
from .sitefiles import write_feeds, write_manifests

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
# each render adds a secret to it (_Renderer.csp_mark), so no copy can forge it
CONSENT_SCRIPT = "consent.js"


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
        button = f";--brand-button:{c.button}" if c.button and c.button != c.primary else ""
        rules.append(
            f".brand-{p.id}{{--brand-primary:{c.primary};--brand-on-primary:{c.on_primary};"
            f"--brand-text:{c.text};--brand-background:{c.background};"
            f"--brand-accent:{c.accent or c.primary};--brand-link:{c.link or c.text}{button}}}"
        )
        if needs_plate(p):
            rules.append(f".logo--chip.{plate_class(p)}{{background:{c.background}}}")
    return "\n".join(rules) + "\n"


def needs_plate(partner: Partner) -> bool:
    """True when the partner's own dark band has no logo made for it: it gets a plate."""
    return partner.colors.band_is_dark and not partner.logo_on_dark


def plate_class(partner: Partner) -> str:
    """The class of the plate behind the partner's logo on its own band."""
    return f"logo-plate-{partner.id}"


def _event_views(site: Site) -> dict[str, dict[str, Any] | None]:
    return {item.campaign.slug: _event(item.campaign) for item in site.published}


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
    return unique(_share_images(site, assets, _event_views(site)).values())


def _own_band_logo(partner: Partner) -> str:
    """The logo drawn on the partner's own primary: the dark-background one on a dark band."""
    if partner.colors.band_is_dark and partner.logo_on_dark:
        return partner.logo_on_dark
    return partner.logo


def _fit_view(fit: Fit) -> dict[str, Any]:
    return {"class": fit.css_class, "width": fit.width, "height": fit.height}


class _Renderer:
    def __init__(
        self,
        site: Site,
        theme: Theme,
        assets: Mapping[str, PreparedImage],
        images: Mapping[str, bytes],
        qr_codes: Mapping[QrRequest, QrCode],
        host: str,
        out: Sink,
        draw: bool = True,
    ) -> None:
        self.site = site
        self.out = out
        self.theme = theme
        self.host = host_named(host)
        self.assets = assets
        self.templates: dict[str, str] = {}  # page file → the template that rendered it
        self.verdicts: dict[str, PageVerdict] = {}  # page file → what pagecheck found
        self.deferred: dict[str, bytes] = {}  # page file → its compressed HTML, for later
        # replaced in every page, so never in the output: a title that quotes it stays
        self.csp_mark = f"{CSP_MARK}-{secrets.token_hex(16)}"
        self.events = _event_views(site)
        logos = {src: image.data for src, image in assets.items()}
        self.draw = draw  # False: pages and kits go without share images and QR codes
        self.share_images = _share_images(site, logos, self.events) if draw else {}
        self.images = images
        self.qr_codes = qr_codes
        self.calendars: dict[str, bytes | None] = {}
        for image in self.share_images.values():
            self.out.add(image.path, images[image.path])
        self.asset_paths = {src: hashed_name(src, image.data) for src, image in assets.items()}
        for src, hashed in self.asset_paths.items():
            self.out.add(hashed, assets[src].data)
        self.fits: dict[tuple[str, str, str], Fit] = self._site_fits()
        self.lockups = {
            variant.path: self._lockup_fits(item, variant)
            for item in site.published
            for variant in (item.canonical, *item.variants)
        }
        used = {*self.fits.values()} | {fit for fits in self.lockups.values() for _, _, fit in fits}
        logo_css = "\n".join(sorted(fit.css_rule() for fit in used)) + "\n"
        css = (
            compact_css(theme.static.get("xpromo.css", b"").decode("utf-8")).encode()
            + brand_css(site.partners).encode()
            + logo_css.encode()
        )
        self.stylesheet = hashed_name("static/xpromo.css", css)
        self.out.add(self.stylesheet, css)
        script = theme.static.get(KIT_SCRIPT)
        self.kit_script = hashed_name(f"static/{KIT_SCRIPT}", script) if script else None
        for name, data in theme.static.items():
            if name == KIT_SCRIPT and self.kit_script is not None:
                self.out.add(self.kit_script, data)
            elif name not in ("xpromo.css", CONSENT_SCRIPT):
                self.out.add(f"static/{name}", data)
        self.analytics = self._analytics()
        self.partners = {p.id: self._partner(p) for p in site.partners}
        self.program = {
            "name": site.program.name,
            "description": site.program.description,
            "language": site.program.language,
            "base_url": site.program.base_url,
            "owner": self.partners[site.owner.id],
            "extra": site.program.extra,
        }
        icon = render_template(theme, "favicon.svg", {"program": self.program}).encode()
        self.icon = hashed_name("static/favicon.svg", icon)
        self.out.add(self.icon, icon)
        self.nav_pages = [{"title": p.title, "path": f"{p.slug}/"} for p in site.pages]
        self.joined: dict[str, list[Published]] = {p.id: [] for p in site.partners}
        for item in site.published:  # each partner's campaigns, in the site's order
            for member in item.partners:
                self.joined[member.id].append(item)
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
            "band_plate": plate_class(partner) if needs_plate(partner) else "",
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
            "privacy": partner.privacy,
            "extra": partner.extra,
        }

    def _analytics(self) -> dict[str, Any] | None:
        """Return what templates need to load the program's analytics tool, or None."""
        chosen = self.site.program.analytics
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
            data = self.theme.static.get(CONSENT_SCRIPT, b"")
            view["consent_script"] = hashed_name(f"static/{CONSENT_SCRIPT}", data)
            self.out.add(view["consent_script"], data)
        return view

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
            "block": TYPES[campaign.type].block,  # which details the page shows
            "details_heading": TYPES[campaign.type].details,
            "summary": campaign.summary,
            "status": item.status.value,
            "starts": campaign.starts,
            "ends": campaign.ends,
            "path": item.canonical.path,
            "partners": [self.partners[p.id] for p in item.partners],
            "channels": list(campaign.channels),
            "event": self.events[campaign.slug],
            "offer": campaign.offer,
            "referral": campaign.referral,
            "after_end": item.redirect_to,
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
            "icon": self.icon,
            "today": self.site.today,
            "disclosure": self.site.program.disclosure,
            "csp_meta": self.csp_mark if self.host.policy_in_meta else None,
            "analytics": self.analytics,
            "robots": None,
            "feed_url": self.site.program.base_url + "feed.xml",
            "structured_data": None,
            "share_image": None,
        }

    def page(self, path: str, template: str, context: dict[str, Any]) -> None:
        html = render_template(self.theme, template, context)
        name = path + "index.html" if path.endswith("/") or not path else path
        self.verdicts[name] = check_page(html, self.site.program.disclosure)
        self.templates[name] = template
        if self.host.policy_in_meta:  # kept, small, until the policy is known
            self.deferred[name] = zlib.compress(html.encode("utf-8"), 1)
        else:
            self.out.add(name, html.encode("utf-8"))

    def redirect_page(self, path: str, target: str) -> None:
        """Write a page at path that sends browsers to target: hosts that apply the
        redirect rules (Host.routes_by_rules) never serve it; the others and previews do."""
        context = self._common(path, self.site.owner, [])
        context.update({"target": target, "canonical_url": target, "robots": "noindex"})
        self.page(path, "redirect.html", context)

    # pages ----------------------------------------------------------------------------
    def home(self) -> None:
        site = self.site
        context = self._common("", site.owner, [site.owner])
        context["live"] = [self.campaigns[i.campaign.slug] for i in site.live]
        self.page("", "home.html", context)

    def campaign_pages(self, item: Published) -> None:
        if item.redirect_to is not None:
            for path in item.paths:
                self.redirect_page(path, item.redirect_to)
            return
        canonical_url = self.site.program.base_url + item.canonical.path
        data = self._structured(item, canonical_url)
        for variant in (item.canonical, *item.variants):
            context = self._common(variant.path, variant.lead, item.partners)
            context["canonical_url"] = canonical_url
            context["structured_data"] = data
            if item.status is Status.ENDED:
                context["robots"] = "noindex"
            context.update(self._variant_context(item, variant))
            context["share_image"] = self._share_image_view(item, variant)
            ics = self._calendar(item, variant)
            context["calendar"] = None
            if ics is not None:
                context["calendar"] = variant.path + CALENDAR_FILE
                self.out.add(context["calendar"], ics)
            self.page(variant.path, "campaign.html", context)

    def _organization(self, partner: Partner) -> dict[str, Any]:
        logo = self.site.program.base_url + self.asset_paths[partner.logo]
        return structured.organization(partner, logo)

    def _structured(self, item: Published, page_url: str) -> Markup | None:
        campaign = item.campaign
        organizations = [self._organization(p) for p in item.partners]
        view = self.campaigns[campaign.slug]["event"]
        live = item.status is Status.LIVE
        if campaign.event is not None and view is not None:
            image = self.share_images.get(item.canonical.path)
            return structured.json_ld(
                structured.event(
                    campaign,
                    view["start"],
                    view["end"],
                    page_url,
                    organizations,
                    self.site.program.base_url + image.path if image is not None else None,
                    live,
                )
            )
        if campaign.offer is not None:
            return structured.json_ld(structured.offer(campaign, page_url, organizations, live))
        return None

    def _calendar(self, item: Published, variant: Variant) -> bytes | None:
        """Return the page's event.ics (made once: campaign page and hub share it)."""
        if variant.path not in self.calendars:
            event = self.events[item.campaign.slug]
            ics = calendar_file(self.site, item, variant, event) if event else None
            self.calendars[variant.path] = ics
        return self.calendars[variant.path]

    def _share_image_view(self, item: Published, variant: Variant) -> dict[str, Any] | None:
        image = self.share_images.get(variant.path)
        if image is None:
            return None
        return {
            "path": image.path,
            "url": self.site.program.base_url + image.path,
            "width": WIDTH,
            "height": HEIGHT,
            "alt": image_alt(item, variant, image.kicker),
        }

    def _variant_context(self, item: Published, variant: Variant) -> dict[str, Any]:
        lead = variant.lead
        sponsored = self.site.is_sponsored
        cta = None
        if variant.cta is not None:
            cta = {
                "label": item.campaign.cta.label,
                "url": variant.cta.url,
                "sponsored": sponsored(variant.cta),
            }
        page_links = [*variant.body_links, *variant.website_links]
        if variant.cta is not None:
            page_links.append(variant.cta)
        form = item.campaign.form if item.status is Status.LIVE else None
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
                {n for n, link in enumerate(variant.body_links) if sponsored(link)},
            ),
            "cta": cta,
            "has_sponsored": any(sponsored(link) for link in page_links),
            "sponsored_urls": {link.url for link in page_links if sponsored(link)},
            "lead_form": None
            if form is None
            else {"endpoint": form.endpoint, "heading": form.heading, "submit": form.submit},
            "website_links": {
                partner.id: link.url
                for partner, link in zip(item.partners, variant.website_links, strict=True)
            },
            "referral_code": _referral_code(item, variant, self.site),
        }

    def hub(self, partner: Partner) -> None:
        entries = []
        kits: list[CampaignKit] = []
        for item in self.joined[partner.id]:
            variant = next(v for v in item.variants if v.lead.id == partner.id)
            kit = self._kit(item, variant) if item.share_links[partner.id] else None
            if kit is not None:
                kits.append(kit)
                for name, data in kit.files().items():
                    self.out.add(kit.folder + name, data)
            entries.append(
                {
                    "campaign": self.campaigns[item.campaign.slug],
                    "variant_path": variant.path,
                    "share_links": [
                        {"channel": link.channel, "url": link.url}
                        for link in item.share_links[partner.id]
                    ],
                    "kit": kit_view(kit) if kit is not None else None,
                }
            )
        download = None
        if kits:
            data = kit_zip(self.site, partner, kits)
            path = kit_zip_path(partner)
            self.out.add(path, data)
            download = {"path": path, "size": size_label(len(data)), "images": self.draw}
        context = self._common(f"partners/{partner.id}/", partner, [partner])
        context.update(
            {
                "partner": self.partners[partner.id],
                "entries": entries,
                "kit_zip": download,
                "kit_script": self.kit_script,
            }
        )
        context["feed_url"] = f"{self.site.program.base_url}partners/{partner.id}/feed.xml"
        context["structured_data"] = structured.json_ld(
            structured.with_context(self._organization(partner))
        )
        self.page(f"partners/{partner.id}/", "hub.html", context)

    def vanity_pages(self) -> None:
        """Write /go/<code>/ for each vanity code: a redirect to the partner's variant."""
        base = self.site.program.base_url
        for item in self.site.published:
            for partner_id, code in item.campaign.vanity:
                target = item.redirect_to or f"{base}{item.campaign.slug}/{partner_id}/"
                self.redirect_page(f"go/{code}/", target)

    def feeds(self) -> None:
        """Write the program's Atom feed and each partner's."""
        write_feeds(self.site, self.out)

    def _kit(self, item: Published, variant: Variant) -> CampaignKit:
        event = self.events[item.campaign.slug]
        line = kicker(item, event)
        facts = details(item, event, _referral_code(item, variant, self.site))
        image = self.share_images.get(variant.path)
        qr = print_qr(item, variant.lead) if self.draw else None
        return campaign_kit(
            self.site,
            item,
            variant.lead,
            image,
            self.images[image.path] if image is not None else None,
            kit_copy(item, variant.lead, line, facts),
            self._calendar(item, variant),
            self.qr_codes[qr] if qr is not None else None,
        )

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
        write_manifests(self.site, self.out)

    # security and hosting -----------------------------------------------------------------
    def secure(self) -> tuple[Diagnostic, ...]:
        """Check every page, settle the Content-Security-Policy, write the host's files.

        Returns warnings; raises XpromoError when a page would show a referral or
        affiliate link without the disclosure before it.
        """
        paths = {name: template_path(self.theme, name) for name in set(self.templates.values())}
        checked = judge(
            {page: (self.verdicts[page], paths[t]) for page, t in self.templates.items()}
        )
        csp = policy_for(
            self.site,
            checked.script_hashes,
            checked.style_hashes,
            own_scripts=self.kit_script is not None,
        )
        meta = str(escape(csp.meta())).encode()
        for name in sorted(self.deferred):  # policy_in_meta: the policy goes into each page
            self.out.add(
                name, zlib.decompress(self.deferred[name]).replace(self.csp_mark.encode(), meta)
            )
        output = self.host.write(plan(self.site, csp))
        for path, data in output.files.items():
            self.out.add(path, data)
        return (*checked.warnings, *output.warnings)


KIT_SCRIPT = "kit.js"  # the hub's copy buttons; hashed like the stylesheet


def _event(campaign: Campaign) -> dict[str, Any] | None:
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


def _referral_code(item: Published, variant: Variant, site: Site) -> str | None:
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


def render_site(
    site: Site,
    theme: Theme,
    assets: Mapping[str, PreparedImage],
    out: Sink,
    new_sink: Callable[[], Sink],
    host: str | None,
    progress: Callable[[int], None] | None,
    images: Mapping[str, bytes],
    qr_codes: Mapping[QrRequest, QrCode],
    draw: bool = True,
    workers: int = 1,
) -> tuple[Diagnostic, ...]:
    """Render every output file of the site into out; return warnings.

    assets maps each referenced source asset path to its safe version (bytes and
    proportions); host (default program.host) chooses the static host's files;
    progress, when given, is called with the number of pages rendered since its last
    call; images maps each share image's path (see plan_share_images) to its PNG bytes,
    and qr_codes each QR code the kits need (see enablement.qr_requests) to its files
    (both empty with draw False: pages and kits go without them).
    With workers above 1, campaign pages and hubs are rendered by that many forked
    processes, each into a sink from new_sink, merged into out in a fixed order: the
    files are the same as with one. Raises XpromoError for template errors, undrawable
    logos and pages that would show an affiliate link without the disclosure.
    """
    renderer = _Renderer(
        site, theme, assets, images, qr_codes, host or site.program.host, out, draw
    )
    # the longest tasks first (the manifests, then hubs), so workers end together
    tasks = [("hub", index) for index in range(len(site.partners))]
    tasks += [("campaign", index) for index in range(len(site.published))]
    chunks = [[("manifests", 0)], [("site", 0)], *split(tasks, workers, per_worker=32)]

    def render_chunk(chunk: Sequence[tuple[str, int]]) -> _Chunk:
        if workers > 1:  # a forked worker: keep only what this chunk makes
            renderer.out = new_sink()
            renderer.verdicts, renderer.templates, renderer.deferred = {}, {}, {}
        pages = 0
        try:
            for task, index in chunk:
                if task == "campaign":
                    item = site.published[index]
                    renderer.campaign_pages(item)
                    pages += 1 + len(item.variants)
                elif task == "hub":
                    renderer.hub(site.partners[index])
                elif task == "manifests":
                    renderer.manifests()
                else:  # the program's own pages and feeds
                    renderer.home()
                    renderer.plain_pages()
                    renderer.not_found()
                    renderer.vanity_pages()
                    renderer.feeds()
        except XpromoError as error:
            return _Chunk(pages, None, {}, {}, {}, error.diagnostics)
        if workers <= 1:
            return _Chunk(pages, None, {}, {}, {}, ())
        result = renderer.out.result()
        return _Chunk(pages, result, renderer.verdicts, renderer.templates, renderer.deferred, ())

    if workers <= 1:
        chunks = [[task for chunk in chunks for task in chunk]]
    for done in run(render_chunk, chunks, workers):
        if done.errors:
            raise XpromoError(list(done.errors))
        if workers > 1:
            out.merge(done.files)
            renderer.verdicts.update((n, shared(v)) for n, v in done.verdicts.items())
            renderer.templates.update(done.templates)
            renderer.deferred.update(done.deferred)
        if progress is not None and done.pages:
            progress(done.pages)
    renderer.out = out
    return renderer.secure()


@dataclass(frozen=True, slots=True)
class _Chunk:
    """What rendering a chunk of campaigns and hubs gave, sent back from a worker."""

    pages: int
    files: Any  # the worker's sink's result(), or None when rendered in this process
    verdicts: dict[str, PageVerdict]
    templates: dict[str, str]
    deferred: dict[str, bytes]
    errors: Sequence[Diagnostic]
