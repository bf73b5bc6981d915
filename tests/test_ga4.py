"""GA4's default channel groups as data: where a medium lands, and what to use instead."""

from __future__ import annotations

import pytest

from xpromo_site.ga4 import MEDIUMS, UNASSIGNED, channel_group, suggest_medium
from xpromo_site.models import BUILT_IN_CHANNELS


@pytest.mark.parametrize(
    ("medium", "group"),
    [
        ("email", "Email"),
        ("e-mail", "Email"),
        ("e_mail", "Email"),
        ("e mail", "Email"),
        ("EMAIL", "Email"),
        ("affiliate", "Affiliates"),
        ("referral", "Referral"),
        ("app", "Referral"),
        ("link", "Referral"),
        ("social", "Organic Social"),
        ("social-network", "Organic Social"),
        ("social-media", "Organic Social"),
        ("sm", "Organic Social"),
        ("social network", "Organic Social"),
        ("social media", "Organic Social"),
        ("cpc", "Paid Other"),
        ("ppc", "Paid Other"),
        ("cpa", "Paid Other"),
        ("paid-social", "Paid Other"),
        ("retargeting", "Paid Other"),
        ("display", "Display"),
        ("banner", "Display"),
        ("cpm", "Display"),  # Display comes before the paid rule that "cp" would match
        ("interstitial", "Display"),
        ("expandable", "Display"),
        ("organic", "Organic Search"),
        ("video", "Organic Video"),
        ("partner-video", "Organic Video"),
        ("audio", "Audio"),
        ("sms", "SMS"),
        ("web-push", "Mobile Push Notifications"),
        ("mobile", "Mobile Push Notifications"),
        ("in-app-notification", "Mobile Push Notifications"),
        ("partner", UNASSIGNED),
        ("partners", UNASSIGNED),
        ("portal", UNASSIGNED),
        ("print", UNASSIGNED),
        ("web", UNASSIGNED),
        ("newsletter", UNASSIGNED),
        ("socialmedia", UNASSIGNED),
        ("emails", UNASSIGNED),
        ("affiliates", UNASSIGNED),
        ("referrals", UNASSIGNED),
        ("", UNASSIGNED),
    ],
)
def test_medium_alone(medium: str, group: str) -> None:
    assert channel_group(medium) == group


@pytest.mark.parametrize(
    ("source", "medium", "campaign", "group"),
    [
        ("(direct)", "(none)", "", "Direct"),
        ("(direct)", "(not set)", "", "Direct"),
        ("email", "partner", "", "Email"),
        ("sms", "", "", "SMS"),
        ("firebase", "partner", "", "Mobile Push Notifications"),
        ("northwind", "referral", "q3-cross-network", "Cross-network"),
        ("northwind", "referral", "spring-shop", "Organic Shopping"),
        ("northwind", "referral", "shopping-days", "Organic Shopping"),
        ("northwind", "referral", "eshop", "Organic Shopping"),
        ("northwind", "referral", "workshop", "Referral"),  # "k" before "shop": not shopping
        ("northwind", "cpc", "spring-shop", "Paid Shopping"),
        ("northwind", "display", "spring-shop", "Display"),
    ],
)
def test_source_and_campaign_rules(source: str, medium: str, campaign: str, group: str) -> None:
    assert channel_group(medium, source=source, campaign=campaign) == group


@pytest.mark.parametrize(
    ("medium", "allowed", "suggestion"),
    [
        ("partner", (), "referral"),
        ("Partner", (), "referral"),
        ("portal", (), "referral"),
        ("print", (), "referral"),
        ("newsletter", (), "email"),
        ("facebook", (), "social"),
        ("refferal", (), "referral"),
        ("socail", (), "social"),
        ("affilate", (), "affiliate"),
        ("zzzz", (), "referral"),
        ("partner", ("email", "referral"), "referral"),
        ("newsletter", ("email", "social"), "email"),
        ("soical", ("referral", "social"), "social"),
        ("partner", ("portal", "web"), None),  # no allowed medium is grouped
    ],
)
def test_suggest_medium(medium: str, allowed: tuple[str, ...], suggestion: str | None) -> None:
    assert suggest_medium(medium, allowed) == suggestion


def test_suggestions_are_always_grouped() -> None:
    for medium in ("partner", "newsletter", "blog", "x", "podcast", "ads", "offline"):
        suggestion = suggest_medium(medium)
        assert suggestion is not None
        assert channel_group(suggestion) != UNASSIGNED


def test_the_plain_mediums_land_where_they_say() -> None:
    for medium, group in MEDIUMS.items():
        assert channel_group(medium) == group


def test_built_in_channels_pass_the_lint() -> None:
    names = [channel.name for channel in BUILT_IN_CHANNELS]
    assert names == sorted(names)
    for channel in BUILT_IN_CHANNELS:
        assert channel_group(channel.medium) != UNASSIGNED, channel
        for value in (channel.name, channel.medium, channel.content):
            assert value == value.lower() and value.isalnum(), channel
