"""`xpromo new`: write a working program, a campaign or a partner, every field commented.

Each function writes source files (never build output), refuses to overwrite
anything, and checks that what it wrote still loads, so a new skeleton always
builds at once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ..campaigntypes import TYPES
from ..crosschecks import PLACEHOLDER_COPY, PLACEHOLDER_SUMMARY
from ..errors import Collector, XpromoError
from ..models import CAMPAIGN_TYPES
from ..partners import PARTNERS_FILE, load_program
from ..source.schema import SLUG_PATTERN, suggest_slug

SCHEMA_DIR = "schemas"
PARTNERS_SCHEMA = f"{SCHEMA_DIR}/partners.schema.json"
CAMPAIGN_SCHEMA = f"{SCHEMA_DIR}/campaign.schema.json"


class ScaffoldError(Exception):
    """A request `xpromo new` cannot carry out (a usage problem, not bad input)."""


def logo_svg(name: str, color: str, on_dark: bool = False) -> str:
    """Return a placeholder wordmark: a rounded square in color and the name.

    on_dark gives the version for dark backgrounds: white square, white name.
    """
    initial = (name[:1] or "?").upper()
    square, letter, word = (
        ("#FFFFFF", color, "#FFFFFF") if on_dark else (color, "#FFFFFF", "#1A1A1A")
    )
    width = 64 + 11 * len(name)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="48" '
        f'viewBox="0 0 {width} 48">\n'
        f"  <title>{_xml(name)}</title>\n"
        f'  <rect x="2" y="4" width="40" height="40" rx="9" fill="{square}"/>\n'
        f'  <text x="22" y="31" font-family="sans-serif" font-size="22" font-weight="700" '
        f'fill="{letter}" text-anchor="middle">{_xml(initial)}</text>\n'
        f'  <text x="52" y="31" font-family="sans-serif" font-size="20" font-weight="700" '
        f'fill="{word}">{_xml(name)}</text>\n'
        "</svg>\n"
    )


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _partner_entry(partner_id: str, name: str, website: str, color: str, indent: str) -> str:
    lines = [
        f"- id: {partner_id}                 # lowercase slug: used in URLs and campaigns",
        f"  name: {name}                     # the brand as it should be printed",
        f"  website: {website}               # links in copy to this site are tracked",
        f"  logo: assets/logos/{partner_id}.svg  # SVG, PNG, JPEG or WebP, for light backgrounds",
        f"  logo_on_dark: assets/logos/{partner_id}-white.svg  # for dark backgrounds (its band)",
        "  # tagline: One short line shown on the partner's hub",
        "  colors:                         # quote colours: an unquoted # starts a comment",
        f'    primary: "{color}"             # the brand colour; bands and buttons',
        '    on_primary: "#FFFFFF"         # text drawn on primary (needs 4.5:1 contrast)',
        '    text: "#1A1A1A"               # body text',
        '    background: "#FFFFFF"         # page background',
        '    # accent: "#FFB800"           # optional highlight colour',
        f"  legal: {name} is a trademark of its owner.  # printed in the footer",
        "  tracking:",
        f"    source: {partner_id}           # utm_source for visits from this audience",
        "    # referral_param: ref         # the query parameter this site reads for referrals",
        "    # codes: {other-partner: CODE-1}  # the code it gives each referrer",
    ]
    return "".join(f"{indent}{_tidy(line)}\n" for line in lines)


def _tidy(line: str) -> str:
    """Put exactly two spaces before a trailing comment."""
    return re.sub(r"(\S) {2,}#", r"\1  #", line)


def _placeholder_copy(website: str) -> list[str]:
    """Return the body lines of a new campaign: how to write it (a warning until replaced)."""
    return [
        f"{PLACEHOLDER_COPY} Links to [a partner's site]({website}/)",
        "are tracked for each partner's audience; links elsewhere stay as written.",
        "",
        "## Why it matters",
        "",
        "- One point",
        "- Another point",
        "",
    ]


@dataclass(frozen=True)
class Copy:
    """What a new campaign says: a draft with the placeholders to replace, by default."""

    draft: bool = True
    summary: str = PLACEHOLDER_SUMMARY
    paragraphs: tuple[str, ...] = ()  # none: the placeholder copy


def _campaign_text(
    slug: str, partners: list[str], kind: str, today: dt.date, website: str, copy: Copy = Copy()
) -> str:
    """Return a campaign file of the given type, its call to action on website."""
    draft, summary = copy.draft, copy.summary
    title = slug.replace("-", " ").capitalize()
    blocks = {
        "event": [
            "event:                            # when and where it happens",
            f'  start: "{today + dt.timedelta(days=21):%Y-%m-%d} 17:00"  # local time',
            f'  end: "{today + dt.timedelta(days=21):%Y-%m-%d} 18:00"',
            "  timezone: Europe/Berlin          # an IANA time zone name",
            "  venue: Online",
        ],
        "offer": [
            "offer:",
            '  price: "$99 a month"             # the offer, as it should be printed',
            '  # was: "$149 a month"',
            "  # includes: [First thing, Second thing]",
            "  # code: SAVE20",
            "  # terms: New customers only.",
        ],
        "referral": [
            "referral:",
            "  reward: One month free           # what the referred audience gets",
            "  # terms: New customers only.",
        ],
    }
    block = blocks.get(TYPES[kind].block or "", [])  # the block the type reads
    lines = [
        "---",
        f"# yaml-language-server: $schema=../../{CAMPAIGN_SCHEMA}",
        f"title: {title}                   # the page's headline",
        f"type: {kind}                      # {' | '.join(CAMPAIGN_TYPES)}",
        f"partners: [{', '.join(partners)}]  # two or more partner ids",
        f"summary: {summary}",
        f"starts: {today:%Y-%m-%d}               # published from this day",
        f"ends: {today + dt.timedelta(days=60):%Y-%m-%d}                 # over after this day",
        "cta:                              # the call to action; its link is tracked",
        "  label: Learn more",
        f"  url: {website}/",
        "channels: [email, social, web]    # one tracked share link per channel",
        "# social: [linkedin, x, facebook]  # networks the kit writes posts for",
        "draft: true  # set to false to publish"
        if draft
        else "draft: false  # true keeps it unpublished",
        *block,
        "---",
        *(copy.paragraphs or _placeholder_copy(website)),
    ]
    return "\n".join(_tidy(line) for line in lines)


PROGRAM_README = """\
# {name}

