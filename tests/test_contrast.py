"""The colour pairs the theme draws: derived from its stylesheet, each checked exactly."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from xpromo_site.colors import contrast_ratio
from xpromo_site.contrast import PAIRS, check_pairs, settle
from xpromo_site.themes import BUILTIN_THEME

CSS = (BUILTIN_THEME / "static" / "xpromo.css").read_text()
hex_colors = st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06X}")
GOOD = {
    "primary": "#0B5FFF",
    "on_primary": "#FFFFFF",
    "text": "#1A1A1A",
    "background": "#FFFFFF",
    "accent": "#D97706",
    "link": "#0B5FFF",
}


def _role(variable: str) -> str:
    return variable.removeprefix("--brand-").replace("-", "_")


def _rules() -> list[tuple[str, str]]:
    """Every rule of the stylesheet outside @media print: (selector, declarations)."""
    screen = CSS.split("@media print")[0]
    return re.findall(r"([^{}]+)\{([^{}]*)\}", screen)


def test_every_foreground_on_background_in_the_stylesheet_is_a_checked_pair() -> None:
    pairs = {frozenset((p.foreground, p.background)) for p in PAIRS}
    drawn = set()
    for selector, body in _rules():
        fore = re.search(r"(?<![-\w])color:\s*var\((--brand-[\w-]+)\)", body)
        back = re.search(r"background:\s*var\((--brand-[\w-]+)\)", body)
        if fore and back:
            drawn.add(frozenset((_role(fore[1]), _role(back[1]))))
            assert drawn <= pairs, f"{selector.strip()} draws a pair xpromo does not check"
    # body text, the skip link, the band and both buttons
    assert {frozenset(("text", "background")), frozenset(("on_primary", "primary"))} <= drawn


def test_every_brand_colour_the_stylesheet_uses_is_in_a_pair() -> None:
    used = {_role(v) for v in re.findall(r"var\((--brand-[\w-]+)[,)]", CSS)}
    in_pairs = {role for p in PAIRS for role in (p.foreground, p.background)}
    assert "button" in used and "accent" in used
    assert used - {"accent"} <= in_pairs  # the accent draws decorative rules only


def test_a_pale_accent_needs_no_contrast() -> None:
    """WCAG 2.2 SC 1.4.11 exempts decoration: a yellow accent on white is the brand's."""
    assert check_pairs({**GOOD, "accent": "#F2C14E"}) == []
    assert settle({**GOOD, "accent": "#F2C14E"}).drawn["accent"] == "#F2C14E"


def test_good_colours_pass() -> None:
    assert check_pairs(GOOD) == []


def test_missing_optional_roles_are_skipped() -> None:
    colors = {k: v for k, v in GOOD.items() if k not in ("accent", "link")}
    assert check_pairs(colors) == []


def test_a_failure_names_keys_colours_exact_ratio_and_the_nearest_passing_colour() -> None:
    (failure,) = check_pairs({**GOOD, "text": "#777777"})
    assert failure.message() == (
        "'colors.text' #777777 on 'colors.background' #FFFFFF has a contrast of 4.47:1; "
        "text needs at least 4.5:1 (the theme draws page text, links and focus rings "
        "with this pair)"
    )
    assert failure.hint() == "the nearest text of the same hue that passes is #767676 (4.54:1)"
    named = failure.message({"text": "'colors.text' (token color.ink)"})
    assert named.startswith("'colors.text' (token color.ink) #777777 on 'colors.background'")


def test_the_button_fill_must_stand_out_from_the_page() -> None:
    colors = {**GOOD, "primary": "#F97316", "on_primary": "#1F1235", "background": "#FFFBF5"}
    colors.update(text="#1F1235", link=None, accent=None)
    (failure,) = check_pairs(colors)
    assert (failure.pair.foreground, failure.pair.background) == ("button", "background")
    assert failure.suggestion is not None
    # the suggested button also keeps its label readable
    assert contrast_ratio(failure.suggestion, "#1F1235") >= 4.5
    assert contrast_ratio(failure.suggestion, "#FFFBF5") >= 3.0
    settled = settle(colors)
    assert settled.drawn["primary"] == "#F97316"  # the band keeps the brand's orange
    assert settled.drawn["button"] == failure.suggestion
    assert [a.role for a in settled.adjustments] == ["button"]
    assert settled.unsettled == ()


@given(hex_colors, hex_colors, hex_colors, hex_colors)
@settings(max_examples=60, deadline=None)
def test_settled_colours_pass_every_pair_they_can(
    primary: str, on_primary: str, text: str, background: str
) -> None:
    colors = {"primary": primary, "on_primary": on_primary, "text": text, "background": background}
    settled = settle(colors)
    assert settle(colors) == settled  # deterministic
    assert check_pairs(settled.drawn) == list(settled.unsettled)
    changed = {role for role in colors if settled.drawn[role] != colors[role]}
    assert changed <= {a.role for a in settled.adjustments}
    assert settled.drawn["primary"] == primary  # bands keep the brand colour
    assert settled.drawn["background"] == background  # only foregrounds move
    if not settled.unsettled:
        for adjustment in settled.adjustments:
            assert adjustment.ratio >= adjustment.failure.pair.minimum


@given(hex_colors, hex_colors, hex_colors, hex_colors)
@settings(max_examples=30, deadline=None)
def test_every_suggestion_passes_its_pair(
    primary: str, on_primary: str, text: str, background: str
) -> None:
    colors = {"primary": primary, "on_primary": on_primary, "text": text, "background": background}
    for failure in check_pairs(colors):
        assert failure.ratio < failure.pair.minimum
        if failure.suggestion is not None:
            assert contrast_ratio(failure.suggestion, failure.background) >= failure.pair.minimum
