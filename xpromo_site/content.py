"""content/campaigns/*.md and content/pages/*.md → Campaigns and Pages."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Generator, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar
from urllib.parse import unquote

from .errors import Collector, Diagnostic, Location, XpromoError
from .images import ImageProblem, PreparedImage, prepare_image, removed_summary
from .kit import DEFAULT_NETWORKS, NETWORKS
from .limits import MAX_CAMPAIGN_PARTNERS, MAX_RASTER_BYTES, MAX_SLUG_CHARACTERS, size_problem
from .markdown import render_markdown
from .models import (
    CAMPAIGN_TYPES,
    AfterEnd,
    Body,
    Campaign,
    Cta,
    Event,
    LeadForm,
    Offer,
    Page,
    Referral,
)
from .schema import (
    INVALID,
    SLUG_PATTERN,
    SLUG_RE,
    Anything,
    Boolean,
    Checker,
    Date,
    DateTime,
    Field,
    ListOf,
    LockupSpec,
    MapOf,
    OneOf,
    Struct,
    Text,
    TimeZone,
    Url,
    browser_reading,
    check_known,
    describe,
    is_valid,
    slug,
    suggest_slug,
)
from .sources import source_expression
from .tracking import is_trackable
from .urls import read
from .workers import run, split, worker_count
from .yamlsource import Node, load_yaml, read_source, split_front_matter

CAMPAIGNS_DIR = "content/campaigns"
PAGES_DIR = "content/pages"
RESERVED_SLUGS = frozenset(
    {"partners", "static", "assets", "404", "index", "sitemap", "robots", "go", "feed", "_aws"}
)
EVENT_TYPES = ("webinar", "event")
OFFER_TYPES = ("bundle", "offer")


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

TYPE_BLOCKS = {"event": EVENT_TYPES, "offer": OFFER_TYPES, "referral": ("referral",)}


def _markdown_files(root: Path, folder: str, collector: Collector) -> list[tuple[str, Path]]:
    directory = root / folder
    if not directory.is_dir():
        return []
    files = []
    for path in sorted(directory.iterdir()):
        if path.name.startswith((".", "_")):
            continue
        rel = f"{folder}/{path.name}"
        if not path.resolve().is_relative_to(root.resolve()):
            collector.error(
                Location(rel),
                f"'{path.name}' is a link to a file outside the site",
                "copy the file into the site instead of linking to it",
            )
            continue
        if path.is_dir():
            for nested in sorted(path.rglob("*.md")):
                collector.error(
                    Location(nested.relative_to(root).as_posix()),
                    f"files in subfolders of {folder}/ are not read",
                    f"move it to {folder}/{nested.name} (the file name is the URL)",
                )
            continue
        if path.suffix != ".md":
            if path.suffix.lower() in (".md", ".markdown", ".mdown", ".txt"):
                collector.error(
                    Location(rel),
                    f"'{path.name}' is not read: campaign and page files end in .md",
                    f"rename it to {path.stem}.md",
                )
            continue
        files.append((rel, path))
    return files


def _slug_of(rel: str, path: Path, collector: Collector) -> str | None:
    stem = path.stem
    if not re.fullmatch(SLUG_RE, stem):
        collector.error(
            Location(rel),
            f"file name '{path.name}' is not a lowercase slug; it becomes the page's URL",
            f"rename it to {suggest_slug(stem)}.md",
        )
        return None
    if stem in RESERVED_SLUGS:
        collector.error(
            Location(rel), f"'{stem}' is reserved for xpromo's own pages", "rename the file"
        )
        return None
    if len(stem) > MAX_SLUG_CHARACTERS:
        collector.error(
            Location(rel),
            f"the file name is too long for the files made from it ({len(stem)} characters "
            f"before .md; at most {MAX_SLUG_CHARACTERS})",
            "rename it to a shorter slug: it becomes the page's URL",
        )
        return None
    return stem


def _read(
    rel: str, path: Path, spec: Struct, root: Path, collector: Collector
) -> tuple[dict[str, Any], Node, str, int] | None:
    try:
        front = split_front_matter(read_source(path, rel), rel)
        tree = load_yaml(front.yaml_text, rel, front.yaml_line_offset)
    except XpromoError as error:
        collector.diagnostics.extend(error.diagnostics)
        return None
    if tree.kind == "null":
        collector.error(
            Location(rel, 2, 1),
            "the front matter is empty",
            "add the fields between the '---' lines (at least title)",
        )
        return None
    values = spec.check(tree, "", Checker(collector, root))
    if values is INVALID:
        return None
    return values, tree, front.body, front.body_line_offset


IMAGE_TYPES = (".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif", ".avif")
CHECKED_IMAGE_TYPES = (".svg", ".png", ".jpg", ".jpeg", ".webp")  # the ones images.py reads


def _site_path(src: str, rel: str) -> str | None:
    """Return the site-root path of an image written in the file rel, or None if outside."""
    target = unquote(src.split("#")[0].split("?")[0])
    base = PurePosixPath() if target.startswith("/") else PurePosixPath(rel).parent
    parts: list[str] = []
    for part in (base / target.lstrip("/")).parts:
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


_PATH_HINT = "write the path from the site root, e.g. /assets/diagram.png, or relative to this file"


def _image_problem(path: str | None, root: Path) -> tuple[str, str] | None:
    """Return (problem, hint) for an image path that cannot be used, else None."""
    if path is None:
        return "points outside the site", "keep images inside the site, under assets/"
    if PurePosixPath(path).suffix.lower() not in IMAGE_TYPES:
        return "is not an image file (SVG, PNG, JPEG, WebP, GIF or AVIF)", _PATH_HINT
    full = root / path
    try:
        found = full.is_file()
        outside = found and not full.resolve().is_relative_to(root.resolve())
    except OSError as error:  # a name too long for the file system, a link loop
        return f"is not a usable path ({error.strerror or error})", _PATH_HINT
    if not found:
        return f"not found (looked for {path})", _PATH_HINT
    if outside:
        return (
            "is a link to a file outside the site",
            "copy the image into assets/ instead of linking to it",
        )
    too_large = size_problem(full, MAX_RASTER_BYTES)
    if too_large:
        return f"cannot be used: {too_large}", "export it again at the size it is shown"
    return None


def _resolve_images(
    body: Body, rel: str, root: Path, collector: Collector, images: dict[str, PreparedImage]
) -> Body:
    """Return body with each image's site path set; report remote or unusable images.

    Images xpromo can read (SVG, PNG, JPEG, WebP) are made safe into images; GIF and AVIF
    are published as they are.
    """
    resolved = []
    for image in body.images:
        src = image.src
        reading = read(src)
        if reading.offsite or ":" in src.split("/")[0]:
            host = reading.host or src
            collector.error(
                image.location,
                f"image '{src}' is not a file in the site; loading it would send every "
                f"visitor's browser to {host}",
                "save the image under assets/ and refer to it by path, "
                "e.g. ![Diagram](/assets/diagram.png)",
            )
            continue
        path = _site_path(src, rel)
        problem = _image_problem(path, root)
        if problem is None and path is not None and path.lower().endswith(CHECKED_IMAGE_TYPES):
            try:
                prepared = prepare_image(root / path)
            except ImageProblem as error:
                problem = (f"cannot be used: {error.message}", error.hint or _PATH_HINT)
            else:
                images[path] = prepared
                if prepared.removed:
                    collector.warning(
                        image.location,
                        f"image '{src}': removed what could run script or load other files: "
                        + removed_summary(prepared.removed),
                        "the cleaned image is published; ask for a plain SVG export",
                    )
        if problem is not None or path is None:
            message, hint = problem or ("points outside the site", "")
            collector.error(image.location, f"image '{src}' {message}", hint)
            continue
        resolved.append(replace(image, path=path))
    return replace(body, images=tuple(resolved))


def load_campaigns(
    root: Path,
    known_partners: set[str],
    collector: Collector,
    known_channels: Collection[str] = (),
    images: dict[str, PreparedImage] | None = None,
    html: str = "off",
) -> tuple[Campaign, ...]:
    """Read every campaign file; problems go to collector, valid campaigns are returned.

    Channels are checked against known_channels unless it is empty (the program's own
    channels are unknown when partners.yaml is invalid). The safe version of each image
    in copy is added to images; html is the program's raw-HTML setting ("off" or "safe").
    """
    images = images if images is not None else {}
    checker = Checker(collector, root)
    campaigns = []
    slugs: set[str] = set()
    codes: dict[str, Location] = {}
    files = _markdown_files(root, CAMPAIGNS_DIR, collector)
    bodies = _Bodies(files, html)  # workers render Markdown while this loop reads YAML
    try:
        for rel, path in files:
            slug_ = _slug_of(rel, path, collector)
            if slug_ is not None:
                slugs.add(slug_)
            read = _read(rel, path, CAMPAIGN, root, collector)
            if read is None:
                continue
            values, tree, body_text, body_offset = read
            _cross_check(values, tree, known_partners, checker)
            _check_channels(values, tree, known_channels, checker)
            _check_vanity(values, tree, codes, checker)
            _check_placeholders(values, tree, body_text, body_offset, rel, checker)
            made = bodies.get(rel)
            if made is not None and made.text == body_text:
                markdown = made.body
                collector.diagnostics.extend(made.diagnostics)
            else:
                markdown = render_markdown(body_text, rel, body_offset, html, collector)
            body = _resolve_images(markdown, rel, root, collector, images)
            if slug_ is None or not is_valid(values):
                continue
            campaigns.append(_campaign(slug_, rel, values, tree, body))
    finally:
        bodies.close()
    return tuple(_check_after_end(campaigns, slugs, collector))


@dataclass(frozen=True, slots=True)
class _MadeBody:
    """A campaign's Markdown rendered ahead, in a worker process, with what it reported."""

    text: str  # the body it was made from, to check it is the one read now
    body: Body
    diagnostics: list[Diagnostic]


