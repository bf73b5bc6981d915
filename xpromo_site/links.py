"""Which partner a link points to, and the tracked URL it gets on a given page or channel."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .models import Campaign, Channel, Partner, Program
from .tracking import Utm, add_query_params, host_key, is_within, tracked_url, transform_code

PAGE_CHANNEL = "page"  # the channel of links on the pages themselves
SHARE_PLACEMENT = "share"  # the placement of share links
PRINT_CHANNEL = "print"  # the channel of the link every live campaign's QR code carries
FORM_PLACEMENT = "form"  # where a lead form posts: listed, never tracked
PRIVACY_PLACEMENT = "privacy"  # a partner's privacy policy beside its opt-in: listed only
AFTER_END = "after_end"  # where an ended campaign's pages lead on to: listed only


@dataclass(frozen=True, slots=True)
class TrackedLink:
    """One row of the links manifest."""

    campaign: str
    audience: str  # the partner whose audience clicks (utm_source)
    channel: str  # "page" for links on the pages, else the share channel
    placement: str  # where the link is: cta, body, partners (pages) or share
    destination: str  # partner id the link goes to, or "" (outside the program, or a share link)
    url: str


class PartnerHosts:
    """Looks up the partner whose website a URL is on (its host or a subdomain of it)."""

    def __init__(self, partners: Iterable[Partner], base_url: str | None = None) -> None:
        self._by_host: dict[str, Partner] = {}
        self._base_url = base_url
        self._found: dict[str, Partner | None] = {}  # every variant asks about the same URLs
        self._internal: dict[str, bool] = {}
        for partner in partners:
            key = host_key(partner.website)
            if key is not None:
                self._by_host.setdefault(key, partner)

    def is_internal(self, url: str) -> bool:
        """Return True when url is a page of the program's own site (never tracked)."""
        if self._base_url is None:
            return False
        if url not in self._internal:
            self._internal[url] = is_within(url, self._base_url)
        return self._internal[url]

    def partner_for(self, url: str) -> Partner | None:
        """Return the partner whose website hosts url, or None (outside the program).

        Pages of the program's own site belong to no partner.
        """
        if url not in self._found:
            self._found[url] = self._look_up(url)
        return self._found[url]

    def _look_up(self, url: str) -> Partner | None:
        if self.is_internal(url):
            return None
        host = host_key(url)
        while host:
            found = self._by_host.get(host)
            if found is not None:
                return found
            host = host.partition(".")[2] if "." in host else ""
        return None


def referral_params(
    destination: Partner, audience: Partner, campaign: Campaign, placement: str
) -> tuple[tuple[str, str] | None, list[tuple[str, str]]]:
    """Return the referral pair and the other scheme parameters a link into destination gets.

    A partner's scheme applies to links its co-partners' audiences click: the referral
    code (transformed as the destination reads it), the sub-ID and the fixed parameters.
    Links to audience's own site get none of them. Returns (None, []) then, or when the
    destination has no scheme.
    """
    if destination.id == audience.id:
        return None, []
    scheme = destination.tracking
    referral = None
    if scheme.referral_param:
        code = transform_code(scheme.code_for(audience.id), scheme.referral_transform)
        referral = (scheme.referral_param, code)
    extra: list[tuple[str, str]] = []
    if scheme.subid_param:
        value = {
            "campaign": campaign.slug,
            "variant": f"{campaign.slug}.{audience.id}",
            "placement": placement,
        }[scheme.subid_value]
        extra.append((scheme.subid_param, value))
    extra.extend(scheme.fixed_params)
    return referral, extra


def page_link(
    program: Program,
    campaign: Campaign,
    audience: Partner,
    url: str,
    placement: str,
    hosts: PartnerHosts,
) -> TrackedLink:
    """Return the link for url on the page audience shares: tracked when it leads to a partner.

    The destination partner's referral scheme credits audience, unless the link leads to
    audience's own site. Links outside the program and pages of the site stay as written.
    """
    destination = hosts.partner_for(url)
    if destination is None:
        return TrackedLink(campaign.slug, audience.id, PAGE_CHANNEL, placement, "", url)
    referral, extra = referral_params(destination, audience, campaign, placement)
    tracked = tracked_url(
        url,
        Utm(audience.tracking.source, program.medium, campaign.slug, placement),
        referral=referral,
        extra=extra,
        keep_existing=program.tracking.existing_utm == "keep",
    )
    return TrackedLink(campaign.slug, audience.id, PAGE_CHANNEL, placement, destination.id, tracked)


def listed_link(slug: str, audience: Partner, url: str, placement: str) -> TrackedLink:
    """Return the manifest row of a link a page carries as written, never tracked.

    A lead form's endpoint, each partner's privacy policy and the links of the program's
    own pages (slug is then the page's) lead to other sites too, so the manifest lists
    them; like links outside the program, they name no destination partner, which only
    tracked links do.
    """
    return TrackedLink(slug, audience.id, PAGE_CHANNEL, placement, "", url)


def share_link(
    page_url: str, campaign: Campaign, audience: Partner, channel: Channel
) -> TrackedLink:
    """Return the link audience posts in channel: its variant page, tagged for that channel."""
    url = add_query_params(
        page_url,
        [
            ("utm_source", audience.tracking.source),
            ("utm_medium", channel.medium),
            ("utm_campaign", campaign.slug),
            ("utm_content", channel.content),
        ],
    )
    return TrackedLink(campaign.slug, audience.id, channel.name, SHARE_PLACEMENT, "", url)
