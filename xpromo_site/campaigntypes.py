"""The campaign types: one registry says what each type is and what it takes.

A type has a name (what `type:` says), the label visitors see (the page's kicker, the
home page's cards, the kit's email), the front-matter block it reads (`event`, `offer`,
`referral`, or none), and the heading over that block's details on its page. What a
block brings follows from the block: an `event` gives the page its date and venue, a
calendar file in every partner's kit and a schema.org `Event`; an `offer` a price box
and a schema.org `Offer`; a `referral` the referral reward and the referral code in the
call to action.

To add a type, add a `CampaignType` to TYPES (and a line in docs/REFERENCE.md). A type
that needs a block of its own also needs that block's spec (frontmatter.py), model
(models.py) and template part (campaign.html).
"""

from __future__ import annotations

from dataclasses import dataclass

BLOCKS = ("event", "offer", "referral")


@dataclass(frozen=True, slots=True)
class CampaignType:
    name: str
    label: str  # how visitors see the type
    block: str | None = None  # the front-matter block it reads (one of BLOCKS)
    details: str | None = None  # the heading over the block's details on the page


TYPES: dict[str, CampaignType] = {
    kind.name: kind
    for kind in (
        CampaignType("webinar", "Webinar", "event", "Webinar details"),
        CampaignType("event", "Event", "event", "Event details"),
        CampaignType("bundle", "Bundle", "offer", "The bundle"),
        CampaignType("referral", "Referral", "referral", "Your reward"),
        CampaignType("content", "Guide"),
        CampaignType("offer", "Offer", "offer", "The offer"),
        CampaignType("course", "Course", "event", "Course details"),
    )
}
NAMES = tuple(TYPES)


def reading(block: str) -> tuple[str, ...]:
    """Return the names of the types that read block, in registry order."""
    return tuple(kind.name for kind in TYPES.values() if kind.block == block)