MIN_FILES_PER_WORKER = 150  # below this, starting workers costs more than it saves


class _Bodies:
    """Every file's Markdown, rendered ahead by worker processes while this one reads the
    front matter; taken in file order. Files that cannot be read are left out (the
    caller reads them again and reports the problem in order)."""

    def __init__(self, files: list[tuple[str, Path]], html: str) -> None:
        workers = worker_count(len(files), MIN_FILES_PER_WORKER)
        self._made: dict[str, _MadeBody] = {}
        self._coming: Iterator[list[tuple[str, _MadeBody]]] | None = None
        if workers > 1:
            self._coming = run(partial(_render, html=html), split(files, workers), workers)

    def get(self, rel: str) -> _MadeBody | None:
        """Return the body made from the file rel, waiting for it, or None."""
        while rel not in self._made and self._coming is not None:
            chunk = next(self._coming, None)
            if chunk is None:
                self._coming = None
            else:
                self._made.update(chunk)
        return self._made.pop(rel, None)

    def close(self) -> None:
        """Stop the workers (those still at files nobody asked for)."""
        if isinstance(self._coming, Generator):
            self._coming.close()
        self._coming = None


def _render(chunk: Sequence[tuple[str, Path]], html: str) -> list[tuple[str, _MadeBody]]:
    made = []
    for rel, path in chunk:
        try:
            front = split_front_matter(read_source(path, rel), rel)
        except XpromoError:
            continue
        collector = Collector()
        body = render_markdown(front.body, rel, front.body_line_offset, html, collector)
        made.append((rel, _MadeBody(front.body, body, collector.diagnostics)))
    return made


