"""Structured data (schema.org JSON-LD) for campaign pages and partner hubs.

Webinars and events become an `Event` (online ones with a `VirtualLocation` and
`OnlineEventAttendanceMode`), bundles and offers an `Offer` with `validThrough`,
and every partner an `Organization`. The JSON is written into a
`<script type="application/ld+json">` data block, which browsers never run.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from .models import Campaign, Partner

CONTEXT = "https://schema.org"
ONLINE_VENUES = ("online", "virtual", "online event", "webinar")
_CURRENCIES = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "CHF": "CHF"}
_CURRENCIES.update({code: code for code in ("EUR", "USD", "GBP", "JPY", "CAD", "AUD")})
_SYMBOL = "|".join(re.escape(symbol) for symbol in sorted(_CURRENCIES, key=len, reverse=True))
_PRICE = re.compile(
    rf"(?:(?P<before>{_SYMBOL})\s?(?P<amount>\d+(?:[.,]\d{{1,2}})?))"
    rf"|(?:(?P<amount2>\d+(?:[.,]\d{{1,2}})?)\s?(?P<after>{_SYMBOL}))"
)


def organization(partner: Partner, logo_url: str | None) -> dict[str, Any]:
    """Return the partner as a schema.org Organization."""
    data: dict[str, Any] = {"@type": "Organization", "name": partner.name, "url": partner.website}
    if logo_url is not None:
        data["logo"] = logo_url
    return data


def is_online(venue: str) -> bool:
    """True when the event's venue says it happens online."""
    return venue.strip().lower() in ONLINE_VENUES


@dataclass(frozen=True)
class Listing:
    """Where and by whom a campaign is offered: its page, the partners behind it (as
    schema.org Organizations), its share image and whether it is live today."""

    page_url: str
    partners: list[dict[str, Any]]
    image_url: str | None = None
    live: bool = True


def event(
    campaign: Campaign, start: dt.datetime, end: dt.datetime | None, listing: Listing
) -> dict[str, Any]:
    """Return a campaign whose type reads an event block as a schema.org Event.

    start and end carry their time zone, so the dates are written with their offset.
    The offer is the registration (the call to action); the partners organise it.
    """
    page_url, organizers = listing.page_url, listing.partners
    image_url, live = listing.image_url, listing.live
    assert campaign.event is not None
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Event",
        "name": campaign.title,
        "url": page_url,
        "startDate": start.isoformat(),
    }
    if end is not None:
        data["endDate"] = end.isoformat()
    if campaign.summary:
        data["description"] = campaign.summary
    data["eventStatus"] = "https://schema.org/EventScheduled"
    if is_online(campaign.event.venue):
        data["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
        data["location"] = {"@type": "VirtualLocation", "url": campaign.cta.url}
    else:
        data["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
        venue = campaign.event.venue
        data["location"] = {"@type": "Place", "name": venue, "address": venue}
    data["organizer"] = organizers
    if image_url is not None:
        data["image"] = [image_url]
    registration: dict[str, Any] = {
        "@type": "Offer",
        "url": campaign.cta.url,
        "availability": _availability(live),
    }
    if campaign.starts is not None:
        registration["validFrom"] = campaign.starts.isoformat()
    data["offers"] = registration
    return data


def _availability(live: bool) -> str:
    return "https://schema.org/InStock" if live else "https://schema.org/Discontinued"


# what follows the amount when a price is per something: "per user / month", "/mo", "a month"
_UNIT = re.compile(r"^\s*(?:(?:per|a|an)\s+|/\s*)(?P<unit>\S.*?)\s*$", re.IGNORECASE)


def price_unit(text: str) -> str | None:
    """Return what a price is per, as written ('user / month' of '€49 per user / month')."""
    match = _PRICE.search(text)
    if match is None:
        return None
    unit = _UNIT.match(text[match.end() :])
    return unit["unit"] if unit else None


def parse_price(text: str) -> tuple[str, str] | None:
    """Return (amount, ISO currency) from a price written like '€49 per user', or None."""
    match = _PRICE.search(text)
    if match is None:
        return None
    amount = (match["amount"] or match["amount2"]).replace(",", ".")
    return amount, _CURRENCIES[match["before"] or match["after"]]


def offer(campaign: Campaign, listing: Listing) -> dict[str, Any]:
    """Return a campaign whose type reads an offer block as a schema.org Offer (the
    partners sell it).

    A price per something ("€49 per user / month") is also a UnitPriceSpecification
    whose reference quantity is one of that unit, so no reader takes it as a one-off.
    """
    assert campaign.offer is not None
    page_url, sellers, live = listing.page_url, listing.partners, listing.live
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Offer",
        "name": campaign.title,
        "url": page_url,
    }
    if campaign.summary:
        data["description"] = campaign.summary
    price = parse_price(campaign.offer.price)
    if price is not None:
        data["price"], data["priceCurrency"] = price
        unit = price_unit(campaign.offer.price)
        if unit is not None:
            data["priceSpecification"] = {
                "@type": "UnitPriceSpecification",
                "price": price[0],
                "priceCurrency": price[1],
                "unitText": unit,
                "referenceQuantity": {
                    "@type": "QuantitativeValue",
                    "value": 1,
                    "unitText": unit,
                },
            }
    data["availability"] = _availability(live)
    if campaign.starts is not None:
        data["validFrom"] = campaign.starts.isoformat()
    if campaign.ends is not None:
        data["validThrough"] = campaign.ends.isoformat()
    data["offeredBy"] = sellers
    return data


def with_context(data: dict[str, Any]) -> dict[str, Any]:
    """Return data with the schema.org @context first."""
    return {"@context": CONTEXT, **{k: v for k, v in data.items() if k != "@context"}}


def json_ld(data: dict[str, Any]) -> Markup:
    """Return a <script type="application/ld+json"> element holding data.

    <, > and & are written as JSON escapes, so no text can close the element early.
    """
    text = json.dumps(data, ensure_ascii=False, indent=None, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">{text}</script>')
