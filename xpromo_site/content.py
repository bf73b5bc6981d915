"""content/campaigns/*.md and content/pages/*.md → Campaigns and Pages."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from .errors import Collector, Location, XpromoError
from .images import ImageProblem, PreparedImage, prepare_image, removed_summary
from .limits import MAX_RASTER_BYTES, size_problem
from .markdown import render_markdown
from .models import CAMPAIGN_TYPES, Body, Campaign, Cta, Event, Offer, Page, Referral
from .schema import (
    INVALID,
    SLUG_RE,
    Anything,
    Boolean,
    Checker,
    Date,
    DateTime,
    Field,
    ListOf,
    LockupSpec,
    OneOf,
    Struct,
    Text,
    TimeZone,
    Token,
    Url,
    check_known,
    is_valid,
    suggest_slug,
)
from .tracking import is_trackable
from .yamlsource import Node, load_yaml, read_source, split_front_matter

CAMPAIGNS_DIR = "content/campaigns"
PAGES_DIR = "content/pages"
RESERVED_SLUGS = frozenset({"partners", "static", "assets", "404", "index", "sitemap", "robots"})
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

CTA = Struct(
    {
        "label": Field(Text(max_length=60), required=True, doc="the button text"),
        "url": Field(Url(), required=True, doc="where the button goes; tracked"),
    },
    "cta",
    example='write it as cta: {label: "Save my seat", url: "https://partner.example/signup"}',
)

CAMPAIGN = Struct(
    {
        "title": Field(Text(max_length=200), required=True),
        "type": Field(OneOf(CAMPAIGN_TYPES), required=True),
        "partners": Field(ListOf(Text(max_length=64), min_items=2, unique=True), required=True),
        "summary": Field(Text(max_length=500)),
        "starts": Field(Date()),
        "ends": Field(Date()),
        "cta": Field(CTA, required=True),
        "channels": Field(ListOf(Token(), min_items=1, unique=True), default=["web"]),
        "draft": Field(Boolean(), default=False),
        "event": Field(EVENT),
        "offer": Field(OFFER),
        "referral": Field(REFERRAL),
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
        if is_trackable(src) or src.startswith("//") or ":" in src.split("/")[0]:
            host = urlsplit(src).hostname or src
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
    images: dict[str, PreparedImage] | None = None,
    html: str = "off",
) -> tuple[Campaign, ...]:
    """Read every campaign file; problems go to collector, valid campaigns are returned.

    The safe version of each image in copy is added to images; html is the program's
    raw-HTML setting ("off" or "safe").
    """
    images = images if images is not None else {}
    checker = Checker(collector, root)
    campaigns = []
    for rel, path in _markdown_files(root, CAMPAIGNS_DIR, collector):
        slug_ = _slug_of(rel, path, collector)
        read = _read(rel, path, CAMPAIGN, root, collector)
        if read is None:
            continue
        values, tree, body_text, body_offset = read
        _cross_check(values, tree, known_partners, checker)
        markdown = render_markdown(body_text, rel, body_offset, html, collector)
        body = _resolve_images(markdown, rel, root, collector, images)
        if slug_ is None or not is_valid(values):
            continue
        campaigns.append(_campaign(slug_, rel, values, tree, body))
    return tuple(campaigns)


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
    kind = values["type"]
    type_node = tree.get("type")
    for block, types in TYPE_BLOCKS.items():
        block_node = tree.get(block)
        if kind in types and values[block] is None and type_node is not None and block_node is None:
            checker.error(
                type_node.location,
                f"a {kind} campaign needs an '{block}:' block",
                _BLOCK_HINTS[block],
            )
            values[block] = INVALID
        elif kind is not INVALID and kind not in types and block_node is not None:
            checker.error(
                tree.key_locations[block],
                f"'{block}:' is for {' and '.join(types)} campaigns, not {kind}",
                f"remove it, or change 'type' to {types[0]}",
            )


_BLOCK_HINTS = {
    "event": 'add event: {start: "2026-12-10 17:00", timezone: Europe/Berlin}',
    "offer": 'add offer: {price: "$99 a month"}',
    "referral": 'add referral: {reward: "Your first month free"}',
}


def _campaign(slug_: str, rel: str, values: dict[str, Any], tree: Node, body: Any) -> Campaign:
    cta_node = tree.get("cta")
    url_node = cta_node.get("url") if cta_node is not None else None
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
        lockup=values["lockup"] or {},
        extra=values["extra"] or {},
        body=body,
        source=rel,
    )


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