A cross-promotion program built with xpromo.

    xpromo serve      # preview at http://127.0.0.1:8000/, rebuilt on every save
    xpromo check      # validate everything, write nothing (use it in CI)
    xpromo build      # write the site to public/

Partners and their brand guidelines live in partners.yaml; campaigns in
content/campaigns/ (one Markdown file each); plain pages in content/pages/.
Add more with `xpromo new campaign SLUG --partners a,b --type webinar` and
`xpromo new partner ID`. `xpromo schema` refreshes the editor schemas in schemas/.
"""


def new_program(target: Path, today: dt.date, schemas: dict[str, str]) -> list[Path]:
    """Write a small working program into target (which must be empty or absent).

    schemas maps file names under schemas/ to their JSON text. Returns the files
    written. Raises ScaffoldError when target holds files already.
    """
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ScaffoldError(f"'{target}' is not empty; choose a new folder")
    owner, partner = "acme", "globex"
    files = {
        PARTNERS_FILE: (
            f"# yaml-language-server: $schema={PARTNERS_SCHEMA}\n"
            "# The program and every partner's brand guidelines. Field reference:\n"
            "# `xpromo schema` writes editor schemas; docs/REFERENCE.md in xpromo explains each.\n"
            "program:\n"
            "  name: Acme Partner Network       # shown on every page\n"
            "  base_url: https://partners.acme.example/  # where the site will be served\n"
            f"  owner: {owner}                     # the partner that runs the program\n"
            "  description: Joint offers from Acme and the companies it builds with.\n"
            "  language: en\n"
            "  tracking:\n"
            "    medium: referral               # utm_medium of links on the pages\n"
            "partners:\n"
            + _partner_entry(owner, "Acme", "https://acme.example", "#0B5FFF", "  ")
            + _partner_entry(partner, "Globex", "https://globex.example", "#0F766E", "  ")
        ),
        f"assets/logos/{owner}.svg": logo_svg("Acme", "#0B5FFF"),
        f"assets/logos/{owner}-white.svg": logo_svg("Acme", "#0B5FFF", on_dark=True),
        f"assets/logos/{partner}.svg": logo_svg("Globex", "#0F766E"),
        f"assets/logos/{partner}-white.svg": logo_svg("Globex", "#0F766E", on_dark=True),
        "content/campaigns/launch-webinar.md": _campaign_text(
            "launch-webinar",
            [owner, partner],
            "webinar",
            today,
            "https://globex.example",
            Copy(
                draft=False,
                summary="Acme and Globex show how their products work together, live.",
                paragraphs=(
                    "Join Acme and Globex for a live session on running both products as one.",
                    "Bring your questions: the engineers who built the integration answer them.",
                    "",
                    "## What you will see",
                    "",
                    "- Setting up the connection in ten minutes",
                    "- Moving data between [Globex](https://globex.example/) and Acme",
                    "",
                    "Every link to a partner's site is tracked for each partner's audience.",
                    "",
                ),
            ),
        ),
        "content/pages/about.md": (
            "---\ntitle: About the program\n"
            "description: What the Acme Partner Network is and how to join.\n---\n"
            "The Acme Partner Network brings together companies whose customers benefit\n"
            "from each other's products.\n"
        ),
        ".gitignore": "/public/\n/.xpromo-cache/\n",
        "README.md": PROGRAM_README.format(name="Acme Partner Network"),
    }
    for name, text in schemas.items():
        files[f"{SCHEMA_DIR}/{name}"] = text
    written = []
    for name, text in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _known_partners(root: Path) -> dict[str, str]:
    collector = Collector()
    roster = load_program(root, collector)
    errors = collector.errors
    if errors:
        raise XpromoError(errors)
    return {p.id: p.website for p in roster.partners}


def new_campaign(root: Path, slug: str, partners: list[str], kind: str, today: dt.date) -> Path:
    """Write content/campaigns/<slug>.md as a draft skeleton for known partners.

    Raises ScaffoldError for a bad slug, type, partner list or an existing file, and
    XpromoError when partners.yaml itself has problems.
    """
    if not SLUG_PATTERN.fullmatch(slug):
        raise ScaffoldError(f"'{slug}' is not a lowercase slug; try '{suggest_slug(slug)}'")
    if kind not in CAMPAIGN_TYPES:
        raise ScaffoldError(f"type must be one of {', '.join(CAMPAIGN_TYPES)} (got '{kind}')")
    known = _known_partners(root)
    unknown = [p for p in partners if p not in known]
    if unknown:
        raise ScaffoldError(
            f"unknown partner '{unknown[0]}'; known partners: " + ", ".join(sorted(known))
        )
    if len(set(partners)) < 2:
        raise ScaffoldError("a campaign needs two or more different partners")
    path = root / "content" / "campaigns" / f"{slug}.md"
    if path.exists():
        raise ScaffoldError(f"{path} exists already")
    path.parent.mkdir(parents=True, exist_ok=True)
    website = known[partners[-1]].rstrip("/")
    path.write_text(_campaign_text(slug, partners, kind, today, website), encoding="utf-8")
    return path


def new_partner(root: Path, partner_id: str, name: str | None, website: str | None) -> Path:
    """Append a commented partner entry to partners.yaml and write a placeholder logo.

    Returns the logo's path. Raises ScaffoldError for a bad or taken id, and
    XpromoError when partners.yaml has problems (before or, impossibly, after).
    """
    if not SLUG_PATTERN.fullmatch(partner_id):
        raise ScaffoldError(
            f"'{partner_id}' is not a lowercase slug; try '{suggest_slug(partner_id)}'"
        )
    known = _known_partners(root)
    if partner_id in known:
        raise ScaffoldError(f"partner '{partner_id}' exists already")
    partners_file = root / PARTNERS_FILE
    text = partners_file.read_text(encoding="utf-8")
    match = re.search(r"^partners:[^\n]*\n", text, re.M)
    if match is None:
        raise ScaffoldError("partners.yaml has no top-level 'partners:' list to add to")
    after = text[match.end() :]
    following = re.search(r"^\S", after, re.M)
    end = match.end() + (following.start() if following else len(after))
    item = re.search(r"^( *)- ", after, re.M)
    indent = item[1] if item else "  "
    label = name or partner_id.replace("-", " ").title()
    entry = _partner_entry(
        partner_id, label, website or f"https://{partner_id}.example", "#5B21B6", indent
    )
    before = text[:end] if text[:end].endswith("\n") else text[:end] + "\n"
    logo = root / "assets" / "logos" / f"{partner_id}.svg"
    logo.parent.mkdir(parents=True, exist_ok=True)
    logo.write_text(logo_svg(label, "#5B21B6"), encoding="utf-8")
    white = logo.with_name(f"{partner_id}-white.svg")
    white.write_text(logo_svg(label, "#5B21B6", on_dark=True), encoding="utf-8")
    partners_file.write_text(before + entry + text[end:], encoding="utf-8")
    try:
        _known_partners(root)
    except XpromoError:
        partners_file.write_text(text, encoding="utf-8")
        logo.unlink()
        white.unlink()
        raise
    return logo
