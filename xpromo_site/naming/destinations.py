"""The destinations links are compiled from: utm_* they already carry (within the site,
to a partner, or tagged by hand), user names before a host, and tracked links longer
than GA4 keeps. Values a destination keeps are collected for the value checks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..errors import Collector, Location
from ..kit import listed
from ..links import PartnerHosts, page_link
from ..models import Campaign, Partner, Program
from ..tracking import UTM_NAMES, query_params
from ..urls import read, shorten, without_userinfo
from .values import Value

MAX_URL_LENGTH = 1000  # GA4 keeps the first 1000 characters of a page's address
REQUIRED = ("utm_source", "utm_medium", "utm_campaign")


class DestinationLint:
    """Checks every destination URL; values found in them go to values, in order."""

    def __init__(
        self,
        program: Program,
        partners: Sequence[Partner],
        campaigns: Sequence[Campaign],
        collector: Collector,
    ) -> None:
        self.program = program
        self.partners = partners
        self.campaigns = campaigns
        self.collector = collector
        self.hosts = PartnerHosts(partners, program.base_url)
        self.by_id = {p.id: p for p in partners}
        self.values: list[Value] = []

    def destinations(self) -> Iterable[tuple[str, Location, str, Campaign | None]]:
        """Every URL a link is compiled from: (url, where, how messages name it, campaign)."""
        for campaign in self.campaigns:
            yield campaign.cta.url, campaign.cta.location, "'cta.url'", campaign
            for link in campaign.body.links:
                yield link.url, link.location, "the link", campaign
        for partner in self.partners:
            yield partner.website, partner.website_location or partner.location, "'website'", None

    def check_destinations(self) -> None:
        for url, where, label, campaign in self.destinations():
            present = [(n, v) for n, v in query_params(url) if n in UTM_NAMES]
            if self.hosts.is_internal(url):
                if present:
                    self.collector.warning(
                        where,
                        f"{label} leads to a page of this site and carries "
                        f"{listed([n for n, _ in present])}; UTM tags on links within a site "
                        "restart the visit and replace its real source",
                        "remove the utm_* parameters from the URL",
                    )
                continue
            destination = self.hosts.partner_for(url)
            if read(url).userinfo:
                self.check_userinfo(url, where, label, destination)
            if destination is None:
                self.check_hand_tagged(url, where, label, present)
                continue
            if present:
                self.check_existing(where, label, present)
            if campaign is not None:
                self.check_length(url, where, label, campaign)

    def check_listed_userinfo(self) -> None:
        """Addresses pages carry as written (a lead form's endpoint, an after_end address,
        privacy links) are not tracked, but a user name before their host misleads too."""
        for campaign in self.campaigns:
            if campaign.form is not None and read(campaign.form.endpoint).userinfo:
                self.check_userinfo(
                    campaign.form.endpoint, campaign.form.location, "'form.endpoint'", None
                )
            after_end = campaign.after_end
            if after_end is not None and after_end.is_url and read(after_end.target).userinfo:
                self.check_userinfo(after_end.target, after_end.location, "'after_end'", None)
        for partner in self.partners:
            if partner.privacy and read(partner.privacy).userinfo:
                self.check_userinfo(partner.privacy, partner.location, "'privacy'", None)

    def check_userinfo(
        self, url: str, where: Location, label: str, destination: Partner | None
    ) -> None:
        """A user name before the host (``https://contoso.example@evil.example/``) makes an
        address read as another site's: refused in links to a partner, which carry its
        codes, and reported on others."""
        host = read(url).host
        if destination is not None:
            self.collector.error(
                where,
                f"{label} '{shorten(url)}' has a user name or password before its host "
                f"{host}; a partner's link may not carry one",
                f"remove everything between '//' and '@': {without_userinfo(url)}",
            )
            return
        self.collector.warning(
            where,
            f"{label} '{shorten(url)}' has a user name or password before its host {host}, "
            "so readers may take it for a link to another site",
            f"remove everything between '//' and '@': {without_userinfo(url)}",
        )

    def check_existing(
        self, where: Location, label: str, present: list[tuple[str, str | None]]
    ) -> None:
        names = [n for n, _ in present]
        if self.program.tracking.existing_utm == "replace":
            them = "it" if len(names) == 1 else "them"
            self.collector.warning(
                where,
                f"{label} already carries {listed(names)}; xpromo replaces {them} with each "
                "partner's own values",
                f"remove {them} from the URL, or set program.tracking.existing_utm: keep "
                f"to keep {them}",
            )
            return
        kept = [(n, v) for n, v in present if v]
        empty = [n for n, v in present if not v]
        if kept:
            pairs = listed([f"{n}={v}" for n, v in kept])
            stays = "it stays" if len(kept) == 1 else "they stay"
            hint = (
                "remove utm_source from the URL, or every partner's link credits the same source"
                if any(n == "utm_source" for n, _ in kept)
                else f"remove {'it' if len(kept) == 1 else 'them'} from the URL to use "
                "xpromo's values"
            )
            self.collector.warning(
                where,
                f"{label} already carries {pairs}; with existing_utm: keep, {stays} in every "
                "partner's link",
                hint,
            )
            for name, value in kept:
                self.values.append(Value(name, str(value), where, f" in {label}"))
        if empty:
            self.collector.warning(
                where,
                f"{label} has an empty {listed(empty)}; xpromo fills "
                f"{'it' if len(empty) == 1 else 'them'} in",
                f"remove {'it' if len(empty) == 1 else 'them'} from the URL",
            )

    def check_hand_tagged(
        self, url: str, where: Location, label: str, present: list[tuple[str, str | None]]
    ) -> None:
        if not present:
            return
        missing = [n for n in REQUIRED if not any(p == n and v for p, v in present)]
        if missing:
            tagged = listed([n for n, v in present if v] or [n for n, _ in present])
            self.collector.warning(
                where,
                f"{label} is tagged by hand with {tagged} but has no {listed(missing)}; GA4 "
                "needs utm_source, utm_medium and utm_campaign together",
                f"add {listed(missing)}, or remove the utm_* parameters",
            )
        for name, value in present:
            if value:
                self.values.append(Value(name, value, where, f" in {label}", allowed_check=False))

    def check_length(self, url: str, where: Location, label: str, campaign: Campaign) -> None:
        by_id = self.by_id
        longest = max(
            (
                len(page_link(self.program, campaign, by_id[pid], url, "partners", self.hosts).url)
                for pid in campaign.partners
                if pid in by_id
            ),
            default=0,
        )
        if longest > MAX_URL_LENGTH:
            self.collector.warning(
                where,
                f"{label} becomes a tracked link of {longest} characters; GA4 keeps only the "
                f"first {MAX_URL_LENGTH} characters of a page's address",
                "shorten the destination URL",
            )
