"""The front matter of campaign and page files: every field, its type and its checks."""

from __future__ import annotations

import difflib
from typing import Any, ClassVar

from .campaigntypes import BLOCKS, reading
from .kit import NETWORKS
from .limits import MAX_CAMPAIGN_PARTNERS
from .models import (
    CAMPAIGN_TYPES,
)
from .source.fields import (
    Boolean,
    Date,
    DateTime,
    LockupSpec,
    OneOf,
    TimeZone,
    Url,
    browser_reading,
    slug,
)
from .source.schema import (
    INVALID,
    SLUG_PATTERN,
    SLUG_RE,
    Anything,
    Checker,
    Field,
    ListOf,
    MapOf,
    Struct,
    Text,
    describe,
    suggest_slug,
)
from .source.yamlsource import Node
from .sources import source_expression
from .tracking import is_trackable
from .urls import read

CAMPAIGNS_DIR = "content/campaigns"
PAGES_DIR = "content/pages"
RESERVED_SLUGS = frozenset(
    {"partners", "static", "assets", "404", "index", "sitemap", "robots", "go", "feed", "_aws"}
)
EVENT_TYPES = reading("event")
OFFER_TYPES = reading("offer")


def _check_event(values: dict[str, Any], node: Node, checker: Checker) -> None:
    start, end = values.get("start"), values.get("end")
    end_node = node.get("end")
    if (
        start not in (None, INVALID)
        and end not in (None, INVALID)
        and end <= start
        and end_node is not None
    ):
        checker.error(
            end_node.location,
            f"'event.end' ({end:%Y-%m-%d %H:%M}) is not after "
            f"'event.start' ({start:%Y-%m-%d %H:%M})",
            "the end must come after the start; check the date and the hour",
        )


EVENT = Struct(
    {
        "start": Field(DateTime(), required=True, doc="when it starts, local time"),
        "end": Field(DateTime(), doc="when it ends, local time"),
        "timezone": Field(TimeZone(), required=True, doc="IANA time zone of start and end"),
        "venue": Field(Text(max_length=200), default="Online"),
    },
    "event",
    after=_check_event,
)

OFFER = Struct(
    {
        "price": Field(Text(max_length=100), required=True),
        "was": Field(Text(max_length=100)),
        "includes": Field(ListOf(Text(max_length=200)), default=[]),
        "code": Field(Text(max_length=100)),
        "terms": Field(Text(max_length=1000)),
    },
    "offer",
)

REFERRAL = Struct(
    {
        "reward": Field(Text(max_length=300), required=True),
        "terms": Field(Text(max_length=1000)),
    },
    "referral",
)


class SocialNetwork(OneOf):
    """A social network xpromo writes posts for; old or short names get the current one."""

    HINTS: ClassVar[dict[str, str]] = {
        "twitter": "Twitter is now X: write x",
        "linked-in": "write linkedin",
        "fb": "write facebook",
        "bsky": "write bluesky",
    }

    def __init__(self) -> None:
        super().__init__(tuple(NETWORKS))

    def check(self, node: Node, name: str, checker: Checker) -> Any:
        given = str(node.value).strip() if node.kind == "text" else ""
        if given in self.values:
            return given
        hint = self.HINTS.get(given.lower())
        if hint is None:
            close = difflib.get_close_matches(given.lower(), self.values, 1, 0.6)
            hint = (
                f"did you mean '{close[0]}'?"
                if close
                else "for any other network, post the social link from your hub by hand"
            )
        return self.wrong(node, name, checker, hint)


CTA = Struct(
    {
        "label": Field(Text(max_length=60), required=True, doc="the button text"),
        "url": Field(Url(), required=True, doc="where the button goes; tracked"),
    },
    "cta",
    example='write it as cta: {label: "Save my seat", url: "https://partner.example/signup"}',
)


class AfterEndTarget(Text):
    """An absolute http(s) URL, or the slug of another campaign."""

    what = "an absolute http(s) URL or a campaign's slug"

    def check(self, node: Node, name: str, checker: Checker) -> Any:
        text = super().check(node, name, checker)
        if text is INVALID:
            return text
        if "://" in text:
            as_read = browser_reading(text, node, name, checker)
            if as_read is not None:
                return as_read
            if not is_trackable(text) or any(c.isspace() for c in text):
                return self.wrong(node, name, checker, "write a full address such as https://...")
            return text
        if not SLUG_PATTERN.fullmatch(text):
            fixed = suggest_slug(text.removesuffix(".md").rpartition("/")[2])
            return self.wrong(
                node,
                name,
                checker,
                f"name the campaign by its file name without .md, such as '{fixed}', "
                "or write a full https:// address",
            )
        return text