def _check_vanity(
    values: dict[str, Any], tree: Node, codes: dict[str, Location], checker: Checker
) -> None:
    """Each vanity code names a partner of the campaign and is used once in the program."""
    vanity, node = values["vanity"], tree.get("vanity")
    if not isinstance(vanity, dict) or node is None or node.kind != "mapping":
        return
    members = values["partners"] if isinstance(values["partners"], list) else []
    for partner_id, code in list(vanity.items()):
        key_location = node.key_locations[partner_id]
        if members and partner_id not in members:
            checker.error(
                key_location,
                f"vanity code for '{partner_id}', which is not a partner of this campaign",
                "vanity codes are keyed by the id of a partner listed in 'partners'",
            )
            vanity[partner_id] = INVALID
            continue
        if code is INVALID:
            continue
        where = node.value[partner_id].location
        if code in codes:
            first = codes[code]
            checker.error(
                where,
                f"vanity code '{code}' is already used in {first.path} at line {first.line}",
                "each /go/<code> address leads to one page; choose another code",
            )
            vanity[partner_id] = INVALID
            continue
        codes[code] = where


def _check_after_end(
    campaigns: list[Campaign], slugs: set[str], collector: Collector
) -> list[Campaign]:
    """An after_end slug names another campaign; return the campaigns that pass."""
    kept = []
    for campaign in campaigns:
        after = campaign.after_end
        if after is not None and not after.is_url:
            if after.target == campaign.slug:
                collector.error(
                    after.location,
                    f"'after_end' names this campaign itself ('{after.target}')",
                    "name another campaign, or an https:// address",
                )
                continue
            if after.target not in slugs:
                close = difflib.get_close_matches(after.target, sorted(slugs), 1, 0.6)
                collector.error(
                    after.location,
                    f"'after_end' names no campaign: there is no {CAMPAIGNS_DIR}/{after.target}.md",
                    f"did you mean '{close[0]}'?"
                    if close
                    else "name a campaign by its file name without .md, or write an https:// "
                    "address",
                )
                continue
        kept.append(campaign)
    return kept


