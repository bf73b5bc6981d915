"""assemble(): program, partners, campaigns, pages and a date → one immutable Site.

The Site decides what is published (drafts and scheduled campaigns are not),
which partner leads each page, every page's path, and every link each page
carries, so rendering is a pure function of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from .errors import Diagnostic, Severity
from .links import (
    AFTER_END,
    FORM_PLACEMENT,
    PAGE_CHANNEL,
    PRINT_CHANNEL,
    PRIVACY_PLACEMENT,
    PartnerHosts,
    TrackedLink,
    listed_link,
    page_link,
    share_link,
)
from .models import Campaign, Channel, Page, Partner, Program


class Status(StrEnum):
    LIVE = "live"
    ENDED = "ended"
    SCHEDULED = "scheduled"
    DRAFT = "draft"


def status_of(campaign: Campaign, today: dt.date) -> Status:
    """Return the campaign's status on the given day."""
    if campaign.draft:
        return Status.DRAFT
    if campaign.starts is not None and today < campaign.starts:
        return Status.SCHEDULED
    if campaign.ends is not None and today > campaign.ends:
        return Status.ENDED
    return Status.LIVE


def status_window(
    campaigns: tuple[Campaign, ...], today: dt.date
) -> tuple[dt.date | None, dt.date | None]:
    """Return the days (from, until) around today on which no campaign changes status.

    from <= today < until.

    None stands for no bound. A build's output depends on its date only through these
    statuses (the built-in templates do not print the date).
    """
    changes = set()
    for campaign in campaigns:
        if campaign.draft:
            continue
        if campaign.starts is not None:
            changes.add(campaign.starts)  # scheduled before, live from
        if campaign.ends is not None:
            changes.add(campaign.ends + dt.timedelta(days=1))  # ended from the day after
    before = [day for day in changes if day <= today]
    after = [day for day in changes if day > today]
    return (max(before) if before else None, min(after) if after else None)


@dataclass(frozen=True, slots=True)
class Variant:
    """One rendered campaign page: the canonical one, or one partner's variant."""

    campaign: Campaign
    status: Status
    lead: Partner  # its brand leads and its audience is credited
    path: str  # from the site root, ending in "/"
    canonical: bool
    cta: TrackedLink | None  # None once the campaign has ended
    body_links: tuple[TrackedLink, ...]
    website_links: tuple[TrackedLink, ...]  # each partner's website, in the campaign's order
    calendar: TrackedLink | None = None  # the CTA as the event's calendar file carries it
    # the lead form's endpoint, then each partner's privacy link, as written; () without one
    form_links: tuple[TrackedLink, ...] = ()


@dataclass(frozen=True, slots=True)
class Published:
    """A published campaign with its pages and share links."""

    campaign: Campaign
    status: Status
    partners: tuple[Partner, ...]
    canonical: Variant
    variants: tuple[Variant, ...]  # one per partner, in the campaign's order
    # partner id → one per channel (see share_channels); () unless live
    share_links: Mapping[str, tuple[TrackedLink, ...]]
    redirect_to: str | None = None  # ended with after_end: the absolute URL its pages lead to

    @property
    def paths(self) -> tuple[str, ...]:
        """Every page path of the campaign: the canonical one, then each variant."""
        return (self.canonical.path, *(v.path for v in self.variants))


