"""Load and validate: the whole program read, every problem collected, then one failure.

load_inputs reads partners.yaml, the campaigns and pages and the images they name, checks
them against each other (slugs, links, forms, tracking names) and returns Inputs, or
raises XpromoError with every problem found."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .content import load_campaigns, load_pages
from .errors import (
    Collector,
    Diagnostic,
    Location,
    XpromoError,
)
from .images import PreparedImage
from .links import PartnerHosts
from .models import Campaign, Page, Partner, Program
from .naming import lint_tracking
from .partners import Roster, load_program


@dataclass(frozen=True)
class Inputs:
    program: Program
    partners: tuple[Partner, ...]
    campaigns: tuple[Campaign, ...]
    pages: tuple[Page, ...]
    warnings: tuple[Diagnostic, ...]
    images: dict[str, PreparedImage]  # site path → safe version, of logos and copy images


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
    channels = [c.name for c in roster.program.tracking.channels] if roster.program else []
    images = dict(roster.logos)
    html = roster.program.html if roster.program is not None else "off"
    campaigns = load_campaigns(root, set(roster.known_ids), collector, channels, images, html)
    pages = load_pages(root, collector, images, html)
    _check_slugs(campaigns, pages, collector)
    if roster.program is not None and len(roster.partners) == len(roster.known_ids):
        # with a partner left out by its errors, its links would look foreign
        _check_links(roster.program, roster.partners, campaigns, collector)
    if roster.program is not None:
        lint_tracking(roster.program, roster.partners, campaigns, collector)
    _check_forms(roster.partners, campaigns, collector)
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
    program: Program | None,
    partners: tuple[Partner, ...],
    campaigns: tuple[Campaign, ...],
    collector: Collector,
) -> None:
    hosts = PartnerHosts(partners, program.base_url if program else None)
    for campaign in campaigns:
        if hosts.is_internal(campaign.cta.url):
            collector.warning(
                campaign.cta.location,
                "'cta.url' is a page of this site, so it is not tracked",
                "point the call to action at the partner's page where visitors act",
            )
        elif hosts.partner_for(campaign.cta.url) is None:
            collector.warning(
                campaign.cta.location,
                "'cta.url' leads outside the program's partner websites, so it is not tracked",
                "point the call to action at a partner's website, or add that "
                "site's owner to partners.yaml",
            )


def _check_forms(
    partners: tuple[Partner, ...], campaigns: tuple[Campaign, ...], collector: Collector
) -> None:
    """A lead form shares sign-ups with every partner: each needs a privacy policy."""
    by_id = {p.id: p for p in partners}
    for campaign in campaigns:
        if campaign.form is None:
            continue
        missing = [pid for pid in campaign.partners if pid in by_id and by_id[pid].privacy is None]
        if missing:
            names = ", ".join(missing)
            collector.error(
                campaign.form.location,
                f"'form' sends sign-ups to {names}, which {'has' if len(missing) == 1 else 'have'}"
                " no 'privacy' address in partners.yaml",
                "add privacy: https://... (the partner's privacy policy) to "
                + ("that partner" if len(missing) == 1 else "those partners")
                + ", so the form can link to it",
            )
