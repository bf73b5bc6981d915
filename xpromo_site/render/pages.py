"""Template + view → HTML, per campaign page, hub, redirect and program page, into a sink.

A Pages renders from the frozen Views; the only things it changes are its sink, what it
notes for the policy (Noted) and the calendar files it has made (campaign page and
hub share them).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from .. import structured
from ..enablement import (
    KitMedia,
    calendar_file,
    campaign_kit,
    details,
    image_alt,
    kicker,
    kit_copy,
    kit_view,
    kit_zip_path,
    print_qr,
    size_label,
)
from ..kitfiles import CALENDAR_FILE, CampaignKit, kit_zip
from ..models import SEPARATORS, Body, Partner
from ..pagecheck import check_page
from ..shareimages import HEIGHT, WIDTH
from ..site import Published, Status, Variant
from ..themes import render_template
from .logos import fit_view
from .policy import Noted
from .sinks import Sink
from .sitefiles import write_feeds, write_manifests
from .views import Views, fill_links, referral_code


class Pages:
    """Renders pages and hubs from views into out, noting each page for the policy."""

    def __init__(self, views: Views, out: Sink) -> None:
        self.views = views
        self.site = views.inputs.site
        self.out = out
        self.noted = Noted()
        self._calendars: dict[str, bytes | None] = {}  # page path → its event.ics, once

    def task(self, task: str, index: int) -> int:
        """Render one unit of work (see render_site); return how many campaign pages it was."""
        site = self.site
        if task == "campaign":
            item = site.published[index]
            self.campaign_pages(item)
            return 1 + len(item.variants)
        if task == "hub":
            self.hub(site.partners[index])
        elif task == "manifests":
            write_manifests(site, self.out)
        else:  # the program's own pages and feeds
            self.home()
            self.plain_pages()
            self.not_found()
            self.vanity_pages()
            write_feeds(site, self.out)
        return 0

    # the frame every template gets --------------------------------------------------------
    def image_urls(self, body: Body, page_path: str) -> list[str]:
        """Return where each of the body's images is, relative to the page at page_path."""
        root = "../" * page_path.count("/")
        return [root + self.views.files.assets[image.path] for image in body.images]

    def _common(self, page_path: str, brand: Partner, legal: Iterable[Partner]) -> dict[str, Any]:
        views = self.views
        depth = page_path.count("/")
        return {
            "program": views.program,
            "root": "../" * depth,
            "page_path": page_path,
            "canonical_url": self.site.program.base_url + page_path,
            "brand": views.partners[brand.id],
            "legal_partners": [views.partners[p.id] for p in legal],
            "nav_pages": views.nav_pages,
            "stylesheet": views.files.stylesheet,
            "icon": views.files.icon,
            "today": self.site.today,
            "disclosure": self.site.program.disclosure,
            "csp_meta": views.csp_mark if views.host.policy_in_meta else None,
            "analytics": views.analytics,
            "robots": None,
            "feed_url": self.site.program.base_url + "feed.xml",
            "structured_data": None,
            "share_image": None,
        }

    def page(self, path: str, template: str, context: dict[str, Any]) -> None:
        html = render_template(self.views.inputs.theme, template, context)
        name = path + "index.html" if path.endswith("/") or not path else path
        self.noted.verdicts[name] = check_page(html, self.site.program.disclosure)
        self.noted.templates[name] = template
        if self.views.host.policy_in_meta:  # kept, small, until the policy is known
            self.noted.deferred[name] = zlib.compress(html.encode("utf-8"), 1)
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
        context["live"] = [self.views.campaigns[i.campaign.slug] for i in site.live]
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
        logo = self.site.program.base_url + self.views.files.assets[partner.logo]
        return structured.organization(partner, logo)

    def _structured(self, item: Published, page_url: str) -> Markup | None:
        campaign = item.campaign
        organizations = [self._organization(p) for p in item.partners]
        view = self.views.campaigns[campaign.slug]["event"]
        live = item.status is Status.LIVE
        if campaign.event is not None and view is not None:
            image = self.views.share_images.get(item.canonical.path)
            return structured.json_ld(
                structured.event(
                    campaign,
                    view["start"],
                    view["end"],
                    structured.Listing(
                        page_url,
                        organizations,
                        self.site.program.base_url + image.path if image is not None else None,
                        live,
                    ),
                )
            )
        if campaign.offer is not None:
            listing = structured.Listing(page_url, organizations, live=live)
            return structured.json_ld(structured.offer(campaign, listing))
        return None

    def _event(self, item: Published) -> dict[str, Any] | None:
        event: dict[str, Any] | None = self.views.campaigns[item.campaign.slug]["event"]
        return event

    def _calendar(self, item: Published, variant: Variant) -> bytes | None:
        """Return the page's event.ics (made once: campaign page and hub share it)."""
        if variant.path not in self._calendars:
            event = self._event(item)
            ics = calendar_file(self.site, item, variant, event) if event else None
            self._calendars[variant.path] = ics
        return self._calendars[variant.path]

    def _share_image_view(self, item: Published, variant: Variant) -> dict[str, Any] | None:
        image = self.views.share_images.get(variant.path)
        if image is None:
            return None
        return {
            "path": image.path,
            "url": self.site.program.base_url + image.path,
            "width": WIDTH,
            "height": HEIGHT,
            "alt": image_alt(item, variant, image.kicker),
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
                    "partner": self.views.partners[partner.id],
                    "own_band": own_band,
                    "host": partner.id == item.canonical.lead.id,
                    "box": fit_view(fit),
                }
                for partner, own_band, fit in self.views.lockups[variant.path]
            ],
        }

    def _variant_context(self, item: Published, variant: Variant) -> dict[str, Any]:
        partners = self.views.partners
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
            "campaign": self.views.campaigns[item.campaign.slug],
            "lockup": self._lockup(item, variant),
            "lead": partners[lead.id],
            "co_partners": [partners[p.id] for p in item.partners if p.id != lead.id],
            "variant": None if variant.canonical else partners[lead.id],
            "variants": [{"partner": partners[v.lead.id], "path": v.path} for v in item.variants],
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
            "referral_code": referral_code(item, variant, self.site),
        }

    def hub(self, partner: Partner) -> None:
        views = self.views
        entries = []
        kits: list[CampaignKit] = []
        for item in views.joined[partner.id]:
            variant = next(v for v in item.variants if v.lead.id == partner.id)
            kit = self._kit(item, variant) if item.share_links[partner.id] else None
            if kit is not None:
                kits.append(kit)
                for name, data in kit.files().items():
                    self.out.add(kit.folder + name, data)
            entries.append(
                {
                    "campaign": views.campaigns[item.campaign.slug],
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
            data = kit_zip(self.site.program, partner, kits)
            path = kit_zip_path(partner)
            self.out.add(path, data)
            size = size_label(len(data))
            download = {"path": path, "size": size, "images": views.inputs.drawn.draw}
        context = self._common(f"partners/{partner.id}/", partner, [partner])
        context.update(
            {
                "partner": views.partners[partner.id],
                "entries": entries,
                "kit_zip": download,
                "kit_script": views.files.kit_script,
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

    def _kit(self, item: Published, variant: Variant) -> CampaignKit:
        drawn = self.views.inputs.drawn
        event = self._event(item)
        line = kicker(item, event)
        facts = details(item, event, referral_code(item, variant, self.site))
        image = self.views.share_images.get(variant.path)
        qr = print_qr(item, variant.lead) if drawn.draw else None
        media = KitMedia(
            image,
            drawn.images[image.path] if image is not None else None,
            self._calendar(item, variant),
            drawn.qr_codes[qr] if qr is not None else None,
        )
        return campaign_kit(
            self.site, item, variant.lead, kit_copy(item, variant.lead, line, facts), media
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
