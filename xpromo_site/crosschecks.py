"""Checks of a campaign's front matter against itself and the program: vanity codes,
after_end targets, channels, social networks, the blocks its type needs, placeholder copy."""

from __future__ import annotations

import difflib
from collections.abc import Collection
from typing import Any

from .errors import Collector, Location
from .frontmatter import CAMPAIGNS_DIR, TYPE_BLOCKS
from .kit import listed
from .models import (
    Campaign,
)
from .source.schema import (
    INVALID,
    Checker,
    check_known,
    suggest_slug,
)
from .source.yamlsource import Node


def check_vanity(
    values: dict[str, Any], tree: Node, codes: dict[str, Location], checker: Checker
) -> None:
    """Each vanity code names a partner of the campaign and is used once in the program."""
    vanity, node = values["vanity"], tree.get("vanity")
    if not isinstance(vanity, dict) or node is None or node.kind != "mapping":
        return
    members = values["partners"] if isinstance(values["partners"], list) else []
    for partner_id, code in list(vanity.items()):
        key_location = node.key_locations[partner_id]
        if members and partner_id not in members:
            checker.error(
                key_location,
                f"vanity code for '{partner_id}', which is not a partner of this campaign",
                "vanity codes are keyed by the id of a partner listed in 'partners'",
            )
            vanity[partner_id] = INVALID
            continue
        if code is INVALID:
            continue
        where = node.value[partner_id].location
        if code in codes:
            first = codes[code]
            checker.error(
                where,
                f"vanity code '{code}' is already used in {first.path} at line {first.line}",
                "each /go/<code> address leads to one page; choose another code",
            )
            vanity[partner_id] = INVALID
            continue
        codes[code] = where


def check_after_end(
    campaigns: list[Campaign], slugs: set[str], collector: Collector
) -> list[Campaign]:
    """An after_end slug names another campaign; return the campaigns that pass."""
    kept = []
    for campaign in campaigns:
        after = campaign.after_end
        if after is not None and not after.is_url:
            if after.target == campaign.slug:
                collector.error(
                    after.location,
                    f"'after_end' names this campaign itself ('{after.target}')",
                    "name another campaign, or an https:// address",
                )
                continue
            if after.target not in slugs:
                close = difflib.get_close_matches(after.target, sorted(slugs), 1, 0.6)
                collector.error(
                    after.location,
                    f"'after_end' names no campaign: there is no {CAMPAIGNS_DIR}/{after.target}.md",
                    f"did you mean '{close[0]}'?"
                    if close
                    else "name a campaign by its file name without .md, or write an https:// "
                    "address",
                )
                continue
        kept.append(campaign)
    return kept


def cross_check(values: dict[str, Any], tree: Node, known: set[str], checker: Checker) -> None:
    partners_node = tree.get("partners")
    if known and partners_node is not None and partners_node.kind == "list":
        given = values["partners"] if isinstance(values["partners"], list) else []
        for value, node in zip(given, partners_node.value, strict=False):
            if value is not INVALID and not check_known(value, node.location, known, checker):
                values["partners"] = INVALID
    starts, ends = values["starts"], values["ends"]
    ends_node = tree.get("ends")
    if (
        starts not in (None, INVALID)
        and ends not in (None, INVALID)
        and ends < starts
        and ends_node is not None
    ):
        checker.error(
            ends_node.location,
            f"'ends' ({ends}) is before 'starts' ({starts})",
            "a campaign ends on or after the day it starts",
        )
        values["ends"] = INVALID
    _check_social(values, tree, checker)
    kind = values["type"]
    type_node = tree.get("type")
    for block, types in TYPE_BLOCKS.items():
        block_node = tree.get(block)
        if kind in types and values[block] is None and type_node is not None and block_node is None:
            # the page can go without the block's details: built, and said
            what, hint = _MISSING_BLOCKS[block]
            checker.collector.warning(
                type_node.location,
                f"{_article(kind)} {kind} campaign without an '{block}:' block: {what}",
                hint,
            )
        elif kind is not INVALID and kind not in types and block_node is not None:
            checker.error(
                tree.key_locations[block],
                f"'{block}:' is for {listed(types)} campaigns, not {kind}",
                f"remove it, or change 'type' to {types[0]}",
            )


# What `xpromo new campaign` writes for the copy it cannot know; a published campaign
# that still holds it would show the instructions to the partners' audiences.
PLACEHOLDER_SUMMARY = "One or two sentences for the page's lead and its description."
PLACEHOLDER_COPY = "Write the campaign's copy here, in Markdown."


def check_placeholders(
    values: dict[str, Any], tree: Node, body: str, body_offset: int, rel: str, checker: Checker
) -> None:
    """Warn where a campaign to be published still holds the scaffold's placeholder copy."""
    if values.get("draft") is not False:
        return
    summary_node = tree.get("summary")
    if values.get("summary") == PLACEHOLDER_SUMMARY and summary_node is not None:
        checker.collector.warning(
            summary_node.location,
            "'summary' is still the placeholder that 'xpromo new campaign' wrote",
            "write the campaign's own one or two sentences: they are the page's lead and "
            "its description in search results and shares",
        )
    for number, line in enumerate(body.splitlines(), body_offset + 1):
        if line.strip().startswith(PLACEHOLDER_COPY):
            checker.collector.warning(
                Location(rel, number, line.index(PLACEHOLDER_COPY) + 1),
                "the copy is still the placeholder that 'xpromo new campaign' wrote",
                "write the campaign's copy in its place, or set 'draft: true' until it is ready",
            )
            break


def check_channels(
    values: dict[str, Any], tree: Node, known: Collection[str], checker: Checker
) -> None:
    """Report channels the program does not define, with the closest one as the hint."""
    channels_node = tree.get("channels")
    listed = values["channels"]
    if not known or channels_node is None or channels_node.kind != "list":
        return
    if not isinstance(listed, list):
        return
    names = sorted(known)
    for index, (value, node) in enumerate(zip(listed, channels_node.value, strict=False)):
        if value is INVALID or value in known:
            continue
        close = difflib.get_close_matches(value, names, 1, 0.6) or difflib.get_close_matches(
            suggest_slug(value), names, 1, 0.6
        )
        hint = (
            f"did you mean '{close[0]}'?"
            if close
            else "known channels: " + ", ".join(names) + "; define others in "
            "partners.yaml under program.tracking.channels"
        )
        checker.error(node.location, f"unknown channel '{value}'", hint)
        listed[index] = INVALID


def _check_social(values: dict[str, Any], tree: Node, checker: Checker) -> None:
    channels = values["channels"]
    if values["social"] is None or not isinstance(channels, list) or "social" in channels:
        return
    checker.error(
        tree.key_locations["social"],
        "'social' lists networks to post on, but 'channels' has no social channel",
        f"add social to channels: [{', '.join([*map(str, channels), 'social'])}]",
    )
    values["social"] = INVALID


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


_MISSING_BLOCKS = {
    "event": (
        "its page shows the campaign's dates but no time or place, and it has no calendar file",
        'add event: {start: "2026-12-10 17:00", timezone: Europe/Berlin} to show when and '
        "where, and to give every partner a calendar file",
    ),
    "offer": (
        "its page has no price box",
        'add offer: {price: "$99 a month"} to show the price (and was:, includes:, code:)',
    ),
    "referral": (
        "its page names no reward",
        'add referral: {reward: "Your first month free"} to say what the referred team gets',
    ),
}
