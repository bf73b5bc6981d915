"""The naming lint: every tracking value xpromo writes, checked where the user wrote it.

Warnings (errors under --strict): values in lowercase a-z, 0-9, - and _ only; one word
separator per program; at most 100 characters (GA4 cuts longer ones); mediums that GA4's
default channel groups place ("Unassigned" otherwise); campaign names GA4 reads as
shopping or cross-network; destinations that already carry utm_* parameters; hand-tagged
links without source, medium and campaign. Errors: values outside the program's own
dictionary (program.tracking.allowed).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .errors import Collector, Location
from .ga4 import UNASSIGNED, channel_group, suggest_medium
from .links import PartnerHosts, page_link
from .models import Campaign, Located, Partner, Program
from .tracking import UTM_NAMES, query_params
from .urls import read, shorten, without_userinfo

MAX_VALUE_LENGTH = 100  # GA4 keeps the first 100 characters of a parameter value
MAX_URL_LENGTH = 1000  # GA4 keeps the first 1000 characters of a page's address
REQUIRED = ("utm_source", "utm_medium", "utm_campaign")
_CLEAN = re.compile(r"[a-z0-9_-]+")

__all__ = ["MAX_URL_LENGTH", "MAX_VALUE_LENGTH", "lint_tracking"]


@dataclass(frozen=True, slots=True)
class _Value:
    """One tracking value as it will appear in links, and where it was written."""

    param: str  # utm_source, utm_medium, utm_campaign or utm_content
    value: str
    location: Location
    context: str = ""  # " in 'cta.url'" for a value inside a URL
    allowed_check: bool = True  # held against program.tracking.allowed
    dictionary: bool = False  # an entry of program.tracking.allowed itself


def _names(names: Sequence[str]) -> str:
    """Return 'a', 'a and b' or 'a, b and c'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _fixed(value: str, separator: str) -> str:
    """Return value in lowercase with every other run of characters as one separator."""
    return re.sub(r"[^a-z0-9]+", separator, value.lower()).strip("-_")


def _separators(value: str) -> set[str]:
    return {c for c in "-_" if c in value}


