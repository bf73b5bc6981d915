"""The immutable data every later phase works on: program, partners, campaigns, pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .campaigntypes import NAMES, TYPES
from .colors import relative_luminance
from .errors import Location

CAMPAIGN_TYPES = NAMES  # see campaigntypes.py
# how each type is named to visitors (themes get it as the global `type_labels`)
CAMPAIGN_TYPE_LABELS = {kind.name: kind.label for kind in TYPES.values()}
DEFAULT_DISCLOSURE = (
    "Disclosure: the partners on this page promote each other. Some links are referral "
    "links: a partner may earn a commission when you sign up through them, at no cost to you."
)
LOCKUP_MODES = ("equal", "host-led", "partner-led")
SEPARATORS = ("space", "rule", "plus", "x")  # any other text is a linking phrase
HTML_MODES = ("off", "safe")


@dataclass(frozen=True, slots=True)
class Colors:
    primary: str
    on_primary: str
    text: str
    background: str
    accent: str | None = None
    link: str | None = None  # links in copy; default: text
    button: str | None = None  # the call to action on the page: primary, or a passing shade

    @property
    def band_is_dark(self) -> bool:
        """True when text on the primary colour is lighter than it: a dark band."""
        return relative_luminance(self.on_primary) > relative_luminance(self.primary)


@dataclass(frozen=True, slots=True)
class Lockup:
    """How co-partner logos are set together in a campaign's hero.

    mode: "equal" (every logo the same visible area), "host-led" (the host's logo
    max_ratio times the others' area), "partner-led" (each co-partner's max_ratio times
    the host's). separator: one of SEPARATORS or a linking phrase.
    """

    mode: str = "equal"
    separator: str = "x"
    max_ratio: float = 1.5

    def merged(self, overrides: Mapping[str, Any]) -> Lockup:
        """Return this lockup with the keys a campaign sets replaced."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


@dataclass(frozen=True, slots=True)
class Located:
    """A value as the user wrote it, and where."""

    value: str
    location: Location


@dataclass(frozen=True, slots=True)
class PartnerTracking:
    """How links into this partner's site are tracked: its source and its referral scheme."""

    source: str
    referral_param: str | None = None
    codes: tuple[tuple[str, str], ...] = ()
    referral_transform: str = "none"  # none | base64, applied to the code
    subid_param: str | None = None  # a sub-ID parameter this partner's site reads
    subid_value: str = "campaign"  # campaign | variant | placement
    fixed_params: tuple[tuple[str, str], ...] = ()  # added to every referral link, in order
    source_location: Location | None = None  # where the source (or the id it defaults to) is

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
    logo_clear_space: float = 0.0  # free space around the logo, as a share of its height
    logo_min_width: int = 0  # smallest width in CSS pixels the logo may be drawn at
    tagline: str | None = None
    legal: str | None = None
    privacy: str | None = None  # the partner's privacy policy, linked from lead forms
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    location: Location = field(default_factory=lambda: Location("partners.yaml"))
    website_location: Location | None = None
    logo_location: Location | None = field(default=None, compare=False)  # its logo field


@dataclass(frozen=True, slots=True)
class Channel:
    """Where partners post share links, and the utm_medium and utm_content links there carry."""

    name: str
    medium: str
    content: str
    medium_location: Location | None = None  # None: the built-in value
    content_location: Location | None = None


# Built-in channels; program.tracking.channels overrides or adds to them. Every medium here
# is one GA4 groups: print and portal traffic is Referral, told apart by utm_content.
BUILT_IN_CHANNELS: tuple[Channel, ...] = (
    Channel("affiliate", "affiliate", "affiliate"),
    Channel("blog", "referral", "blog"),
    Channel("email", "email", "email"),
    Channel("newsletter", "email", "newsletter"),
    Channel("portal", "referral", "portal"),
    Channel("print", "referral", "print"),
    Channel("sms", "sms", "sms"),
    Channel("social", "social", "social"),
    Channel("video", "video", "video"),
    Channel("web", "referral", "web"),
)

EXISTING_UTM = ("replace", "keep")


@dataclass(frozen=True, slots=True)
class ProgramTracking:
    """Program-wide tracking rules: channels, what to do with a destination's own UTM tags,
    and the optional dictionary of allowed values."""

    medium_location: Location | None = None
    existing_utm: str = "replace"  # replace | keep
    channels: tuple[Channel, ...] = BUILT_IN_CHANNELS
    allowed_sources: tuple[Located, ...] = ()  # empty: any source
    allowed_mediums: tuple[Located, ...] = ()  # empty: any medium

    def channel(self, name: str) -> Channel:
        """Return the channel called name; raises KeyError for an unknown one."""
        for channel in self.channels:
            if channel.name == name:
                return channel
        raise KeyError(name)

    def allows_medium(self, medium: str) -> bool:
        """Tell whether medium is in the program's dictionary (any medium, without one)."""
        return not self.allowed_mediums or any(a.value == medium for a in self.allowed_mediums)


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
    host: str = "netlify"  # one of hosts.HOSTS: which static host's files the build writes
    disclosure: str = DEFAULT_DISCLOSURE
    analytics: Analytics | None = None
    lockup: Lockup = Lockup()
    html: str = "off"  # raw HTML in Markdown: "off" (shown as text) or "safe" (sanitised)
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    tracking: ProgramTracking = ProgramTracking()
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
    channel_locations: tuple[Location, ...] = ()  # where each channel is named; () if defaulted
    social: tuple[str, ...] = ()  # networks to write posts for, when channels has social
    draft: bool = False
    event: Event | None = None
    offer: Offer | None = None
    referral: Referral | None = None
    after_end: AfterEnd | None = None
    affiliate: bool = False  # every link to a partner on its pages is an affiliate link
    form: LeadForm | None = None
    vanity: tuple[tuple[str, str], ...] = ()  # (partner id, code): /go/<code> → its variant
    lockup: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
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
