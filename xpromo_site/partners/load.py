"""Loading partners.yaml: the file found and read, checked against the schema, then
the checks that span fields and partners (unique ids and sources, the owner is a
partner, codes keyed by known ids, the theme exists) → Program and Partners."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..brand import ROLES, check_brand, resolve_colors
from ..errors import Collector, Location
from ..images import PreparedImage
from ..models import (
    DEFAULT_DISCLOSURE,
    Analytics,
    Colors,
    Lockup,
    Partner,
    PartnerTracking,
    Program,
)
from ..source.files import read_source
from ..source.schema import INVALID, SLUG_PATTERN, Checker, check_known, is_valid
from ..source.yamlsource import Node, load_yaml
from ..trackingspec import check_scheme, location_of, program_tracking
from .spec import PARTNERS_FILE, ROOT


@dataclass(frozen=True)
class Roster:
    """What partners.yaml gave: the program, the valid partners, and every declared id."""

    program: Program | None  # None when the program section is invalid
    partners: tuple[Partner, ...]
    known_ids: frozenset[str]  # ids that are valid slugs, even of partners with other errors
    logos: dict[str, PreparedImage] = field(default_factory=dict)  # site path → safe file


def load_program(root: Path, collector: Collector) -> Roster:
    """Read and validate partners.yaml under root.

    Problems go to collector; raises XpromoError only when the file cannot be read or
    parsed at all.
    """
    path = root / PARTNERS_FILE
    if path.exists() and not path.is_file():
        collector.error(
            Location(PARTNERS_FILE, 1, 1),
            "partners.yaml is not a regular file",
            "partners.yaml must be a text file in the program's folder",
        )
        return Roster(None, (), frozenset())
    if not path.is_file():
        hint = "run xpromo in the folder that holds partners.yaml, or pass --source"
        for other in ("partners.yml", "Partners.yaml", "partners.YAML"):
            if (root / other).is_file():
                hint = f"rename {other} to partners.yaml"
        collector.error(Location(PARTNERS_FILE, 1, 1), "partners.yaml not found", hint)
        return Roster(None, (), frozenset())
    if not path.resolve().is_relative_to(root.resolve()):
        collector.error(
            Location(PARTNERS_FILE, 1, 1),
            "partners.yaml is a link to a file outside the site",
            "keep the program's own partners.yaml in its folder",
        )
        return Roster(None, (), frozenset())
    tree = load_yaml(read_source(path, PARTNERS_FILE), PARTNERS_FILE)
    if tree.kind == "null":
        collector.error(
            Location(PARTNERS_FILE, 1, 1),
            "partners.yaml is empty",
            "it needs 'program:' and 'partners:'; see docs/REFERENCE.md",
        )
        return Roster(None, (), frozenset())
    checker = Checker(collector, root)
    data = ROOT.check(tree, "", checker)
    if data is INVALID:
        return Roster(None, (), frozenset())

    logos: dict[str, PreparedImage] = {}
    partners, known = _partners(data["partners"], tree.get("partners"), checker, logos)
    program = _program(data["program"], tree.get("program"), known, root, checker)
    return Roster(program, partners, frozenset(known), logos)


def _partners(
    values: Any, node: Node | None, checker: Checker, logos: dict[str, PreparedImage]
) -> tuple[tuple[Partner, ...], set[str]]:
    """Return the valid partners and the set of every id that is a valid slug."""
    if node is None or node.kind != "list":
        return (), set()
    if values is INVALID:
        ids = (item.get("id") for item in node.value)
        return (), {i.value for i in ids if i is not None and SLUG_PATTERN.fullmatch(i.raw)}
    partners: list[Partner] = []
    first_seen: dict[str, Location] = {}
    sources: dict[str, tuple[str, str]] = {}  # casefolded source → partner id, source
    for item, item_node in zip(values, node.value, strict=True):
        if item is INVALID:
            continue
        id_node = item_node.get("id")
        partner_id = item["id"]
        if partner_id is not INVALID and id_node is not None:
            if partner_id in first_seen:
                checker.error(
                    id_node.location,
                    f"duplicate partner id '{partner_id}'",
                    f"ids must be unique; '{partner_id}' is already used at line "
                    f"{first_seen[partner_id].line}",
                )
                continue
            first_seen[partner_id] = id_node.location
        if not is_valid(item):
            continue
        colors = resolve_colors(item["colors"], item_node.get("colors"), checker)
        drawn = None if colors is None else check_brand(item, item_node, colors, checker, logos)
        if drawn is None:
            continue
        tracking = item["tracking"] or {}
        tracking_node = item_node.get("tracking") or item_node
        if not check_scheme(tracking, tracking_node, checker):
            continue
        source = tracking.get("source") or partner_id
        source_node = tracking_node.get("source") or id_node or item_node
        if source.casefold() in sources:
            other, other_source = sources[source.casefold()]
            as_written = "" if other_source == source else f" (as '{other_source}')"
            checker.error(
                source_node.location,
                f"utm source '{source}' is also used by partner '{other}'{as_written}",
                "give each partner its own tracking.source so reports can tell their traffic apart",
            )
        sources[source.casefold()] = (partner_id, source)
        partners.append(
            Partner(
                id=partner_id,
                name=item["name"],
                website=item["website"],
                logo=item["logo"],
                logo_on_dark=item["logo_on_dark"],
                logo_clear_space=item["logo_clear_space"],
                logo_min_width=item["logo_min_width"],
                tagline=item["tagline"],
                legal=item["legal"],
                privacy=item["privacy"],
                colors=Colors(**{role: drawn.get(role) for role in (*ROLES, "button")}),  # type: ignore[arg-type]
                tracking=PartnerTracking(
                    source=source,
                    referral_param=tracking.get("referral_param"),
                    codes=tuple(sorted((tracking.get("codes") or {}).items())),
                    referral_transform=tracking.get("referral_transform") or "none",
                    subid_param=tracking.get("subid_param"),
                    subid_value=tracking.get("subid_value") or "campaign",
                    fixed_params=tuple((tracking.get("fixed_params") or {}).items()),
                    source_location=source_node.location,
                ),
                extra=item["extra"] or {},
                location=item_node.location,
                website_location=location_of(item_node, "website"),
                logo_location=location_of(item_node, "logo"),
            )
        )
    known = set(first_seen)
    for item_node in node.value:
        codes = (item_node.get("tracking") or Node("null", None, item_node.location)).get("codes")
        if codes is None or codes.kind != "mapping":
            continue
        for key in codes.value:
            if key not in known:
                check_known(
                    key, codes.key_locations[key], known, checker, "codes are keyed by partner id"
                )
    return tuple(partners), known


def _program(
    values: Any, node: Node | None, known: set[str], root: Path, checker: Checker
) -> Program | None:
    if values is INVALID or node is None:
        return None
    owner = values["owner"]
    owner_node = node.get("owner")
    if owner is not INVALID and owner_node is not None and known:
        check_known(
            owner,
            owner_node.location,
            known,
            checker,
            "the owner must be one of the partners",
        )
    base_url = values["base_url"]
    base_node = node.get("base_url")
    if base_url is not INVALID and base_node is not None and ("?" in base_url or "#" in base_url):
        checker.error(
            base_node.location,
            f"'program.base_url' must not have a query or fragment (got '{base_url}')",
            "use the address the site is served from, like https://partners.example.com/",
        )
    theme = values["theme"]
    theme_node = node.get("theme")
    if theme not in (INVALID, "default") and not (root / "themes" / theme).is_dir():
        themes = sorted(p.name for p in (root / "themes").glob("*") if p.is_dir())
        close = difflib.get_close_matches(theme, [*themes, "default"], 1, 0.6)
        checker.error(
            theme_node.location if theme_node else node.location,
            f"theme '{theme}' not found in themes/",
            f"did you mean '{close[0]}'?"
            if close
            else "use 'default' or create themes/" + theme + "/templates/",
        )
    if not is_valid(values):
        return None
    tracking = values["tracking"] or {}
    tracking_node = node.get("tracking")
    rules = program_tracking(tracking, tracking_node, checker)
    if rules is None:
        return None
    analytics = values["analytics"]
    content = values["content"] or {}
    return Program(
        name=values["name"],
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        owner=owner,
        medium=tracking.get("medium") or "referral",
        description=values["description"],
        language=values["language"],
        theme=theme,
        host=values["host"],
        disclosure=values["disclosure"] or DEFAULT_DISCLOSURE,
        analytics=Analytics(analytics["provider"], analytics["site"], analytics["consent"])
        if analytics
        else None,
        lockup=Lockup().merged(values["lockup"] or {}),
        html=content.get("html") or "off",
        extra=values["extra"] or {},
        tracking=rules,
        location=(node.get("host") or node).location,
    )
