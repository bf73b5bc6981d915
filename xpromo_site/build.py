"""Orchestration: load → validate → assemble → render → publish, each phase timed.

`check` runs the same pipeline, rendering included, and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .content import load_campaigns, load_pages
from .errors import Collector, Diagnostic, Location, XpromoError
from .images import PreparedImage
from .links import PartnerHosts
from .models import Campaign, Page, Partner, Program
from .output import publish
from .partners import Roster, load_program
from .render import OutputFile, render_site
from .site import Site, assemble
from .themes import load_theme


@dataclass(frozen=True)
class Inputs:
    program: Program
    partners: tuple[Partner, ...]
    campaigns: tuple[Campaign, ...]
    pages: tuple[Page, ...]
    warnings: tuple[Diagnostic, ...]
    images: dict[str, PreparedImage]  # site path → safe version, of logos and copy images


@dataclass
class BuildReport:
    """What a build or check did: the site, the files, warnings and phase times."""

    site: Site
    files: list[OutputFile]
    warnings: tuple[Diagnostic, ...]
    timings: dict[str, float] = field(default_factory=dict)
    written: int = 0

    @property
    def pages(self) -> int:
        return sum(1 for f in self.files if f.path.endswith(".html"))


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
    images = dict(roster.logos)
    html = roster.program.html if roster.program is not None else "off"
    campaigns = load_campaigns(root, set(roster.known_ids), collector, images, html)
    pages = load_pages(root, collector, images, html)
    _check_slugs(campaigns, pages, collector)
    _check_links(roster.partners, campaigns, collector)
    if strict and collector.warnings:
        collector.diagnostics = [
            Diagnostic(d.location, d.message, d.hint) for d in collector.diagnostics
        ]
    collector.raise_if_errors()
    assert roster.program is not None  # no errors means the program is valid
    return Inputs(
        roster.program, roster.partners, campaigns, pages, tuple(collector.warnings), images
    )


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
    root: Path, today: dt.date, strict: bool, timings: dict[str, float]
) -> tuple[Site, list[OutputFile], Inputs]:
    with _timed(timings, "load"):
        inputs = load_inputs(root, strict)
    with _timed(timings, "assemble"):
        site = assemble(inputs.program, inputs.partners, inputs.campaigns, inputs.pages, today)
    with _timed(timings, "render"):
        theme = load_theme(root, inputs.program.theme)
        assets: dict[str, PreparedImage] = {}
        used = [p for partner in inputs.partners for p in (partner.logo, partner.logo_on_dark)]
        bodies = [item.campaign.body for item in site.published] + [p.body for p in site.pages]
        for body in bodies:
            used.extend(image.path for image in body.images)
        for path in used:
            if path and path not in assets:
                # GIF and AVIF in copy are not read by xpromo: published as they are
                assets[path] = inputs.images.get(path) or PreparedImage(
                    (root / path).read_bytes(), 0, 0
                )
        files = render_site(site, theme, assets)
    return site, files, inputs


def check(root: Path, today: dt.date, strict: bool = False) -> BuildReport:
    """Validate and render the program under root without writing anything.

    Raises XpromoError for bad input.
    """
    timings: dict[str, float] = {}
    site, files, inputs = _render(root, today, strict, timings)
    return BuildReport(site, files, inputs.warnings, timings)


def build(root: Path, output: Path, today: dt.date, strict: bool = False) -> BuildReport:
    """Build the program under root into output; the old output stays if anything fails.

    Raises XpromoError for bad input.
    """
    timings: dict[str, float] = {}
    site, files, inputs = _render(root, today, strict, timings)
    with _timed(timings, "write"):
        written = publish(files, output)
    return BuildReport(site, files, inputs.warnings, timings, written)
