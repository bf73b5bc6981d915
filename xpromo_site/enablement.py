"""A partner's enablement kit for each live campaign, from the Site: what goes in, file by file.

Every link in a kit is one the Site already holds (share links per channel, the
calendar link), so the kit never tags a URL itself. Share images are described
here (`share_image`) and drawn elsewhere; a kit receives the finished PNG.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .ics import CalendarEvent, event_ics
from .kit import (
    KitCopy,
    email_html,
    email_text,
    listed,
    social_posts,
)
from .kitfiles import CALENDAR_FILE, CampaignKit, partner_hub
from .links import PRINT_CHANNEL, TrackedLink
from .models import CAMPAIGN_TYPE_LABELS as TYPE_LABELS
from .models import Partner
from .qrcodes import QrCode, QrRequest, qr_request
from .shareimages import HEIGHT, WIDTH, Logo, ShareImage
from .site import Published, Site, Variant

EMAIL_CHANNEL, SOCIAL_CHANNEL = "email", "social"
KIT_DIR = "kit"


def kicker(item: Published, event: Mapping[str, Any] | None) -> str:
    """Return the line above the title: the campaign's type and its date or price."""
    campaign = item.campaign
    label = TYPE_LABELS.get(campaign.type, campaign.type.capitalize())
    if event is not None:
        return f"{label} · {event['date_label']}"
    if campaign.offer is not None:
        return f"{label} · {campaign.offer.price}"
    return label


def _ordered(item: Published, lead: Partner) -> list[Partner]:
    return [lead, *(p for p in item.partners if p.id != lead.id)]


def share_image(
    site: Site, item: Published, variant: Variant, assets: Mapping[str, bytes], line: str
) -> ShareImage:
    """Return the share image of a campaign page: its lead's colours, every logo, the title.

    The canonical page and its lead's variant look the same, so they share one file.
    """
    lead = variant.lead
    colors = lead.colors
    logos = tuple(
        Logo(p.logo, assets[p.logo], p.logo_location or p.location) for p in _ordered(item, lead)
    )
    return ShareImage(
        stem=f"{item.campaign.slug}-{lead.id}",
        logos=logos,
        kicker=line,
        title=item.campaign.title,
        footer=urlsplit(site.program.base_url).hostname or site.program.name,
        background=colors.primary,
        foreground=colors.on_primary,
        panel="#FFFFFF",
        separator=colors.text,
        accent=colors.accent or colors.on_primary,
    )


def image_alt(item: Published, variant: Variant, line: str) -> str:
    """Return the share image's text alternative: who, what kind, the title."""
    return f"{listed(p.name for p in _ordered(item, variant.lead))}: {line}. {item.campaign.title}"


def details(
    item: Published, event: Mapping[str, Any] | None, referral_code: str | None
) -> tuple[tuple[str, str], ...]:
    """Return the campaign's facts as (label, value) lines: when and where, price, code."""
    campaign = item.campaign
    lines: list[tuple[str, str]] = []
    if event is not None:
        when = event["start_label"]
        if event["end_label"] is not None:
            when += f"\N{EN DASH}{event['end_label']}"
        lines += [("When", f"{when}, {event['timezone_label']}"), ("Where", event["venue"])]
    if campaign.offer is not None:
        price = campaign.offer.price
        if campaign.offer.was is not None:
            price += f" (was {campaign.offer.was})"
        lines.append(("Price", price))
        if campaign.offer.code is not None:
            lines.append(("Code", campaign.offer.code))
    if campaign.referral is not None:
        lines.append(("Reward", campaign.referral.reward))
        if referral_code is not None:
            lines.append(("Code", referral_code))
    return tuple(lines)


def calendar_file(
    site: Site, item: Published, variant: Variant, event: Mapping[str, Any]
) -> bytes | None:
    """Return the page's .ics for a webinar or event, carrying its calendar link, or None.

    UID names the event (the same for every partner's file); DTSTAMP is the day the
    campaign starts, else the event's start: never the build's clock.
    """
    if variant.calendar is None:
        return None
    campaign = item.campaign
    host = urlsplit(site.program.base_url).hostname or "xpromo"
    start = event["start"]
    if campaign.starts is not None:
        stamp = dt.datetime.combine(campaign.starts, dt.time(), dt.UTC)
    else:
        stamp = start.astimezone(dt.UTC)
    text = [campaign.summary] if campaign.summary else []
    text.append(f"{campaign.cta.label}: {variant.calendar.url}")
    return event_ics(
        CalendarEvent(
            uid=f"{campaign.slug}@{host}",
            title=campaign.title,
            start=start,
            end=event["end"],
            location=event["venue"],
            url=variant.calendar.url,
            description="\n\n".join(text),
            stamp=stamp,
        )
    )


