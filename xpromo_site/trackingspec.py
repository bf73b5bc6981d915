"""partners.yaml's tracking sections: channels, the allowed dictionary, referral schemes.

The program's section maps share channels to their utm_medium and utm_content over
the built-in channels and may list the sources and mediums it allows; a partner's
section is its utm_source and the referral scheme links into its site follow.
"""

from __future__ import annotations

from typing import Any

from .errors import Location
from .models import BUILT_IN_CHANNELS, EXISTING_UTM, Channel, Located, ProgramTracking
from .source.fields import OneOf, Token, TrackingText, slug
from .source.schema import Checker, Field, ListOf, MapOf, Struct, Text, describe
from .source.yamlsource import Node
from .tracking import CODE_TRANSFORMS, UTM_NAMES

SUBID_VALUES = ("campaign", "variant", "placement")


def param_name() -> Text:
    """A query parameter name, as a partner's site reads it."""
    return Text(r"[A-Za-z0-9_.\-\[\]]+", "a query parameter name such as ref", max_length=64)


class ChannelName(Token):
    """A channel's name, as campaigns list it: a lowercase token."""

    def __init__(self) -> None:
        super().__init__()
        self.what = "a channel name (lowercase a-z, 0-9, - and _)"


CHANNEL = Struct(
    {
        "medium": Field(TrackingText(), doc="utm_medium of share links for this channel"),
        "content": Field(TrackingText(), doc="utm_content of share links for this channel"),
    },
    example="write it as email: {medium: email, content: newsletter}",
)

ALLOWED = Struct(
    {
        "sources": Field(ListOf(TrackingText(), min_items=1, unique=True)),
        "mediums": Field(ListOf(TrackingText(), min_items=1, unique=True)),
    },
    "program.tracking.allowed",
)

TRACKING_PROGRAM = Struct(
    {
        "medium": Field(TrackingText(), default="referral", doc="utm_medium of links on the pages"),
        "existing_utm": Field(
            OneOf(EXISTING_UTM), default="replace", doc="what to do with a destination's utm_*"
        ),
        "channels": Field(MapOf(ChannelName(), CHANNEL), default={}),
        "allowed": Field(ALLOWED, default={}),
    },
    "program.tracking",
)


PARTNER_TRACKING = Struct(
    {
        "source": Field(TrackingText(), doc="utm_source for traffic from this partner's audience"),
        "referral_param": Field(param_name()),
        "codes": Field(
            MapOf(
                slug(), Text(r"[^\s&#=?]+", "a code without spaces, &, #, = or ?", max_length=200)
            ),
            default={},
        ),
        "referral_transform": Field(OneOf(CODE_TRANSFORMS), default="none"),
        "subid_param": Field(param_name()),
        "subid_value": Field(OneOf(SUBID_VALUES), default="campaign"),
        "fixed_params": Field(
            MapOf(
                param_name(),
                Text(r"[^\x00-\x1f\x7f]+", "a value on one line", max_length=200),
            ),
            default={},
        ),
    },
    "tracking",
)


def location_of(node: Node | None, *path: str) -> Location | None:
    """Return the location of the value at path under node, or None when it is not there."""
    for key in path:
        node = node.get(key) if node is not None else None
    return node.location if node is not None else None


