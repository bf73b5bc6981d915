"""Logo sizes and brand colours as the stylesheet and templates use them: every
partner's logo at each place, each page's hero lockup, the brand rules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..images import PreparedImage
from ..lockup import BOXES, Fit, Shape, fit_logos, weights
from ..models import Partner
from ..site import Published, Site, Variant

SiteFits = dict[tuple[str, str, str], Fit]  # (partner id, "logo" or "own_band", size) → fit
LockupFits = list[tuple[Partner, bool, Fit]]  # each partner, whether on its own band, its fit


def brand_css(partners: Iterable[Partner]) -> str:
    """Return one rule per partner setting its colours as custom properties."""
    rules = []
    for p in partners:
        c = p.colors
        button = f";--brand-button:{c.button}" if c.button and c.button != c.primary else ""
        rules.append(
            f".brand-{p.id}{{--brand-primary:{c.primary};--brand-on-primary:{c.on_primary};"
            f"--brand-text:{c.text};--brand-background:{c.background};"
            f"--brand-accent:{c.accent or c.primary};--brand-link:{c.link or c.text}{button}}}"
        )
        if needs_plate(p):
            rules.append(f".logo--chip.{plate_class(p)}{{background:{c.background}}}")
    return "\n".join(rules) + "\n"


def needs_plate(partner: Partner) -> bool:
    """True when the partner's own dark band has no logo made for it: it gets a plate."""
    return partner.colors.band_is_dark and not partner.logo_on_dark


def plate_class(partner: Partner) -> str:
    """The class of the plate behind the partner's logo on its own band."""
    return f"logo-plate-{partner.id}"


def own_band_logo(partner: Partner) -> str:
    """The logo drawn on the partner's own primary: the dark-background one on a dark band."""
    if partner.colors.band_is_dark and partner.logo_on_dark:
        return partner.logo_on_dark
    return partner.logo


def fit_view(fit: Fit) -> dict[str, Any]:
    return {"class": fit.css_class, "width": fit.width, "height": fit.height}


def _shape(
    assets: Mapping[str, PreparedImage], partner: Partner, path: str, weight: float = 1.0
) -> Shape:
    image = assets[path]
    return Shape(
        image.width, image.height, weight, partner.logo_min_width, partner.logo_clear_space
    )


def site_fits(site: Site, assets: Mapping[str, PreparedImage]) -> SiteFits:
    """Every partner's logos at each place, the same visible area for all partners.

    Keys are (partner id, "logo" or "own_band", size).
    """
    drawn = [
        (partner, kind, path)
        for partner in site.partners
        for kind, path in (("logo", partner.logo), ("own_band", own_band_logo(partner)))
    ]
    fits = {}
    for size, box in BOXES.items():
        sized = fit_logos([_shape(assets, p, path) for p, _, path in drawn], box)
        for (partner, kind, _path), fit in zip(drawn, sized, strict=True):
            fits[(partner.id, kind, size)] = fit
    return fits


def lockup_fits(
    site: Site, assets: Mapping[str, PreparedImage], item: Published, variant: Variant
) -> LockupFits:
    """The hero lockup of a page: each partner, whether on its own band, and its size.

    The lead comes first, on its own band; the host (who leads the canonical page)
    weighs as the campaign's lockup mode says.
    """
    lockup = site.program.lockup.merged(item.campaign.lockup)
    members = [variant.lead, *(p for p in item.partners if p.id != variant.lead.id)]
    host = item.canonical.lead.id
    weight = weights(lockup.mode, [p.id == host for p in members], lockup.max_ratio)
    shapes = [
        _shape(assets, p, own_band_logo(p) if i == 0 else p.logo, weight[i])
        for i, p in enumerate(members)
    ]
    fits = fit_logos(shapes, BOXES["lg"], lockup.max_ratio)
    return [(p, i == 0, fit) for i, (p, fit) in enumerate(zip(members, fits, strict=True))]


def logo_css(fits: SiteFits, lockups: Mapping[str, LockupFits]) -> str:
    """The rules of every logo size in use, sorted."""
    used = {*fits.values()} | {fit for page in lockups.values() for _, _, fit in page}
    return "\n".join(sorted(fit.css_rule() for fit in used)) + "\n"
