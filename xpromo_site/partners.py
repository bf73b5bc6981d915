"""partners.yaml → Program and Partners, with the checks that span fields and partners."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from .errors import Collector, Location
from .models import Colors, Partner, PartnerTracking, Program
from .schema import (
    INVALID,
    Anything,
    Asset,
    Checker,
    Color,
    Field,
    ListOf,
    MapOf,
    Struct,
    Text,
    Token,
    Url,
    is_valid,
    slug,
)
from .yamlsource import Node, load_yaml

PARTNERS_FILE = "partners.yaml"
LOGO_TYPES = (".svg", ".png", ".jpg", ".jpeg", ".webp")

TRACKING_PROGRAM = Struct({
    "medium": Field(Token(), default="referral", doc="utm_medium of links on the pages"),
}, "program.tracking")

PROGRAM = Struct({
    "name": Field(Text(max_length=120), required=True, doc="the program's name"),
    "base_url": Field(Url(), required=True, doc="where the site is served"),
    "owner": Field(slug(), required=True, doc="id of the partner that runs the program"),
    "description": Field(Text(max_length=400), doc="a sentence or two about the program"),
    "language": Field(Text(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*",
                           "a language tag such as en or de-CH"), default="en"),
    "theme": Field(slug(), default="default", doc="built-in 'default' or a folder in themes/"),
    "tracking": Field(TRACKING_PROGRAM, default={}),
    "extra": Field(Anything(), default={}),
}, "program")

COLORS = Struct({
    "primary": Field(Color(), required=True),
    "on_primary": Field(Color(), required=True),
    "text": Field(Color(), required=True),
    "background": Field(Color(), required=True),
    "accent": Field(Color()),
}, "colors")

PARTNER_TRACKING = Struct({
    "source": Field(Token(), doc="utm_source for traffic from this partner's audience"),
    "referral_param": Field(Text(r"[A-Za-z0-9_.\-\[\]]+", "a query parameter name such as ref",
                                 max_length=64)),
    "codes": Field(MapOf(slug(), Text(r"[^\s&#=?]+", "a code without spaces, &, #, = or ?",
                                      max_length=200)), default={}),
}, "tracking")

PARTNER = Struct({
    "id": Field(slug(), required=True, doc="unique lowercase slug"),
    "name": Field(Text(max_length=120), required=True),
    "website": Field(Url(), required=True),
    "logo": Field(Asset(LOGO_TYPES), required=True),
    "logo_on_dark": Field(Asset(LOGO_TYPES)),
    "tagline": Field(Text(max_length=200)),
    "colors": Field(COLORS, required=True),
    "legal": Field(Text(max_length=500)),
    "tracking": Field(PARTNER_TRACKING, default={}),
    "extra": Field(Anything(), default={}),
}, "partner")

ROOT = Struct({
    "program": Field(PROGRAM, required=True),
    "partners": Field(ListOf(PARTNER, min_items=2), required=True),
}, PARTNERS_FILE)


def load_program(root: Path, collector: Collector) -> tuple[Program | None, tuple[Partner, ...]]:
    """Read and validate partners.yaml under root.

    Returns the Program (None when it is invalid) and every valid Partner. Problems go
    to collector; raises XpromoError only when the file cannot be parsed at all.
    """
    path = root / PARTNERS_FILE
    if not path.is_file():
        collector.error(Location(PARTNERS_FILE, 1, 1), "partners.yaml not found",
                        "run xpromo in the folder that holds partners.yaml, or pass --source")
        return None, ()
    tree = load_yaml(path.read_text(encoding="utf-8"), PARTNERS_FILE)
    checker = Checker(collector, root)
    data = ROOT.check(tree, "", checker)
    if data is INVALID:
        return None, ()

    partner_nodes = tree.get("partners")
    partners = _partners(data["partners"], partner_nodes, checker)
    program = _program(data["program"], tree.get("program"), partners, root, checker)
    return program, partners


def _partners(values: Any, node: Node | None, checker: Checker) -> tuple[Partner, ...]:
    if values is INVALID or node is None or node.kind != "list":
        return ()
    partners: list[Partner] = []
    first_seen: dict[str, Location] = {}
    sources: dict[str, str] = {}
    for item, item_node in zip(values, node.value, strict=True):
        if item is INVALID:
            continue
        id_node = item_node.get("id")
        partner_id = item["id"]
        if partner_id is not INVALID and id_node is not None:
            if partner_id in first_seen:
                checker.error(id_node.location, f"duplicate partner id '{partner_id}'",
                              f"ids must be unique; '{partner_id}' is already used at line "
                              f"{first_seen[partner_id].line}")
                continue
            first_seen[partner_id] = id_node.location
        if not is_valid(item):
            continue
        tracking = item["tracking"] or {}
        source = tracking.get("source") or partner_id
        if source in sources:
            where = (item_node.get("tracking") or item_node).location
            checker.error(where, f"utm source '{source}' is also used by partner "
                          f"'{sources[source]}'",
                          "give each partner its own tracking.source so reports can tell "
                          "their traffic apart")
        sources[source] = partner_id
        colors = item["colors"]
        partners.append(Partner(
            id=partner_id,
            name=item["name"],
            website=item["website"],
            logo=item["logo"],
            logo_on_dark=item["logo_on_dark"],
            tagline=item["tagline"],
            legal=item["legal"],
            colors=Colors(colors["primary"], colors["on_primary"], colors["text"],
                          colors["background"], colors["accent"]),
            tracking=PartnerTracking(
                source=source,
                referral_param=tracking.get("referral_param"),
                codes=tuple(sorted((tracking.get("codes") or {}).items())),
            ),
            extra=item["extra"] or {},
            location=item_node.location,
        ))
    known = {p.id for p in partners} | set(first_seen)
    for item_node in node.value:
        codes = (item_node.get("tracking") or Node("null", None, item_node.location)).get("codes")
        if codes is None or codes.kind != "mapping":
            continue
        for key in codes.value:
            if key not in known:
                check_known_partner(key, codes.key_locations[key], known, checker,
                                    "codes are keyed by partner id")
    return tuple(partners)


def check_known_partner(partner_id: str, location: Location, known: set[str],
                        checker: Checker, why: str = "") -> bool:
    """Report an unknown partner id with the closest known one as hint; True if known."""
    if partner_id in known:
        return True
    close = difflib.get_close_matches(partner_id, sorted(known), 1, 0.6)
    hint = f"did you mean '{close[0]}'?" if close else (
        "known partners: " + ", ".join(sorted(known)))
    if why:
        hint = f"{why}; {hint}"
    checker.error(location, f"unknown partner '{partner_id}'", hint)
    return False


def _program(values: Any, node: Node | None, partners: tuple[Partner, ...], root: Path,
             checker: Checker) -> Program | None:
    if values is INVALID or node is None:
        return None
    owner = values["owner"]
    owner_node = node.get("owner")
    if owner is not INVALID and owner_node is not None and partners:
        check_known_partner(owner, owner_node.location, {p.id for p in partners}, checker,
                            "the owner must be one of the partners")
    base_url = values["base_url"]
    base_node = node.get("base_url")
    if base_url is not INVALID and base_node is not None and ("?" in base_url or "#" in base_url):
        checker.error(base_node.location, "'base_url' must not have a query or fragment "
                      f"(got '{base_url}')", "use the address the site is served from, "
                      "like https://partners.example.com/")
    theme = values["theme"]
    theme_node = node.get("theme")
    if theme not in (INVALID, "default") and not (root / "themes" / theme).is_dir():
        themes = sorted(p.name for p in (root / "themes").glob("*") if p.is_dir())
        close = difflib.get_close_matches(theme, [*themes, "default"], 1, 0.6)
        checker.error(theme_node.location if theme_node else node.location,
                      f"theme '{theme}' not found in themes/",
                      f"did you mean '{close[0]}'?" if close
                      else "use 'default' or create themes/" + theme + "/templates/")
    if not is_valid(values):
        return None
    tracking = values["tracking"] or {}
    return Program(
        name=values["name"],
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        owner=owner,
        medium=tracking.get("medium") or "referral",
        description=values["description"],
        language=values["language"],
        theme=theme,
        extra=values["extra"] or {},
    )
