"""WCAG colour arithmetic, with property tests."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from xpromo_site.colors import contrast_ratio, hex_to_rgb, is_dark, relative_luminance

hex_colors = st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06X}")


def test_known_ratios() -> None:
    assert contrast_ratio("#000000", "#FFFFFF") == 21.0
    assert contrast_ratio("#FFF", "#FFFFFF") == 1.0
    # WebAIM's checker: #0B5FFF on white is 5.13:1; #777777 on white 4.48:1 (fails AA)
    assert round(contrast_ratio("#0B5FFF", "#FFFFFF"), 2) == 5.13
    assert 4.47 < contrast_ratio("#777777", "#FFFFFF") < 4.5


def test_short_hex_expands() -> None:
    assert hex_to_rgb("#0af") == (0, 170, 255)


@given(hex_colors, hex_colors)
def test_ratio_is_symmetric_and_bounded(first: str, second: str) -> None:
    ratio = contrast_ratio(first, second)
    assert ratio == contrast_ratio(second, first)
    assert 1.0 <= ratio <= 21.0


@given(hex_colors)
def test_luminance_is_within_zero_and_one(color: str) -> None:
    assert 0.0 <= relative_luminance(color) <= 1.0


@given(hex_colors)
def test_dark_colours_favour_white_text(color: str) -> None:
    white, black = contrast_ratio(color, "#FFFFFF"), contrast_ratio(color, "#000000")
    assert is_dark(color) == (white > black)
    assert max(white, black) >= 4.58  # some text colour always reads on any background
