"""The tracking values themselves: gathered from where the user wrote them, then each
checked for its form (lowercase, one word separator per program), its length, how
GA4 groups it, and the program's own dictionary (program.tracking.allowed)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import Collector, Location
from ..ga4 import UNASSIGNED, channel_group, suggest_medium
from ..models import Campaign, Located, Partner, Program

MAX_VALUE_LENGTH = 100  # GA4 keeps the first 100 characters of a parameter value
_CLEAN = re.compile(r"[a-z0-9_-]+")


@dataclass(frozen=True, slots=True)
class Value:
    """One tracking value as it will appear in links, and where it was written."""

    param: str  # utm_source, utm_medium, utm_campaign or utm_content
    value: str
    location: Location
    context: str = ""  # " in 'cta.url'" for a value inside a URL
    allowed_check: bool = True  # held against program.tracking.allowed
    dictionary: bool = False  # an entry of program.tracking.allowed itself


def _fixed(value: str, separator: str) -> str:
    """Return value in lowercase with every other run of characters as one separator."""
    return re.sub(r"[^a-z0-9]+", separator, value.lower()).strip("-_")


def _separators(value: str) -> set[str]:
    return {c for c in "-_" if c in value}


class ValueLint:
    """Checks every tracking value: those the program writes, and those found in
    destinations (added to values before check_values)."""

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
        self.values: list[Value] = []
        tracking = program.tracking
        self.allowed = {
            "utm_source": tracking.allowed_sources,
            "utm_medium": tracking.allowed_mediums,
        }

    def gather(self) -> None:
        tracking = self.program.tracking
        if tracking.medium_location is not None:
            self.values.append(Value("utm_medium", self.program.medium, tracking.medium_location))
        for channel in tracking.channels:
            if channel.medium_location is not None:
                self.values.append(Value("utm_medium", channel.medium, channel.medium_location))
            if channel.content_location is not None:
                self.values.append(Value("utm_content", channel.content, channel.content_location))
        for param, entries in self.allowed.items():
            for entry in entries:
                self.values.append(
                    Value(param, entry.value, entry.location, allowed_check=False, dictionary=True)
                )
        for partner in self.partners:
            where = partner.tracking.source_location or partner.location
            self.values.append(Value("utm_source", partner.tracking.source, where))
        for campaign in self.campaigns:
            self.values.append(
                Value("utm_campaign", campaign.slug, Location(campaign.source), allowed_check=False)
            )

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

    def check_form(self, item: Value, style: str, why: str) -> None:
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

    def check_medium(self, item: Value) -> None:
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

    def check_campaign(self, item: Value) -> None:
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

    def check_allowed(self, item: Value) -> None:
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