def _check_form(values: dict[str, Any], node: Node, checker: Checker) -> None:
    endpoint, endpoint_node = values.get("endpoint"), node.get("endpoint")
    secure = endpoint in (None, INVALID) or endpoint.lower().startswith("https://")
    if not secure and endpoint_node is not None:
        checker.error(
            endpoint_node.location,
            f"'form.endpoint' must use https, as it receives people's details (got '{endpoint}')",
            "use the https:// address of the form service",
        )
        values["endpoint"] = INVALID
    elif endpoint not in (None, INVALID) and source_expression(read(endpoint).origin) is None:
        assert endpoint_node is not None
        checker.error(
            endpoint_node.location,
            f"'form.endpoint' has a host no security policy can name (got '{endpoint}')",
            "write the form service's address as https://host/path: letters, digits, "
            "hyphens and dots in the host, no user@, and no ';', ',', quotes or spaces",
        )
        values["endpoint"] = INVALID


FORM = Struct(
    {
        "endpoint": Field(Url(), required=True, doc="the https address the form posts to"),
        "heading": Field(Text(max_length=120), default="Stay in touch"),
        "submit": Field(Text(max_length=40), default="Sign me up", doc="the button text"),
    },
    "form",
    after=_check_form,
    example="write it as form: {endpoint: https://forms.example.com/f/webinar-42}",
)

VANITY_CODE = Text(
    SLUG_RE,
    "a short code of lowercase letters, digits and single hyphens",
    "it becomes the address /go/<code>, such as /go/contoso-webinar",
    max_length=64,
)

CAMPAIGN = Struct(
    {
        "title": Field(Text(max_length=200), required=True),
        "type": Field(OneOf(CAMPAIGN_TYPES), required=True),
        "partners": Field(
            ListOf(
                Text(max_length=64),
                min_items=2,
                unique=True,
                max_items=MAX_CAMPAIGN_PARTNERS,
                why_max="each partner gets its own page linking to every other, so the pages "
                "grow with the square of the list: split the campaign, or make it a page",
            ),
            required=True,
        ),
        "summary": Field(Text(max_length=500)),
        "starts": Field(Date()),
        "ends": Field(Date()),
        "cta": Field(CTA, required=True),
        "channels": Field(
            ListOf(Text(max_length=64), min_items=1, unique=True),
            default=["web"],
            doc="names from program.tracking.channels (or the built-in ones)",
        ),
        "social": Field(
            ListOf(SocialNetwork(), min_items=1, unique=True),
            doc="networks to write posts for; default linkedin, x, facebook",
        ),
        "draft": Field(Boolean(), default=False),
        "event": Field(EVENT),
        "offer": Field(OFFER),
        "referral": Field(REFERRAL),
        "after_end": Field(
            AfterEndTarget(max_length=2000), doc="where its addresses lead once it has ended"
        ),
        "affiliate": Field(
            Boolean(), default=False, doc="every link to a partner is an affiliate link"
        ),
        "form": Field(FORM, doc="a joint sign-up form"),
        "vanity": Field(
            MapOf(slug(), VANITY_CODE), default={}, doc="partner id → code for /go/<code>"
        ),
        "lockup": Field(LockupSpec("lockup"), default={}),
        "extra": Field(Anything(), default={}),
    },
    "campaign front matter",
    example="write one field per line, starting with title:",
)

PAGE = Struct(
    {
        "title": Field(Text(max_length=200), required=True),
        "description": Field(Text(max_length=500)),
        "draft": Field(Boolean(), default=False),
        "extra": Field(Anything(), default={}),
    },
    "page front matter",
    example="write one field per line, starting with title:",
)

TYPE_BLOCKS = {block: reading(block) for block in BLOCKS}


describe(
    CAMPAIGN,
    {
        "title": "the page's headline",
        "type": "chooses the page's type block",
        "partners": "two or more partner ids taking part",
        "summary": "the page's lead and meta description",
        "starts": "published from this day",
        "ends": "the offer is over after this day",
        "cta": "the call to action; its link is tracked",
        "draft": "drafts are never published",
        "event": "when and where (" + ", ".join(EVENT_TYPES) + ")",
        "offer": "the offer (" + ", ".join(OFFER_TYPES) + ")",
        "referral": "what the referred audience gets (referrals)",
        "lockup": "this campaign's lockup, over the program's",
        "extra": "free-form data for templates",
    },
)
describe(
    EVENT,
    {"venue": "where it happens; default Online"},
)
describe(
    OFFER,
    {
        "price": "the offer as printed",
        "was": "the usual price, struck through",
        "includes": "what the offer includes",
        "code": "a code to redeem it",
        "terms": "the small print",
    },
)
describe(
    REFERRAL,
    {"reward": "what the referred audience gets", "terms": "the small print"},
)
describe(FORM, {"heading": "the form's heading"})
describe(
    PAGE,
    {
        "title": "the page's title",
        "description": "its meta description",
        "draft": "drafts are not published",
        "extra": "free-form data for templates",
    },
)