@dataclass(frozen=True, slots=True)
class Site:
    program: Program
    owner: Partner
    partners: tuple[Partner, ...]
    published: tuple[Published, ...]  # live first (newest start first), then ended
    scheduled: tuple[Campaign, ...]
    drafts: tuple[Campaign, ...]
    pages: tuple[Page, ...]
    today: dt.date
    # each page's links to other sites, as written: campaign is the page's slug
    page_links: tuple[TrackedLink, ...] = ()
    # lookups made once: partners by id, slugs of published affiliate campaigns
    _by_id: dict[str, Partner] = field(init=False, repr=False, compare=False)
    _affiliate: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {p.id: p for p in self.partners})
        affiliate = frozenset(p.campaign.slug for p in self.published if p.campaign.affiliate)
        object.__setattr__(self, "_affiliate", affiliate)

    def partner(self, partner_id: str) -> Partner:
        """Return the partner with this id; raises KeyError for an unknown one."""
        return self._by_id[partner_id]

    @property
    def live(self) -> tuple[Published, ...]:
        return tuple(p for p in self.published if p.status is Status.LIVE)

    @property
    def ended(self) -> tuple[Published, ...]:
        return tuple(p for p in self.published if p.status is Status.ENDED)

    def is_sponsored(self, link: TrackedLink) -> bool:
        """True when link is a referral or affiliate link: it earns its destination's partner's
        referrer something, so the page must disclose the connection.

        That is when the link leads to a partner that credits referrers (has a
        referral_param) and is shared by another partner, or when its campaign says its
        partner links are affiliate links.
        """
        if not link.destination:
            return False
        if link.campaign in self._affiliate:
            return True
        destination = self.partner(link.destination)
        return bool(destination.tracking.referral_param) and link.destination != link.audience

    def links(self) -> list[TrackedLink]:
        """Every tracked or listed link of the site, sorted, without repeats."""
        return sorted(
            self.unique_links(),
            key=lambda r: (
                r.campaign,
                r.audience,
                r.channel != PAGE_CHANNEL,
                r.channel,
                r.placement,
                r.url,
            ),
        )

    def unique_links(self) -> dict[TrackedLink, None]:
        """Every tracked or listed link of the site, without repeats, unsorted (to count)."""
        rows: dict[TrackedLink, None] = {}
        for item in self.published:
            for variant in item.variants:
                if variant.cta is not None:
                    rows[variant.cta] = None
                if variant.calendar is not None:
                    rows[variant.calendar] = None
                rows.update(dict.fromkeys(variant.body_links))
                rows.update(dict.fromkeys(variant.website_links))
                rows.update(dict.fromkeys(variant.form_links))
            for links in item.share_links.values():
                rows.update(dict.fromkeys(links))
            after_end = item.campaign.after_end
            if item.redirect_to is not None and after_end is not None and after_end.is_url:
                # the ended pages, the vanity paths and the hubs lead on to it, as written
                slug, target = item.campaign.slug, item.redirect_to
                for variant in item.variants:
                    rows[listed_link(slug, variant.lead, target, AFTER_END)] = None
        rows.update(dict.fromkeys(self.page_links))
        return rows


@dataclass(frozen=True)
class _Scope:
    """What every variant of one campaign shares: the program, the campaign, its status
    today, its partners and the partner hosts links are filed under."""

    program: Program
    campaign: Campaign
    status: Status
    members: tuple[Partner, ...]
    hosts: PartnerHosts


def _variant(scope: _Scope, lead: Partner, path: str, canonical: bool) -> Variant:
    """Return the page of scope's campaign led by lead, at path, with every link it carries."""
    program, campaign, status = scope.program, scope.campaign, scope.status
    members, hosts = scope.members, scope.hosts
    cta = None
    if status is Status.LIVE:
        cta = page_link(program, campaign, lead, campaign.cta.url, "cta", hosts)
    body = tuple(
        page_link(program, campaign, lead, link.url, "body", hosts) for link in campaign.body.links
    )
    websites = tuple(
        page_link(program, campaign, lead, partner.website, "partners", hosts)
        for partner in members
    )
    calendar = None
    form: tuple[TrackedLink, ...] = ()
    if status is Status.LIVE and campaign.event is not None:
        calendar = page_link(program, campaign, lead, campaign.cta.url, "calendar", hosts)
    if status is Status.LIVE and campaign.form is not None:
        form = (
            listed_link(campaign.slug, lead, campaign.form.endpoint, FORM_PLACEMENT),
            *(
                listed_link(campaign.slug, lead, partner.privacy, PRIVACY_PLACEMENT)
                for partner in members
                if partner.privacy
            ),
        )
    return Variant(campaign, status, lead, path, canonical, cta, body, websites, calendar, form)