def check_scheme(tracking: dict[str, Any], node: Node, checker: Checker) -> bool:
    """Check a partner's referral scheme: distinct parameter names, settings that need others.

    Returns False when the scheme cannot be used.
    """
    ok = True
    param = tracking.get("referral_param")
    if param and param.lower().startswith("utm_"):
        checker.error(
            location_of(node, "referral_param") or node.location,
            f"'tracking.referral_param' cannot be '{param}': xpromo sets that parameter itself",
            "use the parameter name the partner's site reads for referrals, such as ref or partner",
        )
        ok = False
    for key, needs in (("referral_transform", "referral_param"), ("subid_value", "subid_param")):
        if node.get(key) is not None and tracking.get(key) and not tracking.get(needs):
            checker.error(
                location_of(node, key) or node.location,
                f"'tracking.{key}' has no effect without 'tracking.{needs}'",
                f"add '{needs}:' (the parameter the partner's site reads), or remove '{key}'",
            )
            ok = False
    named: dict[str, str] = {}
    fixed_node = node.get("fixed_params")
    candidates = [("referral_param", param, location_of(node, "referral_param"))]
    candidates.append(
        ("subid_param", tracking.get("subid_param"), location_of(node, "subid_param"))
    )
    for key in tracking.get("fixed_params") or {}:
        where = fixed_node.key_locations.get(key) if fixed_node is not None else None
        candidates.append(("fixed_params", key, where))
    for field_, name, where in candidates:
        if not name:
            continue
        if name in UTM_NAMES and field_ != "referral_param":
            checker.error(
                where or node.location,
                f"'tracking.{field_}' cannot use the parameter '{name}': "
                "xpromo sets that parameter itself",
                "choose another parameter name",
            )
            ok = False
        elif name in named:
            checker.error(
                where or node.location,
                f"the parameter '{name}' is already set by 'tracking.{named[name]}'",
                "a link carries each parameter once; give each setting its own parameter",
            )
            ok = False
        named.setdefault(name, field_)
    return ok


def program_tracking(
    values: dict[str, Any], node: Node | None, checker: Checker
) -> ProgramTracking | None:
    """Return the program's tracking rules: built-in channels with the program's changes.

    Returns None (after reporting) when a new channel lacks a medium.
    """
    channels = {channel.name: channel for channel in BUILT_IN_CHANNELS}
    channels_node = node.get("channels") if node is not None else None
    ok = True
    for name, entry in (values.get("channels") or {}).items():
        entry_node = channels_node.get(name) if channels_node is not None else None
        base = channels.get(name)
        medium = entry.get("medium") or (base.medium if base else None)
        if medium is None:
            where = (
                channels_node.key_locations[name]
                if channels_node is not None
                else Location("partners.yaml")
            )
            checker.error(
                where,
                f"channel '{name}' is not built in, so it needs a 'medium'",
                f"write it as {name}: {{medium: referral}} (or email, social, affiliate, ...)",
            )
            ok = False
            continue
        channels[name] = Channel(
            name,
            medium,
            entry.get("content") or (base.content if base else name),
            location_of(entry_node, "medium") or (base.medium_location if base else None),
            location_of(entry_node, "content") or (base.content_location if base else None),
        )
    if not ok:
        return None
    allowed = values.get("allowed") or {}
    allowed_node = node.get("allowed") if node is not None else None

    def located(key: str) -> tuple[Located, ...]:
        items = allowed.get(key) or []
        list_node = allowed_node.get(key) if allowed_node is not None else None
        if list_node is None or list_node.kind != "list":
            return ()
        return tuple(
            Located(value, item.location)
            for value, item in zip(items, list_node.value, strict=True)
        )

    return ProgramTracking(
        medium_location=location_of(node, "medium"),
        existing_utm=values.get("existing_utm") or "replace",
        channels=tuple(sorted(channels.values(), key=lambda c: c.name)),
        allowed_sources=located("sources"),
        allowed_mediums=located("mediums"),
    )


describe(
    TRACKING_PROGRAM,
    {
        "channels": "channel name → its utm_medium and utm_content",
        "allowed": "the program's dictionary of sources and mediums",
    },
)
describe(
    ALLOWED,
    {"sources": "the only utm_source values allowed", "mediums": "the only utm_medium values"},
)
describe(
    PARTNER_TRACKING,
    {
        "referral_param": "the query parameter this partner's site reads to credit a referrer",
        "codes": "partner id → the code this partner gives that referrer",
        "referral_transform": "how codes are written: none or base64",
        "subid_param": "a parameter carrying the campaign, variant or placement",
        "subid_value": "what subid_param carries",
        "fixed_params": "parameters added to every link to this partner",
    },
)
