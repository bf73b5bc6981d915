"""The immutable data every later phase works on: program, partners, campaigns, pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .errors import Location

CAMPAIGN_TYPES = ("webinar", "event", "bundle", "referral", "content", "offer")
HOSTS = ("netlify", "cloudflare", "github-pages", "s3")
DEFAULT_DISCLOSURE = (
    "Disclosure: the partners named on this page work together on this promotion. Some links "
    "on this page are referral or affiliate links: a partner may earn a reward or commission "
    "when you sign up or buy through them, at no extra cost to you."
)


@dataclass(frozen=True, slots=True)
class Colors:
    primary: str
    on_primary: str
    text: str
    background: str
    accent: str | None = None


@dataclass(frozen=True, slots=True)
class PartnerTracking:
    source: str
    referral_param: str | None = None
    codes: tuple[tuple[str, str], ...] = ()

    def code_for(self, referrer_id: str) -> str:
        """Return the code this partner gives the referrer (default: the referrer's id)."""
        return dict(self.codes).get(referrer_id, referrer_id)


@dataclass(frozen=True, slots=True)
class Partner:
    id: str
    name: str
    website: str
    logo: str
    colors: Colors
    tracking: PartnerTracking
    logo_on_dark: str | None = None
    tagline: str | None = None
    legal: str | None = None
    privacy: str | None = None  # the partner's privacy policy, linked from lead forms
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    location: Location = field(default_factory=lambda: Location("partners.yaml"))


@dataclass(frozen=True, slots=True)
class Analytics:
    """The one analytics tool a program may load: which, its site id, and whether it asks first."""

    provider: str  # a key of analytics.PROVIDERS
    site: str
    consent: bool = False


@dataclass(frozen=True, slots=True)
class Program:
    name: str
    base_url: str  # always ends with "/"
    owner: str
    medium: str = "referral"
    description: str | None = None
    language: str = "en"
    theme: str = "default"
    host: str = "netlify"  # one of HOSTS: which static host's files the build writes
    disclosure: str = DEFAULT_DISCLOSURE
    analytics: Analytics | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    location: Location = field(default_factory=lambda: Location("partners.yaml"))


@dataclass(frozen=True, slots=True)
class Cta:
    label: str
    url: str
    location: Location


@dataclass(frozen=True, slots=True)
class Event:
    start: dt.datetime
    timezone: str
    end: dt.datetime | None = None
    venue: str = "Online"


@dataclass(frozen=True, slots=True)
class Offer:
    price: str
    was: str | None = None
    includes: tuple[str, ...] = ()
    code: str | None = None
    terms: str | None = None


@dataclass(frozen=True, slots=True)
class Referral:
    reward: str
    terms: str | None = None


@dataclass(frozen=True, slots=True)
class LeadForm:
    """A joint sign-up form: where it posts, and its words."""

    endpoint: str
    location: Location
    heading: str = "Stay in touch"
    submit: str = "Sign me up"


@dataclass(frozen=True, slots=True)
class AfterEnd:
    """Where an ended campaign's addresses lead: an absolute URL or another campaign's slug."""

    target: str
    location: Location

    @property
    def is_url(self) -> bool:
        return "://" in self.target


@dataclass(frozen=True, slots=True)
class BodyLink:
    """An absolute http(s) link in Markdown copy; rendered HTML holds a placeholder for it."""

    url: str
    location: Location


@dataclass(frozen=True, slots=True)
class BodyImage:
    """An image in Markdown copy, as written (src) and where; path is set once resolved."""

    src: str
    location: Location
    path: str = ""  # the image file, relative to the site root


@dataclass(frozen=True, slots=True)
class Body:
    """Markdown rendered once, with placeholders filled per page.

    `LINK_MARK<n>LINK_MARK` stands where links[n]'s URL belongs and
    `LINK_MARK i<n> LINK_MARK` (no spaces) where images[n]'s file path belongs.
    """

    html: str
    links: tuple[BodyLink, ...] = ()
    images: tuple[BodyImage, ...] = ()


LINK_MARK = "\x00"  # markdown-it turns NUL in the input into U+FFFD, so only we can write it


@dataclass(frozen=True, slots=True)
class Campaign:
    slug: str
    title: str
    type: str
    partners: tuple[str, ...]
    cta: Cta
    body: Body
    source: str
    summary: str | None = None
    starts: dt.date | None = None
    ends: dt.date | None = None
    channels: tuple[str, ...] = ("web",)
    draft: bool = False
    event: Event | None = None
    offer: Offer | None = None
    referral: Referral | None = None
    after_end: AfterEnd | None = None
    affiliate: bool = False  # every link to a partner on its pages is an affiliate link
    form: LeadForm | None = None
    vanity: tuple[tuple[str, str], ...] = ()  # (partner id, code): /go/<code> → its variant
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class Page:
    slug: str
    title: str
    body: Body
    source: str
    description: str | None = None
    draft: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