def share_channels(program: Program, campaign: Campaign) -> tuple[Channel, ...]:
    """Return the channels a live campaign's share links are made for: its own, then print.

    Every live campaign's kit has a QR code, and the code opens the print link, so a
    campaign that does not list `print` still gets that link, tagged as a listed print
    channel would be; it is shared like any other (hub, kit README, links.csv), because
    visits from the code arrive with its tags.

    Listing `print` is what holds the built-in print medium against the program's
    allowed mediums (naming.check_built_in_choices; a medium the program writes is held
    against them wherever it is used). An unlisted print channel whose medium the
    dictionary does not allow is left out, and the campaign's kit goes without a QR code:
    tagging links with a medium the team did not allow would break its dictionary, and
    failing the build over a channel the campaign never asked for would fail a valid
    program.
    """
    channels = tuple(program.tracking.channel(name) for name in campaign.channels)
    if PRINT_CHANNEL in campaign.channels:
        return channels
    printed = program.tracking.channel(PRINT_CHANNEL)
    if not program.tracking.allows_medium(printed.medium):
        return channels
    return (*channels, printed)


def _sort_key(item: Published) -> tuple[int, int, str]:
    if item.status is Status.LIVE:
        start = item.campaign.starts or dt.date.min
        return (0, -start.toordinal(), item.campaign.slug)
    end = item.campaign.ends or dt.date.min
    return (1, -end.toordinal(), item.campaign.slug)


def assemble(
    program: Program,
    partners: tuple[Partner, ...],
    campaigns: tuple[Campaign, ...],
    pages: tuple[Page, ...],
    today: dt.date,
) -> Site:
    """Return the Site for today: what is published, every page path and every link.

    Expects validated input (every campaign names known partners, the owner exists).
    """
    by_id = {p.id: p for p in partners}
    hosts = PartnerHosts(partners, program.base_url)
    published: list[Published] = []
    scheduled: list[Campaign] = []
    drafts: list[Campaign] = []
    for campaign in campaigns:
        status = status_of(campaign, today)
        if status is Status.DRAFT:
            drafts.append(campaign)
            continue
        if status is Status.SCHEDULED:
            scheduled.append(campaign)
            continue
        members = tuple(by_id[pid] for pid in campaign.partners)
        lead = by_id[program.owner] if program.owner in campaign.partners else members[0]
        scope = _Scope(program, campaign, status, members, hosts)
        canonical = _variant(scope, lead, f"{campaign.slug}/", True)
        variants = tuple(
            _variant(scope, partner, f"{campaign.slug}/{partner.id}/", False) for partner in members
        )
        shares = {}
        channels = share_channels(program, campaign)
        for variant in variants:
            page_url = program.base_url + variant.path
            shares[variant.lead.id] = (
                tuple(share_link(page_url, campaign, variant.lead, channel) for channel in channels)
                if status is Status.LIVE
                else ()
            )
        redirect_to = None
        if status is Status.ENDED and campaign.after_end is not None:
            target = campaign.after_end.target
            redirect_to = target if campaign.after_end.is_url else f"{program.base_url}{target}/"
        published.append(
            Published(campaign, status, members, canonical, variants, shares, redirect_to)
        )
    published.sort(key=_sort_key)
    owner = by_id[program.owner]
    live_pages = tuple(sorted((p for p in pages if not p.draft), key=lambda p: p.slug))
    page_links = tuple(
        listed_link(page.slug, owner, link.url, "body")
        for page in live_pages
        for link in page.body.links
    )
    return Site(
        program=program,
        owner=owner,
        partners=partners,
        published=tuple(published),
        scheduled=tuple(sorted(scheduled, key=lambda c: c.slug)),
        drafts=tuple(sorted(drafts, key=lambda c: c.slug)),
        pages=live_pages,
        today=today,
        page_links=page_links,
    )


def lifecycle_warnings(site: Site) -> list[Diagnostic]:
    """Warn when an ended campaign's after_end leads to a campaign that is not live."""
    states = {item.campaign.slug: item.status for item in site.published}
    states.update({c.slug: Status.SCHEDULED for c in site.scheduled})
    states.update({c.slug: Status.DRAFT for c in site.drafts})
    warnings = []
    for item in site.ended:
        after = item.campaign.after_end
        if after is None or after.is_url or states.get(after.target) is Status.LIVE:
            continue
        state = states.get(after.target, Status.DRAFT).value
        warnings.append(
            Diagnostic(
                after.location,
                f"'after_end' leads to '{after.target}', which is {state} today, so visitors "
                "would not find a live page there",
                "point after_end at a live campaign or at an https:// address",
                Severity.WARNING,
            )
        )
    return warnings
