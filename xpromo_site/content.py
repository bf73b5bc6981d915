"""content/campaigns/*.md and content/pages/*.md → Campaigns and Pages."""

from __future__ import annotations

import re
from collections.abc import Collection, Generator, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from .copyimages import resolve_images
from .crosschecks import (
    check_after_end,
    check_channels,
    check_placeholders,
    check_vanity,
    cross_check,
)
from .errors import Collector, Diagnostic, Location, XpromoError
from .frontmatter import (
    CAMPAIGN,
    CAMPAIGNS_DIR,
    PAGE,
    PAGES_DIR,
    RESERVED_SLUGS,
)
from .images import PreparedImage
from .kit import DEFAULT_NETWORKS
from .limits import MAX_SLUG_CHARACTERS
from .markdown import render_markdown
from .models import (
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
from .source.files import read_source, split_front_matter
from .source.schema import (
    INVALID,
    SLUG_RE,
    Checker,
    Struct,
    is_valid,
    suggest_slug,
)
from .source.yamlsource import Node, load_yaml
from .workers import run, split, worker_count


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
            cross_check(values, tree, known_partners, checker)
            check_channels(values, tree, known_channels, checker)
            check_vanity(values, tree, codes, checker)
            check_placeholders(values, tree, body_text, body_offset, rel, checker)
            made = bodies.get(rel)
            if made is not None and made.text == body_text:
                markdown = made.body
                collector.diagnostics.extend(made.diagnostics)
            else:
                markdown = render_markdown(body_text, rel, body_offset, html, collector)
            body = resolve_images(markdown, rel, root, collector, images)
            if slug_ is None or not is_valid(values):
                continue
            campaigns.append(_campaign(slug_, rel, values, tree, body))
    finally:
        bodies.close()
    return tuple(check_after_end(campaigns, slugs, collector))


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
                body=resolve_images(
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