def kit_copy(
    item: Published, partner: Partner, line: str, facts: tuple[tuple[str, str], ...]
) -> KitCopy:
    """Return the words and colours partner promotes the campaign with."""
    campaign = item.campaign
    others = [p for p in item.partners if p.id != partner.id]
    colors = partner.colors
    return KitCopy(
        title=campaign.title,
        kicker=line,
        summary=campaign.summary,
        details=facts,
        cta_label=campaign.cta.label,
        partner=partner.name,
        co_partners=tuple(p.name for p in others),
        legal=tuple(p.legal for p in _ordered(item, partner) if p.legal),
        primary=colors.button or colors.primary,  # the email's button sits on white
        on_primary=colors.on_primary,
        text=colors.text,
        background=colors.background,
    )


def _link(links: tuple[TrackedLink, ...], channel: str) -> TrackedLink | None:
    return next((link for link in links if link.channel == channel), None)


def print_qr(item: Published, partner: Partner) -> QrRequest | None:
    """Return the QR code partner's kit for item needs: of its print link.

    Every live campaign has a print link unless the program's allowed mediums rule it
    out (see site.share_channels); then there is no QR code and this returns None.
    """
    printed = _link(tuple(item.share_links[partner.id]), PRINT_CHANNEL)
    return qr_request(printed.url, partner.colors.text) if printed else None


def qr_requests(site: Site) -> list[QrRequest]:
    """Return every QR code the site's kits need, once each."""
    requests = (print_qr(item, partner) for item in site.live for partner in item.partners)
    return sorted({r for r in requests if r is not None}, key=lambda r: (r.url, r.dark))


@dataclass(frozen=True)
class KitMedia:
    """The made files a kit carries: its share image (and the PNG drawn for it), the
    calendar file of its event, and the QR code of its print link. Each is None when the
    build draws no images or the campaign has none."""

    image: ShareImage | None = None
    image_png: bytes | None = None
    calendar: bytes | None = None
    qr: QrCode | None = None


def campaign_kit(
    site: Site, item: Published, partner: Partner, copy: KitCopy, media: KitMedia
) -> CampaignKit:
    """Return partner's kit for the live campaign item."""
    image, image_png, calendar, qr = media.image, media.image_png, media.calendar, media.qr
    variant = next(v for v in item.variants if v.lead.id == partner.id)
    links = tuple(item.share_links[partner.id])
    base = site.program.base_url
    alt = image_alt(item, variant, copy.kicker)
    email = _link(links, EMAIL_CHANNEL)
    social = _link(links, SOCIAL_CHANNEL)
    return CampaignKit(
        slug=item.campaign.slug,
        title=item.campaign.title,
        folder=f"{partner_hub(partner)}{KIT_DIR}/{item.campaign.slug}/",
        page_url=base + variant.path,
        links=links,
        image=image,
        image_png=image_png,
        image_alt=alt,
        qr=qr,
        email=(
            email_html(
                copy,
                email.url,
                base + image.path if image is not None else None,
                alt,
                HEIGHT * 600 // WIDTH,
            ),
            email_text(copy, email.url),
        )
        if email
        else None,
        posts=tuple(social_posts(copy, social.url, item.campaign.social)) if social else (),
        calendar=calendar,
        calendar_path=variant.path + CALENDAR_FILE if calendar is not None else None,
    )


def kit_zip_path(partner: Partner) -> str:
    """Return the path of partner's whole kit as one zip, from the site root."""
    return f"{partner_hub(partner)}{partner.id}-kit.zip"


def kit_view(kit: CampaignKit) -> dict[str, Any]:
    """Return what hub.html shows of a campaign kit: paths from the site root, texts."""
    files = {name: kit.folder + name for name in kit.files()}
    return {
        "page_url": kit.page_url,
        "image": {"path": kit.image.path, "alt": kit.image_alt, "width": WIDTH, "height": HEIGHT}
        if kit.image is not None
        else None,
        "qr": {
            "url": kit.qr.url,
            "svg": files["qr-code.svg"],
            "png": files["qr-code.png"],
            "size": kit.qr.size,
        }
        if kit.qr is not None
        else None,
        "email": {
            "html": kit.email[0],
            "text": kit.email[1],
            "html_path": files["email.html"],
            "text_path": files["email.txt"],
        }
        if kit.email is not None
        else None,
        "social": [
            {
                "network": post.network.id,
                "label": post.network.label,
                "text": post.text,
                "length": post.length,
                "limit": post.network.limit,
            }
            for post in kit.posts
        ],
        "social_path": files.get("social.txt"),
        "calendar": kit.calendar_path,
    }


def size_label(size: int) -> str:
    """Return a file size for people: '12 KB', '1.4 MB'."""
    if size < 1_000_000:
        return f"{max(1, round(size / 1000))} KB"
    return f"{size / 1_000_000:.1f} MB"
