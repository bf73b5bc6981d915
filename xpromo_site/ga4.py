"""GA4's default channel groups as data: which group a link's source, medium and campaign land in.

The rules follow Google's published "[GA4] Default channel group" definitions for
manual (UTM-tagged) traffic, in their order: the first rule that matches wins, and
traffic no rule matches is "Unassigned". Conditions that need Google's lists of
search, social, shopping and video sites are left out: xpromo's sources are partner
names, never those sites. Values are compared in lowercase, as GA4 does.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "RULES",
    "UNASSIGNED",
    "Rule",
    "channel_group",
    "suggest_medium",
]

UNASSIGNED = "Unassigned"

_PAID = r"(.*cp.*|ppc|retargeting|paid.*)"
_SHOP = r"(.*(([^a-df-z]|^)shop|shopping).*)"
_EMAIL = r"(email|e-mail|e_mail|e mail)"


@dataclass(frozen=True, slots=True)
class Rule:
    """One channel group: it matches when any of its alternatives does.

    An alternative maps "source", "medium" or "campaign" to a regular expression that the
    whole (lowercased) value must match; all of an alternative's conditions must hold.
    """

    group: str
    alternatives: tuple[Mapping[str, str], ...]

    def matches(self, values: Mapping[str, str]) -> bool:
        """Return True when one alternative's conditions all hold for values."""
        return any(
            all(re.fullmatch(pattern, values.get(key, "")) for key, pattern in alt.items())
            for alt in self.alternatives
        )


RULES: tuple[Rule, ...] = (
    Rule("Direct", ({"source": r"\(direct\)", "medium": r"\((not set|none)\)"},)),
    Rule("Cross-network", ({"campaign": r".*cross-network.*"},)),
    Rule("Paid Shopping", ({"campaign": _SHOP, "medium": _PAID},)),
    Rule("Display", ({"medium": r"display|banner|expandable|interstitial|cpm"},)),
    Rule("Paid Other", ({"medium": _PAID},)),
    Rule("Organic Shopping", ({"campaign": _SHOP},)),
    Rule(
        "Organic Social",
        ({"medium": r"social|social-network|social-media|sm|social network|social media"},),
    ),
    Rule("Organic Video", ({"medium": r".*video.*"},)),
    Rule("Organic Search", ({"medium": r"organic"},)),
    Rule("Referral", ({"medium": r"referral|app|link"},)),
    Rule("Email", ({"source": _EMAIL}, {"medium": _EMAIL})),
    Rule("Affiliates", ({"medium": r"affiliate"},)),
    Rule("Audio", ({"medium": r"audio"},)),
    Rule("SMS", ({"source": r"sms"}, {"medium": r"sms"})),
    Rule(
        "Mobile Push Notifications",
        ({"medium": r".*push"}, {"medium": r".*(mobile|notification).*"}, {"source": "firebase"}),
    ),
)

# The plain medium of each group a partner program uses; suggestions come from these.
MEDIUMS: Mapping[str, str] = {
    "affiliate": "Affiliates",
    "audio": "Audio",
    "banner": "Display",
    "cpc": "Paid Other",
    "display": "Display",
    "email": "Email",
    "organic": "Organic Search",
    "push": "Mobile Push Notifications",
    "referral": "Referral",
    "sms": "SMS",
    "social": "Organic Social",
    "video": "Organic Video",
}

# Mediums teams often write that GA4 does not group, and the medium it does group them by.
_SYNONYMS: Mapping[str, str] = {
    "ad": "cpc",
    "ads": "cpc",
    "affiliates": "affiliate",
    "article": "referral",
    "blog": "referral",
    "edm": "email",
    "emailing": "email",
    "event": "referral",
    "facebook": "social",
    "instagram": "social",
    "linkedin": "social",
    "mail": "email",
    "mailing": "email",
    "newsletter": "email",
    "offline": "referral",
    "organic-social": "social",
    "partner": "referral",
    "partners": "referral",
    "partnership": "referral",
    "podcast": "audio",
    "portal": "referral",
    "post": "social",
    "pr": "referral",
    "press": "referral",
    "print": "referral",
    "qr": "referral",
    "site": "referral",
    "text": "sms",
    "twitter": "social",
    "web": "referral",
    "webinar": "referral",
    "website": "referral",
    "youtube": "video",
}


def channel_group(medium: str, source: str = "", campaign: str = "") -> str:
    """Return the GA4 default channel group of traffic tagged with these values.

    Returns the first matching rule's group in ``RULES``, or ``UNASSIGNED``.
    """
    values = {"source": source.lower(), "medium": medium.lower(), "campaign": campaign.lower()}
    for rule in RULES:
        if rule.matches(values):
            return rule.group
    return UNASSIGNED


def suggest_medium(medium: str, allowed: Sequence[str] = ()) -> str | None:
    """Return the medium to use instead of one GA4 leaves "Unassigned".

    With ``allowed`` (the program's own list), returns the closest allowed medium that
    GA4 groups, or None when none of them is grouped. Otherwise returns the usual
    spelling for a known synonym (``newsletter`` → ``email``, ``partner`` → ``referral``),
    else the closest medium in ``MEDIUMS``, else ``referral``.
    """
    text = medium.lower().strip()
    if allowed:
        grouped = [a for a in allowed if channel_group(a) != UNASSIGNED]
        synonym = _SYNONYMS.get(text)
        if synonym in grouped:
            return synonym
        close = difflib.get_close_matches(text, grouped, 1, 0.0)
        return close[0] if close else None
    if text in _SYNONYMS:
        return _SYNONYMS[text]
    close = difflib.get_close_matches(text, list(MEDIUMS), 1, 0.6)
    return close[0] if close else "referral"
