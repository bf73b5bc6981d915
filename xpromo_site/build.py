"""Orchestration: load → validate → assemble → images → render → publish, each phase timed.

`check` runs the same pipeline, rendering included, and writes nothing (it reads
the image cache but never adds to it).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .content import load_campaigns, load_pages
from .enablement import qr_requests
from .errors import Collector, Diagnostic, Location, XpromoError
from .imagecache import CACHE_DIR, ImageCache, ImageStats
from .links import PartnerHosts
from .models import Campaign, Page, Partner, Program
from .output import publish
from .partners import Roster, load_program
from .render import OutputFile, plan_share_images, render_site
from .site import Site, assemble
from .themes import load_theme


@dataclass(frozen=True)
class Inputs:
    program: Program
    partners: tuple[Partner, ...]
    campaigns: tuple[Campaign, ...]
    pages: tuple[Page, ...]
    warnings: tuple[Diagnostic, ...]


@dataclass
class BuildReport:
    """What a build or check did: the site, the files, warnings and phase times."""

    site: Site
    files: list[OutputFile]
    warnings: tuple[Diagnostic, ...]
    timings: dict[str, float] = field(default_factory=dict)
    written: int = 0
    images: ImageStats = field(default_factory=ImageStats)

    @property
    def pages(self) -> int:
        return sum(1 for f in self.files if f.path.rpartition("/")[2] in ("index.html", "404.html"))


@contextmanager
def _timed(timings: dict[str, float], phase: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[phase] = time.perf_counter() - start


def load_inputs(root: Path, strict: bool = False) -> Inputs:
    """Read and validate the whole program under root.

    Returns valid Inputs; raises XpromoError listing every problem found (warnings
    too, when strict).
    """
    collector = Collector()
    try:
        roster = load_program(root, collector)
    except XpromoError as error:  # partners.yaml unreadable: campaigns can still be checked
        collector.diagnostics.extend(error.diagnostics)
        roster = Roster(None, (), frozenset())
    campaigns = load_campaigns(root, set(roster.known_ids), collector)
    pages = load_pages(root, collector)
    _check_slugs(campaigns, pages, collector)
    _check_links(roster.partners, campaigns, collector)
    if strict and collector.warnings:
        collector.diagnostics = [
            Diagnostic(d.location, d.message, d.hint) for d in collector.diagnostics
        ]
    collector.raise_if_errors()
    assert roster.program is not None  # no errors means the program is valid
    return Inputs(roster.program, roster.partners, campaigns, pages, tuple(collector.warnings))


def _check_slugs(
    campaigns: tuple[Campaign, ...], pages: tuple[Page, ...], collector: Collector
) -> None:
    slugs = {c.slug: c.source for c in campaigns}
    for page in pages:
        if page.slug in slugs:
            collector.error(
                Location(page.source),
                f"page '{page.slug}' has the same URL as the campaign in {slugs[page.slug]}",
                "rename one of the files",
            )


def _check_links(
    partners: tuple[Partner, ...], campaigns: tuple[Campaign, ...], collector: Collector
) -> None:
    hosts = PartnerHosts(partners)
    for campaign in campaigns:
        if hosts.partner_for(campaign.cta.url) is None:
            collector.warning(
                campaign.cta.location,
                "'cta.url' leads outside the program's partner websites, so it is not tracked",
                "point the call to action at a partner's website, or add that "
                "site's owner to partners.yaml",
            )


def _render(
    root: Path, today: dt.date, strict: bool, timings: dict[str, float], cache: ImageCache
) -> tuple[Site, list[OutputFile], Inputs, ImageStats]:
    with _timed(timings, "load"):
        inputs = load_inputs(root, strict)
    with _timed(timings, "assemble"):
        site = assemble(inputs.program, inputs.partners, inputs.campaigns, inputs.pages, today)
    with _timed(timings, "images"):
        assets = {}
        used = [p for partner in inputs.partners for p in (partner.logo, partner.logo_on_dark)]
        bodies = [item.campaign.body for item in site.published] + [p.body for p in site.pages]
        for body in bodies:
            used.extend(image.path for image in body.images)
        for path in used:
            if path and path not in assets:
                assets[path] = (root / path).read_bytes()
        images, qr_codes, stats = cache.process(plan_share_images(site, assets), qr_requests(site))
    with _timed(timings, "render"):
        theme = load_theme(root, inputs.program.theme)
        files = render_site(site, theme, assets, images, qr_codes)
    return site, files, inputs, stats


def check(
    root: Path, today: dt.date, strict: bool = False, cache: Path | None = None
) -> BuildReport:
    """Validate and render the program under root without writing anything.

    Share images come from the cache folder (default: .xpromo-cache/ under root) when
    they are there and are drawn in memory otherwise. Raises XpromoError for bad input.
    """
    timings: dict[str, float] = {}
    images = ImageCache(cache or root / CACHE_DIR, writable=False)
    site, files, inputs, stats = _render(root, today, strict, timings, images)
    return BuildReport(site, files, inputs.warnings, timings, images=stats)


def build(
    root: Path, output: Path, today: dt.date, strict: bool = False, cache: Path | None = None
) -> BuildReport:
    """Build the program under root into output; the old output stays if anything fails.

    Share images drawn are kept in the cache folder (default: .xpromo-cache/ under
    root), so the next build reuses every image whose inputs did not change. Raises
    XpromoError for bad input.
    """
    timings: dict[str, float] = {}
    images = ImageCache(cache or root / CACHE_DIR)
    site, files, inputs, stats = _render(root, today, strict, timings, images)
    with _timed(timings, "write"):
        written = publish(files, output)
    return BuildReport(site, files, inputs.warnings, timings, written, stats)