class _Lint:
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
        self.values: list[_Value] = []
        tracking = program.tracking
        self.allowed = {
            "utm_source": tracking.allowed_sources,
            "utm_medium": tracking.allowed_mediums,
        }

    # gathering ----------------------------------------------------------------------------
    def gather(self) -> None:
        tracking = self.program.tracking
        if tracking.medium_location is not None:
            self.values.append(_Value("utm_medium", self.program.medium, tracking.medium_location))
        for channel in tracking.channels:
            if channel.medium_location is not None:
                self.values.append(_Value("utm_medium", channel.medium, channel.medium_location))
            if channel.content_location is not None:
                self.values.append(_Value("utm_content", channel.content, channel.content_location))
        for param, entries in self.allowed.items():
            for entry in entries:
                self.values.append(
                    _Value(param, entry.value, entry.location, allowed_check=False, dictionary=True)
                )
        for partner in self.partners:
            where = partner.tracking.source_location or partner.location
            self.values.append(_Value("utm_source", partner.tracking.source, where))
        for campaign in self.campaigns:
            self.values.append(
                _Value(
                    "utm_campaign", campaign.slug, Location(campaign.source), allowed_check=False
                )
            )

    def destinations(self) -> Iterable[tuple[str, Location, str, Campaign | None]]:
        """Every URL a link is compiled from: (url, where, how messages name it, campaign)."""
        for campaign in self.campaigns:
            yield campaign.cta.url, campaign.cta.location, "'cta.url'", campaign
            for link in campaign.body.links:
                yield link.url, link.location, "the link", campaign
        for partner in self.partners:
            yield partner.website, partner.website_location or partner.location, "'website'", None

    # rules on single values -----------------------------------------------------------------
    def check_values(self) -> None:
        style = self.separator_style()
        for item in self.values:
            self.check_form(item, *style)
            if len(item.value) > MAX_VALUE_LENGTH:
                hint = (
                    "rename the campaign file to a shorter name"
                    if item.param == "utm_campaign"
                    else "shorten it"
                )
                self.collector.warning(
                    item.location,
                    f"{item.param} '{item.value[:40]}...'{item.context} is {len(item.value)} "
                    f"characters long; GA4 keeps only the first {MAX_VALUE_LENGTH}",
                    hint,
                )
            if item.param == "utm_medium":
                self.check_medium(item)
            if item.param == "utm_campaign":
                self.check_campaign(item)
            if item.allowed_check:
                self.check_allowed(item)

    def separator_style(self) -> tuple[str, str]:
        """Return the program's word separator and who sets it, for messages.

        Campaign slugs can only use '-' (they are file names), so a program with a
        hyphenated campaign uses '-'; otherwise the separator most values use ('-' on a tie).
        """
        if any("-" in item.value for item in self.values if item.param == "utm_campaign"):
            return "-", "this program's campaign names use '-'"
        counts = {"-": 0, "_": 0}
        for item in self.values:
            used = _separators(item.value)
            if _CLEAN.fullmatch(item.value) and len(used) == 1:
                counts[used.pop()] += 1
        style = "_" if counts["_"] > counts["-"] else "-"
        return style, f"most of this program's tracking values use '{style}'"

    def check_form(self, item: _Value, style: str, why: str) -> None:
        value, lower = item.value, item.value.lower()
        fixed = _fixed(value, style)
        hint = f"write it as '{fixed}'" if fixed else None
        if not _CLEAN.fullmatch(lower):
            self.collector.warning(
                item.location,
                f"{item.param} '{value}'{item.context} has characters other than a-z, 0-9, - and _",
                hint,
            )
        elif value != lower:
            self.collector.warning(
                item.location,
                f"{item.param} '{value}'{item.context} has capital letters; reports count "
                f"'{value}' and '{lower}' as two different values",
                hint,
            )
        else:
            used = _separators(value)
            if used and used != {style}:
                what = "both '-' and '_'" if len(used) == 2 else f"'{used.pop()}'"
                self.collector.warning(
                    item.location,
                    f"{item.param} '{value}'{item.context} uses {what} between words, but {why}",
                    hint,
                )

    def check_medium(self, item: _Value) -> None:
        if channel_group(item.value) != UNASSIGNED:
            return
        allowed = [] if item.dictionary else [a.value for a in self.allowed["utm_medium"]]
        better = suggest_medium(item.value, allowed)
        hint = (
            f"use '{better}', which GA4 groups as \"{channel_group(better)}\""
            if better
            else "add a medium GA4 groups, such as referral, to program.tracking.allowed.mediums"
        )
        self.collector.warning(
            item.location,
            f"utm_medium '{item.value}'{item.context} matches none of GA4's default channel "
            'groups, so GA4 reports its visits as "Unassigned"',
            hint,
        )

    def check_campaign(self, item: _Value) -> None:
        group = channel_group("", campaign=item.value)
        if group == UNASSIGNED:
            return
        why = (
            "GA4 keeps 'cross-network' for ads shown across Google's networks"
            if group == "Cross-network"
            else "GA4 reads 'shop' in a campaign name as shopping traffic"
        )
        self.collector.warning(
            item.location,
            f"utm_campaign '{item.value}' makes GA4 group every visit as \"{group}\", "
            "whatever the medium",
            f"{why}; rename the campaign file",
        )

    def check_allowed(self, item: _Value) -> None:
        allowed: Sequence[Located] = self.allowed.get(item.param, ())
        names = [a.value for a in allowed]
        if not allowed or item.value in names:
            return
        key = "sources" if item.param == "utm_source" else "mediums"
        close = difflib.get_close_matches(item.value.lower(), names, 1, 0.5)
        hint = f"did you mean '{close[0]}'?" if close else "allowed: " + ", ".join(names)
        self.collector.error(
            item.location,
            f"{item.param} '{item.value}'{item.context} is not in program.tracking.allowed.{key}",
            hint,
        )

    def check_built_in_choices(self) -> None:
        """Hold built-in values the program did not write against its allowed mediums."""
        allowed = self.allowed["utm_medium"]
        if not allowed:
            return
        names = [a.value for a in allowed]
        tracking = self.program.tracking
        if tracking.medium_location is None and self.program.medium not in names:
            self.collector.error(
                allowed[0].location,
                f"the default utm_medium '{self.program.medium}' (program.tracking.medium is "
                "not set) is not in program.tracking.allowed.mediums",
                f"set program.tracking.medium to an allowed medium, such as '{names[0]}'",
            )
        for campaign in self.campaigns:
            defaulted = not campaign.channel_locations  # no channels listed: the default
            places = campaign.channel_locations or (Location(campaign.source),) * len(
                campaign.channels
            )
            for name, where in zip(campaign.channels, places, strict=True):
                channel = tracking.channel(name)
                if channel.medium_location is None and channel.medium not in names:
                    which = f"the default channel '{name}'" if defaulted else f"channel '{name}'"
                    self.collector.error(
                        where,
                        f"{which} tags share links with utm_medium '{channel.medium}', "
                        "which is not in program.tracking.allowed.mediums",
                        f"set program.tracking.channels.{name}.medium to an allowed medium, "
                        f"such as '{names[0]}'"
                        + ("; or list the campaign's channels" if defaulted else ""),
                    )

    # rules on destinations ----------------------------------------------------------------
    def check_destinations(self) -> None:
        for url, where, label, campaign in self.destinations():
            present = [(n, v) for n, v in query_params(url) if n in UTM_NAMES]
            if self.hosts.is_internal(url):
                if present:
                    self.collector.warning(
                        where,
                        f"{label} leads to a page of this site and carries "
                        f"{_names([n for n, _ in present])}; UTM tags on links within a site "
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
                f"{label} already carries {_names(names)}; xpromo replaces {them} with each "
                "partner's own values",
                f"remove {them} from the URL, or set program.tracking.existing_utm: keep "
                f"to keep {them}",
            )
            return
        kept = [(n, v) for n, v in present if v]
        empty = [n for n, v in present if not v]
        if kept:
            pairs = _names([f"{n}={v}" for n, v in kept])
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
                self.values.append(_Value(name, str(value), where, f" in {label}"))
        if empty:
            self.collector.warning(
                where,
                f"{label} has an empty {_names(empty)}; xpromo fills "
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
            tagged = _names([n for n, v in present if v] or [n for n, _ in present])
            self.collector.warning(
                where,
                f"{label} is tagged by hand with {tagged} but has no {_names(missing)}; GA4 "
                "needs utm_source, utm_medium and utm_campaign together",
                f"add {_names(missing)}, or remove the utm_* parameters",
            )
        for name, value in present:
            if value:
                self.values.append(_Value(name, value, where, f" in {label}", allowed_check=False))

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


def lint_tracking(
    program: Program,
    partners: Sequence[Partner],
    campaigns: Sequence[Campaign],
    collector: Collector,
) -> None:
    """Check every tracking value and destination of the program; report to collector.

    Naming problems are warnings; values outside program.tracking.allowed are errors.
    """
    lint = _Lint(program, partners, campaigns, collector)
    lint.gather()
    lint.check_destinations()  # adds the values destinations keep to the ones checked next
    lint.check_listed_userinfo()
    lint.check_values()
    lint.check_built_in_choices()
