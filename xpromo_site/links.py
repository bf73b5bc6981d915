"""Which partner a link points to, and the tracked URL it gets on a given page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .models import Campaign, Partner, Program
from .tracking import add_query_params, host_key, tracked_url


@dataclass(frozen=True, slots=True)
class TrackedLink:
    """One row of the links manifest."""

    campaign: str
    partner: str  # the partner whose audience clicks (utm_source)
    channel: str  # "page" for links on the pages, else the share channel
    placement: str  # utm_content: cta, body, share
    destination: str  # partner id the link goes to, or "" outside the program
    url: str


class PartnerHosts:
    """Looks up the partner whose website a URL is on (its host or a subdomain of it)."""

    def __init__(self, partners: Iterable[Partner]) -> None:
        self._by_host: dict[str, Partner] = {}
        for partner in partners:
            key = host_key(partner.website)
            if key is not None:
                self._by_host.setdefault(key, partner)

    def partner_for(self, url: str) -> Partner | None:
        """Return the partner whose website hosts url, or None (outside the program)."""
        host = host_key(url)
        while host:
            found = self._by_host.get(host)
            if found is not None:
                return found
            host = host.partition(".")[2] if "." in host else ""
        return None


def page_link(
    program: Program,
    campaign: Campaign,
    audience: Partner,
    url: str,
    placement: str,
    hosts: PartnerHosts,
) -> TrackedLink:
    """Return the link for url on the page audience shares: tracked when it leads to a partner.

    The destination partner's referral parameter carries audience's code, unless the
    link leads to audience's own site. Links outside the program stay as written.
    """
    destination = hosts.partner_for(url)
    if destination is None:
        return TrackedLink(campaign.slug, audience.id, "page", placement, "", url)
    referral = None
    param = destination.tracking.referral_param
    if param and destination.id != audience.id:
        referral = (param, destination.tracking.code_for(audience.id))
    tracked = tracked_url(
        url,
        source=audience.tracking.source,
        medium=program.medium,
        campaign=campaign.slug,
        content=placement,
        referral=referral,
    )
    return TrackedLink(campaign.slug, audience.id, "page", placement, destination.id, tracked)


def share_link(page_url: str, campaign: Campaign, audience: Partner, channel: str) -> TrackedLink:
    """Return the link audience posts in channel: its variant page tagged with the channel."""
    url = add_query_params(
        page_url,
        [
            ("utm_source", audience.tracking.source),
            ("utm_medium", channel),
            ("utm_campaign", campaign.slug),
        ],
    )
    return TrackedLink(campaign.slug, audience.id, channel, "share", "", url)