def _cross_check(values: dict[str, Any], tree: Node, known: set[str], checker: Checker) -> None:
    partners_node = tree.get("partners")
    if known and partners_node is not None and partners_node.kind == "list":
        listed = values["partners"] if isinstance(values["partners"], list) else []
        for value, node in zip(listed, partners_node.value, strict=False):
            if value is not INVALID and not check_known(value, node.location, known, checker):
                values["partners"] = INVALID
    starts, ends = values["starts"], values["ends"]
    ends_node = tree.get("ends")
    if (
        starts not in (None, INVALID)
        and ends not in (None, INVALID)
        and ends < starts
        and ends_node is not None
    ):
        checker.error(
            ends_node.location,
            f"'ends' ({ends}) is before 'starts' ({starts})",
            "a campaign ends on or after the day it starts",
        )
        values["ends"] = INVALID
    _check_social(values, tree, checker)
    kind = values["type"]
    type_node = tree.get("type")
    for block, types in TYPE_BLOCKS.items():
        block_node = tree.get(block)
        if kind in types and values[block] is None and type_node is not None and block_node is None:
            # the page can go without the block's details: built, and said
            what, hint = _MISSING_BLOCKS[block]
            checker.collector.warning(
                type_node.location,
                f"{_article(kind)} {kind} campaign without an '{block}:' block: {what}",
                hint,
            )
        elif kind is not INVALID and kind not in types and block_node is not None:
            checker.error(
                tree.key_locations[block],
                f"'{block}:' is for {' and '.join(types)} campaigns, not {kind}",
                f"remove it, or change 'type' to {types[0]}",
            )


# What `xpromo new campaign` writes for the copy it cannot know; a published campaign
# that still holds it would show the instructions to the partners' audiences.
PLACEHOLDER_SUMMARY = "One or two sentences for the page's lead and its description."
PLACEHOLDER_COPY = "Write the campaign's copy here, in Markdown."


def _check_placeholders(
    values: dict[str, Any], tree: Node, body: str, body_offset: int, rel: str, checker: Checker
) -> None:
    """Warn where a campaign to be published still holds the scaffold's placeholder copy."""
    if values.get("draft") is not False:
        return
    summary_node = tree.get("summary")
    if values.get("summary") == PLACEHOLDER_SUMMARY and summary_node is not None:
        checker.collector.warning(
            summary_node.location,
            "'summary' is still the placeholder that 'xpromo new campaign' wrote",
            "write the campaign's own one or two sentences: they are the page's lead and "
            "its description in search results and shares",
        )
    for number, line in enumerate(body.splitlines(), body_offset + 1):
        if line.strip().startswith(PLACEHOLDER_COPY):
            checker.collector.warning(
                Location(rel, number, line.index(PLACEHOLDER_COPY) + 1),
                "the copy is still the placeholder that 'xpromo new campaign' wrote",
                "write the campaign's copy in its place, or set 'draft: true' until it is ready",
            )
            break


def _check_channels(
    values: dict[str, Any], tree: Node, known: Collection[str], checker: Checker
) -> None:
    """Report channels the program does not define, with the closest one as the hint."""
    channels_node = tree.get("channels")
    listed = values["channels"]
    if not known or channels_node is None or channels_node.kind != "list":
        return
    if not isinstance(listed, list):
        return
    names = sorted(known)
    for index, (value, node) in enumerate(zip(listed, channels_node.value, strict=False)):
        if value is INVALID or value in known:
            continue
        close = difflib.get_close_matches(value, names, 1, 0.6) or difflib.get_close_matches(
            suggest_slug(value), names, 1, 0.6
        )
        hint = (
            f"did you mean '{close[0]}'?"
            if close
            else "known channels: " + ", ".join(names) + "; define others in "
            "partners.yaml under program.tracking.channels"
        )
        checker.error(node.location, f"unknown channel '{value}'", hint)
        listed[index] = INVALID


def _check_social(values: dict[str, Any], tree: Node, checker: Checker) -> None:
    channels = values["channels"]
    if values["social"] is None or not isinstance(channels, list) or "social" in channels:
        return
    checker.error(
        tree.key_locations["social"],
        "'social' lists networks to post on, but 'channels' has no social channel",
        f"add social to channels: [{', '.join([*map(str, channels), 'social'])}]",
    )
    values["social"] = INVALID


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


_MISSING_BLOCKS = {
    "event": (
        "its page shows the campaign's dates but no time or place, and it has no calendar file",
        'add event: {start: "2026-12-10 17:00", timezone: Europe/Berlin} to show when and '
        "where, and to give every partner a calendar file",
    ),
    "offer": (
        "its page has no price box",
        'add offer: {price: "$99 a month"} to show the price (and was:, includes:, code:)',
    ),
    "referral": (
        "its page names no reward",
        'add referral: {reward: "Your first month free"} to say what the referred team gets',
    ),
}


def _campaign(slug_: str, rel: str, values: dict[str, Any], tree: Node, body: Any) -> Campaign:
    cta_node = tree.get("cta")
    url_node = cta_node.get("url") if cta_node is not None else None
    channels_node = tree.get("channels")
    event = values["event"]
    offer = values["offer"]
    referral = values["referral"]
    return Campaign(
        slug=slug_,
        title=values["title"],
        type=values["type"],
        partners=tuple(values["partners"]),
        summary=values["summary"],
        starts=values["starts"],
        ends=values["ends"],
        cta=Cta(
            values["cta"]["label"],
            values["cta"]["url"],
            url_node.location if url_node else Location(rel),
        ),
        channels=tuple(values["channels"]),
        channel_locations=tuple(n.location for n in channels_node.value)
        if channels_node is not None and channels_node.kind == "list"
        else (),
        social=_networks(values),
        draft=values["draft"],
        event=Event(event["start"], event["timezone"], event["end"], event["venue"])
        if event
        else None,
        offer=Offer(
            offer["price"],
            offer["was"],
            tuple(offer["includes"] or ()),
            offer["code"],
            offer["terms"],
        )
        if offer
        else None,
        referral=Referral(referral["reward"], referral["terms"]) if referral else None,
        after_end=AfterEnd(values["after_end"], _where(tree, "after_end", rel))
        if values["after_end"]
        else None,
        affiliate=values["affiliate"],
        form=LeadForm(
            values["form"]["endpoint"],
            _where(tree, "form", rel),
            values["form"]["heading"],
            values["form"]["submit"],
        )
        if values["form"]
        else None,
        vanity=tuple((values["vanity"] or {}).items()),
        lockup=values["lockup"] or {},
        extra=values["extra"] or {},
        body=body,
        source=rel,
    )


def _where(tree: Node, key: str, rel: str) -> Location:
    node = tree.get(key)
    return node.location if node is not None else Location(rel)


def _networks(values: dict[str, Any]) -> tuple[str, ...]:
    if "social" not in values["channels"]:
        return ()
    return tuple(values["social"] or DEFAULT_NETWORKS)


def load_pages(
    root: Path,
    collector: Collector,
    images: dict[str, PreparedImage] | None = None,
    html: str = "off",
) -> tuple[Page, ...]:
    """Read every plain page; problems go to collector, valid pages are returned.

    images and html as for load_campaigns.
    """
    images = images if images is not None else {}
    pages = []
    for rel, path in _markdown_files(root, PAGES_DIR, collector):
        slug_ = _slug_of(rel, path, collector)
        read = _read(rel, path, PAGE, root, collector)
        if read is None or slug_ is None or not is_valid(read[0]):
            continue
        values, _tree, body_text, body_offset = read
        pages.append(
            Page(
                slug=slug_,
                title=values["title"],
                description=values["description"],
                draft=values["draft"],
                extra=values["extra"] or {},
                body=_resolve_images(
                    render_markdown(body_text, rel, body_offset, html, collector),
                    rel,
                    root,
                    collector,
                    images,
                ),
                source=rel,
            )
        )
    return tuple(pages)


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
        "event": "when and where (webinars and events)",
        "offer": "the offer (bundles and offers)",
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
